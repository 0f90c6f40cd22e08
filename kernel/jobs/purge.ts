/**
 * Purging a job's data: every file it has (the input, every output of every attempt: GridFS files and
 * their chunks) and its findings (the result and the reviewer's input on the job record). Deletion
 * (`DELETE /v1/jobs/{id}`, `DELETE /api/jobs/{id}`) purges and then removes the record; retention expiry
 * purges and keeps the record as `expired` (so clients polling it learn why the files are gone).
 *
 * Deletion is one conditional update plus durable work: `markDeleted` sets `deletedAt` (and clears the
 * findings) in the single update that also cancels a job still at work; the job answers 404 from then on,
 * whatever else is away. The rest (`purgeMarked`: files, the durable `deleted` change, the record) runs
 * at once and, when storage or NATS is away or the process dies midway, again from the jobs sweep: the
 * marked record is the outbox of that work. Every step is idempotent. Expiry is the same durable work:
 * the one update that expires the job clears its findings and sets `purgeAt` (`purgeExpired` removes the
 * files and clears it; the sweep resumes it via `pendingExpiryPurges`).
 */
import { fail } from "../errors";
import { changeOf, transitionsOf, type JobChange } from "./changes";
import type { JobDoc, JobModel } from "./model";
import { isFinal, isPaused } from "./state";
import { tryTransition } from "./repo";
import { dropResults } from "./results";

import type { Call } from "../call";
import type { FileIdParams, RemoveFileResult, RemoveForJobParams, RemovedCount } from "../storage/params";

export interface PurgeDeps {
  Job: JobModel;
  call: Call;
  /** Publishes a transition made here (broadcast + durable change), as the jobs service does for all. */
  publish(job: JobDoc): void;
  /** Sends one change on the durable channel; rejects when it could not be sent. */
  sendChange(change: JobChange): Promise<void>;
}

/** Removes every file of the job. Throws when storage could not be reached (the caller tries again). */
export async function purgeFiles(call: Call, job: Pick<JobDoc, "_id" | "inputFileId">): Promise<void> {
  await call<RemovedCount, RemoveForJobParams>("storage.removeForJob", { jobId: job._id });
  try {
    await call<RemoveFileResult, FileIdParams>("storage.remove", { id: job.inputFileId });
  } catch (err) {
    // Already gone (removed by a previous try, or by storage's own retention sweep).
    const type = (err as { type?: string }).type;
    if (type !== "NOT_FOUND" && type !== "GONE") throw err;
  }
}

/** What the record keeps of its findings after a purge: nothing. */
export const CLEARED = { result: null, resultRef: null, resume: null, outputs: [] } as const;

/**
 * Marks the job deleted in ONE conditional update (a job still at work is cancelled by that same update,
 * so its worker stops: job.updated, or its next heartbeat): from then on it answers 404 and makes no
 * transition, and its findings are gone (cleared by that update). Needs only the database, not NATS or
 * storage. Returns the marked job (or the one an earlier DELETE marked, whose purge may still be under
 * way), or null when there is no such job.
 */
export async function markDeleted(d: Pick<PurgeDeps, "Job" | "publish">, id: string): Promise<JobDoc | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const job = await d.Job.findById(id).lean<JobDoc>();
    if (!job || job.deletedAt) return job;
    const deletedAt = new Date();
    if (!isFinal(job.status) && !isPaused(job.status)) {
      const cancelled = await tryTransition(d.Job, id, "cancel", { set: { deletedAt, finishedAt: deletedAt, lease: null, "progress.message": "Cancelled", ...CLEARED } });
      if (cancelled) {
        d.publish(cancelled);
        return cancelled;
      }
    } else {
      // Finished, failed, expired or waiting for review: nothing runs; only this status may be marked.
      const marked = await d.Job.findOneAndUpdate({ _id: id, status: job.status, deletedAt: null }, { $set: { deletedAt, ...CLEARED } }, { returnDocument: "after", timestamps: false }).lean<JobDoc>();
      if (marked) return marked;
    }
    // It changed between our read and the update (a worker finished it): look again.
  }
  fail("JOB_STATE_CONFLICT", `Job ${id} kept changing while it was being deleted; try again`);
}

/**
 * The purge of a job marked deleted, resumable from any step: its files (GridFS files and chunks), the
 * durable `deleted` change (webhooks' job.deleted; consumers drop their own data of the job, e.g. review
 * feedback), then the record, which was the purge's outbox until here. Throws when storage or NATS is
 * away: the jobs sweep (`pendingPurges`) runs it again, also after a crash.
 */
export async function purgeMarked(d: PurgeDeps, job: JobDoc): Promise<void> {
  await purgeFiles(d.call, job);
  // The detached result records (results.ts), also one an interrupted finish left unreferenced.
  await dropResults(d.Job, job._id);
  const version = (job.version ?? 0) + 1;
  const at = (job.deletedAt ? new Date(job.deletedAt) : new Date()).toISOString();
  await d.sendChange({ ...changeOf(job), version, status: "deleted", transitions: [...transitionsOf(job), { version, status: "deleted", at }] });
  await d.Job.deleteOne({ _id: job._id, deletedAt: { $ne: null } });
}

/** Deletions whose purge has not finished (older than `graceMs`, so a purge under way is left to its request). */
export function pendingPurges(Job: JobModel, graceMs: number, limit = 100): Promise<JobDoc[]> {
  return Job.find({ deletedAt: { $ne: null, $lt: new Date(Date.now() - graceMs) } }, null, { limit, sort: { deletedAt: 1 } }).lean<JobDoc[]>();
}

/**
 * Deletes a job and everything it holds: marks it (404 from then on), then tries the purge at once; a
 * purge that fails (storage or NATS away) is left to the sweep and the deletion still stands.
 * `false` when there was no such job (already deleted).
 */
export async function deleteJob(d: PurgeDeps, id: string, onPurgeError: (err: Error) => void): Promise<boolean> {
  const job = await markDeleted(d, id);
  if (!job) return false;
  await purgeMarked(d, job).catch((err: unknown) => onPurgeError(err as Error));
  return true;
}

/**
 * The purge an expiry owes (`purgeAt` set by the same update that expired the job, its findings cleared
 * there): the files (GridFS files and chunks), then the mark is cleared. Throws when storage is away; the
 * jobs sweep (`pendingExpiryPurges`) runs it again, also after a crash. Idempotent.
 */
export async function purgeExpired(d: Pick<PurgeDeps, "Job" | "call">, job: JobDoc): Promise<void> {
  await purgeFiles(d.call, job);
  // The detached result records (results.ts) go with the files; the sweep retries both until purgeAt clears.
  await dropResults(d.Job, job._id);
  await d.Job.updateOne({ _id: job._id, purgeAt: { $ne: null } }, { $set: { purgeAt: null } }, { timestamps: false });
}

/** Expired jobs whose purge has not finished (older than `graceMs`: a purge under way is left to its expiry). */
export function pendingExpiryPurges(Job: JobModel, graceMs: number, limit = 100): Promise<JobDoc[]> {
  return Job.find({ status: "expired", deletedAt: null, purgeAt: { $ne: null, $lt: new Date(Date.now() - graceMs) } }, null, { limit, sort: { purgeAt: 1 } }).lean<JobDoc[]>();
}
