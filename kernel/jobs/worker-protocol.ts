/**
 * The worker protocol (internal actions): a worker claims a job, reports progress (which renews its
 * lease), finishes it with its outputs, counts a delivery that failed for the job's own reason, or
 * releases it without counting the attempt. Every change is one conditional update that holds only
 * while the worker still holds the job (`lease.workerId` and the attempt number), so a worker that lost
 * its lease cannot overwrite the winner's outcome.
 */
import type { ActionParams } from "moleculer";
import { config } from "../config";
import { dispatch, leaseMs, publish, type Call, type JobsHost } from "./host";
import { toView, type JobDoc, type JobOutput, type JobView } from "./model";
import { tryTransition } from "./repo";
import { detach, dropResults, hydrateOne, readInput, removeResult, storeResult } from "./results";
import { isFinal } from "./state";
import type { RemoveForJobParams, RemovedCount } from "../storage/params";

export const claimSchema: ActionParams = { id: { type: "string" }, workerId: { type: "string" } };
export interface ClaimParams {
  id: string;
  workerId: string;
}
export interface ClaimResult {
  /** The job to run (with the reviewer's input when it resumes after a pause point); null: nothing to do. */
  job: (JobView & { resume: JobDoc["resume"] }) | null;
  reason?: string;
}

export const progressSchema: ActionParams = {
  id: { type: "string" },
  workerId: { type: "string" },
  percent: { type: "number", min: 0, max: 100, optional: true },
  message: { type: "string", optional: true, max: 500 },
};
export interface ProgressParams {
  id: string;
  workerId: string;
  percent?: number;
  message?: string;
}
/** `ok: false` tells the worker to stop (the job is no longer its own); `status` says what it is now. */
export interface HoldResult {
  ok: boolean;
  status?: string;
}

export const finishSchema: ActionParams = {
  id: { type: "string" },
  workerId: { type: "string" },
  attempt: { type: "number", integer: true },
  status: { type: "enum", values: ["completed", "paused", "failed"] },
  point: { type: "string", optional: true },
  result: { type: "any", optional: true },
  outputs: { type: "array", optional: true, items: "object" },
  error: {
    type: "object",
    optional: true,
    props: { type: "string", message: "string", plugin: { type: "string", optional: true, max: 64 }, stage: { type: "string", optional: true, max: 16 } },
  },
};
export interface FinishParams {
  id: string;
  workerId: string;
  attempt: number;
  status: "completed" | "paused" | "failed";
  point?: string;
  result?: unknown;
  outputs?: JobOutput[];
  /** The plugin's failure; `plugin` and `stage` name where it happened (kernel/plugins/runner.ts inStage). */
  error?: { type: string; message: string; plugin?: string; stage?: string };
}

export const deliveryFailedSchema: ActionParams = { id: { type: "string" } };
export interface DeliveryFailedParams {
  id: string;
}

export const releaseSchema: ActionParams = { id: { type: "string" }, workerId: { type: "string" }, attempt: { type: "number", integer: true } };
export interface ReleaseParams {
  id: string;
  workerId: string;
  attempt: number;
}

/**
 * A worker takes a job: queued → running, or a takeover of a running job whose lease expired (its
 * worker died). Returns `{job}` to run, or `{job: null, reason}` when there is nothing to do (final,
 * paused, or held by a live worker): the worker then acks the message without work.
 */
export async function claimJob(h: JobsHost, { id, workerId }: ClaimParams): Promise<ClaimResult> {
  const now = new Date();
  const max = config().jobs.maxAttempts;
  const set = { lease: { workerId, until: new Date(now.getTime() + leaseMs()) }, startedAt: now, "progress.message": "Running", error: null };
  // The same worker claiming a job it already holds: its first claim was recorded but the answer
  // was lost in an outage (or it handed the message back and got it again). The same attempt goes
  // on; counting a new one would let outages use up JOB_MAX_ATTEMPTS and end the job WORKER_LOST.
  const held = await h.Job.findOneAndUpdate(
    { _id: id, status: "running", "lease.workerId": workerId },
    { $set: { "lease.until": set.lease.until } },
    { returnDocument: "after" },
  ).lean<JobDoc>();
  // A resumed job's run needs its detection result whole (the plugin's resume input): put back here.
  if (held) return { job: { ...toView(await hydrateOne(h.Job, held)), resume: await resumeOf(h, held) } };
  // This phase's budget ends at attemptBase + max (model.ts). attemptBase only grows (at a resume, while
  // no claim can succeed), so a value read a moment ago can only be too small: never a claim too many.
  const base = (await h.Job.findById(id, { attemptBase: 1 }).lean<Pick<JobDoc, "attemptBase">>())?.attemptBase ?? 0;
  const limit = base + max;
  const job =
    (await tryTransition(h.Job, id, "claim", { where: { attempts: { $lt: limit } }, set, inc: { attempts: 1 } })) ??
    (await tryTransition(h.Job, id, "takeover", {
      where: { attempts: { $lt: limit }, $or: [{ "lease.until": { $lt: now } }, { "lease.workerId": workerId }, { lease: null }] },
      set,
      inc: { attempts: 1 },
    }));
  if (!job) {
    const cur = await h.Job.findById(id).lean<JobDoc>();
    if (!cur) return { job: null, reason: "not found" };
    const leaseGone = !cur.lease || new Date(cur.lease.until) < now;
    const curLimit = (cur.attemptBase ?? 0) + max;
    if ((cur.status === "queued" || (cur.status === "running" && leaseGone)) && cur.attempts >= curLimit) {
      // Every attempt of this phase died with its worker (a document that crashes workers, or repeated kills).
      const failed = await tryTransition(h.Job, id, cur.status === "queued" ? "claim" : "takeover", {
        where: { attempts: { $gte: curLimit } },
        set: { lease: null },
      });
      if (failed) {
        const f = await tryTransition(h.Job, id, "fail", {
          set: { finishedAt: now, error: { type: "WORKER_LOST", message: `The job was interrupted ${cur.attempts - (cur.attemptBase ?? 0)} times (its worker stopped); giving up` } },
        });
        publish(h, f);
      }
      return { job: null, reason: "too many attempts" };
    }
    return { job: null, reason: cur.status };
  }
  publish(h, job);
  return { job: { ...toView(await hydrateOne(h.Job, job)), resume: await resumeOf(h, job) } };
}

