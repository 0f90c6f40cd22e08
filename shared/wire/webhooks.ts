/**
 * Webhooks on the wire (/v1/webhooks, docs/webhooks.md): the events one can subscribe to, an endpoint
 * and a delivery as the API shows them. Built by kernel/webhooks/model.ts, shown by
 * web/src/screens/Webhooks.tsx. Declared once here; both sides import it. Types and the event list only.
 */

export const WEBHOOK_EVENTS = [
  "job.readyForReview",
  "job.finished",
  "job.failed",
  "job.cancelled",
  "job.expired",
  "job.deleted",
  "batch.completed",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export type DeliveryStatus = "pending" | "delivering" | "delivered" | "failed";

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEvent[];
  allJobs: boolean;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryAttemptView {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  manual: boolean;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  subject: { type: string; id: string };
  status: DeliveryStatus;
  attempts: number;
  attemptLog: DeliveryAttemptView[];
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  payload: unknown;
}
