/**
 * redaction: finds personal data in a PDF, waits for a reviewer, then removes what was approved for good.
 *
 *   1st run  detection: text layer per page (pdfjs), OCR of pages without one (render + sharp + tesseract.js),
 *            recognisers (detect/), `detections` JSON output, pause at "readyForReview".
 *   resume   redaction with the reviewer's areas (ReviewInput): object-level redaction of the pages with areas
 *            (glyphs, image pixels, paths under the areas removed; raster only as a per-page fallback;
 *            redact/apply.ts), verification (redact/verify.ts) failing the job on any leak, then
 *            `redactedPdf` and `report` outputs.
 *
 * Heavy work runs on the PDF engine's thread pool, so a worker's event loop keeps its lease alive.
 */
import { defineErrorCodes, definePlugin, runOffLoopInPieces, type RunContext } from "../../sdk";
import { BUILT_IN_LABELS, resolveDetectionConfig, type Finding, type PageInput } from "./detect";
import { detectionsJsonBytes } from "./detections-json";
import { detectionPages, findHiddenText, placeOffPageFindings, type HiddenText } from "./hidden-text";
import { applyRedactions } from "./redact/apply";
import { CERTIFICATE_TYPE, sha256, signCertificate, signingKey, type CertificateBody } from "./redact/certificate";
import type { RedactionArea } from "./redact/geometry";
import { decodeScanWords, encodeScanWords } from "./redact/scan-words";
import { describeLeaks, verifyRedaction } from "./redact/verify";
import {
  COORDINATES, type DetectionResult, type DetectionRun, type RedactionOptions, type RedactionReport, type RedactionResult, type ReviewInput,
} from "./types";

import { MANUAL_LABEL } from "./contract";

export { MANUAL_LABEL } from "./contract";

/** The pure detection module, run in a compute thread (sdk/compute). */
const DETECT_MODULE = require.resolve("./detect/detect");
/** The report's and certificate's texts (redact/report-text.ts), also in a compute thread. */
const REPORT_MODULE = require.resolve("./redact/report-text");

/** Labels a hand-drawn area may carry for a job run with this configuration. */
export function allowedLabels(detection: RedactionOptions["detection"]): string[] {
  const custom = [...(detection.patternRecognizers ?? []), ...(detection.keywordRecognizers ?? [])].map((r) => r.label);
  return [...new Set([...BUILT_IN_LABELS, ...custom, MANUAL_LABEL])];
}

function baseName(filename: string): string {
  return filename.replace(/\.pdf$/i, "") || "document";
}

async function runDetection(ctx: RunContext<RedactionOptions>) {
  // Fail a bad configuration before the expensive extraction; detection resolves it again in its thread.
  const detectionConfig = resolveDetectionConfig(ctx.options.detection);
  await ctx.progress(5, "Reading the PDF");
  const bytes = await ctx.input.read();
  ctx.signal.throwIfAborted();
  await ctx.progress(10, "Extracting text (OCR for pages without a text layer)");
  const doc = await ctx.pdf.extractWithOcr(bytes, { maxPages: ctx.options.maxPages, lang: ctx.options.ocrLanguages, dpi: ctx.options.ocrDpi, signal: ctx.signal });
  ctx.signal.throwIfAborted();
  await ctx.progress(80, `Detecting personal data on ${doc.pageCount} pages`);
  const pages: PageInput[] = doc.pages.map((p) => ({
    page: p.page, width: p.width, height: p.height, source: p.source,
    words: p.words.map((w) => ({ text: w.text, box: w.box, ...("confidence" in w ? { confidence: (w as { confidence: number }).confidence } : {}) })),
  }));
  // Fake redactions (text under a drawn box, text in the page colour): one low-resolution render per text
  // page; text drawn off the page: read from PDFium's text layer, detected on pages of its own.
  let hidden: HiddenText = { pages, offPage: [] };
  if (detectionConfig.labels.has("EXPOSED_REDACTION") && !detectionConfig.disabledBuiltInLabels.has("EXPOSED_REDACTION")) {
    hidden = await findHiddenText(bytes, pages, { signal: ctx.signal });
  }
  // Off the event loop: in the embedded shape this loop also serves the API (issue 14). The pages' words
  // go in and the findings come back in pieces: a directory's tens of thousands of findings rebuilt in
  // one step would hold the loop as long as detecting them in it once did.
  const found = await runOffLoopInPieces<Finding[]>(DETECT_MODULE, "detect", [detectionPages(hidden), ctx.options.detection ?? {}], ctx.signal);
  const findings = placeOffPageFindings(found, hidden.offPage).sort((a, b) => a.page - b.page);
  const result: DetectionResult = {
    phase: "detection",
    pageCount: doc.pageCount,
    coordinates: COORDINATES,
    pages: doc.pages.map((p) => ({ page: p.page, width: p.width, height: p.height, rotation: p.rotation, source: p.source, ...(p.confidence !== undefined ? { confidence: p.confidence } : {}) })),
    findings,
    labels: allowedLabels(ctx.options.detection),
  };
  await ctx.writeOutput("detections", await detectionsJsonBytes(result), {
    contentType: "application/json",
    filename: `${baseName(ctx.input.filename)}.detections.json`,
  });
  await ctx.progress(100, `${findings.length} findings ready for review`);
  // The scans' OCR words go with the paused job (not in the file): redaction does not OCR them again.
  const scanWords = encodeScanWords(doc.pages.filter((p) => p.source === "ocr"));
  return ctx.pause("readyForReview", scanWords ? { ...result, scanWords } : result);
}

