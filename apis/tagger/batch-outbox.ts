/**
 * The tag generator's batch ends as durable messages (`batch-changes`, consumed by the webhooks service
 * for `batch.completed`). Same pattern as the job changes (kernel/jobs/changes.ts): the update that ends the
 * batch sets `webhook_outbox` in the same write, the tagger then publishes and clears it, and its
 * reconciliation sweep publishes whatever a crash or an outage left flagged.
 */
import type { BatchEventInput } from "../../kernel/webhooks/events";
import { BATCH_CHANNEL } from "../../kernel/webhooks/core";
import type { TagJobDoc, TagJobModel } from "./models";

export const BATCH_CHANGES_CHANNEL = BATCH_CHANNEL;

export interface BatchOutboxDeps {
  Job: TagJobModel;
  /** Sends on the durable channel (the stream is made sure of first); rejects when it cannot. */
  send(payload: BatchEventInput & { owner: string }): Promise<void>;
}

export function batchEndOf(job: TagJobDoc): BatchEventInput & { owner: string } {
  return {
    batchId: job._id,
    owner: job.owner,
    status: job.status,
    total: job.total_documents,
    processed: job.processed_count,
    failed: job.failed_count,
    at: new Date(job.completed_at ?? Date.now()).toISOString(),
  };
}

/** Publishes one ended batch and clears its flag; false (flag kept) when the channel is away. */
export async function announceBatchEnd(d: BatchOutboxDeps, job: TagJobDoc): Promise<boolean> {
  try {
    await d.send(batchEndOf(job));
  } catch {
    return false;
  }
  await d.Job.updateOne({ _id: job._id, webhook_outbox: true }, { $set: { webhook_outbox: false } });
  return true;
}

/** Ended batches still flagged (older than a moment: a fresh one is being published by its own end). */
export async function drainBatchOutbox(d: BatchOutboxDeps, now = new Date()): Promise<number> {
  const pending = await d.Job.find({ webhook_outbox: true, completed_at: { $lt: new Date(now.getTime() - 1000) } }, null, { limit: 200 }).lean<TagJobDoc[]>();
  let sent = 0;
  for (const job of pending) {
    if (!(await announceBatchEnd(d, job))) break;
    sent++;
  }
  return sent;
}
