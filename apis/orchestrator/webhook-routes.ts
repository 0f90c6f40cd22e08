/**
 * Webhooks (`/v1/webhooks`, bearer token) and withdrawing a Smart Redact job (`POST /v1/jobs/{id}/cancel`,
 * `DELETE /v1/jobs/{id}`, API key or bearer token). Events, signing and retries: docs/webhooks.md.
 */
import { WEBHOOK_EVENTS } from "../../kernel/webhooks/events";
import type { RouteGroup } from "../../kernel/gateway/types";

const tag = ["webhooks"];
const str = { type: "string" };
const json = (schema: unknown, description: string) => ({ description, content: { "application/json": { schema } } });
const webhook = {
  type: "object",
  properties: {
    id: str,
    url: str,
    events: { type: "array", items: { type: "string", enum: [...WEBHOOK_EVENTS] } },
    allJobs: { type: "boolean" },
    description: str,
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
  },
};
const delivery = {
  type: "object",
  properties: {
    id: { type: "string", description: "Also the webhook-id header of every attempt" },
    webhookId: str,
    event: { type: "string", enum: [...WEBHOOK_EVENTS] },
    subject: { type: "object", properties: { type: { type: "string", enum: ["job", "batch"] }, id: str } },
    status: { type: "string", enum: ["pending", "delivering", "delivered", "failed"] },
    attempts: { type: "integer" },
    attemptLog: { type: "array", items: { type: "object", properties: { at: str, statusCode: { type: "integer", nullable: true }, error: { type: "string", nullable: true }, durationMs: { type: "integer" }, manual: { type: "boolean" } } } },
    nextAttemptAt: { type: "string", nullable: true },
    deliveredAt: { type: "string", nullable: true },
    createdAt: str,
    payload: { type: "object", description: "The body sent: {type, timestamp, data}" },
  },
};
const createBody = {
  required: true,
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["url", "events"],
        properties: {
          url: { type: "string", description: "http(s); private and loopback addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true" },
          events: { type: "array", items: { type: "string", enum: [...WEBHOOK_EVENTS] }, minItems: 1 },
          allJobs: { type: "boolean", description: "Admins only: events of every user's jobs" },
          description: { type: "string", maxLength: 200 },
          secret: { type: "string", description: "Optional own secret: whsec_ + base64 of 24-64 random bytes; generated when left out" },
        },
      },
    },
  },
};

export const webhookRoutes: RouteGroup = {
  prefix: "/v1",
  routes: [
    {
      method: "POST", path: "/webhooks", access: "user", action: "webhooks.create", tags: tag, requestBody: createBody,
      responses: { "201": json({ ...webhook, properties: { ...webhook.properties, secret: { type: "string", description: "Shown this once" } } }, "The endpoint and its signing secret"), "400": { description: "Unknown event, refused URL, bad secret" }, "403": { description: "allJobs by a non-admin" } },
      summary: "Register an endpoint `{url, events, allJobs?, description?, secret?}`; 201 with its signing secret, shown once",
      description: `Events: ${WEBHOOK_EVENTS.join(", ")}. A user's endpoint gets the events of their own jobs; an admin's with allJobs those of every user. Deliveries are signed POSTs (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), retried with backoff, in order per job.`,
    },
    { method: "GET", path: "/webhooks", access: "user", action: "webhooks.list", tags: tag, responses: { "200": json({ type: "object", properties: { items: { type: "array", items: webhook } } }, "Your endpoints") }, summary: "Your endpoints `{items}` (secrets are never shown again)" },
    { method: "GET", path: "/webhooks/:id", access: "user", action: "webhooks.get", tags: tag, responses: { "200": json(webhook, "The endpoint"), "404": { description: "Unknown or someone else's" } }, summary: "One endpoint" },
    { method: "DELETE", path: "/webhooks/:id", access: "user", action: "webhooks.remove", tags: tag, responses: { "204": { description: "Deleted with its delivery log" }, "404": { description: "Unknown or someone else's" } }, summary: "Delete an endpoint and its delivery log (204)" },
    {
      method: "GET", path: "/webhooks/:id/deliveries", access: "user", action: "webhooks.deliveries", tags: tag,
      params: { status: { type: "string", optional: true }, limit: { type: "number", integer: true, min: 1, max: 100, optional: true }, cursor: { type: "string", optional: true } },
      responses: { "200": json({ type: "object", properties: { items: { type: "array", items: delivery }, nextCursor: { type: "string", nullable: true } } }, "A page of deliveries, newest first") },
      summary: "The delivery log, newest first: `{items, nextCursor}`; filter status (pending, delivering, delivered, failed), limit 1-100 (50), cursor",
    },
    {
      method: "POST", path: "/webhooks/:id/deliveries/:deliveryId/redeliver", access: "user", action: "webhooks.redeliver", tags: tag,
      responses: { "202": json(delivery, "The delivery, pending again"), "404": { description: "Unknown delivery" }, "409": { description: "CONFLICT: still pending or being delivered" } },
      summary: "Send a delivered or failed delivery again (same webhook-id and body, fresh timestamp and signature); 202",
    },
    {
      method: "POST", path: "/jobs/:id/cancel", access: "apiKey", action: "orchestrator.cancelJob", tags: ["jobs"],
      responses: { "200": { description: "The job (JobResponse), status cancelled" }, "404": { description: "Unknown job or someone else's" }, "409": { description: "JOB_STATE_CONFLICT: already finished, failed, expired or cancelled" } },
      summary: "Cancel a job: stops its detection or redaction on the worker; 200 JobResponse `cancelled`, 409 once it has ended",
    },
    {
      method: "DELETE", path: "/jobs/:id", access: "apiKey", action: "orchestrator.deleteJob", tags: ["jobs"],
      responses: { "204": { description: "Deleted: every file (GridFS chunks included) and the findings; the job answers 404 afterwards" }, "404": { description: "Unknown job or someone else's" } },
      summary: "Delete a job with every file and its findings (a job still at work is cancelled first); 204, then 404",
    },
  ],
};
