/**
 * The webhooks service's own records (its connection, its collections): the endpoints and the delivery
 * log. A delivery is one event for one endpoint; its attempts are kept on it. Every state change of a
 * delivery is one conditional findOneAndUpdate (no transactions on this database).
 */
import { Schema, type Connection, type Model } from "mongoose";
import type { DeliveryStatus, DeliveryView, WebhookEvent, WebhookView } from "../../shared/wire/webhooks";

export interface WebhookDoc {
  _id: string;
  owner: string;
  url: string;
  events: WebhookEvent[];
  /** Admins only: every user's jobs, not just the owner's. */
  allJobs: boolean;
  description: string;
  /** The signing secret, AES-256-GCM sealed (signing.ts), and the fingerprint of the key that sealed it. */
  sealedSecret: string;
  keyId: string;
  createdAt: Date;
  updatedAt: Date;
}

// The views and the delivery status are the wire contract, shared with the web app (shared/wire/webhooks.ts).
export type { DeliveryStatus, DeliveryView, WebhookView };

export interface AttemptDoc {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** Started by POST .../redeliver. */
  manual?: boolean;
}

export interface DeliveryDoc {
  /** Also the `webhook-id` header: the same on every attempt, so receivers deduplicate by it. */
  _id: string;
  webhookId: string;
  owner: string;
  event: WebhookEvent;
  /** What the event is about: `job:<id>` or `batch:<id>`. Deliveries of one subject go out in `seq` order. */
  subject: string;
  seq: number;
  /** The exact JSON body signed and sent. */
  body: string;
  status: DeliveryStatus;
  attempts: AttemptDoc[];
  attemptCount: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  /** Last time a handler or the sweep took care of it (the sweep re-sends a message for stale ones). */
  touchedAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
}

const webhookSchema = new Schema<WebhookDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true, index: true },
    url: { type: String, required: true },
    events: { type: [String], required: true },
    allJobs: { type: Boolean, default: false, index: true },
    description: { type: String, default: "" },
    sealedSecret: { type: String, required: true },
    keyId: { type: String, required: true },
  },
  { timestamps: true, minimize: false, versionKey: false },
);

const attemptSchema = new Schema<AttemptDoc>({ at: Date, statusCode: { type: Number, default: null }, error: { type: String, default: null }, durationMs: Number, manual: Boolean }, { _id: false });

const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    webhookId: { type: String, required: true },
    owner: { type: String, required: true },
    event: { type: String, required: true },
    subject: { type: String, required: true },
    seq: { type: Number, required: true },
    body: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: [attemptSchema], default: [] },
    attemptCount: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: { type: Date, default: null },
    touchedAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { minimize: false, versionKey: false },
);
// One delivery per endpoint, subject, step and event: a change seen twice never delivers twice.
deliverySchema.index({ webhookId: 1, subject: 1, seq: 1, event: 1 }, { unique: true });
deliverySchema.index({ webhookId: 1, createdAt: -1 });
deliverySchema.index({ status: 1, touchedAt: 1 });

export type WebhookModel = Model<WebhookDoc>;
export type DeliveryModel = Model<DeliveryDoc>;

export function defineWebhookModels(conn: Connection): void {
  conn.model<WebhookDoc>("Webhook", webhookSchema, "webhooks");
  conn.model<DeliveryDoc>("WebhookDelivery", deliverySchema, "webhook_deliveries");
}

export function toWebhookView(d: WebhookDoc): WebhookView {
  return { id: d._id, url: d.url, events: d.events, allJobs: Boolean(d.allJobs), description: d.description ?? "", createdAt: new Date(d.createdAt).toISOString(), updatedAt: new Date(d.updatedAt).toISOString() };
}

export function toDeliveryView(d: DeliveryDoc): DeliveryView {
  const [type, ...rest] = d.subject.split(":");
  let payload: unknown = null;
  try {
    payload = JSON.parse(d.body);
  } catch {
    payload = null;
  }
  return {
    id: d._id,
    webhookId: d.webhookId,
    event: d.event,
    subject: { type: type ?? "", id: rest.join(":") },
    status: d.status,
    attempts: (d.attempts ?? []).length,
    attemptLog: (d.attempts ?? []).map((a) => ({ at: new Date(a.at).toISOString(), statusCode: a.statusCode ?? null, error: a.error ?? null, durationMs: a.durationMs ?? 0, manual: Boolean(a.manual) })),
    nextAttemptAt: d.status === "pending" ? new Date(d.nextAttemptAt).toISOString() : null,
    deliveredAt: d.deliveredAt ? new Date(d.deliveredAt).toISOString() : null,
    createdAt: new Date(d.createdAt).toISOString(),
    payload,
  };
}