/**
 * The resume the worker runs with, its input read back from job_results when it was stored there. A
 * missing input (only a delete racing the claim removes it) is never run as an empty one: a paused job
 * resumed with no input would run as if its reviewer had chosen nothing (for a reviewed document: released
 * with nothing removed). The claim fails instead.
 */
async function resumeOf(h: JobsHost, job: JobDoc): Promise<JobDoc["resume"]> {
  const r = job.resume;
  if (!r?.inputRef) return r ?? null;
  const input = await readInput(h.Job, r.inputRef);
  if (!input) throw new Error(`job ${job._id}: the input of its resume (${r.inputRef.items} items) is not readable`);
  return { point: r.point, input };
}

/** Progress from the worker holding the job; renews its lease. `ok: false` tells the worker to stop. */
export async function reportProgress(h: JobsHost, { id, workerId, percent, message }: ProgressParams): Promise<HoldResult> {
  const set: Record<string, unknown> = { "lease.until": new Date(Date.now() + leaseMs()) };
  if (percent !== undefined) set["progress.percent"] = percent;
  if (message !== undefined) set["progress.message"] = message;
  const job = await h.Job.findOneAndUpdate(
    { _id: id, status: "running", "lease.workerId": workerId },
    { $set: set, ...(percent !== undefined || message !== undefined ? { $inc: { seq: 1 } } : {}) },
    // Only what the broadcast needs: a paused-then-resumed job can carry its whole first-phase
    // result (thousands of findings, megabytes), and deserialising it on every progress report and
    // lease renewal is event-loop time the gateway shares in the embedded shape.
    { returnDocument: "after", projection: { owner: 1, progress: 1, seq: 1 } },
  ).lean<Pick<JobDoc, "owner" | "progress" | "seq">>();
  if (!job) {
    const cur = await h.Job.findById(id, { status: 1 }).lean();
    return { ok: false, status: cur?.status };
  }
  if (percent !== undefined || message !== undefined) {
    h.broker.broadcast("job.progress", { jobId: id, owner: job.owner, percent: job.progress.percent, message: job.progress.message, seq: job.seq });
  }
  return { ok: true };
}

