/**
 * Runtime benchmark.
 *  1. Throughput of pdf-info with 1, 2 and 4 worker processes (concurrency 1 each): every input is
 *     uploaded first, then all jobs are created at once; the figure is jobs / (last finishedAt - first
 *     createdAt) from the job records, so upload time is not counted. It also reports how many jobs
 *     really ran at the same moment (from the jobs' startedAt/finishedAt), which shows whether the
 *     consumer group lets several workers run in parallel.
 *  2. The gateway/storage process's peak RSS while a 200 MB upload streams through it (limit raised to
 *     300 MB for that run), and after a 200 MB upload refused at the default 50 MB.
 * Needs MONGO_URL and NATS_URL (scripts/infra.sh up).
 *
 *   MONGO_URL=... NATS_URL=... node --import tsx bench/runtime.ts [jobs=24] [pages=50]
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { Readable } from "node:stream";
import type { JobView } from "../kernel/jobs/model";
import type { StoredFile } from "../kernel/storage/store";
import { multiPagePdf } from "../test/support/pdf-fixtures";
import { form, signUp, startRuntime, waitForJob, waitForPlugin, type Runtime } from "../test/e2e/runtime/support";

interface Throughput {
  workers: number;
  jobsPerSecond: number;
  seconds: number;
  maxParallel: number;
  perWorker: number[];
}

/** The largest number of [start, end] intervals that overlap at one instant. */
function maxOverlap(intervals: Array<[number, number]>): number {
  const points = intervals.flatMap(([s, e]) => [[s, 1] as const, [e, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (now += d));
  return max;
}

async function throughput(workers: number, jobs: number, pdf: Uint8Array): Promise<Throughput> {
  const rt = await startRuntime({ leaseSeconds: 30 });
  try {
    const procs = await Promise.all(Array.from({ length: workers }, () => rt.startWorker("pdf-info", { WORKER_CONCURRENCY: "1" })));
    await waitForPlugin(rt, "pdf-info", workers);
    const { token } = await signUp(rt.stack.baseUrl);
    const auth = { authorization: `Bearer ${token}` };
    const fileIds: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const r = await fetch(`${rt.stack.baseUrl}/api/files`, { method: "POST", headers: auth, body: form({ file: { data: pdf, filename: `b${i}.pdf` } }) });
      fileIds.push(((await r.json()) as StoredFile).id);
    }
    const created = await Promise.all(
      fileIds.map(async (inputFileId) => {
        const r = await fetch(`${rt.stack.baseUrl}/api/jobs`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ processor: "pdf-info", inputFileId, options: { report: false } }),
        });
        return (await r.json()) as JobView;
      }),
    );
    await Promise.all(created.map((j) => waitForJob(rt.stack.baseUrl, token, j.id)));
    const done = await Promise.all(created.map((j) => rt.stack.broker.call("jobs.get", { id: j.id }) as Promise<JobView>));
    const bad = done.filter((j) => j.status !== "completed");
    if (bad.length) throw new Error(`${bad.length} jobs did not complete: ${JSON.stringify(bad[0]!.error)}`);
    const first = Math.min(...done.map((j) => Date.parse(j.createdAt)));
    const last = Math.max(...done.map((j) => Date.parse(j.finishedAt!)));
    const seconds = (last - first) / 1000;
    const perWorker = procs.map((p) => (p.output().match(/\(pdf-info, attempt \d+\): completed/g) ?? []).length);
    return {
      workers,
      jobsPerSecond: jobs / seconds,
      seconds,
      maxParallel: maxOverlap(done.map((j) => [Date.parse(j.startedAt!), Date.parse(j.finishedAt!)])),
      perWorker,
    };
  } finally {
    await rt.stop();
  }
}

async function uploadPeak(rt: Runtime, mb: number): Promise<{ status: number; baseMb: number; peakMb: number; seconds: number }> {
  const { token } = await signUp(rt.stack.baseUrl);
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const boundary = `----bench${randomBytes(8).toString("hex")}`;
  const total = mb * 1024 * 1024;
  const block = randomBytes(1024 * 1024);
  async function* body() {
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
    for (let sent = 0; sent < total; sent += block.length) yield block;
    yield Buffer.from(`\n%%EOF\r\n--${boundary}--\r\n`);
  }
  const started = Date.now();
  try {
    const r = await fetch(`${rt.stack.baseUrl}/api/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      body: Readable.toWeb(Readable.from(body())) as unknown as BodyInit,
      duplex: "half",
    } as RequestInit);
    const answer = (await r.json()) as Partial<StoredFile>;
    // Do not leave 200 MB in the (possibly in-memory) database.
    if (answer.id) await rt.stack.broker.call("storage.remove", { id: answer.id });
    return { status: r.status, baseMb: base / 1048576, peakMb: peak / 1048576, seconds: (Date.now() - started) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

async function withLimit<T>(limit: string | undefined, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  if (limit) process.env.MAX_FILE_SIZE = limit;
  else delete process.env.MAX_FILE_SIZE;
  const rt = await startRuntime();
  try {
    return await fn(rt);
  } finally {
    await rt.stop();
    delete process.env.MAX_FILE_SIZE;
  }
}

async function main() {
  // Split processes must share one secret (docmill start refuses otherwise); this run makes its own.
  process.env.JWT_SECRET_KEY ??= randomBytes(32).toString("hex");
  process.env.NODE_ENV ??= "test";
  const jobs = Number(process.argv[2] ?? 24);
  const pages = Number(process.argv[3] ?? 50);
  console.log(`docmill runtime benchmark on ${os.cpus().length} CPU core(s) (${os.cpus()[0]?.model ?? "?"}); NATS, the database and this process share them.`);
  console.log(`Note: with 2 cores, more than 2 worker processes cannot add throughput; 4 workers shows the cost of oversubscription.`);
  const pdf = (await multiPagePdf(pages)).bytes;
  for (const n of [1, 2, 4]) {
    const t = await throughput(n, jobs, pdf);
    console.log(
      `pdf-info, ${n} worker process(es): ${t.jobsPerSecond.toFixed(2)} jobs/s (${jobs} jobs of ${pages} pages in ${t.seconds.toFixed(1)} s, ` +
        `first queued to last completed); at most ${t.maxParallel} job(s) ran at once; jobs per worker ${t.perWorker.join("/")}`,
    );
  }
  const stored = await withLimit("300MB", (rt) => uploadPeak(rt, 200));
  console.log(
    `200 MB upload stored (MAX_FILE_SIZE=300MB): HTTP ${stored.status} in ${stored.seconds.toFixed(1)} s; gateway+storage process RSS ${stored.baseMb.toFixed(0)} MB before, peak ${stored.peakMb.toFixed(0)} MB (+${(stored.peakMb - stored.baseMb).toFixed(0)} MB)`,
  );
  const refused = await withLimit(undefined, (rt) => uploadPeak(rt, 200));
  console.log(
    `200 MB upload at the default 50 MB limit: HTTP ${refused.status} in ${refused.seconds.toFixed(1)} s; RSS ${refused.baseMb.toFixed(0)} MB before, peak ${refused.peakMb.toFixed(0)} MB (+${(refused.peakMb - refused.baseMb).toFixed(0)} MB)`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
