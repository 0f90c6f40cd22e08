/**
 * The redaction engine against PyMuPDF, same run, same machine (`npm run bench redaction-engine`):
 *
 *   (a) a 50-page text PDF with 100 areas, (b) a 10-page scanned PDF with 30 areas, (c) a 200-page text
 *   PDF with 400 areas: seconds of docmill's engine + verification (applyRedactions + verifyRedaction, warm
 *   threads) and of PyMuPDF (add_redact_annot + apply_redactions(images=PIXELS) + scrub + save(garbage=3,
 *   deflate)), output bytes, and the ratio docmill / PyMuPDF. Each docmill scenario runs in a child
 *   process, whose peak RSS is the worker-process memory figure (the engine's threads live in it).
 *   Then (a) end to end through the API: upload → readyForReview → review {} → finished.
 *
 * PyMuPDF goes into a throwaway venv under the system temp directory (`pip install pymupdf`); when pip
 * cannot install it, that column is skipped with a message. Targets (issue 19): (a) e2e < 5 s, engine +
 * verification ≤ 2x PyMuPDF, output ≤ 2x input for text PDFs; (b) ≤ 1.5 s per scanned page; (c) RSS < 500 MB.
 *
 *   npm run bench redaction-engine [-- --seed 7]
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PDFDocument, StandardFonts } from "pdf-lib";
import sharp from "sharp";
import { applyRedactions } from "../plugins/redaction/redact/apply";
import { redactionEngine } from "../plugins/redaction/redact/engine-pool";
import type { RedactionArea } from "../plugins/redaction/redact/geometry";
import { decodeScanWords, encodeScanWords } from "../plugins/redaction/redact/scan-words";
import { verifyRedaction } from "../plugins/redaction/redact/verify";
import { pdfPool } from "../sdk/pdf/pool";
import type { Box } from "../sdk/pdf/types";
import { A4, renderTextImage } from "../test/support/pdf-fixtures";
import { startStack, uniqueMongoUrl } from "../test/support/stack";

const run = promisify(execFile);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** mulberry32: the corpus is the same for a seed, another seed gives unseen documents. */
const rng = seededRandom;

const FIRST = ["Amelia", "Jonas", "Priya", "Mateo", "Sofia", "Liam", "Chen", "Fatima", "Oskar", "Lucia", "Noah", "Aiko", "Elif", "Rafael"];
const LAST = ["Okafor", "Schneider", "Patel", "Garcia", "Rossi", "Murphy", "Nguyen", "Haddad", "Lindqvist", "Moreau", "Kowalski", "Tanaka"];
const DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "example.co.uk"];
const PROSE = ("the committee reviewed the quarterly figures and agreed that the shipment schedule should move to the second week " +
  "of the month while the supplier confirms the revised terms in writing before any invoice is approved for payment and the " +
  "archive keeps a copy of every signed page together with the notes of the meeting").split(" ");

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function sentence(r: () => number, words: number): string {
  return Array.from({ length: words }, () => pick(r, PROSE)).join(" ");
}

function piiPair(r: () => number): { email: string; phone: string } {
  const f = pick(r, FIRST);
  const l = pick(r, LAST);
  const email = `${f}.${l}${Math.floor(r() * 90 + 10)}@${pick(r, DOMAINS)}`.toLowerCase();
  const phone = `+44 20 ${Math.floor(r() * 9000 + 1000)} ${Math.floor(r() * 9000 + 1000)}`;
  return { email, phone };
}

/** Text pages of prose with two personal values each (an e-mail and a phone number) on random lines. */
export async function textPdf(pages: number, seed: number): Promise<{ bytes: Uint8Array; secrets: string[][] }> {
  const r = rng(seed);
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const secrets: string[][] = [];
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([A4.width, A4.height]);
    page.drawText(`Case file ${Math.floor(r() * 90000 + 10000)} - page ${p + 1} of ${pages}`, { x: 56, y: 790, size: 13, font: bold });
    const { email, phone } = piiPair(r);
    const lines = 38;
    const at = [Math.floor(r() * 17) + 2, Math.floor(r() * 17) + 20];
    for (let i = 0; i < lines; i++) {
      const y = 760 - i * 18;
      let text = sentence(r, 11 + Math.floor(r() * 4));
      if (i === at[0]) text = `Contact ${pick(r, FIRST)} at ${email} about the ${pick(r, PROSE)} file.`;
      if (i === at[1]) text = `Call back on ${phone} before the end of the week.`;
      page.drawText(text, { x: 56, y, size: 10.5, font });
    }
    page.drawText("Small print: this page is part of a generated benchmark corpus.", { x: 56, y: 40, size: 6.5, font });
    secrets.push([email, phone]);
  }
  return { bytes: await doc.save({ useObjectStreams: true }), secrets };
}

