/**
 * The audit outbox's last place (outbox.ts, step 3) on disk: the entries this process could not hand to
 * NATS, so that a crash of the process during a NATS outage loses none of them.
 *
 * - One append-only file per process life, `<AUDIT_SPOOL_DIR>/<namespace>/<host>-<pid>-<random>-<n>.jsonl`:
 *   an entry is one JSON line, written and fsync'd before the action answers. The file holds exactly the
 *   entry (what the audit log stores anyway: ids, counts, the client address), nothing else; mode 0600.
 * - A process holds a lock on its file (proper-lockfile: a `<file>.lock` directory whose mtime it refreshes
 *   every 5 s). A lock not refreshed for 20 s is stale: its owner died. Any process of the same namespace
 *   that finds such a file (at start-up and every few seconds) claims the lock, sends every line to the
 *   audit channel and then removes the file. Entries are idempotent by id, so a replay cut short and
 *   repeated, or an entry also sent by its owner, is stored once.
 * - Once the process's queue is empty again (NATS took every entry), its file is removed (the spool is
 *   emptied); the next outage starts a new file. A clean shutdown that could not send everything leaves the
 *   file without a lock, for the next process to replay straight away.
 * - Bounded: past AUDIT_SPOOL_MAX_BYTES in one outage a new entry is refused (the outbox counts and logs it).
 * - If the folder cannot be written, the entry is kept in memory only (the outbox says so in the log).
 *
 * Why a file rather than the entry in the action's own document update: many audited actions write no
 * document (a refused sign-in, a download, an API key's use), and the audited services would each need an
 * outbox field and a relay; the spool covers every action in one place, outside the services.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import type { AuditEntry } from "./model";

/** A lock not refreshed for this long belongs to a dead process (refreshed every UPDATE_MS while alive). */
export const STALE_MS = 20_000;
const UPDATE_MS = 5_000;

export interface SpoolLog {
  warn(msg: string): void;
  info(msg: string): void;
}

type Send = (entry: AuditEntry) => Promise<void>;

export class AuditSpool {
  /** This process's file, while it holds entries; null between outages. */
  private file: string | null = null;
  private release: (() => Promise<void>) | null = null;
  private seq = 0;
  private bytes = 0;
  private ops: Promise<unknown> = Promise.resolve();
  private diskWarned = 0;
  private readonly base = `${os.hostname().replace(/[^\w.-]/g, "_")}-${process.pid}-${randomBytes(4).toString("hex")}`;

