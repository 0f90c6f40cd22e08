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
 * 3. when NATS is away too, the spool (spool.ts): an append-only file of this process, fsync'd before the
 *    action answers, mirrored by a queue in memory that is retried with backoff (and at once when the
 *    transporter reconnects) until the channel takes it; then the file is removed. A process killed
 *    during the outage leaves its file behind, and the next process of the namespace to start (or any
 *    running one) replays it once the dead owner's lock is stale. The spool is bounded
 *    (AUDIT_SPOOL_MAX_BYTES): an entry past it is dropped, counted (docmill_audit_spool_dropped_total) and
 *    logged, never silently. Only a folder that cannot be written leaves entries in memory alone.
 * Without NATS (`docmill run`, unit tests) the channel is the in-process Fake adapter: retried, not durable.
 */
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { recordAuditSpool } from "../../sdk/metrics";
import { config } from "../config";
import { ensureStream, withJetStream } from "../jobs/dispatch";
import type { AuditEntry } from "./model";
import { callOf } from "../call";
import { AuditSpool } from "./spool";

export const AUDIT_CHANNEL = "audit-entries";
export const AUDIT_GROUP = "docmill-audit-writer";
/** A consumer that is away keeps its backlog this long (a week: an outage longer than that is noticed). */
export const AUDIT_STREAM_EXTRA = { max_age: 7 * 24 * 3600 * 1_000_000_000 };
/** The direct write's patience: the action's answer waits at most this long for it. */
export const DIRECT_TIMEOUT_MS = 2_000;
/** How often a running process looks for the spool files of dead processes. */
export const ORPHAN_SCAN_MS = 5_000;
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
export type WriteOutcome = "stored" | "queued" | "spooled" | "memory" | "dropped";

/** The write path of one process: direct, else channel, else the spool (disk, mirrored in memory). */
export class AuditOutbox {
  private readonly queue: AuditEntry[] = [];
  private readonly disk: AuditSpool;
  private timer: NodeJS.Timeout | null = null;
  private scanner: NodeJS.Timeout | null = null;
  private scanning: Promise<number> | null = null;
  private delay = RETRY_MIN_MS;
  /** Entries of the queue the disk could not take (lost if the process dies now). */
  private memoryOnly = 0;
  private dropped = 0;
  private warned = 0;
  private fullWarned = 0;
  /** Whether this process replays dead processes' spools (only onto a durable channel: with NATS). */
  private readonly replays: boolean;

  constructor(
    private readonly direct: Send,
    private readonly channel: Send,
    private readonly warn: (msg: string) => void,
    spool: { dir: string; maxBytes: number; info?: (msg: string) => void; replay?: boolean },
  ) {
    this.replays = spool.replay ?? true;
    this.disk = new AuditSpool(spool.dir, spool.maxBytes, { warn, info: spool.info ?? warn }, () => this.respool());
  }

  static forBroker(broker: ServiceBroker): AuditOutbox {
    const b = broker as unknown as { sendToChannel?: (name: string, payload: unknown) => Promise<void> };
    const box = new AuditOutbox(
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
      {
        // Per namespace: a spool is replayed onto its own namespace's channel only.
        dir: path.join(config().audit.spoolDir, (broker.namespace || "default").replace(/[^\w.-]/g, "_")),
        maxBytes: config().audit.spoolMaxBytes,
        info: (msg) => broker.logger.info(msg),
        // Without NATS the channel is the in-process Fake adapter: a replay onto it would not be durable.
        replay: Boolean(config().natsUrl),
      },
    );
    return box;
  }

  /**
   * NATS back is the moment to send: the transporter's NATS client reports its reconnection (Moleculer
   * itself announces only the first connection), so the queue goes then rather than at the next backoff.
   */
  watchReconnects(broker: ServiceBroker): void {
    const client = (broker as unknown as { transit?: { tx?: { client?: { status?: () => AsyncIterable<{ type: string }> } } } }).transit?.tx?.client;
    if (!client?.status) return;
    void (async () => {
      for await (const st of client.status!()) if (st.type === "reconnect") this.kick();
    })().catch(() => {});
  }

  /** Entries waiting for NATS in this process. */
  get pending(): number {
    return this.queue.length;
  }

