/**
 * What a webhook can subscribe to, which job transition raises which event, the body every delivery
 * carries and the retry schedule. Pure: no I/O, no clock (times come in as arguments).
 *
 * The body never carries document text or findings: it names the job and its new status, and the
 * client reads the rest through the API it already uses (GET /v1/jobs/{id}, /api/jobs/{id}).
 */
import { WEBHOOK_EVENTS, type WebhookEvent } from "../../shared/wire/webhooks";
// The event list is part of the wire contract, shared with the web app (shared/wire/webhooks.ts).
export { WEBHOOK_EVENTS, type WebhookEvent };

export function isWebhookEvent(v: unknown): v is WebhookEvent {
  return typeof v === "string" && (WEBHOOK_EVENTS as readonly string[]).includes(v);
}

/**
 * The event a runtime status raises, or null. `completed` is recorded by the same update that records
 * the job's stored outputs (jobs.finish), so `job.finished` is only ever sent once the files exist.
 * `deleted` is the purge's own change (kernel/jobs/purge.ts): the job is gone when it is sent.
 */
export function eventOfStatus(status: string): WebhookEvent | null {
  switch (status) {
    case "paused:readyForReview":
      return "job.readyForReview";
    case "completed":
      return "job.finished";
    case "failed":
      return "job.failed";
    case "cancelled":
      return "job.cancelled";
    case "expired":
      return "job.expired";
    case "deleted":
      return "job.deleted";
    default:
      return null;
  }
}

/** The orchestrator's wire status for an event (smart-redact-api.md §2.1), `deleted` for a purge. */
const WIRE: Record<string, string> = {
  "job.readyForReview": "readyForReview",
  "job.finished": "finished",
  "job.failed": "failed",
  "job.cancelled": "cancelled",
  "job.expired": "expired",
  "job.deleted": "deleted",
};

export interface JobEventInput {
  event: WebhookEvent;
  jobId: string;
  processor: string;
  /** The runtime status of the transition (`completed`, `paused:readyForReview`, `deleted`...). */
  status: string;
  version: number;
  at: string;
  meta: { api?: string; tagJobId?: string; tagDocId?: string };
}

/** The JSON body of a job event (Standard Webhooks shape: type, timestamp, data). */
export function jobEventBody(e: JobEventInput): string {
  const orchestrator = e.meta.api === "orchestrator";
  const data: Record<string, unknown> = {
    id: e.jobId,
    api: orchestrator ? "orchestrator" : e.meta.tagJobId ? "tagger" : "jobs",
    processor: e.processor,
    // Orchestrator clients know its wire statuses; the others the runtime's.
    status: orchestrator ? WIRE[e.event] : e.status,
    version: e.version,
  };
  if (e.meta.tagJobId) data.batchId = e.meta.tagJobId;
  if (e.event !== "job.deleted") data.links = { job: orchestrator ? `/v1/jobs/${e.jobId}` : `/api/jobs/${e.jobId}` };
  return JSON.stringify({ type: e.event, timestamp: e.at, data });
}

export interface BatchEventInput {
  batchId: string;
  status: string;
  total: number;
  processed: number;
  failed: number;
  at: string;
}

/** The JSON body of `batch.completed` (the tag generator's batch, counts only). */
export function batchEventBody(e: BatchEventInput): string {
  return JSON.stringify({
    type: "batch.completed",
    timestamp: e.at,
    data: { id: e.batchId, api: "tagger", status: e.status, total_documents: e.total, processed_count: e.processed, failed_count: e.failed, links: { batch: `/api/batch/jobs/${e.batchId}/status` } },
  });
}

/**
 * Delay before retry number `attempt` (1 = after the first failure): base, 4x base, 16x base... capped,
 * with up to 20 % jitter so endpoints that failed together are not retried together.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const raw = Math.min(maxMs, baseMs * 4 ** Math.max(0, attempt - 1));
  return Math.round(raw * (1 + 0.2 * Math.min(1, Math.max(0, random))));
}