/** The worker's outcome, recorded atomically with the outputs, only if it still holds the job. */
export async function finishJob(h: JobsHost, call: Call, p: FinishParams): Promise<HoldResult> {
  const now = new Date();
  const where = { "lease.workerId": p.workerId, attempts: p.attempt };
  const fresh = (p.outputs ?? []).map((o) => ({ name: o.name, fileId: o.fileId, contentType: o.contentType, filename: o.filename, size: o.size, sha256: o.sha256 }));
  // A run after a pause point adds to what the job already produced (the detections stay next to
  // the redacted PDF); an output of the same name replaces the earlier one.
  const prev = await h.Job.findById(p.id, { outputs: 1 }).lean<Pick<JobDoc, "outputs">>();
  const byName = new Map((prev?.outputs ?? []).map((o) => [o.name, o]));
  for (const o of fresh) byName.set(o.name, o);
  const outputs = [...byName.values()];
  // The result's big parts go to their own record first, then the one transition references it
  // (results.ts): no transaction, and a failed transition's record is removed below.
  const split = p.status === "failed" ? null : detach(p.id, p.attempt, p.result ?? null);
  if (split?.record) await storeResult(h.Job, split.record);
  const resultSet = split ? { result: split.kept, resultRef: split.ref } : {};
  let job: JobDoc | null;
  if (p.status === "completed") {
    job = await tryTransition(h.Job, p.id, "complete", {
      where,
      set: { ...resultSet, outputs, finishedAt: now, lease: null, progress: { percent: 100, message: "Completed" } },
    });
  } else if (p.status === "paused") {
    job = await tryTransition(h.Job, p.id, "pause", {
      point: p.point,
      where,
      set: { ...resultSet, outputs, lease: null, "progress.message": `Waiting: ${p.point}` },
    });
  } else {
    job = await tryTransition(h.Job, p.id, "fail", {
      where,
      set: { error: p.error ?? { type: "INTERNAL", message: "The job failed" }, finishedAt: now, lease: null, "progress.message": "Failed" },
    });
  }
  if (!job) {
    const cur = await h.Job.findById(p.id, { status: 1, attempts: 1, outputs: 1, resultRef: 1 }).lean<Pick<JobDoc, "status" | "attempts" | "outputs" | "resultRef">>();
    // This attempt's record, unless the job references it (a retried finish whose first try was recorded).
    if (split?.record && cur?.resultRef?.id !== split.record._id) {
      await removeResult(h.Job, split.record._id).catch((err: unknown) =>
        h.logger.warn({ msg: "could not remove an overtaken attempt's result record", jobId: p.id, error: (err as Error).message }),
      );
    }
    // A retried finish whose first try was recorded but whose answer was lost (NATS went away):
    // the same attempt (attempts only grow, one per claim) already has this very outcome.
    const target = p.status === "paused" ? `paused:${p.point}` : p.status;
    const sameOutputs = (cur?.outputs ?? []).map((o) => o.fileId).join() === outputs.map((o) => o.fileId).join();
    if (cur && cur.status === target && cur.attempts === p.attempt && sameOutputs) {
      // The first try's change may not have been published (its process lost the database or NATS
      // right after the write): publish it now if it is still in the outbox; the sweep would too.
      const full = await h.Job.findOne({ _id: p.id, outbox: true }).lean<JobDoc>();
      if (full) publish(h, full);
      return { ok: true, status: cur.status };
    }
    if (cur && isFinal(cur.status)) {
      // The job ended without this attempt (taken over after its lease ran out in an outage,
      // cancelled): files it or an aborted attempt stored after the winner's finish must not
      // linger as a second output. Only once the job is final: a live attempt's files are its own.
      const keep = (cur.outputs ?? []).map((o) => o.fileId);
      await call<RemovedCount, RemoveForJobParams>("storage.removeForJob", { jobId: p.id, keep, kind: "output" }).catch((err: unknown) =>
        h.logger.warn({ msg: "could not remove an overtaken attempt's outputs", jobId: p.id, error: (err as Error).message }),
      );
    }
    return { ok: false, status: cur?.status };
  }
  // The recorded outputs are the job's outputs: files an overtaken attempt wrote under the same
  // names (its worker lost the lease, or the message came back while NATS was away) go now.
  const keep = (job.outputs ?? []).map((o) => o.fileId);
  await call<RemovedCount, RemoveForJobParams>("storage.removeForJob", { jobId: p.id, keep, kind: "output" }).catch((err: unknown) =>
    h.logger.warn({ msg: "could not remove superseded outputs", jobId: p.id, error: (err as Error).message }),
  );
  // Records the job no longer references (the first phase's, once the job completed; an earlier
  // attempt's left by a crash between its write and its transition).
  if (split) {
    await dropResults(h.Job, p.id, job.resultRef?.id ?? null).catch((err: unknown) =>
      h.logger.warn({ msg: "could not remove superseded result records", jobId: p.id, error: (err as Error).message }),
    );
  }
  publish(h, job);
  return { ok: true, status: job.status };
}

/**
 * A worker's delivery of the job's message failed for a reason of the job's own (not our outage):
 * counted, so the dead-letter handler can tell real failures from hand-backs.
 */
export async function countDeliveryFailure(h: JobsHost, id: string): Promise<{ failures: number }> {
  const job = await h.Job.findOneAndUpdate(
    { _id: id },
    { $inc: { deliveryFailures: 1 } },
    { returnDocument: "after", timestamps: false, projection: { deliveryFailures: 1 } },
  ).lean<Pick<JobDoc, "deliveryFailures">>();
  return { failures: job?.deliveryFailures ?? 0 };
}

/** A worker gives a job back without counting the attempt (it is stopping, or storage was away). */
export async function releaseJob(h: JobsHost, { id, workerId, attempt }: ReleaseParams): Promise<{ ok: boolean }> {
  const job = await tryTransition(h.Job, id, "requeue", {
    where: { "lease.workerId": workerId, attempts: attempt },
    set: { lease: null, dispatchedAt: null, "progress.message": "Queued again" },
    inc: { attempts: -1 },
  });
  if (!job) return { ok: false };
  publish(h, job);
  await dispatch(h, job).catch(() => undefined);
  return { ok: true };
}