  /**
   * @param onLost called when this process's lock was taken over (the process stalled past STALE_MS): the
   *   outbox writes its queue again into a new file, so nothing depends on the file another process replays.
   */
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly log: SpoolLog,
    private readonly onLost: () => void = () => {},
  ) {}

  /** The bytes this outage has spooled so far (the bound applies to them). */
  get size(): number {
    return this.bytes;
  }

  /** The file now being appended to, if any. */
  get path(): string | null {
    return this.file;
  }

  /** Reserves room for the entry; false when the spool is full (the entry must be dropped). Synchronous. */
  admit(entry: AuditEntry): boolean {
    const n = Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (this.bytes + n > this.maxBytes) return false;
    this.bytes += n;
    return true;
  }

  /** Appends an admitted entry and fsyncs it. "memory" when the disk could not take it. */
  write(entry: AuditEntry): Promise<"disk" | "memory"> {
    return this.serial(async () => {
      try {
        if (!this.file) await this.open();
        const fh = await fs.open(this.file!, "a", 0o600);
        try {
          await fh.write(`${JSON.stringify(entry)}\n`);
          await fh.sync();
        } finally {
          await fh.close();
        }
        return "disk" as const;
      } catch (err) {
        if (this.diskWarned++ % 100 === 0) {
          this.log.warn(`audit spool ${this.dir} cannot be written (${(err as Error).message}); the entries of this NATS outage are kept in memory only`);
        }
        return "memory" as const;
      }
    });
  }

  /** Removes this process's file once `isEmpty()` still holds when the turn comes (nothing left to send). */
  clear(isEmpty: () => boolean): Promise<void> {
    return this.serial(async () => {
      if (!isEmpty()) return;
      this.bytes = 0;
      await this.drop(true);
    });
  }

  /** At shutdown: the file goes if nothing is left, else it stays, unlocked, for the next process. */
  close(empty: boolean): Promise<void> {
    return this.serial(() => this.drop(empty));
  }

  /**
   * Sends the lines of every file whose owner died (stale or no lock) to the channel, then removes the file.
   * Stops at the first failed send (NATS away): the file stays for the next try. Returns the entries sent.
   */
  async replayOrphans(send: Send): Promise<number> {
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => n.endsWith(".jsonl"));
    } catch {
      return 0;
    }
    let total = 0;
    for (const name of names) {
      const file = path.join(this.dir, name);
      if (file === this.file) continue;
      let release: () => Promise<void>;
      try {
        release = await lockfile.lock(file, { realpath: false, stale: STALE_MS, update: UPDATE_MS, retries: 0, onCompromised: () => {} });
      } catch {
        continue; // its owner is alive (or another process is replaying it)
      }
      try {
        const text = await fs.readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
          if (err.code === "ENOENT") return ""; // its owner removed it after our listing
          throw err;
        });
        let sent = 0;
        let torn = 0;
        for (const line of text.split("\n")) {
          if (!line.trim()) continue;
          let entry: AuditEntry;
          try {
            entry = JSON.parse(line) as AuditEntry;
          } catch {
            torn++; // the last line of a process killed while writing it: that action never answered
            continue;
          }
          await send(entry);
          sent++;
        }
        await fs.rm(file, { force: true });
        total += sent;
        if (sent || torn) this.log.info(`audit spool ${name}: ${sent} entries of a stopped process sent to the audit channel${torn ? `, ${torn} torn lines skipped` : ""}`);
      } catch (err) {
        this.log.warn(`audit spool ${name} not replayed yet (${(err as Error).message}); kept for the next try`);
        return total;
      } finally {
        await release().catch(() => {});
      }
    }
    return total;
  }

  private async open(): Promise<void> {
    await mkdirs(this.dir);
    // A new name for every outage: a process replaying the previous (removed) file may still hold its lock.
    const file = path.join(this.dir, `${this.base}-${this.seq++}.jsonl`);
    // The lock before the file: another process never sees the file without its live owner's lock.
    this.release = await lockfile.lock(file, {
      realpath: false,
      stale: STALE_MS,
      update: UPDATE_MS,
      retries: 0,
      onCompromised: (err) => {
        if (this.file !== file) return;
        this.log.warn(`audit spool lock of ${path.basename(file)} lost (${err.message}); the waiting entries are written again to a new file`);
        this.file = null;
        this.release = null;
        this.bytes = 0;
        this.onLost();
      },
    });
    this.file = file;
  }

  private async drop(removeFile: boolean): Promise<void> {
    const file = this.file;
    const release = this.release;
    this.file = null;
    this.release = null;
    if (!file) return;
    // The file goes before the lock: a process that listed it finds nothing once it gets the lock.
    if (removeFile) await fs.rm(file, { force: true }).catch(() => {});
    await release?.().catch(() => {});
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.ops.then(fn, fn);
    this.ops = run.catch(() => {});
    return run;
  }
}

/**
 * `mkdir -p` without `fs.mkdir`'s recursive mode, which loops for ever on a folder some file systems
 * refuse with ENOENT (procfs): the missing ancestors, found walking up, are made top-down, once each.
 */
async function mkdirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      await fs.stat(d);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || d === path.dirname(d)) throw err;
      missing.unshift(d);
    }
  }
  for (const d of missing) {
    await fs.mkdir(d, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
  }
}
