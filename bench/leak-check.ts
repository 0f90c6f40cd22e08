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
 *   - raw bytes: the file as bytes, for the value as Latin-1 and as UTF-16BE (PDF string encodings).
 * A value counts as leaked when any channel finds it.
 */
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
    const input = doc.kind === "text" ? await renderTextPdf(doc) : await renderScannedPdf(doc);
    let out: Buffer;
    try {
      out = await acceptAll(input, doc);
    } catch (err) {
      report.failed.push({ doc: doc.name, reason: (err as Error).message.slice(0, 200) });
      continue;
    }
    report.documents++;
    report.pages += doc.pages.length;
    const ex = await pool.extract(out);
    const textLayer = fold(ex.pages.map((p) => p.text).join("\n"));
    const metadata = fold(Object.values(ex.info).join("\n"));
    const raw = out.toString("latin1");
    const ocr = new Map<number, string>();
    for (const page of new Set(doc.truth.map((t) => t.page))) {
      const img = await pool.render(out, page, { dpi: 300 });
      const r = await pool.ocr(img.png, { lang: doc.ocrLang, pageWidthPt: doc.width, pageHeightPt: doc.height });
      ocr.set(page, fold(r.text));
    }
    const seen = new Set<string>();
    for (const t of doc.truth) {
      const key = `${t.label}\u0000${t.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report.values++;
      const ft = fold(t.text);
      if (ft.length < 3) continue;
      const channels: Channel[] = [];
      if (textLayer.includes(ft)) channels.push("text");
      const o = ocr.get(t.page) ?? "";
      if (ft.length >= 6 ? within(ft, o) : o.includes(ft)) channels.push("ocr");
      if (metadata.includes(ft)) channels.push("metadata");
      const utf16 = Buffer.from(t.text, "utf16le").swap16().toString("latin1");
      if (raw.includes(t.text) || raw.includes(utf16)) channels.push("raw");
      if (channels.length) report.leaks.push({ doc: doc.name, label: t.label, text: t.text, channels });
    }
  }
  report.seconds = (Date.now() - t0) / 1000;
  return report;
}
