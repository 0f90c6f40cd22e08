/**
 * The durable record of job changes. Every state transition bumps the job's `version` and sets its
 * `outbox` flag in the same atomic update (repo.ts); the jobs service then publishes the change on the
 * `job-changes` channel (@moleculer/channels: NATS JetStream when NATS_URL is set, the in-memory adapter
 * otherwise, so the embedded and the split shape run this same code) and clears the flag for exactly that
 * version. A publish lost to a crash or an outage leaves the flag set, and the jobs sweep publishes again.
 *
 * Consumers (the API families, webhooks, feedback) are consumer groups: each gets every change once per group,
 * acked only after the handler applied it. The message is small (no result, no document text: the stream
 * keeps it for a day); a consumer that needs more reads the job's current state, which is at least as new
 * as the change, so a change it never saw (a gap in versions) is covered by that read. Applying is
 * idempotent: a duplicate or an out-of-order older change finds the consumer's record already there.
 *
 * Broadcast `job.updated` events still go out with every publication: they are the fast path for
 * WebSocket relays and waiting callers, never the only one (those re-read stored state on a timer).
 */
import type { Context } from "moleculer";
import { keepAlive, type RawChannelMessage } from "../channels";
import { ensureDurable, ensureStream } from "./dispatch";
import type { JobDoc } from "./model";
import { isTransient } from "./transient";

export const CHANGES_CHANNEL = "job-changes";

/** Kept a day: long enough for any consumer outage we recover from, short enough to stay small. */
export const CHANGES_STREAM_CONFIG = { max_age: 24 * 3600 * 1_000_000_000 };

/** Deliveries of one change before the adapter drops it (the consumers' reconciliation sweeps repair). */
export const CHANGE_MAX_RETRIES = 10;

export interface JobChange {
  id: string;
  version: number;
  status: string;
  processor: string;
  owner: string;
  /** The routing keys consumers filter on (never the rest of the job's meta). */
  meta: { tagJobId?: string; tagDocId?: string; api?: string };
  /**
   * The job's recent transitions up to this version, oldest first (statuses and times only): a consumer
   * that must see every step (webhooks) learns from them the ones whose own publication it never got.
   */
  transitions?: Array<{ version: number; status: string; at: string }>;
}

export function changeOf(job: JobDoc): JobChange {
  const m = job.meta ?? {};
  const pick = (k: string) => (typeof m[k] === "string" ? (m[k] as string) : undefined);
  return {
    id: job._id,
    version: job.version ?? 0,
    status: job.status,
    processor: job.processor,
    owner: job.owner,
    meta: { tagJobId: pick("tagJobId"), tagDocId: pick("tagDocId"), api: pick("api") },
    transitions: transitionsOf(job),
  };
}

/** The job's kept transitions with their versions (the last one is the job's version). */
export function transitionsOf(job: Pick<JobDoc, "version" | "transitions">): Array<{ version: number; status: string; at: string }> {
  const list = job.transitions ?? [];
  const top = job.version ?? 0;
  return list.map((t, i) => ({ version: top - (list.length - 1 - i), status: t.status, at: new Date(t.at).toISOString() })).filter((t) => t.version >= 1);
}

export function isJobChange(v: unknown): v is JobChange {
  const c = v as Partial<JobChange> | null;
  return !!c && typeof c.id === "string" && typeof c.version === "number" && typeof c.status === "string" && typeof c.processor === "string";
}

export function changesSubject(namespace: string): string {
  return namespace ? `${namespace}.${CHANGES_CHANNEL}` : CHANGES_CHANNEL;
}

function changesStream(namespace: string): string {
  return changesSubject(namespace).split(".").join("_");
}

export async function ensureChangesStream(jsm: import("nats").JetStreamManager, namespace: string): Promise<void> {
  await ensureStream(jsm, changesStream(namespace), [changesSubject(namespace)], CHANGES_STREAM_CONFIG);
}

/** The stream and a consumer group's durable consumer, created race-safely before the adapter binds to it. */
export async function ensureChangesConsumer(jsm: import("nats").JetStreamManager, namespace: string, group: string): Promise<void> {
  const subject = changesSubject(namespace);
  await ensureDurable(jsm, changesStream(namespace), subject, group, CHANGES_STREAM_CONFIG, `_docmill_deliver.${subject}.${group}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A channel definition for a consumer group of job changes. The handler is retried in place while our own
 * infrastructure is away (the database restarting), the message kept alive meanwhile; after that it is
 * nak'ed for redelivery, and after CHANGE_MAX_RETRIES deliveries dropped (no dead-letter queue: the
 * consumer's reconciliation sweep repairs whatever a dropped change left behind).
 */
export function changesChannel<S>(group: string, apply: (this: S, change: JobChange) => Promise<void>) {
  return {
    group,
    maxRetries: CHANGE_MAX_RETRIES,
    deadLettering: { enabled: false },
    nats: { streamConfig: CHANGES_STREAM_CONFIG },
    async handler(this: S, ctx: Context<unknown>, raw?: RawChannelMessage) {
      const change = ctx.params;
      if (!isJobChange(change)) return;
      const stop = keepAlive(raw);
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            await apply.call(this, change);
            return;
          } catch (err) {
            // A stopping broker closes the database under us: hand the change back at once (nak) rather
            // than hold the shutdown with retries; another instance, or this one restarted, applies it.
            const stopping = (this as { broker?: { stopping?: boolean } }).broker?.stopping === true;
            if (!isTransient(err) || attempt >= 8 || stopping) throw err;
            await sleep(Math.min(5000, 200 * 2 ** attempt));
          }
        }
      } finally {
        stop();
      }
    },
  };
}
