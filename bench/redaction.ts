/**
 * Redaction speed. Runs the real `redaction` plugin (kernel/plugins/runner.ts, the code path workers
 * use, minus the transport): detection, then the reviewer accepting every finding, then redaction with
 * verification. Prints
 *
 *   1. seconds per page for text pages and for scanned pages, split into detection and redaction+verify;
 *   2. pages per minute with 1 and 2 workers: each configuration runs in its own process with that many
 *      job slots and PDF-engine threads (DOCMILL_PDF_THREADS), on a queue of mixed jobs;
 *   3. OCR speed of tesseract.js (the engine's pool) against Debian's native `tesseract` CLI on the same
 *      rendered 300 dpi pages, in the same run.
 *
 * Run: npx tsx bench/redaction.ts [--text-pages 6] [--scanned-pages 2] [--jobs 4]
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { PDFDocument } from "pdf-lib";
import manifest from "../plugins/redaction";
import { pdfPool } from "../sdk/pdf/pool";
import { runPlugin, type RunIo } from "../kernel/plugins/runner";
import { piiTextPdf, scannedPdf } from "../test/support/pdf-fixtures";

const run = promisify(execFile);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function repeat(one: Uint8Array, pages: number): Promise<Uint8Array> {
  const src = await PDFDocument.load(one);
  const out = await PDFDocument.create();
  for (let i = 0; i < pages; i++) for (const p of await out.copyPages(src, src.getPageIndices())) out.addPage(p);
  return out.save();
}

/** One job through the plugin: detection, accept everything, redaction + verification. Seconds of each phase. */
async function redactJob(bytes: Uint8Array, name: string): Promise<{ detect: number; redact: number; pages: number; findings: number }> {
  const outputs = new Map<string, Buffer>();
  const io = (resume?: RunIo["resume"]): RunIo => ({
    jobId: name, owner: "bench", attempt: 1, rawOptions: {}, resume,
    signal: new AbortController().signal,
    logger: { info() {}, warn() {}, error() {}, debug() {} },
    input: {
      fileId: name, filename: `${name}.pdf`, contentType: "application/pdf", size: bytes.length,
      read: async () => Buffer.from(bytes), stream: async () => Readable.from([Buffer.from(bytes)]),
    },
    reportProgress: async () => undefined,
    storeOutput: async (n, data) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.concat(await (data as Readable).toArray());
      outputs.set(n, buf);
      return { name: n, fileId: n, size: buf.length, sha256: "", contentType: "", filename: n };
    },
  });
  let t = performance.now();
  const first = await runPlugin(manifest as never, io());
  const detect = (performance.now() - t) / 1000;
  if (first.status !== "paused") throw new Error("detection did not pause for review");
  const det = first.result as { pageCount: number; findings: Array<{ id: string; page: number; label: string; boxes: Array<{ x: number; y: number; width: number; height: number }> }> };
  const areas = det.findings.flatMap((f) => f.boxes.map((b) => ({ page: f.page, ...b, label: f.label, source: "detection", findingId: f.id })));
  t = performance.now();
  const second = await runPlugin(manifest as never, io({ point: "readyForReview", input: { areas }, result: det }));
  const redact = (performance.now() - t) / 1000;
  const v = (second.result as { verification: { leaks: number } }).verification;
  if (v.leaks !== 0) throw new Error("verification found leaks");
  return { detect, redact, pages: det.pageCount, findings: det.findings.length };
}

async function perPage(textPages: number, scannedPages: number) {
  const text = await repeat((await piiTextPdf()).bytes, textPages);
  const scanned = await repeat((await scannedPdf()).bytes, scannedPages);
  await redactJob(await repeat((await scannedPdf()).bytes, 1), "warm-up"); // OCR workers start once per thread
  console.log("\n1. Seconds per page (detection | redaction + verification), every finding accepted");
  for (const [kind, bytes] of [["text", text], ["scanned", scanned]] as const) {
    const r = await redactJob(bytes, kind);
    console.log(`   ${kind.padEnd(8)} ${String(r.pages).padStart(3)} pages, ${String(r.findings).padStart(3)} findings: ` +
      `detection ${(r.detect / r.pages).toFixed(2)} s/page | redaction ${(r.redact / r.pages).toFixed(2)} s/page | total ${((r.detect + r.redact) / r.pages).toFixed(2)} s/page`);
  }
}

