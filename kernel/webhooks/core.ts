/**
 * Webhook work, as plain functions the service calls (services/webhooks.service.ts):
 * - `recordChange`: a durable job change becomes one delivery per subscribed endpoint and transition
 *   (idempotent: a unique index), each announced on the `webhook-deliveries` channel;
 * - `deliver`: one channel message = one attempt, after every earlier delivery of the same endpoint and
 *   job is settled (ordered per job). A failure is recorded and the message handed back to JetStream with
 *   the backoff delay (`nak(delay)`: the retry is durable, no timer of ours holds it);
 * - `sweep`: re-announces deliveries whose message was lost (published while NATS was away) or whose
 *   sender died mid-attempt (its lease ran out), so a crashed sender loses nothing.
 */
import { randomUUID } from "node:crypto";
import type { JobChange } from "../jobs/changes";
import { eventOfStatus, jobEventBody, batchEventBody, retryDelayMs, type BatchEventInput, type WebhookEvent } from "./events";
import type { DeliveryDoc, DeliveryModel, WebhookDoc, WebhookModel } from "./model";
import { postSigned, type SendOptions } from "./send";
import { recordWebhookDelivery } from "../../sdk/metrics";
import { openSecret, signedHeaders } from "./signing";

/** The bounded reason label of a failed attempt (docmill_webhook_delivery_failures_total). */
function failureReason(r: { statusCode: number | null; error: string | null; refused?: boolean }): "http_4xx" | "http_5xx" | "timeout" | "network" | "refused" {
  if (r.refused) return "refused";
  if (r.statusCode !== null) return r.statusCode >= 500 ? "http_5xx" : "http_4xx";
  return /^No answer within/.test(r.error ?? "") ? "timeout" : "network";
}

export const DELIVERIES_CHANNEL = "webhook-deliveries";
export const DELIVERIES_GROUP = "docmill-webhooks-deliveries";
export const WEBHOOKS_CHANGES_GROUP = "docmill-webhooks-job-changes";
/** Batch ends of a family's batches (its batch outbox publishes them on this channel). */
export const BATCH_CHANNEL = "batch-changes";
export const WEBHOOKS_BATCH_GROUP = "docmill-webhooks-batch-changes";

export interface Deps {
  Webhook: WebhookModel;
  Delivery: DeliveryModel;
  announce(deliveryId: string): Promise<void>;
  key: Buffer;
  send: SendOptions;
  maxAttempts: number;
  retryBaseMs: number;
  maxDelayMs: number;
  logger: { info(m: string): void; warn(m: string): void };
}

/** A JetStream message as the channels adapter hands it over (nak with a delay = a durable timer). */
export interface DeliveryMessage {
  nak?: (millis?: number) => void;
  working?: () => void;
}

const FINAL = ["delivered", "failed"];

/** Endpoints that get `event` for a job of `owner`, created before the transition happened. */
async function endpointsFor(d: Deps, owner: string): Promise<WebhookDoc[]> {
  return d.Webhook.find({ $or: [{ owner }, { allJobs: true }] }).lean<WebhookDoc[]>();
}

async function insertDelivery(d: Deps, hook: WebhookDoc, event: WebhookEvent, subject: string, seq: number, body: string, now: Date): Promise<string | null> {
  const id = `msg_${randomUUID().replace(/-/g, "")}`;
  try {
    await d.Delivery.create({ _id: id, webhookId: hook._id, owner: hook.owner, event, subject, seq, body, status: "pending", attempts: [], attemptCount: 0, nextAttemptAt: now, leaseUntil: null, touchedAt: now, deliveredAt: null, createdAt: now });
    return id;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return null; // seen before: already recorded
    throw err;
  }
}

