/**
 * Issue 14's last event-loop residues at the size of the 100-page fine-print directory (58,717 findings):
 * how long, at most, one synchronous stretch of each holds the loop the gateway shares in the embedded
 * shape, and what it costs in all. The steps: the orchestrator's review plan (an area per accepted
 * finding, apis/orchestrator/review.ts), and the serialisation of an answer that carries the whole
 * result (GET /api/jobs/{id}, the list, jobs.resume's answer) by JSON.stringify as moleculer-web did, and
 * by kernel/gateway/yielding-json.ts as the gateway does now. The longest stretch is the longest gap
 * between two turns of a setImmediate probe while the step runs.
 *
 * Then concurrent whole-result reads, each the way the gateway answers one: the result rebuilt from its
 * stored parts (kernel/jobs/results.ts `hydrate`), the view, stringifyYielding. OLD is main's way (every
 * reader rebuilds its own copy), NEW the shared rebuild (`shared: true`, concurrent readers of one record
 * wait for one rebuild), STREAM the streamed answer of the embedded shape (`lazy: true` and streamJson:
 * the parts sent as they are read, each read once for the readers of that moment; the part cache is
 * emptied before every round, so every round reads the parts again). Each mode and reader count runs in a fresh child process (so peak RSS and GC are
 * its own), against an in-memory stand-in for the job_results collection that keeps each stored part as
 * BSON bytes and decodes it on a later turn of the loop, as the driver does with a reply. Figures: the
 * longest loop stall, the 99th percentile of the probe's gaps, the longest GC pause, peak RSS.
 * Needs no infrastructure. Prints figures; asserts nothing.
 *
 *   npm run bench loop-hold -- [--findings 58717] [--rounds 5]
 */
import { execFileSync, execSync } from "node:child_process";
import { PerformanceObserver } from "node:perf_hooks";
import { mongo } from "mongoose";
import { planReview, type DetectionView } from "../apis/orchestrator/review";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { streamJson, stringifyYielding } from "../kernel/gateway/yielding-json";
import type { JobDoc, JobModel } from "../kernel/jobs/model";
import { toView } from "../kernel/jobs/model";
import { clearPartCache, detach, hydrateOne, partsRead, storeResult } from "../kernel/jobs/results";

const MODES = ["old", "new", "stream"] as const;
type Mode = (typeof MODES)[number];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Runs `work` with a probe turning the loop; the longest gap between two turns and the whole time. */
async function hold(work: () => unknown): Promise<{ longest: number; total: number }> {
  let longest = 0;
  let last = performance.now();
  let done = false;
  const probe = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (!done) setImmediate(probe);
  };
  setImmediate(probe);
  const t0 = performance.now();
  await work();
  const total = performance.now() - t0;
  done = true;
  // The stretch that ended with the work counts too.
  longest = Math.max(longest, performance.now() - last);
  return { longest, total };
}

/** A fine-print directory's detection result: 100 pages, three findings a line (e-mail, backup e-mail, phone). */
function directory(n: number) {
  const pages = Array.from({ length: 100 }, (_, p) => ({ page: p + 1, width: 612, height: 792, rotation: 0, source: "text" }));
  const labels = ["EMAIL_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER"];
  const findings = Array.from({ length: n }, (_, i) => {
    const line = Math.floor(i / 3);
    return {
      id: `${(i * 2654435761 >>> 0).toString(16).padStart(8, "0")}${(i * 40503 >>> 0).toString(16).padStart(8, "0")}`,
      label: labels[i % 3]!,
      text: i % 3 === 2 ? `+1 415 555 ${String(1000 + (line % 9000)).padStart(4, "0")}` : i % 3 ? `a.lee${line}@mail.example.com` : `ann.lee${line}@example.org`,
      page: 1 + Math.floor(line / 180) % 100,
      boxes: [{ x: 180 + (i % 3) * 90.123, y: 20 + (line % 180) * 4.2, width: 60.5, height: 4.4 }],
      score: 0.85 + (i % 10) / 100,
      source: "pattern",
      recognizer: i % 3 === 2 ? "PhoneRecognizer" : "EmailRecognizer",
    };
  });
  return { phase: "detection", pageCount: 100, coordinates: { unit: "pt", origin: "top-left", pages: "1-based" }, pages, findings, labels: ["EMAIL_ADDRESS", "PHONE_NUMBER", "MANUAL"] };
}

