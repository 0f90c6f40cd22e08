/**
 * JOB_MAX_ATTEMPTS counts the runs of one phase that died with their worker. A Smart Redact job has two
 * phases (detection, then the redaction after review); the second must get the whole budget again, or
 * a single worker kill during the redaction used the last attempt (chaos runs ended at attempts 3 of 3).
 * Real jobs service, real database; the worker protocol is driven by its own actions, and a dead worker
 * is a lease that ran out (what the recovery sweep sees after a kill -9).
 */
import { randomUUID } from "node:crypto";
import { withDb } from "../auth/helpers";
import { startStack, type Stack } from "../../support/stack";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ services: ["jobs"] });
});

afterAll(async () => {
  await stack?.stop();
});

type Claim = { job: { id: string; attempts: number; status: string } | null; reason?: string };
const claim = (id: string, workerId: string) => stack.broker.call<Claim, { id: string; workerId: string }>("jobs.claim", { id, workerId });
const view = (id: string) => stack.broker.call<{ status: string; attempts: number; error?: { type: string; message: string } | null }, { id: string }>("jobs.get", { id });

async function insertQueued(): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await withDb(stack.mongoUrl, (db) =>
    db.collection("jobs").insertOne({
      _id: id as never, processor: "redaction", status: "queued", owner: "u1", options: {}, progress: { percent: 0, message: "" },
      inputFileId: "f1", input: { filename: "a.pdf", contentType: "application/pdf", size: 1, sha256: "x" }, outputs: [], result: null, error: null,
      meta: {}, pausePoints: ["readyForReview"], resume: null, attempts: 0, attemptBase: 0, lease: null, seq: 1, version: 1, outbox: false,
      dispatchedAt: now, deliveryFailures: 0, startedAt: null, finishedAt: null, expiresAt: new Date(now.getTime() + 86_400_000), createdAt: now, updatedAt: now,
    }),
  );
  return id;
}

/** The worker holding the job dies: its lease runs out. */
const expireLease = (id: string) => withDb(stack.mongoUrl, (db) => db.collection("jobs").updateOne({ _id: id as never }, { $set: { "lease.until": new Date(Date.now() - 1000) } }));

/** The detection run ends at the review pause (what jobs.finish does for a paused outcome). */
const pause = (id: string) => withDb(stack.mongoUrl, (db) => db.collection("jobs").updateOne({ _id: id as never }, { $set: { status: "paused:readyForReview", lease: null } }));

it("gives the phase after a review its own JOB_MAX_ATTEMPTS (3), then fails WORKER_LOST naming this phase's interruptions", async () => {
  const id = await insertQueued();
  // Detection: one worker dies, the second finishes it (attempts 2 of the first phase).
  expect((await claim(id, "w1")).job?.attempts).toBe(1);
  await expireLease(id);
  expect((await claim(id, "w2")).job?.attempts).toBe(2);
  await pause(id);
  await stack.broker.call("jobs.resume", { id, input: { accept: [] } });
  // The redaction phase: three runs, each dying with its worker, all allowed.
  const attempts: number[] = [];
  for (const w of ["w3", "w4", "w5"]) {
    const c = await claim(id, w);
    expect([w, c.job?.status]).toEqual([w, "running"]);
    attempts.push(c.job!.attempts);
    await expireLease(id);
  }
  expect(attempts).toEqual([3, 4, 5]);
  // A fourth death of this phase is one too many.
  expect(await claim(id, "w6")).toEqual({ job: null, reason: "too many attempts" });
  const failed = await view(id);
  expect(failed.status).toBe("failed");
  expect(failed.error).toMatchObject({ type: "WORKER_LOST", message: "The job was interrupted 3 times (its worker stopped); giving up" });
});

it("still fails a one-phase job after JOB_MAX_ATTEMPTS runs that died", async () => {
  const id = await insertQueued();
  for (const w of ["w1", "w2", "w3"]) {
    expect((await claim(id, w)).job?.status).toBe("running");
    await expireLease(id);
  }
  expect((await claim(id, "w4")).reason).toBe("too many attempts");
  expect((await view(id)).error).toMatchObject({ type: "WORKER_LOST" });
});

it("does not count a claim by the worker that already holds the job (its answer was lost)", async () => {
  const id = await insertQueued();
  expect((await claim(id, "w1")).job?.attempts).toBe(1);
  expect((await claim(id, "w1")).job?.attempts).toBe(1);
});
