/**
 * What keeps jobs moving when something was lost: the recovery sweep (re-dispatches jobs no worker holds:
 * a lost message, NATS away during create, a worker killed mid-job whose lease ran out; handlers are
 * idempotent, so a duplicate message is harmless), retention expiry, deletion, and the dead-letter
 * handler that fails a job whose message no worker could take.
 */
import type { QueryFilter } from "mongoose";
import { callOf } from "../call";
import { config } from "../config";
import { fail } from "../errors";
import { MAX_DELIVER_RETRIES } from "./dispatch";
import { dispatch, drainOutbox, leaseMs, publish, sendChangeMessage, sleep, type Call, type JobsHost } from "./host";
import type { JobDoc } from "./model";
import { CLEARED, deleteJob, pendingExpiryPurges, pendingPurges, purgeExpired, purgeMarked, type PurgeDeps } from "./purge";
import { tryTransition } from "./repo";
import { sweepOrphanResults } from "./results";
import { isFinal } from "./state";
import { isTransient } from "./transient";

export interface RecoveryResult {
  redispatched: number;
  expired: number;
  failed: number;
  republished: number;
  /** Deletions and expiries whose purge this round finished (a crash or an outage had left them). */
  purged: number;
  /** Result records removed because their job is gone or no longer references them (results.ts). */
  orphanResults: number;
}

/** A deletion's purge younger than this is still being run by its DELETE request; the sweep leaves it. */
const PURGE_GRACE_MS = 5_000;

const brokerCall = (h: JobsHost): Call => callOf(h.broker);

/**
 * Retention: the same durable purge as a deletion, but the record stays, `expired`. ONE conditional update
 * expires the job, clears its findings and marks the purge of its files owed (`purgeAt`); the files are
 * then removed at once and, when storage is away or the process dies midway, by the jobs sweep.
 */
export async function expireJob(h: JobsHost, id: string): Promise<boolean> {
  const job = await tryTransition(h.Job, id, "expire", { set: { lease: null, "progress.message": "Expired", purgeAt: new Date(), ...CLEARED } });
  if (!job) return false;
  publish(h, job);
  await purgeExpired({ Job: h.Job, call: brokerCall(h) }, job).catch((err: unknown) => h.logger.warn(`job ${id} expired; the purge of its files finishes later (${(err as Error).message})`));
  return true;
}

/** Files deleted by storage's retention: the jobs that used them (as input or output) are expired. */
export async function expireJobsOfFiles(h: JobsHost, fileIds: string[]): Promise<void> {
  const jobs = await h.Job.find({ $or: [{ inputFileId: { $in: fileIds } }, { "outputs.fileId": { $in: fileIds } }], status: { $ne: "expired" } }, { _id: 1 }).lean();
  for (const j of jobs) await expireJob(h, j._id);
}

function purgeDeps(h: JobsHost): PurgeDeps {
  return {
    Job: h.Job,
    call: brokerCall(h),
    publish: (job) => void publish(h, job),
    sendChange: async (change) => {
      if (!(await sendChangeMessage(h, change))) fail("SERVICE_UNAVAILABLE", "The deletion could not be announced (the message bus is away)");
    },
  };
}

/**
 * Deletes a job (purge.ts): one update marks it deleted (404 from then on), then the purge runs; a purge
 * that fails (storage or NATS away) is finished by the sweep. `false` when it was already gone.
 */
export function purgeJob(h: JobsHost, id: string): Promise<boolean> {
  return deleteJob(purgeDeps(h), id, (err) => h.logger.warn(`job ${id} deleted; the purge of its files finishes later (${err.message})`));
}

/**
 * Fails a dead-lettered job that no worker holds; retries while the database is away. JetStream's
 * delivery count, which sent the message here, also counts deliveries handed back by a busy worker or
 * during our own outage: unless the workers recorded MAX_DELIVER_RETRIES real failures for the job,
 * it is dispatched again on a fresh message instead (infrastructure never uses up a job's deliveries).
 */
