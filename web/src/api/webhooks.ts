/** Webhooks (/v1/webhooks, docs/webhooks.md) and withdrawing a redaction job (cancel, delete). */
import { del, get, post } from "./client";
import type { Job } from "./redaction";

export const EVENTS = ["job.readyForReview", "job.finished", "job.failed", "job.cancelled", "job.expired", "job.deleted", "batch.completed"] as const;

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  allJobs: boolean;
  description: string;
  createdAt: string;
}

export interface Delivery {
  id: string;
  event: string;
  subject: { type: string; id: string };
  status: "pending" | "delivering" | "delivered" | "failed";
  attempts: number;
  attemptLog: Array<{ at: string; statusCode: number | null; error: string | null; durationMs: number; manual: boolean }>;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export const listWebhooks = async () => (await get<{ items: WebhookEndpoint[] }>("/v1/webhooks")).items ?? [];
export const createWebhook = (body: { url: string; events: string[]; allJobs?: boolean; description?: string }) => post<WebhookEndpoint & { secret: string }>("/v1/webhooks", body);
export const deleteWebhook = (id: string) => del<void>(`/v1/webhooks/${encodeURIComponent(id)}`);
export const listDeliveries = (id: string, cursor?: string) => get<{ items: Delivery[]; nextCursor: string | null }>(`/v1/webhooks/${encodeURIComponent(id)}/deliveries`, { limit: 50, cursor });
export const redeliver = (id: string, deliveryId: string) => post<Delivery>(`/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`);

export const cancelJob = (id: string) => post<Job>(`/v1/jobs/${encodeURIComponent(id)}/cancel`);
export const deleteJob = (id: string) => del<void>(`/v1/jobs/${encodeURIComponent(id)}`);
