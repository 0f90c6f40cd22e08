/**
 * One embedded stack (every service, the worker included, in one broker: test/e2e/security/support.ts)
 * for a whole test file, with a signed-up tagger user: started before the file's tests, stopped after
 * them together with the process-wide PDF and compute thread pools the jobs started.
 */
import { closeComputePool } from "../../sdk/compute/pool";
import { pdfPool } from "../../sdk/pdf/pool";
import { signUp } from "../e2e/runtime/support";
import { startEmbedded, type Embedded } from "../e2e/security/support";

export interface EmbeddedSuite {
  e: Embedded;
  /** A tagger user's bearer token. */
  token: string;
}

/** Registers the file's beforeAll and afterAll; `ready` gets the stack once it runs. */
export function embeddedSuite(ready: (s: EmbeddedSuite) => void): void {
  let e: Embedded | undefined;
  beforeAll(async () => {
    e = await startEmbedded();
    ready({ e, token: (await signUp(e.stack.baseUrl)).token });
  });
  afterAll(async () => {
    await e?.stack.stop();
    await pdfPool.close();
    await closeComputePool();
  });
}