async function runRedaction(ctx: RunContext<RedactionOptions>): Promise<RedactionResult> {
  const detection = ctx.resume!.result as DetectionRun;
  const review = (ctx.resume!.input ?? { areas: [] }) as ReviewInput;
  const texts = new Map(detection.findings.map((f) => [f.id, f.text]));
  const found = new Map(detection.findings.map((f) => [f.id, { detector: f.recognizer, score: f.score }]));
  const areas: RedactionArea[] = (review.areas ?? []).map((a) => ({
    page: a.page,
    box: { x: a.x, y: a.y, width: a.width, height: a.height },
    label: a.label,
    source: a.source,
    ...(a.findingId ? { findingId: a.findingId, text: texts.get(a.findingId) } : {}),
  }));
  await ctx.progress(5, "Reading the PDF");
  const bytes = await ctx.input.read();
  const pageTotal = new Set(areas.map((a) => a.page)).size;
  const applied = await applyRedactions(bytes, areas, {
    pool: ctx.pdf,
    dpi: ctx.options.dpi,
    searchable: ctx.options.searchable,
    lang: ctx.options.ocrLanguages,
    signal: ctx.signal,
    scanWords: decodeScanWords(detection.scanWords),
    // Every progress report is a job update (a database write and a broadcast), and reports are serialised:
    // one per page made the last pages of a 50-page job wait on 50 round trips. One per tenth is enough.
    onPage: (done) => {
      const tenth = (n: number) => Math.floor((10 * n) / Math.max(1, pageTotal));
      if (done < pageTotal && tenth(done) === tenth(done - 1)) return;
      // Not awaited: the runner awaits its progress chain before the job ends (a failure surfaces there).
      ctx.progress(10 + (60 * done) / Math.max(1, pageTotal), `Redacted ${done} of ${pageTotal} pages`).catch(() => undefined);
    },
  });
  ctx.signal.throwIfAborted();
  await ctx.progress(75, "Verifying: nothing redacted may be extractable");
  const v = await verifyRedaction(applied.pdf, applied.secrets, {
    inspect: applied.inspect, ocr: applied.ocr, signal: ctx.signal, pool: ctx.pdf, lang: ctx.options.ocrLanguages,
  });
  if (v.leaks > 0) throw Object.assign(new Error(describeLeaks(v)), { type: "REDACTION_VERIFICATION_FAILED" });
  const verification = { ...v, verifiedAt: new Date().toISOString() };
  const rebuiltPages = applied.pages.map((p) => p.page);
  const reportAreas = areas.map((a) => ({
    page: a.page, box: a.box, label: a.label, source: a.source,
    ...(a.findingId ? { findingId: a.findingId, ...found.get(a.findingId) } : {}),
  }));
  const certificateAreas = reportAreas.map(({ findingId: _id, ...a }) => a);
  const body: CertificateBody = {
    type: CERTIFICATE_TYPE,
    jobId: ctx.jobId,
    issuedAt: new Date().toISOString(),
    original: { sha256: sha256(bytes), bytes: bytes.length },
    redacted: { sha256: sha256(applied.pdf), bytes: applied.pdf.length },
    pageCount: applied.pageCount,
    areas: certificateAreas,
    pages: applied.pages.map((p) => ({ page: p.page, method: p.method })),
    review: { reviewer: review.reviewer?.id ?? null, reviewedAt: review.reviewer?.at ?? null },
    verification: { result: "passed", methods: v.method, redactedStrings: v.redactedStrings, leaks: v.leaks, verifiedAt: verification.verifiedAt },
  };
  // The texts that list every area (tens of thousands for a directory) are made in a compute thread,
  // the areas crossing in pieces (redact/report-text.ts); the key stays here.
  const [canonical] = await runOffLoopInPieces<string[]>(REPORT_MODULE, "canonicalBody", [{ ...body, areas: [] }, certificateAreas], ctx.signal);
  const certificate = await signCertificate(body, await signingKey(), canonical);
  const report: RedactionReport = {
    jobId: ctx.jobId,
    fileName: ctx.input.filename,
    pageCount: applied.pageCount,
    coordinates: COORDINATES,
    areas: reportAreas,
    pages: applied.pages,
    untouchedPages: Array.from({ length: applied.pageCount }, (_, i) => i + 1).filter((p) => !rebuiltPages.includes(p)),
    removed: applied.removed,
    verification,
    certificate,
  };
  const [reportText, certificateText] = await runOffLoopInPieces<string[]>(REPORT_MODULE, "reportTexts", [
    { ...report, areas: [], certificate: { ...certificate, areas: [] } }, reportAreas, certificateAreas,
  ], ctx.signal);
  await ctx.progress(95, "Storing the redacted PDF");
  await ctx.writeOutput("redactedPdf", Buffer.from(applied.pdf), { contentType: "application/pdf", filename: `${baseName(ctx.input.filename)}.redacted.pdf` });
  await ctx.writeOutput("report", reportText!, { contentType: "application/json", filename: `${baseName(ctx.input.filename)}.redaction-report.json` });
  // The certificate alone as well (GET /v1/jobs/{id}/files/certificate): what a third party needs to check it.
  await ctx.writeOutput("certificate", certificateText!, { contentType: "application/json", filename: `${baseName(ctx.input.filename)}.redaction-certificate.json` });
  await ctx.progress(100, "Finished");
  return { phase: "redaction", pageCount: applied.pageCount, redactedPages: rebuiltPages, areas: areas.length, verification };
}

