/**
 * End-to-end leak check of the redaction plugin on corpus documents, as a user who trusts it would run
 * it: the real plugin (services/lib/plugins/runner.ts, the code path of a worker, minus the transport)
 * detects, the "reviewer" accepts every finding, the plugin redacts and verifies; then the downloaded
 * PDF is searched, by readers independent of the engine's own verification, for every ground-truth
 * value of the document:
 *   - text layer: pdfjs text of every page (exact, after folding case, accents and spacing);
 *   - OCR: every page that carried PII rendered at 300 dpi and OCRed (tesseract.js), approximate match
 *     (edit distance <= 15 %) for values of 6+ folded characters, since OCR damages what it reads;
 *   - metadata: the information dictionary pdfjs reads (Author, Subject, ...);
 *   - raw bytes: the file as bytes and with its streams decompressed (qpdf), for the value as Latin-1,
 *     as UTF-16BE and as hex (PDF string encodings).
 * A value counts as leaked when any channel finds it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import manifest from "../plugins/redaction";
import { runPlugin, type RunIo } from "../kernel/plugins/runner";
import type { PdfPool } from "../sdk/pdf/pool";
import { renderScannedPdf, renderTextPdf, type GenDoc } from "../test/fixtures/pii-corpus";

export type Channel = "text" | "ocr" | "metadata" | "raw";

export interface LeakResult {
  doc: string;
  label: string;
  text: string;
  channels: Channel[];
}

export interface LeakReport {
  documents: number;
  pages: number;
  values: number;
  leaks: LeakResult[];
  failed: { doc: string; reason: string }[];
  seconds: number;
}

type Fold = (s: string) => string;
type Within = (needle: string, hay: string) => boolean;

async function acceptAll(bytes: Uint8Array, doc: GenDoc): Promise<Buffer> {
  const outputs = new Map<string, Buffer>();
  const io = (resume?: RunIo["resume"]): RunIo => ({
    jobId: doc.name, owner: "bench", attempt: 1, rawOptions: { ocrLanguages: doc.ocrLang }, resume,
    signal: new AbortController().signal,
    logger: { info() {}, warn() {}, error() {}, debug() {} },
    input: {
      fileId: doc.name, filename: `${doc.name}.pdf`, contentType: "application/pdf", size: bytes.length,
      read: async () => Buffer.from(bytes), stream: async () => Readable.from([Buffer.from(bytes)]),
    },
    reportProgress: async () => undefined,
    storeOutput: async (n, data) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.concat(await (data as Readable).toArray());
      outputs.set(n, buf);
      return { name: n, fileId: n, size: buf.length, sha256: "", contentType: "", filename: n };
    },
  });
  const first = await runPlugin(manifest as never, io());
  if (first.status !== "paused") throw new Error(`detection ended ${first.status}, not paused for review`);
  const det = first.result as { findings: Array<{ id: string; page: number; label: string; boxes: Array<{ x: number; y: number; width: number; height: number }> }> };
  const areas = det.findings.flatMap((f) => f.boxes.map((b) => ({ page: f.page, ...b, label: f.label, source: "detection", findingId: f.id })));
  const second = await runPlugin(manifest as never, io({ point: "readyForReview", input: { areas }, result: det }));
  if (second.status !== "completed") throw new Error(`redaction ended ${second.status}`);
  const pdf = outputs.get("redactedPdf");
  if (!pdf) throw new Error("no redactedPdf output");
  return pdf;
}

/** Which documents are checked: a seeded spread over kinds, layouts and fake redactions, short ones (OCR costs). */
export function leakSample(docs: GenDoc[], n: number, hash: (s: string) => string): GenDoc[] {
  const short = docs.filter((d) => d.pages.length <= 4).sort((a, b) => (hash(a.name) < hash(b.name) ? -1 : 1));
  const fakes = short.filter((d) => d.truth.some((t) => t.label === "EXPOSED_REDACTION")).slice(0, Math.ceil(n / 4));
  const rest = short.filter((d) => !fakes.includes(d));
  const out = [...fakes];
  for (const kind of ["text", "scanned", "mixed"] as const) out.push(...rest.filter((d) => d.kind === kind).slice(0, Math.round(((n - fakes.length) * (kind === "text" ? 2 : 1)) / 4)));
  return out.slice(0, n);
}

export async function leakCheck(docs: GenDoc[], pool: PdfPool, fold: Fold, within: Within): Promise<LeakReport> {
  const t0 = Date.now();
  const report: LeakReport = { documents: 0, pages: 0, values: 0, leaks: [], failed: [], seconds: 0 };
  for (const doc of docs) {
    const input = await renderInput(doc);
    let out: Buffer;
    try {
      out = await acceptAll(input, doc);
    } catch (err) {
      report.failed.push({ doc: doc.name, reason: (err as Error).message.slice(0, 200) });
      continue;
    }
    report.documents++;
    report.pages += doc.pages.length;
    const found = await searchOutput(out, doc, pool, fold, within);
    report.values += found.values;
    report.leaks.push(...found.leaks);
  }
  report.seconds = (Date.now() - t0) / 1000;
  return report;
}

