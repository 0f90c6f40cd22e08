/**
 * The audit outbox's order of places (kernel/audit/outbox.ts): the database directly, else the durable
 * channel, else the spool (an fsync'd file of this process, mirrored in memory) that is retried until the
 * channel takes it, oldest first. The spool is a real file in a temporary folder.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AuditOutbox } from "../../../../kernel/audit/outbox";
import type { AuditEntry } from "../../../../kernel/audit/model";
import { makeTempDir } from "../../../support/infra";

const entry = (id: string): AuditEntry => ({
  id, at: new Date().toISOString(), action: "auth.login", outcome: "failure",
  actor: { id: null, via: "anonymous", apiKeyId: null }, ip: "203.0.113.9", requestId: id, target: { type: "account", id: null }, details: {},
});

function outbox(opts: { direct: boolean; channel: () => boolean; dir?: string; maxBytes?: number }) {
  const db: string[] = [];
  const channel: string[] = [];
  const warnings: string[] = [];
  const dir = opts.dir ?? makeTempDir("docmill-outbox-");
  const box = new AuditOutbox(
    async (e) => {
      if (!opts.direct) throw new Error("audit service not found");
      db.push(e.id);
    },
    async (e) => {
      if (!opts.channel()) throw new Error("no responders");
      channel.push(e.id);
    },
    (m) => warnings.push(m),
    { dir, maxBytes: opts.maxBytes ?? 1 << 20 },
  );
  return { box, db, channel, warnings, dir };
}

const spoolFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".jsonl")) : []);

it("writes directly when it can, and queues on the channel when the direct write fails", async () => {
  const ok = outbox({ direct: true, channel: () => true });
  expect(await ok.box.write(entry("a"))).toBe("stored");
  expect(ok.db).toEqual(["a"]);
  const down = outbox({ direct: false, channel: () => true });
  expect(await down.box.write(entry("b"))).toBe("queued");
  expect(down.channel).toEqual(["b"]);
  expect(down.warnings[0]).toMatch(/not written directly/);
  expect(spoolFiles(down.dir)).toEqual([]);
});

it("keeps entries in order on disk while NATS is away, sends them once it is back, then removes the file", async () => {
  let nats = false;
  const o = outbox({ direct: false, channel: () => nats });
  const [e1, e2] = [entry("1"), entry("2")];
  expect(await o.box.write(e1)).toBe("spooled");
  nats = true;
  // A queue is waiting: a new entry goes behind it, not ahead.
  expect(await o.box.write(e2)).toBe("spooled");
  expect(o.channel).toEqual([]);
  expect(o.box.pending).toBe(2);
  // Both are on disk before write() resolved: one JSON line each, exactly the entry.
  const file = o.box.spoolFile!;
  expect(path.dirname(file)).toBe(o.dir);
  expect(readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l))).toEqual([e1, e2]);
  expect(await o.box.flush()).toBe(2);
  expect(o.channel).toEqual(["1", "2"]);
  expect(o.box.pending).toBe(0);
  expect(existsSync(file)).toBe(false);
  expect(existsSync(`${file}.lock`)).toBe(false);
});

it("at a shutdown with NATS away leaves the spool for the next process, which sends it once NATS is back", async () => {
  const o = outbox({ direct: false, channel: () => false });
  await o.box.write(entry("x"));
  await o.box.write(entry("y"));
  const file = o.box.spoolFile!;
  await o.box.close();
  expect(o.warnings.at(-1)).toBe(`2 audit entries could not be sent before shutdown (NATS was away); 2 stay in the spool ${path.basename(file)} for the next process to send`);
  expect(existsSync(file)).toBe(true);
  expect(existsSync(`${file}.lock`)).toBe(false);

  let nats = false;
  const next = outbox({ direct: false, channel: () => nats, dir: o.dir });
  expect(await next.box.replayOrphans()).toBe(0);
  expect(existsSync(file)).toBe(true);
  nats = true;
  expect(await next.box.replayOrphans()).toBe(2);
  expect(next.channel).toEqual(["x", "y"]);
  expect(spoolFiles(o.dir)).toEqual([]);
});

it("drops, counts and logs an entry past AUDIT_SPOOL_MAX_BYTES", async () => {
  const one = Buffer.byteLength(JSON.stringify(entry("1"))) + 1;
  const o = outbox({ direct: false, channel: () => false, maxBytes: one * 2 });
  expect(await o.box.write(entry("1"))).toBe("spooled");
  expect(await o.box.write(entry("2"))).toBe("spooled");
  expect(await o.box.write(entry("3"))).toBe("dropped");
  expect(o.warnings.at(-1)).toBe(`audit spool full (${one * 2} of ${one * 2} bytes, AUDIT_SPOOL_MAX_BYTES): entry auth.login dropped; 1 dropped so far`);
  expect(readFileSync(o.box.spoolFile!, "utf8").trim().split("\n")).toHaveLength(2);
  await o.box.close();
  expect(o.warnings.at(-1)).toBe("1 audit entries were dropped because the spool was full (AUDIT_SPOOL_MAX_BYTES)");
});

it("keeps an entry in memory, and says so, when the spool folder cannot be written", async () => {
  const notADir = path.join(makeTempDir("docmill-outbox-"), "file");
  writeFileSync(notADir, "");
  let nats = false;
  const o = outbox({ direct: false, channel: () => nats, dir: path.join(notADir, "spool") });
  expect(await o.box.write(entry("m"))).toBe("memory");
  expect(o.warnings.some((w) => /audit spool .* cannot be written .*kept in memory only/.test(w))).toBe(true);
  nats = true;
  expect(await o.box.flush()).toBe(1);
  expect(o.channel).toEqual(["m"]);
});
