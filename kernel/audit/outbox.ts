/**
 * How an audit entry reaches the log without being lost to an outage. Three places hold an entry, each
 * until the next one has it:
 * 1. the database, written straight away through `audit.record` (so an admin reading the log right after
 *    an action finds it); when that fails (the audit service is not running, its database is away, a
 *    timeout), the entry goes
 * 2. on the durable `audit-entries` JetStream channel: once JetStream acknowledged it, it survives a crash
 *    of any process and a database outage; the audit service consumes it and writes it (idempotent by
 *    entry id, so an entry both written and queued is stored once), handing it back with a delay while
 *    its database is away (no retry limit: an audit entry is never dropped to a dead-letter queue);
 * 3. when NATS is away too, a bounded queue in this process, retried with backoff until the channel
 *    takes it (and flushed once more at shutdown). Only a crash of the acting process during a NATS
 *    outage loses what is in this queue; the log line counts what was lost at a shutdown that could not
 *    flush, so the loss is never silent.
 * Without NATS (`docmill run`, unit tests) the channel is the in-process Fake adapter: retried, not durable.
 */
import type { ServiceBroker } from "moleculer";
import { config } from "../config";
import { ensureStream, withJetStream } from "../jobs/dispatch";
import type { AuditEntry } from "./model";
import { callOf } from "../call";

export const AUDIT_CHANNEL = "audit-entries";
export const AUDIT_GROUP = "docmill-audit-writer";
/** A consumer that is away keeps its backlog this long (a week: an outage longer than that is noticed). */
export const AUDIT_STREAM_EXTRA = { max_age: 7 * 24 * 3600 * 1_000_000_000 };
/** The direct write's patience: the action's answer waits at most this long for it. */
export const DIRECT_TIMEOUT_MS = 2_000;
/** The local queue's bound (entries of a NATS outage); the oldest are dropped, and counted, beyond it. */
export const SPOOL_MAX = 10_000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 15_000;

export function auditSubject(namespace: string): string {
  return namespace ? `${namespace}.${AUDIT_CHANNEL}` : AUDIT_CHANNEL;
}

export function auditStream(namespace: string): string {
  return auditSubject(namespace).split(".").join("_");
}

/** Creates the channel's stream if missing (the audit service's consumer may not exist yet). */
export async function ensureAuditStream(broker: ServiceBroker): Promise<void> {
  const natsUrl = config().natsUrl;
  if (!natsUrl) return;
  await withJetStream(natsUrl, (jsm) => ensureStream(jsm, auditStream(broker.namespace), [auditSubject(broker.namespace)], AUDIT_STREAM_EXTRA));
}

type Send = (entry: AuditEntry) => Promise<void>;

/** The write path of one process: direct, else channel, else the local queue. */
export class AuditOutbox {
  private readonly queue: AuditEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private delay = RETRY_MIN_MS;
  private dropped = 0;
  private warned = 0;

  constructor(
    private readonly direct: Send,
    private readonly channel: Send,
    private readonly warn: (msg: string) => void,
  ) {}

  static forBroker(broker: ServiceBroker): AuditOutbox {
    const b = broker as unknown as { sendToChannel?: (name: string, payload: unknown) => Promise<void> };
    return new AuditOutbox(
      async (e) => void (await callOf(broker)<{ ok: true }, AuditEntry>("audit.record", e, { timeout: DIRECT_TIMEOUT_MS, meta: {} })),
      async (e) => {
        if (!b.sendToChannel) throw new Error("no channels middleware");
        try {
          await b.sendToChannel.call(broker, AUDIT_CHANNEL, e);
        } catch (err) {
          // No stream yet (NATS was away when this process started): create it and try once more.
          if (!/no responders|not found|503/i.test((err as Error).message)) throw err;
          await ensureAuditStream(broker);
          await b.sendToChannel.call(broker, AUDIT_CHANNEL, e);
        }
      },
      (msg) => broker.logger.warn(msg),
    );
  }

  /** Entries waiting for NATS in this process. */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once the entry is in the database, on JetStream, or (NATS away) in the local queue. */
  async write(entry: AuditEntry): Promise<"stored" | "queued" | "spooled"> {
    try {
      await this.direct(entry);
      return "stored";
    } catch (err) {
      this.rateLimitedWarn(`audit entry ${entry.action} not written directly (${(err as Error).message}); queued on the audit channel`);
    }
    if (!this.queue.length) {
      try {
        await this.channel(entry);
        return "queued";
      } catch (err) {
        this.rateLimitedWarn(`audit entry ${entry.action} could not be queued (${(err as Error).message}); kept in this process until NATS is back`);
      }
    }
    this.spool(entry);
    return "spooled";
  }

  /** Sends the local queue to the channel, oldest first; stops at the first failure. */
  async flush(): Promise<number> {
    let sent = 0;
    while (this.queue.length) {
      try {
        await this.channel(this.queue[0]!);
      } catch {
        return sent;
      }
      this.queue.shift();
      sent++;
    }
    return sent;
  }

  /** At shutdown: one last flush; what cannot be sent is counted in the log, never silently lost. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    const lost = this.queue.length + this.dropped;
    if (lost) this.warn(`${lost} audit entries could not be stored before shutdown (NATS was away) and are lost`);
    this.queue.length = 0;
  }

  private spool(entry: AuditEntry): void {
    this.queue.push(entry);
    if (this.queue.length > SPOOL_MAX) {
      this.queue.shift();
      this.dropped++;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().then(() => {
        if (!this.queue.length) {
          this.delay = RETRY_MIN_MS;
          return;
        }
        this.delay = Math.min(this.delay * 2, RETRY_MAX_MS);
        this.schedule();
      });
    }, this.delay);
    this.timer.unref();
  }

  private rateLimitedWarn(msg: string): void {
    // An outage must not flood the log: the first warning and every 100th.
    if (this.warned++ % 100 === 0) this.warn(msg);
  }
}