/** Areas over the personal values, from the text layer's word boxes (what detection would return). */
export async function textAreas(bytes: Uint8Array, secrets: string[][]): Promise<RedactionArea[]> {
  const text = await pdfPool.extract(bytes);
  const areas: RedactionArea[] = [];
  text.pages.forEach((p, i) => {
    for (const s of secrets[i]!) {
      const parts = s.split(" ");
      const idx = p.words.findIndex((w, k) => parts.every((part, j) => p.words[k + j]?.text.replace(/[.,]$/, "") === part));
      if (idx < 0) throw new Error(`benchmark corpus: "${s.slice(0, 3)}..." not found on page ${i + 1}`);
      const ws = p.words.slice(idx, idx + parts.length);
      const x = Math.min(...ws.map((w) => w.box.x));
      const y = Math.min(...ws.map((w) => w.box.y));
      const box: Box = { x, y, width: Math.max(...ws.map((w) => w.box.x + w.box.width)) - x, height: Math.max(...ws.map((w) => w.box.y + w.box.height)) - y };
      areas.push({ page: i + 1, box, label: s.includes("@") ? "EMAIL_ADDRESS" : "PHONE_NUMBER", source: "detection", text: s });
    }
  });
  return areas;
}

/** Scanned pages: 300 dpi greyscale JPEG pictures of text, three personal values per page. */
export async function scannedPdf(pages: number, seed: number): Promise<{ bytes: Uint8Array; areas: RedactionArea[] }> {
  const r = rng(seed + 1);
  const doc = await PDFDocument.create();
  const areas: RedactionArea[] = [];
  for (let p = 0; p < pages; p++) {
    const { email, phone } = piiPair(r);
    const name = `${pick(r, FIRST)} ${pick(r, LAST)}`;
    const lines = [`Scanned letter ${p + 1}`, sentence(r, 8), `Customer: ${name}`, sentence(r, 9), `Email: ${email}`, sentence(r, 7), `Phone: ${phone}`, sentence(r, 10), sentence(r, 6)];
    const { png, words } = renderTextImage({ lines, size: 13 });
    const jpeg = await sharp(png).grayscale().jpeg({ quality: 80 }).toBuffer();
    const page = doc.addPage([A4.width, A4.height]);
    page.drawImage(await doc.embedJpg(jpeg), { x: 0, y: 0, width: A4.width, height: A4.height });
    for (const value of [name, email, phone]) {
      const parts = value.split(" ");
      const idx = words.findIndex((w, k) => parts.every((part, j) => words[k + j]?.text === part));
      const ws = words.slice(idx, idx + parts.length);
      const x = Math.min(...ws.map((w) => w.box.x)) - 2;
      const y = Math.min(...ws.map((w) => w.box.y)) - 2;
      const box = { x, y, width: Math.max(...ws.map((w) => w.box.x + w.box.width)) - x + 2, height: Math.max(...ws.map((w) => w.box.y + w.box.height)) - y + 2 };
      areas.push({ page: p + 1, box, label: "PII", source: "detection", text: value });
    }
  }
  return { bytes: await doc.save(), areas };
}

interface Scenario {
  name: string;
  kind: "text" | "scan";
  pages: number;
}

const SCENARIOS: Record<string, Scenario> = {
  a: { name: "(a) 50-page text, 100 areas", kind: "text", pages: 50 },
  b: { name: "(b) 10-page scanned, 30 areas", kind: "scan", pages: 10 },
  c: { name: "(c) 200-page text, 400 areas", kind: "text", pages: 200 },
};

