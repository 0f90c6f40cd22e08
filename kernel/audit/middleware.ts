/**
 * Writes the audit entries of the actions in catalog.ts. Wraps those actions where they run (every
 * docmill broker has this middleware), so no service carries audit code; the entry goes to the audit
 * service once the action answered, through the durable outbox (outbox.ts: the database directly, else
 * the `audit-entries` JetStream channel, else the process's fsync'd spool file, sent when NATS is back). The action's
 * answer waits until one of those holds the entry, but an audit outage never fails the user's action.
 */
import { randomUUID } from "node:crypto";
import type { Context, Middleware, ServiceBroker } from "moleculer";
import type { Principal } from "../gateway/types";
import { AUDITED, type AuditInput, type AuditSpec } from "./catalog";
import { cleanDetails, type AuditEntry } from "./model";
import { AuditOutbox, ensureAuditStream } from "./outbox";

/** An API key's use is recorded at most this often per key and node (every request would drown the log). */
export const KEY_USED_EVERY_MS = 10 * 60_000;

interface Meta {
  user?: Principal | null;
  clientIp?: string;
  family?: string;
  auditedBy?: string;
}

function targetOf(spec: AuditSpec, input: AuditInput, user: Principal | null | undefined): AuditEntry["target"] {
  const t = spec.target(input);
  return t.id === null && spec.targetSelf && user ? { ...t, id: user.id } : t;
}

export function buildEntry(spec: AuditSpec, ctx: Pick<Context, "requestID">, meta: Meta, input: AuditInput): AuditEntry {
  const user = meta.user;
  const resultActor = spec.actorFromResult?.(input) ?? null;
  const result = input.result as { apiKeyId?: string; via?: string } | null;
  const actor: AuditEntry["actor"] = resultActor
    ? { id: resultActor, via: spec.action === "key.used" ? "apiKey" : "jwt", apiKeyId: spec.action === "key.used" ? (result?.apiKeyId ?? null) : null }
    : user
      ? { id: user.id, via: user.via, apiKeyId: user.apiKeyId ?? null }
      : { id: null, via: "anonymous", apiKeyId: null };
  return {
    id: randomUUID(),
    at: new Date().toISOString(),
    action: spec.action,
    outcome: input.error ? "failure" : "success",
    actor,
    ip: meta.clientIp ?? null,
    requestId: ctx.requestID ?? null,
    target: targetOf(spec, input, user),
    error: input.error ?? null,
    details: cleanDetails(spec.details?.(input)),
  };
}

export function AuditMiddleware(): Middleware {
  const lastKeyUse = new Map<string, number>();
  let outbox: AuditOutbox | null = null;
  return {
    name: "Audit",
    created(broker: ServiceBroker) {
      outbox = AuditOutbox.forBroker(broker);
    },
    async started(broker: ServiceBroker) {
      // The stream must exist before the first entry is queued, even while no audit service ever ran
      // (not awaited: NATS being away must not hold up the start; the outbox creates it when it can).
      void ensureAuditStream(broker).catch((err: unknown) => broker.logger.warn(`audit stream set-up deferred (${(err as Error).message})`));
      // The spools that processes killed during a NATS outage left behind (this process's previous life too).
      (outbox ??= AuditOutbox.forBroker(broker)).start();
      outbox.watchReconnects(broker);
    },
    async stopped() {
      await outbox?.close();
    },
    localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
      const spec = AUDITED[action.name];
      if (!spec) return next;
      return async function audited(ctx: Context) {
        const meta = (ctx.meta ?? {}) as Meta;
        const base = { params: (ctx.params ?? {}) as Record<string, unknown>, caller: ctx.caller ?? null, family: meta.family, auditedBy: meta.auditedBy };
        const write = async (input: AuditInput) => {
          if (spec.when && !spec.when(input)) return;
          const key = spec.dedupeKey?.(input);
          if (key) {
            const now = Date.now();
            if ((lastKeyUse.get(key) ?? 0) > now - KEY_USED_EVERY_MS) return;
            if (lastKeyUse.size > 10_000) lastKeyUse.clear();
            lastKeyUse.set(key, now);
          }
          await (outbox ??= AuditOutbox.forBroker(ctx.broker)).write(buildEntry(spec, ctx, meta, input));
        };
        let result: unknown;
        try {
          result = await next(ctx);
        } catch (err) {
          const type = (err as { type?: string }).type;
          if (type && spec.failures?.includes(type)) await write({ ...base, result: null, error: type });
          throw err;
        }
        // A download's result is a stream: nothing of it is read.
        await write({ ...base, result: result && typeof (result as { pipe?: unknown }).pipe === "function" ? null : result });
        return result;
      };
    },
  } as Middleware;
}
