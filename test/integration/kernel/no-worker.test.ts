/**
 * A job for a processor while no worker is known at all is our outage (a core that has just started and
 * not yet heard the workers, or every worker down), not the caller's mistake: 503, so a batch gives its
 * row back and retries. chaos.e2e saw ten batch documents fail for good with "Unknown processor" when
 * jobs.create answered 400 there. A processor no running worker hosts stays a 400 naming the known ones.
 */
import { startStack, type Stack } from "../../support/stack";

let bare: Stack;
let hosted: Stack;

beforeAll(async () => {
  [bare, hosted] = await Promise.all([startStack({ services: ["jobs"] }), startStack({ services: ["jobs", "storage", "worker"] })]);
});

afterAll(async () => {
  await Promise.all([bare?.stop(), hosted?.stop()]);
});

type Rejection = { type?: string; code?: number; message?: string; data?: unknown };
const reject = (p: Promise<unknown>) => p.then(() => ({}) as Rejection, (e: Rejection) => ({ type: e.type, code: e.code, message: e.message, data: e.data }));

it("answers 503 SERVICE_UNAVAILABLE while no worker is running", async () => {
  const e = await reject(bare.broker.call("jobs.create", { processor: "tagging", inputFileId: "f1", owner: "u1" }));
  expect(e).toMatchObject({ type: "SERVICE_UNAVAILABLE", code: 503 });
  expect(e.message).toMatch(/No worker is running/);
});

it("answers 400 naming the known processors for one no running worker hosts", async () => {
  for (let i = 0; i < 100; i++) {
    const plugins = await hosted.broker.call<Array<{ id: string }>>("jobs.plugins");
    if (plugins.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const e = await reject(hosted.broker.call("jobs.create", { processor: "no-such-processor", inputFileId: "f1", owner: "u1" }));
  expect(e).toMatchObject({ type: "VALIDATION_ERROR" });
  expect(JSON.stringify(e.data)).toMatch(/Unknown processor \\"no-such-processor\\"\. Available: .*redaction/);
});
