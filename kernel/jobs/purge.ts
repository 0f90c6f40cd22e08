/**
 * Purging a job's data: every file it has (the input, every output of every attempt: GridFS files and
 * their chunks) and its findings (the result and the reviewer's input on the job record). Deletion
 * (`DELETE /v1/jobs/{id}`, `DELETE /api/jobs/{id}`) purges and then removes the record; retention expiry
 * purges and keeps the record as `expired` (so clients polling it learn why the files are gone).
 *
 * Deletion is resumable rather than transactional: files first, then the findings, then the durable
 * `deleted` change (webhooks' job.deleted, consumers dropping their own data), then the record. A crash or
 * an outage midway leaves the record, the caller's request fails, and calling again finishes the work.
 */
import { fail } from "../errors";
import { changeOf, transitionsOf, type JobChange } from "./changes";
import type { JobDoc, JobModel } from "./model";
import { isFinal, isPaused } from "./state";
import { tryTransition } from "./repo";

import type { Call } from "../call";

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
  await call("storage.removeForJob", { jobId: job._id });
  try {
    await call("storage.remove", { id: job.inputFileId });
  } catch (err) {
    // Already gone (removed by a previous try, or by storage's own retention sweep).
    const type = (err as { type?: string }).type;
    if (type !== "NOT_FOUND" && type !== "GONE") throw err;
  }
}

/** What the record keeps of its findings after a purge: nothing. */
export const CLEARED = { result: null, resume: null, outputs: [] } as const;

/** Deletes a job and everything it holds. `false` when there was no such job (already deleted). */
export async function deleteJob(d: PurgeDeps, id: string): Promise<boolean> {
  let job = await d.Job.findById(id).lean<JobDoc>();
  if (!job) return false;
  if (!isFinal(job.status) && !isPaused(job.status)) {
    // A job still at work is cancelled first: its worker stops (job.updated, or its next heartbeat)
    // and, finding the job gone, removes whatever it was still writing.
    const cancelled = await tryTransition(d.Job, id, "cancel", { set: { finishedAt: new Date(), lease: null, "progress.message": "Cancelled" } });
    if (cancelled) d.publish(cancelled);
    job = (await d.Job.findById(id).lean<JobDoc>()) ?? job;
    if (!isFinal(job.status) && !isPaused(job.status)) fail("JOB_STATE_CONFLICT", `The job changed while it was being deleted (it is ${job.status}); try again`);
  }
  await purgeFiles(d.call, job);
  await d.Job.updateOne({ _id: id }, { $set: { ...CLEARED } }, { timestamps: false });
  const version = (job.version ?? 0) + 1;
  const at = new Date().toISOString();
  await d.sendChange({ ...changeOf(job), version, status: "deleted", transitions: [...transitionsOf(job), { version, status: "deleted", at }] });
  await d.Job.deleteOne({ _id: id });
  return true;
}