export async function deadLettered(h: JobsHost, jobId: string, channel: string | undefined): Promise<JobDoc | null> {
  const processor = channel?.split(".").pop();
  for (let attempt = 0; ; attempt++) {
    try {
      const cur = await h.Job.findById(jobId).lean<JobDoc>();
      if (cur && !isFinal(cur.status) && (cur.deliveryFailures ?? 0) < MAX_DELIVER_RETRIES) {
        if (cur.status === "queued" || cur.status === "running") {
          await dispatch(h, cur);
          h.logger.info(`job ${jobId}: dead-lettered after ${cur.deliveryFailures ?? 0} real failure(s) (the other deliveries were handed back); dispatched again`);
        }
        return null;
      }
      const now = new Date();
      const job = await tryTransition(h.Job, jobId, "abandon", {
        // A live lease means a worker is running it after all: leave the job to that worker.
        where: { $or: [{ status: "queued" }, { lease: null }, { "lease.until": { $lt: now } }] },
        set: {
          finishedAt: now,
          lease: null,
          "progress.message": "Failed",
          error: {
            type: "DISPATCH_FAILED",
            message: `No worker could take the job${processor ? ` (${processor})` : ""}: its message failed ${MAX_DELIVER_RETRIES} deliveries and was moved to the dead-letter queue. Submit it again; if it keeps failing, the workers' logs say why.`,
          },
        },
      });
      publish(h, job);
      return job;
    } catch (err) {
      if (!isTransient(err) || attempt >= 12) throw err;
      await sleep(Math.min(5000, 250 * 2 ** attempt));
    }
  }
}

/** The part of a JetStream message the dead-letter handler reads (headers the channels adapter sets). */
export interface DeadLetterMessage {
  headers?: { get(key: string): string };
}

/** The dead-letter channel's handler: the message names the job; the headers name the channel it came from. */
export async function onDeadLetter(h: JobsHost, params: { jobId?: unknown } | undefined, raw?: DeadLetterMessage): Promise<void> {
  const jobId = params?.jobId;
  const channel = raw?.headers?.get("x-original-channel") || undefined;
  if (typeof jobId !== "string" || !jobId) {
    h.logger.warn(`dead letter without a job id from ${channel ?? "an unknown channel"}: dropped`);
    return;
  }
  const job = await deadLettered(h, jobId, channel);
  if (job) h.logger.warn(`job ${jobId}: its message went to the dead-letter queue; failed with DISPATCH_FAILED`);
}

/** The recovery and expiry sweep (a timer runs it; `jobs.recover` runs it now). */
export async function recover(h: JobsHost): Promise<RecoveryResult> {
  const now = new Date();
  const stale = new Date(now.getTime() - leaseMs());
  let redispatched = 0;
  let expired = 0;
  // A lease that ran out while this jobs service was down is no sign its worker died: the worker's
  // heartbeats had nowhere to go. Give running jobs one lease after start-up to be heard from before
  // they are taken over (each takeover counts an attempt, and JOB_MAX_ATTEMPTS ends the job).
  const heard = now.getTime() - h.startedAtMs > leaseMs();
  const undelivered: Record<string, unknown>[] = [{ status: "queued", $or: [{ dispatchedAt: null }, { dispatchedAt: { $lt: stale } }] }];
  if (heard) undelivered.push({ status: "running", "lease.until": { $lt: now }, $or: [{ dispatchedAt: null }, { dispatchedAt: { $lt: stale } }] });
  const lost = await h.Job.find({ $or: undelivered } as QueryFilter<JobDoc>, null, { limit: 500 }).lean<JobDoc[]>();
  for (const job of lost) {
    try {
      await dispatch(h, job);
      redispatched++;
    } catch (err) {
      h.logger.warn(`recovery dispatch of ${job._id} failed: ${(err as Error).message}`);
      break; // NATS is away: try again next round
    }
  }
  const old = await h.Job.find({ expiresAt: { $lt: now }, status: { $ne: "expired" }, deletedAt: null }, { _id: 1 }, { limit: 500 }).lean();
  for (const j of old) if (await expireJob(h, j._id)) expired++;
  const republished = await drainOutbox(h);
  if (republished) h.logger.info(`published ${republished} job change(s) left in the outbox`);
  let purged = 0;
  for (const job of await pendingPurges(h.Job, PURGE_GRACE_MS)) {
    try {
      await purgeMarked(purgeDeps(h), job);
      purged++;
    } catch (err) {
      h.logger.warn(`purge of deleted job ${job._id} deferred: ${(err as Error).message}`);
      break; // storage or NATS is away: next round
    }
  }
  for (const job of await pendingExpiryPurges(h.Job, PURGE_GRACE_MS)) {
    try {
      await purgeExpired(purgeDeps(h), job);
      purged++;
    } catch (err) {
      h.logger.warn(`purge of expired job ${job._id} deferred: ${(err as Error).message}`);
      break; // storage is away: next round
    }
  }
  if (purged) h.logger.info(`finished the purge of ${purged} deleted or expired job(s)`);
  const orphanResults = await sweepOrphanResults(h.Job);
  if (orphanResults) h.logger.info(`removed ${orphanResults} result record(s) whose job is gone`);
  return { redispatched, expired, failed: 0, republished, purged, orphanResults };
}

/** The recovery sweep's period (JOB_RECOVERY_INTERVAL_SECONDS). */
export const recoveryIntervalMs = () => config().jobs.recoveryIntervalSeconds * 1000;