async function corpus(s: Scenario, seed: number): Promise<{ bytes: Uint8Array; areas: RedactionArea[] }> {
  if (s.kind === "scan") return scannedPdf(s.pages, seed);
  const t = await textPdf(s.pages, seed);
  return { bytes: t.bytes, areas: await textAreas(t.bytes, t.secrets) };
}

interface EngineFigures {
  seconds: number;
  redact: number;
  verify: number;
  inBytes: number;
  outBytes: number;
  rasterPages: number;
  leaks: number;
  peakRssMb: number;
  /** Milliseconds per stage of the redaction (applyRedactions' timings). */
  stages: Record<string, number>;
}

/** Child mode: one scenario through the engine, warm, and the process's peak RSS. */
async function engineChild(key: string, seed: number, dir: string): Promise<void> {
  // The corpus and its areas were made by the parent (areas come from pdfjs, as detection's do): this
  // process only redacts, so its RSS is the engine's.
  void seed;
  const bytes = new Uint8Array(readFileSync(path.join(dir, `${key}.pdf`)));
  const areas = JSON.parse(readFileSync(path.join(dir, `${key}.full.json`), "utf8")) as RedactionArea[];
  // What detection passes along for scans: its OCR words (the parent OCRed the corpus as detection does).
  const wordsFile = path.join(dir, `${key}.words.json`);
  const scanWords = existsSync(wordsFile) ? decodeScanWords(JSON.parse(readFileSync(wordsFile, "utf8"))) : undefined;
  // Warm-up on one page: PDFium instantiates and the OCR workers start once per thread.
  const first = areas.filter((a) => a.page === 1);
  const one = await PDFDocument.create();
  const src = await PDFDocument.load(bytes);
  one.addPage((await one.copyPages(src, [0]))[0]!);
  const w = await applyRedactions(await one.save(), first, { pool: pdfPool });
  await verifyRedaction(w.pdf, w.secrets, { inspect: w.inspect, ocr: w.ocr, pool: pdfPool });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const t0 = performance.now();
  const out = await applyRedactions(bytes, areas, { pool: pdfPool, scanWords });
  const t1 = performance.now();
  const v = await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool: pdfPool });
  const t2 = performance.now();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  writeFileSync(path.join(dir, `${key}.docmill.pdf`), out.pdf);
  const fig: EngineFigures = {
    seconds: (t2 - t0) / 1000, redact: (t1 - t0) / 1000, verify: (t2 - t1) / 1000, inBytes: bytes.length, outBytes: out.pdf.length,
    rasterPages: out.pages.filter((p) => p.method === "raster").length, leaks: v.leaks, peakRssMb: peak / 2 ** 20,
    stages: Object.fromEntries(Object.entries(out.timings).map(([k, ms]) => [k, Math.round(ms)])),
  };
  await pdfPool.close();
  await redactionEngine.close();
  process.stdout.write(JSON.stringify(fig) + "\n");
}

function child(key: string, seed: number, dir: string): Promise<EngineFigures> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, __filename, "--child", key, "--seed", String(seed), "--dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (c: Buffer) => (out += c.toString()));
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`engine child ${key} exited ${code}`))));
  });
}

const PYMUPDF = `
import json, sys, time, fitz
src, areas_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
areas = json.load(open(areas_path))
t = time.perf_counter()
doc = fitz.open(src)
for a in areas:
    page = doc[a["page"] - 1]
    page.add_redact_annot(fitz.Rect(a["x"], a["y"], a["x"] + a["width"], a["y"] + a["height"]), fill=(0, 0, 0))
for page in doc:
    page.apply_redactions(images=fitz.PDF_REDACT_IMAGE_PIXELS)
doc.scrub()
doc.save(out, garbage=3, deflate=True)
print(json.dumps({"seconds": time.perf_counter() - t}))
`;
import { seededRandom } from "../test/support/random";

