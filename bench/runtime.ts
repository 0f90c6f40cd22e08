/**
 * Runtime benchmark: jobs per second of pdf-info with 1, 2 and 4 worker processes, and the gateway's
 * peak RSS while a 200 MB upload streams through it. Needs MONGO_URL and NATS_URL (scripts/infra.sh up).
 *
 *   MONGO_URL=... NATS_URL=... node --import tsx bench/runtime.ts [jobs=40]
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { multiPagePdf } from "../test/support/pdf-fixtures";
import { spawnProcess } from "../test/support/infra";
import { startRuntime, signUp, form, waitForJob, waitForPlugin, type JobBody } from "../test/e2e/runtime/support";

async function jobsPerSecond(workers: number, jobs: number): Promise<number> {
  const rt = await startRuntime({ leaseSeconds: 30 });
  try {
    await Promise.all(Array.from({ length: workers }, () => rt.startWorker("pdf-info")));
    await waitForPlugin(rt, "pdf-info", workers);
    const { token } = await signUp(rt.stack.baseUrl);
    const pdf = (await multiPagePdf(3)).bytes;
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const r = await fetch(`${rt.stack.baseUrl}/api/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form({ file: { data: pdf, filename: `b${i}.pdf` }, processor: "pdf-info" }) });
      ids.push(((await r.json()) as JobBody).id);
    }
    await Promise.all(ids.map((id) => waitForJob(rt.stack.baseUrl, token, id)));
    return jobs / ((Date.now() - started) / 1000);
  } finally {
    await rt.stop();
  }
}

async function uploadPeak(): Promise<{ peakMb: number; baseMb: number; status: number }> {
  process.env.MAX_FILE_SIZE = "300MB";
  const rt = await startRuntime();
  try {
    const { token } = await signUp(rt.stack.baseUrl);
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const boundary = `----bench${randomBytes(8).toString("hex")}`;
    const total = 200 * 1024 * 1024;
    async function* body() {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
      const chunk = randomBytes(1024 * 1024);
      for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
      yield Buffer.from(`\n%%EOF\r\n--${boundary}--\r\n`);
    }
    const r = await fetch(`${rt.stack.baseUrl}/api/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      body: Readable.toWeb(Readable.from(body())) as unknown as BodyInit,
      duplex: "half",
    } as RequestInit);
    await r.text();
    clearInterval(timer);
    return { peakMb: peak / 1048576, baseMb: base / 1048576, status: r.status };
  } finally {
    await rt.stop();
  }
}

async function main() {
  void spawnProcess;
  const jobs = Number(process.argv[2] ?? 40);
  for (const n of [1, 2, 4]) console.log(`pdf-info, ${n} worker(s): ${(await jobsPerSecond(n, jobs)).toFixed(2)} jobs/s (${jobs} jobs of 3 pages)`);
  const up = await uploadPeak();
  console.log(`200 MB upload: HTTP ${up.status}; gateway process RSS ${up.baseMb.toFixed(0)} MB before, peak ${up.peakMb.toFixed(0)} MB (gateway and storage run in this process)`);
  process.exit(0);
}

void main();