  /** The spool file this process is appending to (null while nothing waits). */
  get spoolFile(): string | null {
    return this.disk.path;
  }

  /**
   * Resolves once the entry is in the database ("stored"), on JetStream ("queued"), or, NATS away, in the
   * fsync'd spool ("spooled"); "memory" when the spool folder cannot be written, "dropped" when it is full.
   */
  async write(entry: AuditEntry): Promise<WriteOutcome> {
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
        this.rateLimitedWarn(`audit entry ${entry.action} could not be queued (${(err as Error).message}); spooled in this process until NATS is back`);
      }
    }
    return this.spool(entry);
  }

  /** Starts replaying the spools of dead processes: now, then every ORPHAN_SCAN_MS. */
  start(): void {
    if (!this.replays) return;
    void this.replayOrphans();
    if (this.scanner) return;
    this.scanner = setInterval(() => void this.replayOrphans(), ORPHAN_SCAN_MS);
    this.scanner.unref();
  }

  /** Sends the spools left by processes that died (or stopped with entries unsent); resolves to the count. */
  replayOrphans(): Promise<number> {
    if (!this.replays) return Promise.resolve(0);
    this.scanning ??= this.disk.replayOrphans(this.channel).finally(() => (this.scanning = null));
    return this.scanning;
  }

  /** NATS is back: send the queue (and any orphaned spool) now. */
  kick(): void {
    if (this.queue.length) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.delay = RETRY_MIN_MS;
      void this.flush().then(() => this.queue.length && this.schedule());
    }
    void this.replayOrphans();
  }

  /** Sends the queue to the channel, oldest first; stops at the first failure. Empties the spool when done. */
  async flush(): Promise<number> {
    let sent = 0;
    while (this.queue.length) {
      try {
        await this.channel(this.queue[0]!);
      } catch {
        this.gauge();
        return sent;
      }
      this.queue.shift();
      sent++;
    }
    this.memoryOnly = 0;
    await this.disk.clear(() => this.queue.length === 0);
    this.gauge();
    return sent;
  }

  /** At shutdown: one last flush; what cannot be sent stays in the spool for the next process, and is logged. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.scanner) clearInterval(this.scanner);
    this.timer = this.scanner = null;
    await this.flush();
    await this.scanning?.catch(() => {});
    const left = this.queue.length;
    const file = this.disk.path;
    await this.disk.close(left === 0);
    if (left) {
      const lost = Math.min(this.memoryOnly, left);
      this.warn(
        `${left} audit entries could not be sent before shutdown (NATS was away)` +
          (left > lost ? `; ${left - lost} stay in the spool ${file ? path.basename(file) : ""} for the next process to send` : "") +
          (lost ? `; ${lost} could not be written to the spool and are lost` : ""),
      );
    }
    if (this.dropped) this.warn(`${this.dropped} audit entries were dropped because the spool was full (AUDIT_SPOOL_MAX_BYTES)`);
    this.queue.length = 0;
  }

  private async spool(entry: AuditEntry): Promise<WriteOutcome> {
    if (!this.disk.admit(entry)) {
      this.dropped++;
      recordAuditSpool({ dropped: 1 });
      if (this.fullWarned++ % 100 === 0) {
        this.warn(`audit spool full (${this.disk.size} of ${this.disk.maxBytes} bytes, AUDIT_SPOOL_MAX_BYTES): entry ${entry.action} dropped; ${this.dropped} dropped so far`);
      }
      return "dropped";
    }
    // Queued before it is written: the spool is emptied only while the queue is (AuditSpool.clear).
    this.queue.push(entry);
    this.schedule();
    const where = await this.disk.write(entry);
    if (where === "memory") this.memoryOnly++;
    this.gauge();
    return where === "disk" ? "spooled" : "memory";
  }

  /** The lock of the spool file was taken over: every waiting entry goes into a new file. */
  private respool(): void {
    for (const e of this.queue) {
      if (this.disk.admit(e)) void this.disk.write(e);
    }
  }

  private gauge(): void {
    recordAuditSpool({ entries: this.queue.length, bytes: this.queue.length ? this.disk.size : 0 });
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
