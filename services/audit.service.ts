/**
 * audit: the append-only audit log (kernel/audit). Entries arrive from the audit middleware of every
 * docmill process (`record`, internal), or, when that write failed, on the durable `audit-entries`
 * channel (kernel/audit/outbox.ts); admins read them through `GET /v1/audit` (`list`). Nothing
 * updates an entry; the retention sweep (AUDIT_RETENTION_DAYS, every AUDIT_SWEEP_INTERVAL_SECONDS) is
 * the only delete, because mongo-java-server has no TTL indexes.
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../kernel/config";
import { defineAuditModel, toAuditEntry, type AuditDoc, type AuditEntry, type AuditModel } from "../kernel/audit/model";
import { auditQuery, encodeCursor, type AuditQueryParams } from "../kernel/audit/query";
import { modelOf, mongoMixin, type MongoServiceThis, type MongoSettings } from "../kernel/mongo";
import { AUDIT_CHANNEL, AUDIT_GROUP, AUDIT_STREAM_EXTRA, auditStream, auditSubject } from "../kernel/audit/outbox";
import { keepAlive, type RawChannelMessage } from "../kernel/channels";
import { ensureDurable, withJetStream } from "../kernel/jobs/dispatch";

interface AuditSettings extends MongoSettings {
  retentionDays: number;
}
type This = MongoServiceThis & {
  settings: AuditSettings;
  Entry: AuditModel;
  sweeper?: NodeJS.Timeout;
  sweep(now: Date): Promise<number>;
  store(e: AuditEntry): Promise<void>;
};

/** How long an entry waits on the channel before the next try while the database is away. */
const REDELIVER_MS = 2_000;

const id = { type: "string", optional: true, max: 200 };

const AuditService: ServiceSchema<ServiceSettingSchema & Record<string, unknown>, object, object, This> & { channels: Record<string, unknown> } = {
  name: "audit",
  mixins: [mongoMixin(defineAuditModel)],
  settings: { retentionDays: config().audit.retentionDays },

  channels: {
    /** Entries whose direct write failed. Acked once stored; handed back (no limit) while the database is away. */
    [AUDIT_CHANNEL]: {
      group: AUDIT_GROUP,
      // Retries are ours (nak with a delay): a dead-letter queue would be a lost audit entry.
      maxRetries: 0,
      deadLettering: { enabled: false },
      nats: { streamConfig: AUDIT_STREAM_EXTRA },
      async handler(this: This, ctx: Context<AuditEntry>, raw?: RawChannelMessage & { nak?: (delay?: number) => void }) {
        const e = ctx.params;
        if (!e || typeof e.id !== "string" || typeof e.action !== "string") return;
        const stop = keepAlive(raw);
        try {
          await this.store(e);
        } catch (err) {
          this.logger.warn(`audit entry ${e.action} not stored yet (${(err as Error).message}); retrying`);
          if (raw?.nak) raw.nak(REDELIVER_MS);
          else throw err;
        } finally {
          stop();
        }
      },
    },
  },

  actions: {
    /** One entry, as built by the audit middleware. Internal. Idempotent by entry id. */
    record: {
      visibility: "public",
      params: { id: "string", at: "string", action: "string", outcome: { type: "enum", values: ["success", "failure"] }, $$strict: false },
      async handler(this: This, ctx: Context<AuditEntry>): Promise<{ ok: true }> {
        await this.store(ctx.params);
        return { ok: true };
      },
    },

    /** A page of entries, newest first. Throws VALIDATION_ERROR naming the filter. */
    list: {
      params: {
        action: id, actorId: id, targetId: id, targetType: id, outcome: id, requestId: id, from: id, to: id, cursor: { type: "string", optional: true, max: 500 },
        pageSize: { type: "number", integer: true, optional: true, convert: true },
      },
      async handler(this: This, ctx: Context<AuditQueryParams>): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
        const { filter, pageSize } = auditQuery(ctx.params);
        const docs = await this.Entry.find(filter).sort({ at: -1, _id: -1 }).limit(pageSize + 1).lean<AuditDoc[]>();
        const page = docs.slice(0, pageSize);
        const last = page[page.length - 1];
        return { items: page.map(toAuditEntry), nextCursor: docs.length > pageSize && last ? encodeCursor(new Date(last.at), last._id) : null };
      },
    },

    /** Deletes entries older than the retention; `now` for tests and operators. Internal. */
    sweep: {
      visibility: "public",
      params: { now: { type: "string", optional: true } },
      handler(this: This, ctx: Context<{ now?: string }>): Promise<number> {
        return this.sweep(ctx.params.now ? new Date(ctx.params.now) : new Date());
      },
    },
  },

  methods: {
    async store(this: This, e: AuditEntry): Promise<void> {
      try {
        await this.Entry.create({
          _id: e.id, at: new Date(e.at), action: e.action, outcome: e.outcome, actor: e.actor, ip: e.ip, requestId: e.requestId,
          target: e.target, error: e.error ?? null, details: e.details ?? {},
        });
      } catch (err) {
        // The same entry again (written directly and also queued, or redelivered): entries never change.
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    },

    async sweep(this: This, now: Date): Promise<number> {
      const before = new Date(now.getTime() - this.settings.retentionDays * 86400_000);
      const r = await this.Entry.deleteMany({ at: { $lt: before } });
      return r.deletedCount ?? 0;
    },
  },

  async started(this: This) {
    this.Entry = modelOf<AuditModel>(this.db, "AuditEntry");
    await this.Entry.createIndexes();
    const natsUrl = config().natsUrl;
    if (natsUrl) {
      // The consumer before the channels adapter subscribes (the start-up race, kernel/jobs/dispatch.ts).
      const s = auditSubject(this.broker.namespace);
      await withJetStream(natsUrl, (jsm) => ensureDurable(jsm, auditStream(this.broker.namespace), s, AUDIT_GROUP, AUDIT_STREAM_EXTRA, `_docmill_deliver.${s}.${AUDIT_GROUP}`)).catch((err: unknown) =>
        this.logger.warn(`audit consumer set-up deferred to the channels adapter: ${(err as Error).message}`),
      );
    }
    this.sweeper = setInterval(() => {
      this.sweep(new Date()).then(
        (n) => n && this.logger.info(`audit retention: ${n} entries older than ${this.settings.retentionDays} days deleted`),
        (err: unknown) => this.logger.warn(`audit retention sweep failed: ${(err as Error).message}`),
      );
    }, config().audit.sweepIntervalSeconds * 1000);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default AuditService;