/** The plugin's codes in the error catalog (docs/errors.md), besides the SDK's PDF_* and COMPUTE_LIMIT_EXCEEDED. */
export const REDACTION_ERRORS = defineErrorCodes({
  REDACTION_INVALID: {
    status: 400,
    message: "A redaction area names a page the document does not have",
    fix: "Send areas on the document's pages only (1 to its page count)",
  },
  REDACTION_VERIFICATION_FAILED: {
    status: 500,
    message: "Reading the redacted output back still found redacted text (the message counts the leaks, never quotes them)",
    fix: "Nothing was released; report the job id to the operator (the output is withheld on purpose)",
  },
  REDACTION_ENGINE_RETRY: {
    status: 500,
    message: "An image could not be put back exactly as it was painted; the engine redoes the page the safe way",
    fix: "None needed: the plugin retries on its own; seen on a job only if the retry failed too, then report the job id",
  },
});

export default definePlugin<RedactionOptions, DetectionRun | RedactionResult>({
  id: "redaction",
  version: "1.0.0",
  apiVersion: "1",
  title: "PII redaction",
  description: "Detects personal data (text layer and OCR), pauses for review, then removes the approved areas for good and verifies it",
  accepts: ["application/pdf"],
  // Scanned pages are read with English unless a job names other languages: warm it at worker start.
  ocrLanguages: ["eng"],
  pausePoints: ["readyForReview"],
  errors: REDACTION_ERRORS,
  optionsSchema: {
    $$strict: "remove",
    detection: { type: "object", default: {}, strict: false },
    ocrLanguages: { type: "array", items: { type: "string", pattern: "^[a-z_]{3,8}$" }, min: 1, default: ["eng"] },
    searchable: { type: "boolean", default: true, convert: true },
    dpi: { type: "number", integer: true, min: 72, max: 400, default: 200, convert: true },
    ocrDpi: { type: "number", integer: true, min: 100, max: 400, default: 300, convert: true },
    maxPages: { type: "number", integer: true, min: 1, max: 5000, default: 500, convert: true },
  },

  canRun(input) {
    return input.size > 0 ? true : "The file is empty";
  },

  run(ctx) {
    if (ctx.resume?.point === "readyForReview") return runRedaction(ctx);
    return runDetection(ctx);
  },
});
