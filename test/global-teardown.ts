/** jest globalTeardown: stops what test/global-setup.ts started, and only that. */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { SETUP_STATE_KEY, type SetupState } from "./global-setup";

const run = promisify(execFile);

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  const state = globals[SETUP_STATE_KEY] as SetupState | undefined;
  if (!state) return;
  delete globals[SETUP_STATE_KEY];

  const root = resolve(__dirname, "..");
  try {
    if (state.infraDir) {
      await run("bash", [join(root, "scripts/infra.sh"), "down", "--data-dir", state.infraDir], { cwd: root, timeout: 60_000 });
      // Unset so a watch-mode rerun starts fresh servers instead of using stopped ones.
      delete process.env.MONGO_URL;
      delete process.env.NATS_URL;
      delete process.env.DOCMILL_TEST_INFRA_DIR;
    }
  } finally {
    delete process.env.DOCMILL_TEST_TMP_DIR;
    await rm(state.scratchDir, { recursive: true, force: true });
  }
}