const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]!.toFixed(1)} ms (min ${s[0]!.toFixed(1)}, max ${s[s.length - 1]!.toFixed(1)})`;
};

/**
 * A jobs model whose job_results collection is in memory: each document kept as BSON bytes, decoded on a
 * later turn of the loop (a reply arriving), one document a read, as the driver decodes one.
 */
function memoryJobs(): JobModel {
  const docs = new Map<string, Uint8Array>();
  const later = <T>(f: () => T) => new Promise<T>((r) => setImmediate(() => r(f())));
  const col = {
    replaceOne: async (q: { _id: string }, doc: Record<string, unknown>) => void docs.set(q._id, mongo.BSON.serialize(doc)),
    findOne: (q: { _id: string }) => later(() => (docs.has(q._id) ? mongo.BSON.deserialize(docs.get(q._id)!) : null)),
    find: (q: { _id: { $in: string[] } }) => ({
      batchSize: () => ({ toArray: () => later(() => q._id.$in.filter((id) => docs.has(id)).map((id) => mongo.BSON.deserialize(docs.get(id)!))) }),
    }),
  };
  return { db: { name: "bench", collection: () => col } } as unknown as JobModel;
}

/** One child's run: `readers` concurrent whole-result reads, OLD or NEW, rounds times; prints a JSON line. */
async function readsChild(mode: Mode, readers: number, n: number, rounds: number): Promise<void> {
  const Job = memoryJobs();
  const { kept, ref, record } = detach("j".repeat(24), 1, directory(n));
  await storeResult(Job, record!);
  const doc = { _id: "j".repeat(24), owner: "u1", processor: "redaction", status: "paused:readyForReview", progress: { percent: 50, message: "Ready for review" }, result: kept, resultRef: ref, error: null, meta: {}, createdAt: new Date(), updatedAt: new Date() } as unknown as JobDoc;
  const read = async () => {
    if (mode === "stream") {
      // A client reading as fast as it can: the bytes counted, not kept.
      let bytes = 0;
      const sink = new Writable({ write: (c: Buffer, _e, cb) => ((bytes += c.length), setImmediate(cb)) });
      await pipeline(streamJson(toView(await hydrateOne(Job, doc, { lazy: true }))), sink);
      return bytes;
    }
    const full = await hydrateOne(Job, doc, mode === "new" ? { shared: true } : {});
    return (await stringifyYielding(toView(full)))!.length;
  };
  let gcMax = 0;
  const gc = new PerformanceObserver((list) => list.getEntries().forEach((g) => (gcMax = Math.max(gcMax, g.duration))));
  let rss = 0;
  const gaps: number[] = [];
  let bytes = 0;
  await read(); // warm-up
  gc.observe({ entryTypes: ["gc"] });
  const read0 = partsRead();
  for (let r = 0; r < rounds; r++) {
    clearPartCache();
    let last = performance.now();
    let done = false;
    const probe = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      rss = Math.max(rss, process.memoryUsage.rss());
      if (!done) setImmediate(probe);
    };
    setImmediate(probe);
    bytes = (await Promise.all(Array.from({ length: readers }, read)))[0]!;
    done = true;
    gaps.push(performance.now() - last);
  }
  await new Promise((r) => setTimeout(r, 50));
  gc.disconnect();
  gaps.sort((a, b) => a - b);
  const out = { max: gaps[gaps.length - 1]!, p99: gaps[Math.floor(gaps.length * 0.99)]!, gcMax, rssMb: rss / 2 ** 20, bytes, partReads: (partsRead() - read0) / rounds };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const child = process.argv.indexOf("--reads-child");
  if (child >= 0) {
    const [mode, readers] = [process.argv[child + 1] as Mode, Number(process.argv[child + 2])];
    return readsChild(mode, readers, arg("findings", 58_717), arg("rounds", 5));
  }
  const n = arg("findings", 58_717);
  const rounds = arg("rounds", 5);
  console.log(`load average: ${execSync("uptime").toString().trim()}`);
  const result = directory(n);
  const view = { id: "j".repeat(24), owner: "u1", processor: "redaction", status: "paused:readyForReview", progress: { percent: 50, message: "Ready for review" }, result, error: null, meta: { api: "orchestrator" }, createdAt: new Date().toISOString() };
  const steps: Array<[string, () => unknown]> = [
    ["review plan (every finding accepted)", () => planReview({ reject: [] }, result as unknown as DetectionView)],
    ["whole-result answer, JSON.stringify (moleculer-web before)", () => Buffer.from(JSON.stringify(view))],
    ["whole-result answer, stringifyYielding (gateway now)", () => stringifyYielding(view)],
  ];
  console.log(`${n} findings, answer ${(Buffer.byteLength(JSON.stringify(view)) / 1e6).toFixed(1)} MB, ${rounds} rounds each`);
  for (const [name, work] of steps) {
    const longest: number[] = [];
    const total: number[] = [];
    await hold(work); // warm-up
    for (let r = 0; r < rounds; r++) {
      const h = await hold(work);
      longest.push(h.longest);
      total.push(h.total);
    }
    console.log(`${name}: longest hold ${fmt(longest)}; whole step ${fmt(total)}`);
  }
  console.log(`concurrent whole-result reads from the stored parts (${rounds} rounds each, a fresh process per row):`);
  console.log("readers  mode    max stall   p99 gap   GC max   peak RSS   answer   streamed part reads a round");
  for (const readers of [1, 5]) {
    for (const mode of MODES) {
      const line = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, "--reads-child", mode, String(readers), "--findings", String(n), "--rounds", String(rounds)], { maxBuffer: 1 << 20 })
        .toString().trim().split("\n").pop()!;
      const f = JSON.parse(line) as { max: number; p99: number; gcMax: number; rssMb: number; bytes: number; partReads: number };
      console.log(`${String(readers).padStart(7)}  ${mode.toUpperCase().padEnd(6)}  ${f.max.toFixed(0).padStart(6)} ms  ${f.p99.toFixed(1).padStart(5)} ms  ${f.gcMax.toFixed(0).padStart(4)} ms  ${f.rssMb.toFixed(0).padStart(6)} MB  ${(f.bytes / 1e6).toFixed(1)} MB  ${mode === "stream" ? f.partReads.toFixed(0) : "-"}`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
