/** Webhooks (/v1/webhooks, docs/webhooks.md) and withdrawing a redaction job (cancel, delete). */
import { WEBHOOK_EVENTS, type DeliveryView, type WebhookView } from "../../../shared/wire/webhooks";
import { del, get, post } from "./client";
import type { Job } from "./redaction";

// The event list and the views are the server's own (shared/wire/webhooks.ts): declared once, for both sides.
export const EVENTS = WEBHOOK_EVENTS;
export type WebhookEndpoint = WebhookView;
export type Delivery = DeliveryView;

export const listWebhooks = async () => (await get<{ items: WebhookEndpoint[] }>("/v1/webhooks")).items ?? [];
export const createWebhook = (body: { url: string; events: string[]; allJobs?: boolean; description?: string }) => post<WebhookEndpoint & { secret: string }>("/v1/webhooks", body);
export const deleteWebhook = (id: string) => del<void>(`/v1/webhooks/${encodeURIComponent(id)}`);
export const listDeliveries = (id: string, cursor?: string) => get<{ items: Delivery[]; nextCursor: string | null }>(`/v1/webhooks/${encodeURIComponent(id)}/deliveries`, { limit: 50, cursor });
export const redeliver = (id: string, deliveryId: string) => post<Delivery>(`/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`);

export const cancelJob = (id: string) => post<Job>(`/v1/jobs/${encodeURIComponent(id)}/cancel`);
export const deleteJob = (id: string) => del<void>(`/v1/jobs/${encodeURIComponent(id)}`);
