/**
 * Tag generator throughput through the real API: seconds per document for a 3-page text PDF and a
 * 3-page scanned PDF (POST /api/single/process, local engine), and documents per minute for a batch
 * (POST /api/batch/start + WebSocket until "completed") with 1 and then 2 worker processes.
 *
 *   npm run bench tagging          (starts the infrastructure when MONGO_URL/NATS_URL are unset)
 *   BATCH_DOCS=30 npm run bench tagging
 */
import { randomBytes } from "node:crypto";
import { PDFDocument } from "pdf-lib";
import type { ServiceBroker } from "moleculer";
import WebSocket from "ws";
import { natsUrl, spawnProcess, type SpawnedProcess } from "../test/support/infra";
import { multiPagePdf, scannedPdf } from "../test/support/pdf-fixtures";
import { login } from "../test/e2e/tagging/helpers";
import { startStack, uniqueMongoUrl } from "../test/support/stack";

const BATCH_DOCS = Number(process.env.BATCH_DOCS ?? 16);
const namespace = `bench-tag-${randomBytes(3).toString("hex")}`;

async function threePageScan(): Promise<Uint8Array> {
  const one = await PDFDocument.load((await scannedPdf()).bytes);
  const doc = await PDFDocument.create();
  for (let i = 0; i < 3; i++) doc.addPage((await doc.copyPages(one, [0]))[0]!);
  return doc.save();
}

function form(bytes: Uint8Array, field: string, count = 1): FormData {
  const f = new FormData();
  for (let i = 0; i < count; i++) f.append(field, new Blob([Buffer.from(bytes)], { type: "application/pdf" }), `doc-${i}.pdf`);
  f.append("config", JSON.stringify({ num_pages: 3, num_tags: 8 }));
  return f;
}

async function single(baseUrl: string, token: string, bytes: Uint8Array): Promise<number> {
  const t = performance.now();
  const r = await fetch(`${baseUrl}/api/single/process`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form(bytes, "pdf_file") });
  if (r.status !== 200) throw new Error(`single failed: ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
  return (performance.now() - t) / 1000;
}

async function batch(baseUrl: string, token: string, bytes: Uint8Array, n: number): Promise<number> {
  const t = performance.now();
  const r = await fetch(`${baseUrl}/api/batch/start`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form(bytes, "files", n) });
  const { job_id } = (await r.json()) as { job_id: string };
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/batch/ws/${job_id}?token=${token}`);
    ws.on("message", (d) => {
      const m = JSON.parse(String(d)) as { type?: string; failed_count?: number };
      if (m.type !== "completed") return;
      if (m.failed_count) reject(new Error(`${m.failed_count} documents failed`));
      else resolve();
    });
    ws.on("error", reject);
  });
  return (performance.now() - t) / 1000;
}

function startWorker(n: number): SpawnedProcess {
  return spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "worker", "--plugins", "tagging"], {
    env: { NAMESPACE: namespace, NODE_ID: `${namespace}-w${n}`, TRANSPORTER: natsUrl(), NATS_URL: natsUrl(), LOG_LEVEL: "info", LOG_FORMAT: "text", WORKER_CONCURRENCY: "1", DOCMILL_PDF_THREADS: "1" },
  });
}

async function waitForWorkers(broker: ServiceBroker, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const list = broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as Array<{ name: string }>;
    if (list.filter((s) => s.name === "worker").length >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${n} workers joined`);
}

async function main() {
  const mongoUrl = uniqueMongoUrl("benchtag");
  // A URL string is a valid Moleculer transporter; BrokerOptions' type only lists the names.
  const broker: Record<string, unknown> = { transporter: natsUrl(), namespace, nodeID: `${namespace}-core` };
  const stack = await startStack({
    services: ["gateway", "auth", "storage", "jobs", "tagger"],
    mongoUrl,
    mods: { tagger: { settings: { mongoUrl, batchWindow: 8 } } },
    broker,
  });
  const workers: SpawnedProcess[] = [];
  try {
    const { token } = await login(stack.baseUrl, `bench-${namespace}@example.com`);
    const text = (await multiPagePdf(3)).bytes;
    const scan = await threePageScan();
    workers.push(startWorker(1));
    await workers[0]!.waitForOutput(/hosts .*tagging@/, 60_000);
    await waitForWorkers(stack.broker, 1);
    await single(stack.baseUrl, token, text); // warm-up: pdfjs and the OCR worker load once per process
    await single(stack.baseUrl, token, scan);
    const runs = 3;
    let t = 0;
    for (let i = 0; i < runs; i++) t += await single(stack.baseUrl, token, text);
    console.log(`single, text PDF (3 pages):    ${(t / runs).toFixed(2)} s per document`);
    t = 0;
    for (let i = 0; i < runs; i++) t += await single(stack.baseUrl, token, scan);
    console.log(`single, scanned PDF (3 pages): ${(t / runs).toFixed(2)} s per document (3 pages OCR'd)`);
    const one = await batch(stack.baseUrl, token, text, BATCH_DOCS);
    console.log(`batch of ${BATCH_DOCS} text PDFs, 1 worker:  ${((BATCH_DOCS / one) * 60).toFixed(1)} documents per minute (${one.toFixed(1)} s)`);
    workers.push(startWorker(2));
    await workers[1]!.waitForOutput(/hosts .*tagging@/, 60_000);
    await waitForWorkers(stack.broker, 2);
    await single(stack.baseUrl, token, text);
    const two = await batch(stack.baseUrl, token, text, BATCH_DOCS);
    console.log(`batch of ${BATCH_DOCS} text PDFs, 2 workers: ${((BATCH_DOCS / two) * 60).toFixed(1)} documents per minute (${two.toFixed(1)} s)`);
  } finally {
    await Promise.all(workers.map((w) => w.kill("SIGTERM")));
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
