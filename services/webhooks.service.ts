/**
 * webhooks: endpoints a user registers (`/v1/webhooks`) and the signed deliveries of job events to them
 * (docs/webhooks.md). Events come from the durable job changes (a consumer group of the `job-changes`
 * channel, acked once the deliveries are recorded) and from the tag generator's batch ends
 * (`batch-changes`); each delivery is durable work on the `webhook-deliveries` channel, tried, retried
 * with backoff (JetStream `nak(delay)`), ordered per job, logged, and redeliverable by hand.
 *
 * Visibility: a user sees and manages their own endpoints only; someone else's answers 404. An admin's
 * endpoint may ask for every user's jobs (`allJobs`).
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../kernel/config";
import { channelsOf, keepAlive, type RawChannelMessage } from "../kernel/channels";
import { fail } from "../kernel/errors";
import type { GatewayMeta, Principal } from "../kernel/gateway/types";
import { changesChannel, ensureChangesConsumer } from "../kernel/jobs/changes";
import { ensureDurable, withJetStream } from "../kernel/jobs/dispatch";
import { modelOf, mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import * as W from "../kernel/webhooks/core";
import * as E from "../kernel/webhooks/endpoints";
import { registerBatchEventShape, registerJobEventShape, type BatchEventInput } from "../kernel/webhooks/events";
import { orchestratorJobEvents } from "../apis/orchestrator/webhook-shape";
import { taggerBatchEvents, taggerJobEvents } from "../apis/tagger/webhook-shape";
import { defineWebhookModels, toDeliveryView, toWebhookView, type DeliveryDoc, type DeliveryModel, type DeliveryView, type WebhookDoc, type WebhookModel, type WebhookView } from "../kernel/webhooks/model";
import { atRestKey } from "../kernel/webhooks/signing";

// Each family shows its own jobs' events (api, status vocabulary, links); first owner wins.
registerJobEventShape(orchestratorJobEvents);
registerJobEventShape(taggerJobEvents);
registerBatchEventShape(taggerBatchEvents);

type This = MongoServiceThis & { Webhook: WebhookModel; Delivery: DeliveryModel; deps: W.Deps; sweeper?: NodeJS.Timeout; own(ctx: Ctx<unknown>, id: string): Promise<WebhookDoc> };
type Ctx<P = Record<string, unknown>> = Context<P, GatewayMeta>;

function userOf(ctx: Context<unknown, GatewayMeta>): Principal {
  const u = ctx.meta.user;
  if (!u) fail("UNAUTHORIZED");
  return u;
}

/** Channel message names with the namespace prefix (the channels middleware adds it to the name). */
function subject(ns: string, channel: string): string {
  return ns ? `${ns}.${channel}` : channel;
}

const STREAM_EXTRA = { max_age: 7 * 24 * 3600 * 1_000_000_000 };