/** The PDF a corpus document is as a user would have it: a text PDF, or a scan (mixed: some pages scanned). */
export function renderInput(doc: GenDoc): Promise<Uint8Array> {
  return doc.kind === "text" ? renderTextPdf(doc) : renderScannedPdf(doc);
}

/**
 * Every ground-truth value of `doc` searched in the redacted output `out` through the four channels
 * (see the top of this file). `values`: distinct (label, text) pairs checked.
 */
export async function searchOutput(out: Uint8Array, doc: GenDoc, pool: PdfPool, fold: Fold, within: Within): Promise<{ values: number; leaks: LeakResult[] }> {
  const ex = await pool.extract(out);
  const textLayer = fold(ex.pages.map((p) => p.text).join("\n"));
  const metadata = fold(Object.values(ex.info).join("\n"));
  const raw = `${Buffer.from(out).toString("latin1")}\n${uncompressed(out)}`;
  const ocr = new Map<number, string>();
  for (const page of new Set(doc.truth.map((t) => t.page))) {
    const img = await pool.render(out, page, { dpi: 300 });
    const r = await pool.ocr(img.png, { lang: doc.ocrLang, pageWidthPt: doc.width, pageHeightPt: doc.height });
    ocr.set(page, fold(r.text));
  }
  const rawLower = raw.toLowerCase();
  const seen = new Set<string>();
  const leaks: LeakResult[] = [];
  let values = 0;
  for (const t of doc.truth) {
    const key = `${t.label}\u0000${t.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    values++;
    const ft = fold(t.text);
    if (ft.length < 3) continue;
    const channels: Channel[] = [];
    if (textLayer.includes(ft)) channels.push("text");
    const o = ocr.get(t.page) ?? "";
    if (ft.length >= 6 ? within(ft, o) : o.includes(ft)) channels.push("ocr");
    if (metadata.includes(ft)) channels.push("metadata");
    const utf16 = Buffer.from(t.text, "utf16le").swap16().toString("latin1");
    const hex = Buffer.from(t.text, "latin1").toString("hex");
    if (raw.includes(t.text) || raw.includes(utf16) || rawLower.includes(hex)) channels.push("raw");
    if (channels.length) leaks.push({ doc: doc.name, label: t.label, text: t.text, channels });
  }
  return { values, leaks };
}

/**
 * The file with every stream decompressed (qpdf's QDF form), as a parser reading content streams,
 * fonts' ToUnicode maps and metadata streams sees it; "" when qpdf is not there (the raw bytes alone
 * are then searched).
 */
function uncompressed(pdf: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), "docmill-leak-"));
  try {
    writeFileSync(path.join(dir, "in.pdf"), pdf);
    // qpdf exits 3 on warnings (a repaired xref) with the output written.
    spawnSync("qpdf", ["--qdf", "--object-streams=disable", path.join(dir, "in.pdf"), path.join(dir, "out.pdf")], { stdio: "ignore" });
    return existsSync(path.join(dir, "out.pdf")) ? readFileSync(path.join(dir, "out.pdf")).toString("latin1") : "";
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Leaks per label and where they were found: `PERSON 2 (text 2, ocr 1)`, one label a line. */
export function leaksByLabel(leaks: readonly LeakResult[]): string[] {
  const by = new Map<string, { n: number; ch: Map<Channel, number> }>();
  for (const l of leaks) {
    const e = by.get(l.label) ?? { n: 0, ch: new Map<Channel, number>() };
    e.n++;
    for (const c of l.channels) e.ch.set(c, (e.ch.get(c) ?? 0) + 1);
    by.set(l.label, e);
  }
  return [...by].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1))
    .map(([label, e]) => `${label} ${e.n} (${[...e.ch].map(([c, n]) => `${c} ${n}`).join(", ")})`);
}

// The matching of bench/redaction-quality.ts (its `fold` and `within`), for callers that cannot import
// that file without running the bench (the e2e leak test): case, accents, spacing, punctuation and the
// OCR confusions O/0, l/1, S/5 folded away; OCR text matched within an edit distance of 15 %.
const CONFUSE: Record<string, string> = { o: "0", i: "1", l: "1", "|": "1", s: "5" };

export function leakFold(s: string): string {
  return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[oil|s]/g, (c) => CONFUSE[c]!).replace(/[^a-z0-9]/g, "");
}

/** Smallest edit distance between `needle` and any substring of `hay` (Sellers). */
function infix(needle: string, hay: string): number {
  if (!needle.length) return 0;
  let prev = new Array<number>(hay.length + 1).fill(0);
  for (let i = 1; i <= needle.length; i++) {
    const cur = new Array<number>(hay.length + 1);
    cur[0] = i;
    for (let j = 1; j <= hay.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (needle[i - 1] === hay[j - 1] ? 0 : 1));
    prev = cur;
  }
  return Math.min(...prev);
}

export function leakWithin(needle: string, hay: string): boolean {
  const tol = Math.floor(needle.length * 0.15);
  return needle.length > 0 && needle.length <= hay.length + tol && infix(needle, hay) <= tol;
}
