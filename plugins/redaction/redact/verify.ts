/**
 * Proof after every redaction, read back the way an attacker would:
 *  - textLayer: the output's text layer (PDFium, as Chrome extracts it) on every redacted page, exact;
 *  - ocr: the output's pixels on pages whose image content was touched (scans, images under an area,
 *    raster fallbacks), OCRed once by the engine (apply.ts);
 *  - objects: PDFium's view of every redacted page: glyphs, unpainted image pixels or non-trivial paths
 *    still under an area (inspect.ts);
 *  - streams: every decompressed content stream, form XObject, metadata stream and string object
 *    (annotations, Info, names) searched for every redacted string;
 *  - structure: no catalog or page entry that carries text outside the page content.
 * A result with leaks must fail the job; the record carries counts and page numbers, never the strings.
 */
import type { OcrCheck } from "./apply";
import type { PdfPool, Verification, VerificationLeak, VerificationMethod } from "../../../sdk";
import { redactionEngine, type RedactionEngine } from "./engine-pool";
import { runOffLoop } from "../../../sdk/compute/pool";
import type { PageSecrets } from "./geometry";
import type { InspectRequest, PageSecretCounts } from "./inspect";

/** The OCR leak comparison (leaks.ts), loaded by the compute thread. */
const LEAKS_MODULE = require.resolve("./leaks");

/** The read-back's record (shared/wire/detections.ts: the job view and the web app show it). */
export type { Verification, VerificationMethod };
export type Leak = VerificationLeak;

export interface VerifyOptions {
  engine?: RedactionEngine;
  /** OCRs the output's crops around the areas of pages whose image content changed (the PDF engine). */
  pool: Pick<PdfPool, "ocr">;
  lang?: string | string[];
  /** Areas per redacted page, for the object inspection (omit to skip it). */
  inspect?: InspectRequest[];
  /** OCR of the output's touched pages (from applyRedactions). */
  ocr?: OcrCheck[];
  signal?: AbortSignal;
}

export async function verifyRedaction(output: Uint8Array, secrets: readonly PageSecrets[], opts: VerifyOptions): Promise<Verification> {
  const engine = opts.engine ?? redactionEngine;
  const leakDetails: Leak[] = [];
  const secretCounts: PageSecretCounts[] = secrets.map((s) => ({ page: s.page, secrets: s.strings.map((str) => ({ s: str, allowed: s.allowed[str] ?? 0 })) }));
  // PDFium (text layer, objects) and pdf-lib (streams, structure), on the engine's threads.
  // Every page with secrets is read, with its areas when the caller gave them.
  const requests = new Map((opts.inspect ?? []).map((r) => [r.page, r]));
  for (const s of secrets) if (!requests.has(s.page)) requests.set(s.page, { page: s.page, boxes: [] });
  const inspection = await engine.inspect(output, [...requests.values()], secretCounts, opts.signal);
  const { structureProblems } = inspection;
  for (const p of inspection.pages) if (p.textLeaks > 0) leakDetails.push({ page: p.page, method: "textLayer", count: p.textLeaks });
  // The output's own pixels around every area of a page whose image content changed, OCRed: what is
  // under and beside an area must not read as a redacted string (copies the reviewer kept are allowed).
  const pool = opts.pool;
  const cropText = new Map<number, string[]>();
  await Promise.all(inspection.crops.map(async (c) => {
    opts.signal?.throwIfAborted();
    // Hindi is not added on a guess: a crop cut through lines around a black box reads poorly in any script.
    const r = await pool.ocr(c.png, { lang: opts.lang, pageWidthPt: c.region.width, pageHeightPt: c.region.height, scriptDetection: false });
    cropText.set(c.page, [...(cropText.get(c.page) ?? []), r.text]);
  }));
  const ocrTexts = [...(opts.ocr ?? []), ...[...cropText].map(([page, texts]) => ({ page, text: texts.join("\n") }))];
  // Every redacted string searched in every OCRed page: in a compute thread, off the event loop.
  const found = ocrTexts.length ? await runOffLoop<Array<{ page: number; count: number }>>(LEAKS_MODULE, "ocrLeaks", [secrets, ocrTexts], opts.signal) : [];
  for (const f of found) leakDetails.push({ page: f.page, method: "ocr", count: f.count });
  opts.signal?.throwIfAborted();
  for (const p of inspection.pages) {
    const n = p.glyphs + p.pixels + p.paths;
    if (n > 0) leakDetails.push({ page: p.page, method: "objects", count: n });
  }
  if (inspection.streamLeaks > 0) leakDetails.push({ page: 0, method: "streams", count: inspection.streamLeaks });
  const method: VerificationMethod[] = ["textLayer"];
  if (ocrTexts.length) method.push("ocr");
  if (opts.inspect) method.push("objects");
  method.push("streams", "structure");
  return {
    method,
    redactedStrings: secrets.reduce((n, s) => n + s.strings.length, 0),
    unchecked: secrets.reduce((n, s) => n + s.unchecked, 0),
    pagesChecked: secrets.map((s) => s.page),
    pagesOcr: [...new Set(ocrTexts.map((o) => o.page))].sort((a, b) => a - b),
    streamsScanned: inspection.streamsScanned,
    leaks: leakDetails.reduce((n, l) => n + l.count, 0) + structureProblems.length,
    leakDetails,
    structureProblems,
  };
}

/** A sentence for a failed verification: pages and methods, never the strings. */
export function describeLeaks(v: Verification): string {
  const parts = v.leakDetails.map((l) => (l.page ? `page ${l.page} (${l.method}: ${l.count})` : `${l.method} (${l.count})`));
  if (v.structureProblems.length) parts.push(`structure (${v.structureProblems.join(", ")})`);
  return `Verification found redacted content still extractable from the output on ${parts.join(", ")}; the redacted PDF was not released`;
}
