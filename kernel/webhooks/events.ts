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

/**
 * How an API family shows its jobs' events: the `api` its clients see, the status in its own vocabulary,
 * the link to the job in its API, and extra fields. Families register theirs (apis/<family>/webhook-shape.ts,
 * services/webhooks.service.ts); a job no family owns is shown as a plain runtime job (`/api/jobs/{id}`).
 */
export interface JobEventShape {
  api: string;
  owns(meta: JobEventInput["meta"]): boolean;
  status?(e: JobEventInput): string | undefined;
  link(jobId: string): string;
  extra?(meta: JobEventInput["meta"]): Record<string, unknown>;
}

/** How a family shows a batch's end (`batch.completed`): its `api` and the link to the batch's status. */
export interface BatchEventShape {
  api: string;
  link(batchId: string): string;
}

const jobShapes: JobEventShape[] = [];
let batchShape: BatchEventShape = { api: "batch", link: (id) => `/api/batch/jobs/${id}/status` };

/** Adds a family's job event shape (first registered owner wins); idempotent for the same object. */
export function registerJobEventShape(shape: JobEventShape): void {
  if (!jobShapes.includes(shape)) jobShapes.push(shape);
}

export function registerBatchEventShape(shape: BatchEventShape): void {
  batchShape = shape;
}


/** The JSON body of a job event (Standard Webhooks shape: type, timestamp, data). */
export function jobEventBody(e: JobEventInput): string {
  const shape = jobShapes.find((x) => x.owns(e.meta));
  const data: Record<string, unknown> = {
    id: e.jobId,
    api: shape?.api ?? "jobs",
    processor: e.processor,
    // A family's clients know its own statuses; the others the runtime's.
    status: shape?.status?.(e) ?? e.status,
    version: e.version,
    ...shape?.extra?.(e.meta),
  };
  if (e.event !== "job.deleted") data.links = { job: shape ? shape.link(e.jobId) : `/api/jobs/${e.jobId}` };
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

/** The JSON body of `batch.completed` (a family's batch, counts only). */
export function batchEventBody(e: BatchEventInput): string {
  return JSON.stringify({
    type: "batch.completed",
    timestamp: e.at,
    data: { id: e.batchId, api: batchShape.api, status: e.status, total_documents: e.total, processed_count: e.processed, failed_count: e.failed, links: { batch: batchShape.link(e.batchId) } },
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
