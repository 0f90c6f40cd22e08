/**
 * The `/v1/webhooks` endpoint records a user manages: register (with its signing secret, answered once),
 * read their own, and page through an endpoint's delivery log. Someone else's endpoint is "not found":
 * its existence is not ours to reveal. Each action's validator schema and params type live here too.
 */
import { randomUUID } from "node:crypto";
import type { ActionParams } from "moleculer";
import { config } from "../config";
import { fail, validationError } from "../errors";
import type { Principal } from "../gateway/types";
import { checkUrl, UrlFetchError } from "../net/fetch-url";
import type { Deps } from "./core";
import { isWebhookEvent, WEBHOOK_EVENTS } from "./events";
import { toDeliveryView, toWebhookView, type DeliveryDoc, type DeliveryView, type WebhookDoc, type WebhookView } from "./model";
import { newSecret, sealSecret, secretBytes } from "./signing";

/** Endpoints one user may register (each event of theirs is one delivery per endpoint). */
export const MAX_PER_USER = 25;

export const createWebhookSchema: ActionParams = {
  url: { type: "string", min: 1, max: 2048 },
  events: { type: "array", min: 1, max: WEBHOOK_EVENTS.length, items: "string" },
  allJobs: { type: "boolean", optional: true },
  description: { type: "string", optional: true, max: 200 },
  secret: { type: "string", optional: true, max: 200 },
};
export interface CreateWebhookParams {
  url: string;
  events: string[];
  allJobs?: boolean;
  description?: string;
  secret?: string;
}

/** Registers an endpoint; answers its signing secret, this once. Throws VALIDATION_ERROR (400), FORBIDDEN. */
export async function createWebhook(d: Deps, user: Principal, p: CreateWebhookParams): Promise<WebhookView & { secret: string }> {
  const unknown = p.events.filter((e) => !isWebhookEvent(e));
  if (unknown.length) throw validationError([{ field: "events", message: `Unknown event ${unknown.map((e) => `"${e}"`).join(", ")}. Known: ${WEBHOOK_EVENTS.join(", ")}`, kind: "enum" }]);
  if (p.allJobs && !user.isAdmin) fail("FORBIDDEN", "Only administrators may register a webhook for every user's jobs (allJobs)");
  if (p.secret !== undefined && !secretBytes(p.secret)) {
    throw validationError([{ field: "secret", message: "secret must be `whsec_` followed by 24 to 64 random bytes in base64; leave it out to have one generated", kind: "format" }]);
  }
  try {
    await checkUrl(p.url, { allowPrivate: config().webhooks.allowPrivate });
  } catch (err) {
    if (err instanceof UrlFetchError) throw validationError([{ field: "url", message: err.message.replace(/^Refused to fetch/, "Refused to deliver to"), kind: err.reason }]);
    throw err;
  }
  if ((await d.Webhook.countDocuments({ owner: user.id })) >= MAX_PER_USER) fail("BAD_REQUEST", `At most ${MAX_PER_USER} webhooks per user; delete one first`);
  const secret = p.secret ?? newSecret();
  const sealed = sealSecret(secret, d.key);
  const doc = await d.Webhook.create({
    _id: randomUUID(),
    owner: user.id,
    url: p.url,
    events: [...new Set(p.events)] as WebhookDoc["events"],
    allJobs: Boolean(p.allJobs),
    description: p.description ?? "",
    sealedSecret: sealed.sealed,
    keyId: sealed.keyId,
  });
  return { ...toWebhookView(doc.toObject() as WebhookDoc), secret };
}

/** The user's own endpoint; NOT_FOUND for anyone else's. */
export async function ownWebhook(d: Pick<Deps, "Webhook">, user: Principal, id: string): Promise<WebhookDoc> {
  const hook = await d.Webhook.findById(id).lean<WebhookDoc>();
  if (!hook || hook.owner !== user.id) fail("NOT_FOUND", `Webhook ${id} not found`);
  return hook;
}

export const deliveriesSchema: ActionParams = {
  id: { type: "string", min: 1, max: 64 },
  status: { type: "enum", values: ["pending", "delivering", "delivered", "failed"], optional: true },
  limit: { type: "number", integer: true, min: 1, max: 100, default: 50, convert: true },
  cursor: { type: "string", optional: true, max: 200 },
};
export interface DeliveriesParams {
  id: string;
  status?: string;
  limit: number;
  cursor?: string;
}

/** The delivery log of one endpoint, newest first: `{items, nextCursor}`; filter `status`. */
export async function listDeliveries(d: Pick<Deps, "Delivery">, hook: WebhookDoc, p: DeliveriesParams): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  const filter: Record<string, unknown> = { webhookId: hook._id, ...(p.status ? { status: p.status } : {}) };
  let query: Record<string, unknown> = filter;
  if (p.cursor) {
    const m = /^(\d{1,15})_(msg_[0-9a-f]{32})$/.exec(p.cursor);
    if (!m) throw validationError([{ field: "cursor", message: "Invalid cursor: pass nextCursor of the previous page", kind: "string" }]);
    const at = new Date(Number(m[1]));
    query = { $and: [filter, { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: m[2] } }] }] };
  }
  const docs = await d.Delivery.find(query).sort({ createdAt: -1, _id: -1 }).limit(p.limit + 1).lean<DeliveryDoc[]>();
  const page = docs.slice(0, p.limit);
  const last = page[page.length - 1];
  return { items: page.map(toDeliveryView), nextCursor: docs.length > p.limit && last ? `${new Date(last.createdAt).getTime()}_${last._id}` : null };
}
