/**
 * Text of the first `numPages` pages for tagging: the text layer in reading order (pdfjs-dist through the
 * PDF engine's thread pool), and for each page with no or too little text, OCR of the rendered page
 * (tesseract.js with language data from @tesseract.js-data packages, never downloaded).
 * Throws PdfError (PDF_CORRUPT, PDF_ENCRYPTED, PDF_EMPTY, OCR_LANGUAGE_UNAVAILABLE).
 */
import type { PdfEngine, PdfInfo } from "../../sdk";
import { classifyLine, isJunkTitle } from "./tagger/boilerplate";

/** A page with fewer non-space characters than this in its text layer is OCR'd. */
export const MIN_PAGE_CHARS = 25;
/**
 * Resolution pages are rendered at for OCR: 300 dpi, as the tag generator did and as the shared OCR path
 * (sdk/pdf/ocr.ts) is tuned for (small print, Devanagari matras).
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
  const base = await opts.engine.extract(pdf);
  opts.signal?.throwIfAborted();
  const wanted = base.pages.slice(0, opts.numPages);
  const min = opts.minPageChars ?? MIN_PAGE_CHARS;
  const texts: string[] = wanted.map((p) => p.text);
  const pages: PageSummary[] = wanted.map((p) => ({ page: p.page, source: "text", chars: nonSpace(p.text) }));
  const needOcr = wanted.filter((p) => nonSpace(p.text) < min);
  // The engine's own OCR path, as redaction's: rendered and read in the threads, with preprocessing,
  // orientation and script detection (Devanagari in the text pages or on the scan adds Hindi).
  const ocrResults = await opts.engine.ocrPdfPages(pdf, needOcr.map((p) => p.page), {
    dpi: OCR_DPI, lang: opts.ocrLangs, textLayer: texts.join(" "),
  });
  opts.signal?.throwIfAborted();
  for (const ocr of ocrResults) {
    const i = ocr.page - 1;
    // OCR can only add: if it found less than the sparse text layer had, keep the layer.
    if (nonSpace(ocr.text) >= nonSpace(texts[i] ?? "")) texts[i] = ocr.text;
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
    if (line.length >= 3 && line.length <= 120 && letters >= 3 && letters / line.length > 0.5 && !/[.;,]$/.test(line) && classifyLine(line) === undefined) return line;
  }
  return filename.replace(/\.pdf$/i, "") || "Untitled";
}

