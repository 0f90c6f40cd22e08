/**
 * jest globalSetup: gives the test run a MongoDB-protocol server and NATS with JetStream, and a
 * scratch directory (DOCMILL_TEST_TMP_DIR) that global teardown removes.
 * An existing MONGO_URL + NATS_URL (CI services, a developer's `scripts/infra.sh up`) is used as is;
 * otherwise a private, in-memory pair is started on free ports. Workers inherit process.env, so
 * tests read the URLs from there (see test/support/infra.ts).
 */
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What this setup created, so teardown never stops or deletes someone else's. */
export const SETUP_STATE_KEY = "__docmillTestSetup";
export interface SetupState {
  scratchDir: string;
  infraDir?: string;
}

export default async function globalSetup(): Promise<void> {
  const root = resolve(__dirname, "..");
  const scratchDir = await mkdtemp(join(tmpdir(), "docmill-test-"));
  const state: SetupState = { scratchDir };
  (globalThis as Record<string, unknown>)[SETUP_STATE_KEY] = state;
  process.env.DOCMILL_TEST_TMP_DIR = scratchDir;

  if (process.env.MONGO_URL && process.env.NATS_URL) return;

  const infraDir = join(scratchDir, "infra-data");
  let stdout: string;
  try {
    ({ stdout } = await run(
      "bash",
      [
        join(root, "scripts/infra.sh"),
        "up",
        "--memory",
        "--data-dir",
        infraDir,
        // Free ports rather than 27017/4222: a developer's own servers and parallel runs stay apart.
        "--mongo-port",
        "0",
        "--nats-port",
        "0",
        // If jest dies without running teardown, the servers stop on their own.
        "--owner-pid",
        String(process.pid),
      ],
      { cwd: root, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 },
    ));
  } catch (error) {
    const { stderr = "", message } = error as { stderr?: string; message: string };
    throw new Error(`scripts/infra.sh up failed: ${message}\n${stderr}`);
  }
  state.infraDir = infraDir;

  const env = Object.fromEntries(
    stdout
      .split("\n")
      .map((line) => line.trim().match(/^([A-Z_]+)=(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  if (!env.MONGO_URL || !env.NATS_URL) {
    throw new Error(`scripts/infra.sh up printed no MONGO_URL/NATS_URL:\n${stdout}`);
  }
  process.env.MONGO_URL = env.MONGO_URL;
  process.env.NATS_URL = env.NATS_URL;
  process.env.DOCMILL_TEST_INFRA_DIR = infraDir;
}
