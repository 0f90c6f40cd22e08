/**
 * Job transitions against MongoDB: each is ONE atomic findOneAndUpdate whose filter carries the statuses
 * the state machine allows (state.ts). No match means someone else changed the job first: the caller
 * gets JOB_STATE_CONFLICT naming the current status, or NOT_FOUND. A job marked deleted (purge.ts)
 * makes no transition at all.
 *
 * The same update bumps the job's `version` and sets its `outbox` flag: the change is recorded together
 * with the duty to publish it, so no crash or outage between the write and the publication loses it.
 */
import type { UpdateQuery, QueryFilter } from "mongoose";
import { fail } from "../errors";
import { TRANSITIONS_KEPT, type JobDoc, type JobModel } from "./model";
import { allowedFrom, conflictMessage, targetOf, type JobEvent } from "./state";

export interface TransitionOptions {
  point?: string;
  /** Extra conditions (lease holder, attempt number, lease expiry). */
  where?: QueryFilter<JobDoc>;
  set?: Partial<Record<string, unknown>>;
  inc?: Partial<Record<string, number>>;
  unset?: string[];
}

/** Performs the transition or returns null (no throw) when the job is not in an allowed state. */
export async function tryTransition(jobs: JobModel, id: string, event: JobEvent, opts: TransitionOptions = {}): Promise<JobDoc | null> {
  const current = await jobs.findById(id, { pausePoints: 1 }).lean();
  if (!current) return null;
  const from = allowedFrom(event, current.pausePoints ?? [], opts.point);
  if (from.length === 0) return null;
  const update: UpdateQuery<JobDoc> = {
    $set: { ...(opts.set ?? {}), status: targetOf(event, opts.point), outbox: true },
    $inc: { seq: 1, version: 1, ...(opts.inc ?? {}) },
    // The recent transitions travel with every change (changes.ts): a consumer that never saw one
    // publication (the outbox keeps only the latest version) still learns every step, e.g. for webhooks.
    $push: { transitions: { $each: [{ status: targetOf(event, opts.point), at: new Date() }], $slice: -TRANSITIONS_KEPT } },
  };
  if (opts.unset?.length) update.$unset = Object.fromEntries(opts.unset.map((k) => [k, 1]));
  return jobs
    .findOneAndUpdate({ _id: id, status: { $in: from }, deletedAt: null, ...(opts.where ?? {}) } as QueryFilter<JobDoc>, update, { returnDocument: "after" })
    .lean<JobDoc>();
}

/** Like tryTransition, but throws NOT_FOUND or JOB_STATE_CONFLICT (409, naming the current status). */
export async function transition(jobs: JobModel, id: string, event: JobEvent, opts: TransitionOptions = {}): Promise<JobDoc> {
  const done = await tryTransition(jobs, id, event, opts);
  if (done) return done;
  const now = await jobs.findById(id, { status: 1, deletedAt: 1 }).lean();
  if (!now || now.deletedAt) fail("NOT_FOUND", "Job not found");
  fail("JOB_STATE_CONFLICT", conflictMessage(event, now.status), { status: now.status, event });
}