/** Records the deliveries a job change calls for (every transition it carries that raises an event). */
export async function recordChange(d: Deps, change: JobChange, now = new Date()): Promise<number> {
  const steps = change.transitions?.length ? change.transitions : [{ version: change.version, status: change.status, at: now.toISOString() }];
  const events = steps.map((t) => ({ ...t, event: eventOfStatus(t.status) })).filter((t) => t.event);
  if (!events.length) return 0;
  const hooks = await endpointsFor(d, change.owner);
  const fresh: string[] = [];
  for (const t of events) {
    for (const hook of hooks) {
      // An endpoint hears of what happened after it was registered, not of a job's earlier history.
      if (!hook.events.includes(t.event!) || new Date(hook.createdAt).getTime() > new Date(t.at).getTime()) continue;
      const body = jobEventBody({ event: t.event!, jobId: change.id, processor: change.processor, status: t.status, version: t.version, at: t.at, meta: change.meta });
      const id = await insertDelivery(d, hook, t.event!, `job:${change.id}`, t.version, body, now);
      if (id) fresh.push(id);
    }
  }
  // Announced in order; a lost announcement is re-sent by the sweep (the record exists).
  for (const id of fresh) await d.announce(id).catch((err: unknown) => d.logger.warn(`delivery ${id} not announced yet (${(err as Error).message}); the sweep re-sends it`));
  return fresh.length;
}

/** `batch.completed` for the owner's endpoints (and admins' all-jobs endpoints). */
export async function recordBatchEnd(d: Deps, batch: BatchEventInput & { owner: string }, now = new Date()): Promise<number> {
  const hooks = (await endpointsFor(d, batch.owner)).filter((h) => h.events.includes("batch.completed") && new Date(h.createdAt).getTime() <= new Date(batch.at).getTime());
  const fresh: string[] = [];
  for (const hook of hooks) {
    const id = await insertDelivery(d, hook, "batch.completed", `batch:${batch.batchId}`, 1, batchEventBody(batch), now);
    if (id) fresh.push(id);
  }
  for (const id of fresh) await d.announce(id).catch(() => undefined);
  return fresh.length;
}

/** Later by `ms`: JetStream redelivers the message then (durable); without JetStream, a local timer. */
function later(d: Deps, id: string, raw: DeliveryMessage | undefined, ms: number): void {
  const delay = Math.max(50, Math.round(ms));
  if (raw?.nak) raw.nak(delay);
  else setTimeout(() => void d.announce(id).catch(() => undefined), delay).unref();
}