/** Child mode: `--throughput <workers>`: runs the job queue with that many slots and prints JSON. */
async function throughput(workers: number, jobs: number) {
  const docs = [await repeat((await piiTextPdf()).bytes, 3), (await scannedPdf()).bytes];
  await redactJob(docs[1]!, "warm-up");
  const queue = Array.from({ length: jobs }, (_, i) => docs[i % docs.length]!);
  let pages = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const r = await redactJob(job, `w${w}`);
      pages += r.pages;
    }
  }));
  const minutes = (performance.now() - started) / 60000;
  await pdfPool.close();
  process.stdout.write(JSON.stringify({ workers, pages, minutes }) + "\n");
}

function child(workers: number, jobs: number): Promise<{ workers: number; pages: number; minutes: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, __filename, "--throughput", String(workers), "--jobs", String(jobs)], {
      env: { ...process.env, DOCMILL_PDF_THREADS: String(workers) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (c: Buffer) => (out += c.toString()));
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`child exited ${code}`))));
  });
}

async function ocrComparison(pages: number) {
  const bytes = await repeat((await scannedPdf()).bytes, pages);
  const dir = mkdtempSync(path.join(tmpdir(), "docmill-bench-"));
  try {
    const pngs: Buffer[] = [];
    for (let p = 1; p <= pages; p++) pngs.push((await pdfPool.render(bytes, p, { dpi: 300 })).png);
    await pdfPool.ocr(pngs[0]!, { pageWidthPt: 595.28, pageHeightPt: 841.89 }); // warm-up
    let t = performance.now();
    for (const png of pngs) await pdfPool.ocr(png, { pageWidthPt: 595.28, pageHeightPt: 841.89 });
    const js = (performance.now() - t) / 1000 / pages;
    let native: number | undefined;
    try {
      pngs.forEach((png, i) => writeFileSync(path.join(dir, `p${i}.png`), png));
      t = performance.now();
      // One thread, like one tesseract.js worker; tsv output carries the word boxes, as the engine's OCR does.
      for (let i = 0; i < pngs.length; i++) {
        await run("tesseract", [path.join(dir, `p${i}.png`), path.join(dir, `p${i}`), "-l", "eng", "tsv"], { env: { ...process.env, OMP_THREAD_LIMIT: "1" } });
      }
      native = (performance.now() - t) / 1000 / pages;
    } catch (err) {
      console.log(`   native tesseract unavailable (${(err as Error).message.split("\n")[0]}); install tesseract-ocr`);
    }
    console.log(`\n3. OCR of the same ${pages} rendered pages (300 dpi, eng)`);
    console.log(`   tesseract.js (engine pool) ${js.toFixed(2)} s/page`);
    if (native !== undefined) console.log(`   native tesseract CLI      ${native.toFixed(2)} s/page  (tesseract.js takes ${(js / native).toFixed(2)}x as long)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pdfPool.close();
  }
}

async function main() {
  const workersArg = process.argv.indexOf("--throughput");
  const jobs = arg("jobs", 4);
  if (workersArg >= 0) return throughput(Number(process.argv[workersArg + 1]), jobs);
  await perPage(arg("text-pages", 6), arg("scanned-pages", 2));
  await pdfPool.close();
  console.log(`\n2. Throughput on ${jobs} jobs (alternating 3-page text and 1-page scanned), every finding accepted`);
  for (const w of [1, 2]) {
    const r = await child(w, jobs);
    console.log(`   ${w} worker${w > 1 ? "s" : " "}: ${(r.pages / r.minutes).toFixed(1)} pages/minute (${r.pages} pages in ${(r.minutes * 60).toFixed(1)} s)`);
  }
  await ocrComparison(arg("scanned-pages", 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