/** A venv with PyMuPDF, or the reason there is none. */
async function pymupdf(dir: string): Promise<{ python: string } | { skip: string }> {
  const venv = path.join(dir, "venv");
  try {
    await run("python3", ["-m", "venv", venv]);
    await run(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", "pymupdf"], { timeout: 300_000 });
    return { python: path.join(venv, "bin", "python") };
  } catch (err) {
    return { skip: `PyMuPDF column skipped: pip could not install pymupdf (${(err as Error).message.split("\n")[0]})` };
  }
}

async function pymupdfRun(python: string, dir: string, key: string): Promise<{ seconds: number; outBytes: number }> {
  const script = path.join(dir, "redact.py");
  if (!existsSync(script)) writeFileSync(script, PYMUPDF);
  const out = path.join(dir, `${key}.pymupdf.pdf`);
  const { stdout } = await run(python, [script, path.join(dir, `${key}.pdf`), path.join(dir, `${key}.areas.json`), out], { maxBuffer: 1 << 20 });
  const { size } = statSync(out);
  return { seconds: JSON.parse(stdout.trim().split("\n").pop()!).seconds, outBytes: size };
}

/** (a) through the API, as a client: upload, wait for readyForReview, review {}, wait for finished. */
async function endToEnd(bytes: Uint8Array): Promise<{ seconds: number; detect: number; redact: number; timeline: Array<{ at: number; mark: string }> }> {
  const mongoUrl = uniqueMongoUrl("benchredeng");
  const stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "worker", "orchestrator"],
    mongoUrl, broker: { namespace: `benchred-${randomBytes(4).toString("hex")}` },
    mods: { orchestrator: { settings: { mongoUrl } } },
  });
  try {
    const json = async (method: string, url: string, body: unknown, headers: Record<string, string>) => {
      const r = await fetch(stack.baseUrl + url, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      const t = await r.text();
      return { status: r.status, body: t ? JSON.parse(t) : null };
    };
    const admin = (await json("POST", "/v1/auth/login", { login: "admin@example.com", password: process.env.ADMIN_INITIAL_PASSWORD || "Admin@1234!Tmp" }, {})).body.token as string;
    const user = (await json("POST", "/v1/users", { email: "bench@example.com", password: "Bench123!xyz", roles: ["User"] }, { authorization: `Bearer ${admin}` })).body.userId as string;
    const key = (await json("POST", "/v1/api-keys", { name: "bench", userId: user, expiresAt: new Date(Date.now() + 86400e3).toISOString() }, { authorization: `Bearer ${admin}` })).body.key as string;
    for (let i = 0; i < 100; i++) {
      const plugins = await stack.broker.call<Array<{ id: string }>>("jobs.plugins");
      if (plugins.some((p) => p.id === "redaction")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    let timeline: Array<{ at: number; mark: string }> = [];
    const once = async (doc: Uint8Array) => {
      const t0 = performance.now();
      timeline = [];
      const form = new FormData();
      form.append("file", new Blob([Buffer.from(doc)], { type: "application/pdf" }), "bench.pdf");
      const up = await fetch(`${stack.baseUrl}/v1/jobs`, { method: "POST", headers: { "x-api-key": key }, body: form });
      const id = ((await up.json()) as { id: string }).id;
      const wait = async (wanted: string) => {
        for (;;) {
          const r = await json("GET", `/v1/jobs/${id}`, undefined, { "x-api-key": key });
          // The stages as a client sees them: each status/progress message and when it first showed.
          const mark = `${r.body.status}: ${r.body.progress?.message ?? ""}`;
          if (timeline[timeline.length - 1]?.mark !== mark) timeline.push({ at: performance.now() - t0, mark });
          if (r.body.status === wanted) return;
          if (["failed", "expired"].includes(r.body.status)) throw new Error(`job ${r.body.status}: ${JSON.stringify(r.body.error)}`);
          await new Promise((res) => setTimeout(res, 50));
        }
      };
      await wait("readyForReview");
      const t1 = performance.now();
      const rev = await json("POST", `/v1/jobs/${id}/redaction`, {}, { "x-api-key": key });
      if (rev.status !== 202) throw new Error(`review refused: ${rev.status}`);
      await wait("finished");
      const t2 = performance.now();
      return { seconds: (t2 - t0) / 1000, detect: (t1 - t0) / 1000, redact: (t2 - t1) / 1000, timeline };
    };
    const small = await textPdf(2, 99);
    await once(small.bytes); // warm-up: the worker's pools and PDFium start once per process
    return await once(bytes);
  } finally {
    await stack.stop();
    await pdfPool.close();
    await redactionEngine.close();
  }
}

function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

async function main() {
  const seed = arg("seed", 19);
  const childAt = process.argv.indexOf("--child");
  if (childAt >= 0) return engineChild(process.argv[childAt + 1]!, seed, process.argv[process.argv.indexOf("--dir") + 1]!);
  const dir = mkdtempSync(path.join(tmpdir(), "docmill-bench-engine-"));
  mkdirSync(dir, { recursive: true });
  try {
    console.log(`redaction engine vs PyMuPDF, seed ${seed}, ${os.availableParallelism()} cores, load average ${load()}`);
    // `--only a,e2e`: some of the scenarios (a, b, c, e2e), for iterating; all by default.
    const onlyAt = process.argv.indexOf("--only");
    const only = new Set(onlyAt >= 0 ? process.argv[onlyAt + 1]!.split(",") : ["a", "b", "c", "e2e"]);
    const py = ["a", "b", "c"].some((k) => only.has(k)) ? await pymupdf(dir) : { skip: "PyMuPDF not needed for --only e2e" };
    if ("skip" in py) console.log(`   ${py.skip}`);
    const fmt = (n: number) => n.toFixed(2).padStart(7);
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`.padStart(9);
    for (const key of ["a", "b", "c"].filter((k) => only.has(k))) {
      const s = SCENARIOS[key]!;
      const made = await corpus(s, seed);
      writeFileSync(path.join(dir, `${key}.pdf`), made.bytes);
      writeFileSync(path.join(dir, `${key}.full.json`), JSON.stringify(made.areas));
      writeFileSync(path.join(dir, `${key}.areas.json`), JSON.stringify(made.areas.map((a) => ({ page: a.page, ...a.box }))));
      if (s.kind === "scan") {
        // As detection does: OCR of the pages without a text layer; the words go with the job to redaction.
        const read = await pdfPool.extractWithOcr(made.bytes);
        writeFileSync(path.join(dir, `${key}.words.json`), JSON.stringify(encodeScanWords(read.pages.filter((p) => p.source === "ocr")) ?? {}));
        await pdfPool.close();
      }
      const d = await child(key, seed, dir);
      const m = "python" in py ? await pymupdfRun(py.python, dir, key) : undefined;
      console.log(`\n${s.name}   (load average ${load()})`);
      console.log(`   input ${kb(d.inBytes)}`);
      console.log(`   docmill stages (ms): ${Object.entries(d.stages).map(([k, v]) => `${k} ${v}`).join(", ")}`);
      console.log(`   docmill  ${fmt(d.seconds)} s (redaction ${d.redact.toFixed(2)} + verification ${d.verify.toFixed(2)})  output ${kb(d.outBytes)} (${(d.outBytes / d.inBytes).toFixed(2)}x input)  raster pages ${d.rasterPages}  leaks ${d.leaks}  worker peak RSS ${d.peakRssMb.toFixed(0)} MB`);
      if (m) {
        console.log(`   PyMuPDF  ${fmt(m.seconds)} s                                 output ${kb(m.outBytes)} (${(m.outBytes / d.inBytes).toFixed(2)}x input)`);
        console.log(`   ratio docmill/PyMuPDF: time ${(d.seconds / m.seconds).toFixed(2)}x, size ${(d.outBytes / m.outBytes).toFixed(2)}x`);
      }
      if (s.kind === "scan") console.log(`   per scanned page: ${(d.seconds / s.pages).toFixed(2)} s (target ≤ 1.5 s)`);
      if (key === "a") console.log(`   targets: engine+verification ≤ 2x PyMuPDF, output ≤ 2x input`);
      if (key === "c") console.log(`   target: worker RSS < 500 MB`);
    }
    if (!only.has("e2e")) return;
    const a = await textPdf(50, seed);
    const e2e = await endToEnd(a.bytes);
    console.log(`\n(a) end to end through /v1/jobs (upload → readyForReview → {} → finished): ${e2e.seconds.toFixed(2)} s ` +
      `(detection ${e2e.detect.toFixed(2)} s, review to finished ${e2e.redact.toFixed(2)} s), target < 5 s   (load average ${load()})`);
    // When each stage first showed to the client (polled every 50 ms): where the time goes.
    console.log(`   stages seen by the client (s): ${e2e.timeline.map((t) => `${(t.at / 1000).toFixed(2)} ${t.mark}`).join(" | ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