/** One attempt for one delivery message. Never throws for an endpoint's failure (that is a retry). */
export async function deliver(d: Deps, id: string, raw: DeliveryMessage | undefined, now = new Date()): Promise<string> {
  const cur = await d.Delivery.findById(id).lean<DeliveryDoc>();
  if (!cur || FINAL.includes(cur.status)) return "settled";
  if (cur.status === "delivering" && cur.leaseUntil && new Date(cur.leaseUntil) > now) {
    later(d, id, raw, new Date(cur.leaseUntil).getTime() - now.getTime() + 100);
    return "busy";
  }
  const due = new Date(cur.nextAttemptAt).getTime() - now.getTime();
  if (due > 50) {
    later(d, id, raw, due);
    return "early";
  }
  // Ordered per job: an earlier event of the same subject for this endpoint goes first.
  const before = await d.Delivery.findOne({ webhookId: cur.webhookId, subject: cur.subject, seq: { $lt: cur.seq }, status: { $in: ["pending", "delivering"] } }, { nextAttemptAt: 1, leaseUntil: 1 })
    .sort({ seq: 1 })
    .lean<Pick<DeliveryDoc, "nextAttemptAt" | "leaseUntil">>();
  if (before) {
    await d.Delivery.updateOne({ _id: id }, { $set: { touchedAt: now } });
    const wait = Math.max(new Date(before.nextAttemptAt).getTime(), before.leaseUntil ? new Date(before.leaseUntil).getTime() : 0) - now.getTime();
    later(d, id, raw, Math.min(60_000, Math.max(250, wait + 250)));
    return "waiting";
  }
  const lease = new Date(now.getTime() + d.send.timeoutMs + 5000);
  const claimed = await d.Delivery.findOneAndUpdate(
    { _id: id, $or: [{ status: "pending" }, { status: "delivering", leaseUntil: { $lt: now } }] },
    { $set: { status: "delivering", leaseUntil: lease, touchedAt: now } },
    { returnDocument: "after" },
  ).lean<DeliveryDoc>();
  if (!claimed) return "taken";
  const hook = await d.Webhook.findById(claimed.webhookId).lean<WebhookDoc>();
  if (!hook) {
    await d.Delivery.updateOne({ _id: id }, { $set: { status: "failed", leaseUntil: null, touchedAt: new Date() } });
    return "no endpoint";
  }
  let result;
  try {
    const secret = openSecret(hook.sealedSecret, hook.keyId, d.key);
    const ts = Math.floor(Date.now() / 1000);
    result = await postSigned(hook.url, claimed.body, signedHeaders(secret, claimed._id, ts, claimed.body, claimed.event), d.send);
  } catch (err) {
    result = { ok: false, statusCode: null, error: (err as Error).message, durationMs: 0, refused: true };
  }
  const at = new Date();
  const count = (claimed.attemptCount ?? 0) + 1;
  const manual = (claimed.attempts ?? []).length > 0 && claimed.attemptCount === 0;
  const attempt = { at, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs, ...(manual ? { manual: true } : {}) };
  const giveUp = !result.ok && (count >= d.maxAttempts || result.refused === true);
  const delay = result.ok || giveUp ? 0 : retryDelayMs(count, d.retryBaseMs, d.maxDelayMs, Math.random());
  await d.Delivery.updateOne(
    { _id: id, status: "delivering" },
    {
      $set: {
        status: result.ok ? "delivered" : giveUp ? "failed" : "pending",
        attemptCount: count,
        leaseUntil: null,
        touchedAt: at,
        nextAttemptAt: new Date(at.getTime() + delay),
        ...(result.ok ? { deliveredAt: at } : {}),
      },
      $push: { attempts: { $each: [attempt], $slice: -50 } },
    },
  );
  recordWebhookDelivery(claimed.event, result.ok ? "delivered" : giveUp ? "gave_up" : "failed", result.ok ? undefined : failureReason(result));
  if (result.ok) return "delivered";
  if (giveUp) {
    d.logger.warn(`webhook ${hook._id}: delivery ${id} (${claimed.event}) failed for good after ${count} attempt(s): ${result.error}`);
    return "failed";
  }
  later(d, id, raw, delay);
  return "retry";
}

/** Re-announces deliveries left without a live message: lost publications and senders that died. */
export async function sweep(d: Deps, staleMs: number, now = new Date()): Promise<number> {
  const stale = new Date(now.getTime() - staleMs);
  const lost = await d.Delivery.find(
    { $or: [{ status: "pending", touchedAt: { $lt: stale }, nextAttemptAt: { $lt: stale } }, { status: "delivering", leaseUntil: { $lt: now } }] },
    { _id: 1 },
    { limit: 500, sort: { touchedAt: 1 } },
  ).lean<Array<{ _id: string }>>();
  let sent = 0;
  for (const x of lost) {
    await d.Delivery.updateOne({ _id: x._id }, { $set: { touchedAt: now } });
    try {
      await d.announce(x._id);
      sent++;
    } catch {
      break; // NATS is away: next round
    }
  }
  return sent;
}

/** Puts a settled delivery back in line for one more attempt (same id, same body, new signature). */
export async function redeliver(d: Deps, id: string, now = new Date()): Promise<DeliveryDoc | null> {
  const doc = await d.Delivery.findOneAndUpdate(
    { _id: id, status: { $in: ["delivered", "failed"] } },
    // attemptCount 0 with attempts on record marks the next attempt as manual; the retry budget restarts.
    { $set: { status: "pending", attemptCount: 0, nextAttemptAt: now, touchedAt: now, leaseUntil: null, deliveredAt: null } },
    { returnDocument: "after" },
  ).lean<DeliveryDoc>();
  if (doc) await d.announce(id).catch(() => undefined);
  return doc;
}