const WebhooksService: ServiceSchema<ServiceSettingSchema, object, object, This> & { channels: Record<string, unknown> } = {
  name: "webhooks",
  mixins: [mongoMixin(defineWebhookModels)],

  channels: {
    /** Job changes become deliveries; acked once recorded (the deliveries themselves are separate work). */
    "job-changes": changesChannel(W.WEBHOOKS_CHANGES_GROUP, async function (this: This, change) {
      await W.recordChange(this.deps, change);
    }),
    /** The tag generator's batch ends (published with an outbox by the tagger). */
    [W.BATCH_CHANNEL]: {
      group: W.WEBHOOKS_BATCH_GROUP,
      maxRetries: 10,
      deadLettering: { enabled: false },
      nats: { streamConfig: STREAM_EXTRA },
      async handler(this: This, ctx: Context<BatchEventInput & { owner: string }>) {
        const b = ctx.params;
        if (!b || typeof b.batchId !== "string" || typeof b.owner !== "string") return;
        await W.recordBatchEnd(this.deps, b);
      },
    },
    /** One attempt per message; retries are the same message handed back with a delay. */
    [W.DELIVERIES_CHANNEL]: {
      group: W.DELIVERIES_GROUP,
      // Retries are ours (nak with the backoff delay); a throw here is our own infrastructure failing.
      maxRetries: 0,
      deadLettering: { enabled: false },
      nats: { streamConfig: STREAM_EXTRA },
      async handler(this: This, ctx: Context<{ id?: unknown }>, raw?: RawChannelMessage & W.DeliveryMessage) {
        const id = ctx.params?.id;
        if (typeof id !== "string") return;
        const stop = keepAlive(raw);
        try {
          await W.deliver(this.deps, id, raw);
        } catch (err) {
          // The database is away: try this message again shortly (the sweep would re-send it anyway).
          this.logger.warn(`delivery ${id}: ${(err as Error).message}; retrying shortly`);
          if (raw?.nak) raw.nak(2000);
        } finally {
          stop();
        }
      },
    },
  },

  actions: {
    /** Registers an endpoint; answers its signing secret, this once. Throws VALIDATION_ERROR (400), FORBIDDEN. */
    create: {
      params: E.createWebhookSchema,
      async handler(this: This, ctx: Ctx<E.CreateWebhookParams>): Promise<WebhookView & { secret: string }> {
        const hook = await E.createWebhook(this.deps, userOf(ctx), ctx.params);
        ctx.meta.$statusCode = 201;
        return hook;
      },
    },

    list: {
      async handler(this: This, ctx: Ctx): Promise<{ items: WebhookView[] }> {
        const user = userOf(ctx);
        return { items: (await this.Webhook.find({ owner: user.id }).sort({ createdAt: 1 }).lean<WebhookDoc[]>()).map(toWebhookView) };
      },
    },

    get: {
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<WebhookView> {
        return toWebhookView(await this.own(ctx, ctx.params.id));
      },
    },

    /** Deletes the endpoint; its pending deliveries are dropped with it. 204. */
    remove: {
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<null> {
        const hook = await this.own(ctx, ctx.params.id);
        await this.Webhook.deleteOne({ _id: hook._id });
        await this.Delivery.deleteMany({ webhookId: hook._id });
        ctx.meta.$statusCode = 204;
        return null;
      },
    },

    /** The delivery log, newest first: `{items, nextCursor}`; filter `status`. */
    deliveries: {
      params: E.deliveriesSchema,
      async handler(this: This, ctx: Ctx<E.DeliveriesParams>): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
        return E.listDeliveries(this.deps, await this.own(ctx, ctx.params.id), ctx.params);
      },
    },

    /** One more attempt of a settled delivery (same id and body, fresh signature). 202; 409 while it is still in line. */
    redeliver: {
      params: { id: { type: "string", min: 1, max: 64 }, deliveryId: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string; deliveryId: string }>): Promise<DeliveryView> {
        const hook = await this.own(ctx, ctx.params.id);
        const cur = await this.Delivery.findOne({ _id: ctx.params.deliveryId, webhookId: hook._id }).lean<DeliveryDoc>();
        if (!cur) fail("NOT_FOUND", `Delivery ${ctx.params.deliveryId} not found`);
        const doc = await W.redeliver(this.deps, cur._id);
        if (!doc) fail("CONFLICT", `Delivery ${cur._id} is ${cur.status === "delivering" ? "being delivered" : "already waiting for its next attempt"}; redeliver it once it has been delivered or has failed`, { status: cur.status });
        ctx.meta.$statusCode = 202;
        return toDeliveryView(doc);
      },
    },

    /** Runs the sweep now (the timer runs it too); internal, for operators and tests. */
    sweep: {
      visibility: "public",
      handler(this: This) {
        return W.sweep(this.deps, 2 * 30_000);
      },
    },
  },

  methods: {
    own(this: This, ctx: Ctx<unknown>, id: string): Promise<WebhookDoc> {
      return E.ownWebhook(this.deps, userOf(ctx), id);
    },
  },

  async started(this: This) {
    this.Webhook = modelOf<WebhookModel>(this.db, "Webhook");
    this.Delivery = modelOf<DeliveryModel>(this.db, "WebhookDelivery");
    const cfg = config();
    const broker = channelsOf(this.broker);
    this.deps = {
      Webhook: this.Webhook,
      Delivery: this.Delivery,
      announce: (id) => broker.sendToChannel.call(this.broker, W.DELIVERIES_CHANNEL, { id }),
      key: atRestKey({ webhookSecretKey: cfg.webhooks.secretKey, jwtSecret: cfg.jwt.secret }),
      send: { allowPrivate: cfg.webhooks.allowPrivate, timeoutMs: cfg.webhooks.timeoutMs },
      maxAttempts: cfg.webhooks.maxAttempts,
      retryBaseMs: cfg.webhooks.retryBaseMs,
      maxDelayMs: cfg.webhooks.maxDelayMs,
      logger: this.logger,
    };
    if (cfg.jwt.secretGenerated && !cfg.webhooks.secretKey) {
      this.logger.warn("webhook secrets are sealed under a key derived from a JWT secret generated for this process: set WEBHOOK_SECRET_KEY (or JWT_SECRET_KEY) or endpoints stop working after a restart");
    }
    if (cfg.natsUrl) {
      // Consumers created before the channels middleware subscribes (the start-up race, kernel/jobs/dispatch.ts).
      await withJetStream(cfg.natsUrl, async (jsm) => {
        await ensureChangesConsumer(jsm, this.broker.namespace, W.WEBHOOKS_CHANGES_GROUP);
        for (const [channel, group] of [[W.DELIVERIES_CHANNEL, W.DELIVERIES_GROUP], [W.BATCH_CHANNEL, W.WEBHOOKS_BATCH_GROUP]] as const) {
          const s = subject(this.broker.namespace, channel);
          await ensureDurable(jsm, s.split(".").join("_"), s, group, STREAM_EXTRA, `_docmill_deliver.${s}.${group}`);
        }
      }).catch((err: unknown) => this.logger.warn(`webhook consumers set-up deferred to the channels adapter: ${(err as Error).message}`));
    }
    const every = cfg.webhooks.sweepIntervalSeconds * 1000;
    this.sweeper = setInterval(() => {
      W.sweep(this.deps, Math.max(2 * every, 10_000)).catch((err: unknown) => this.logger.warn(`webhook sweep failed: ${(err as Error).message}`));
    }, every);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default WebhooksService;
