/**
 * Text of the first `numPages` pages for tagging: the text layer in reading order (pdfjs-dist through the
 * PDF engine's thread pool), and for each page with no or too little text, OCR of the rendered page
 * (tesseract.js with language data from @tesseract.js-data packages, never downloaded).
 * Throws PdfError (PDF_CORRUPT, PDF_ENCRYPTED, PDF_EMPTY, OCR_LANGUAGE_UNAVAILABLE).
 */
import type { PdfEngine, PdfInfo } from "../../sdk";
import { classifyLine, isJunkTitle } from "./tagger/boilerplate";
import { looksGarbledDevanagari } from "./devanagari";

/** A page with fewer non-space characters than this in its text layer is OCR'd. */
export const MIN_PAGE_CHARS = 25;
/**
 * Resolution pages are rendered at for OCR: 300 dpi, as the tag generator did and as the shared OCR path
 * (sdk/pdf/ocr.ts) is tuned for (small print, Devanagari matras); in text mode a scan whose picture is
 * coarser is read at the picture's own resolution (upsampling adds pixels, not information).
 */
export const OCR_DPI = 300;

export type ExtractionMethod = "pdfjs_text" | "tesseract_ocr" | "mixed";

export interface PageSummary {
  page: number;
  source: "text" | "ocr";
  chars: number;
  /** Mean OCR word confidence 0-100 (OCR'd pages only). */
  confidence?: number;
}

export interface ExtractedDocument {
  pageCount: number;
  pagesRead: number;
  text: string;
  /** The text of each page read, in order (boilerplate removal compares pages). */
  pageTexts: string[];
  pages: PageSummary[];
  ocrPages: number[];
  /** Pages whose OCR ran out of the page timeout (DOCMILL_OCR_PAGE_TIMEOUT_MS): their text is missing. */
  ocrTimeouts: number[];
  extractionMethod: ExtractionMethod;
  ocrConfidence: number | null;
  info: PdfInfo;
}

export interface ExtractOptions {
  /** The host's PDF engine (ctx.pdf). */
  engine: PdfEngine;
  numPages: number;
  /** Tesseract languages, e.g. ["eng"] or ["eng", "deu"]. */
  ocrLangs: string[];
  signal?: AbortSignal;
  minPageChars?: number;
}

export async function extractForTagging(pdf: Uint8Array, opts: ExtractOptions): Promise<ExtractedDocument> {
  const base = await opts.engine.extract(pdf, { firstPages: opts.numPages });
  opts.signal?.throwIfAborted();
  const wanted = base.pages.slice(0, opts.numPages);
  const min = opts.minPageChars ?? MIN_PAGE_CHARS;
  const texts: string[] = wanted.map((p) => p.text);
  const pages: PageSummary[] = wanted.map((p) => ({ page: p.page, source: "text", chars: nonSpace(p.text) }));
  // A page whose Devanagari pdfjs read from a shaped font as fragments is read again by OCR, with Hindi.
  const garbled = new Set(wanted.filter((p) => looksGarbledDevanagari(p.text)).map((p) => p.page));
  const sparse = wanted.filter((p) => nonSpace(p.text) < min && !garbled.has(p.page)).map((p) => p.page);
  // The engine's own OCR path, as redaction's: rendered and read in the threads, with preprocessing,
  // orientation and script detection (Devanagari in the text pages or on the scan adds Hindi).
  // Text mode: tagging reads topics, so no word boxes and no extra passes for stray fields, and a scan is
  // read at its own resolution (redaction keeps the full mode: it needs exact boxes and every word).
  const [ocrSparse, ocrGarbled] = await Promise.all([
    opts.engine.ocrPdfPages(pdf, sparse, { dpi: OCR_DPI, lang: opts.ocrLangs, textLayer: texts.join(" "), mode: "text" }),
    opts.engine.ocrPdfPages(pdf, [...garbled], { dpi: OCR_DPI, lang: [...new Set(["hin", ...opts.ocrLangs])], textLayer: texts.join(" "), mode: "text" }),
  ]);
  opts.signal?.throwIfAborted();
  const ocrTimeouts: number[] = [];
  for (const ocr of [...ocrSparse, ...ocrGarbled]) {
    if (ocr.report?.status === "timeout") ocrTimeouts.push(ocr.page);
    const i = ocr.page - 1;
    const hindi = garbled.has(ocr.page);
    // OCR can only add: if it found less than the sparse text layer had, keep the layer. A garbled
    // layer is replaced by OCR that reads clean Devanagari and at least half as much of it.
    const better = hindi ? !looksGarbledDevanagari(ocr.text) && nonSpace(ocr.text) >= nonSpace(texts[i] ?? "") / 2 : nonSpace(ocr.text) >= nonSpace(texts[i] ?? "");
    if (better) texts[i] = ocr.text;
    pages[i] = { page: ocr.page, source: "ocr", chars: nonSpace(texts[i] ?? ""), confidence: round1(ocr.confidence) };
  }
  const ocrPages = pages.filter((p) => p.source === "ocr").map((p) => p.page);
  const confidences = pages.filter((p) => p.source === "ocr" && p.chars > 0).map((p) => p.confidence ?? 0);
  return {
    pageCount: base.pageCount,
    pagesRead: wanted.length,
    text: texts.join("\n\n").trim(),
    pageTexts: texts,
    pages,
    ocrPages,
    ocrTimeouts: ocrTimeouts.sort((a, b) => a - b),
    extractionMethod: ocrPages.length === 0 ? "pdfjs_text" : ocrPages.length === wanted.length ? "tesseract_ocr" : "mixed",
    ocrConfidence: confidences.length ? round1(confidences.reduce((a, b) => a + b, 0) / confidences.length) : null,
    info: base.info,
  };
}

function nonSpace(s: string): number {
  return s.replace(/\s+/g, "").length;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * The document's title: the PDF metadata title when it is a real title (not an id, a file name or a slug:
 * see isJunkTitle), else the title printed at the top of the first page, else the first line of the text
 * that looks like a heading (short, has letters, not a sentence, not boilerplate), else the file name. Pure.
 */
export function documentTitle(infoTitle: string | undefined, text: string, filename: string, printedTitle?: string): string {
  const meta = (infoTitle ?? "").replace(/\s+/g, " ").trim();
  if (!isJunkTitle(meta)) return meta;
  if (printedTitle && !isJunkTitle(printedTitle)) return printedTitle;
  for (const raw of text.split("\n").slice(0, 15)) {
    const line = raw.replace(/\s+/g, " ").trim();
    const letters = (line.match(/\p{L}/gu) ?? []).length;
    if (line.length >= 3 && line.length <= 120 && letters >= 3 && letters / line.length > 0.5 && !/[.;,:]$/.test(line) && line.split(":").length <= 2 && classifyLine(line) === undefined) return line;
  }
  return filename.replace(/\.pdf$/i, "") || "Untitled";
}

