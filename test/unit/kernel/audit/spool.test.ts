/**
 * The audit spool's files between processes (kernel/audit/spool.ts), on a real folder: a live owner's file
 * is left alone, a dead owner's (its lock not refreshed for STALE_MS) is replayed and removed, a torn last
 * line is skipped, and a replay cut short by NATS keeps the file for the next try.
 */
import { existsSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AuditEntry } from "../../../../kernel/audit/model";
import { AuditSpool, STALE_MS } from "../../../../kernel/audit/spool";
import { makeTempDir } from "../../../support/infra";

const entry = (id: string): AuditEntry => ({
  id, at: "2026-12-01T10:00:00.000Z", action: "user.created", outcome: "success",
  actor: { id: "u1", via: "jwt", apiKeyId: null }, ip: null, requestId: id, target: { type: "user", id: "u2" }, details: {},
});
const log = () => {
  const lines: string[] = [];
  return { lines, warn: (m: string) => lines.push(m), info: (m: string) => lines.push(m) };
};

async function spooled(dir: string, ids: string[]): Promise<AuditSpool> {
  const s = new AuditSpool(dir, 1 << 20, log());
  for (const id of ids) {
    expect(s.admit(entry(id))).toBe(true);
    expect(await s.write(entry(id))).toBe("disk");
  }
  return s;
}

it("leaves a live owner's spool alone and replays it once the owner's lock is stale", async () => {
  const dir = makeTempDir("docmill-spool-");
  const owner = await spooled(dir, ["a", "b"]);
  const file = owner.path!;
  const sent: string[] = [];
  const other = new AuditSpool(dir, 1 << 20, log());
  expect(await other.replayOrphans(async (e) => void sent.push(e.id))).toBe(0);
  expect(existsSync(file)).toBe(true);

  // The owner dies without a word (as kill -9): its lock stops being refreshed. Age it past STALE_MS.
  const old = new Date(Date.now() - STALE_MS - 5_000);
  utimesSync(`${file}.lock`, old, old);
  const l = log();
  const next = new AuditSpool(dir, 1 << 20, l);
  expect(await next.replayOrphans(async (e) => void sent.push(e.id))).toBe(2);
  expect(sent).toEqual(["a", "b"]);
  expect(existsSync(file)).toBe(false);
  expect(existsSync(`${file}.lock`)).toBe(false);
  expect(l.lines).toEqual([`audit spool ${path.basename(file)}: 2 entries of a stopped process sent to the audit channel`]);
});

it("skips a torn last line, and keeps a file whose replay NATS cut short", async () => {
  const dir = makeTempDir("docmill-spool-");
  const file = path.join(dir, "host-1-dead-0.jsonl");
  // No lock: its owner stopped cleanly with entries unsent, or was killed while writing the last line.
  writeFileSync(file, `${JSON.stringify(entry("1"))}\n${JSON.stringify(entry("2"))}\n{"id":"3","act`);
  let up = 1;
  const sent: string[] = [];
  const send = async (e: AuditEntry) => {
    if (up-- <= 0) throw new Error("no responders");
    sent.push(e.id);
  };
  const l = log();
  const s = new AuditSpool(dir, 1 << 20, l);
  expect(await s.replayOrphans(send)).toBe(0);
  expect(l.lines.at(-1)).toBe("audit spool host-1-dead-0.jsonl not replayed yet (no responders); kept for the next try");
  expect(existsSync(file)).toBe(true);
  up = 10;
  expect(await s.replayOrphans(send)).toBe(2);
  // "1" twice: the first try sent it before NATS went; the audit service stores an id once.
  expect(sent).toEqual(["1", "1", "2"]);
  expect(l.lines.at(-1)).toBe("audit spool host-1-dead-0.jsonl: 2 entries of a stopped process sent to the audit channel, 1 torn lines skipped");
  expect(existsSync(file)).toBe(false);
});

it("empties its own spool only while nothing waits, and starts a new file for the next outage", async () => {
  const dir = makeTempDir("docmill-spool-");
  const s = await spooled(dir, ["a"]);
  const first = s.path!;
  await s.clear(() => false);
  expect(existsSync(first)).toBe(true);
  await s.clear(() => true);
  expect(existsSync(first)).toBe(false);
  expect(s.size).toBe(0);
  s.admit(entry("b"));
  await s.write(entry("b"));
  expect(s.path).not.toBe(first);
  await s.close(true);
  expect(existsSync(s.path ?? "")).toBe(false);
});
