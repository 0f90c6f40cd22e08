/**
 * Text extraction with word boxes from a PDF's text layer (pdfjs). Boxes follow the engine convention of
 * types.ts: PDF points, displayed (rotated) page, top-left origin.
 *
 * Call it through the pool (pool.ts) from services: pdfjs is ESM-only and CPU-bound.
 */
import { markedContentReader, type MarkedContent } from "./actual-text";
import { PdfError } from "./errors";
import { currentPdfLimits, limitExceeded } from "./limits";
import { type Matrix, type TextRun, layoutPage, runsToWords } from "./layout";
import { type PdfDocument, type PdfPage, loadPdfjs, normaliseRotation, withDocument } from "./pdfjs";
import type { ExtractOptions, ExtractResult, PageText, PdfInfo } from "./types";

/** Throws PDF_TOO_MANY_PAGES when the document is over the caller's limit. */
export function checkPageLimit(pageCount: number, maxPages: number | undefined): void {
  if (maxPages !== undefined && pageCount > maxPages) {
    throw new PdfError(
      "PDF_TOO_MANY_PAGES",
      `The PDF has ${pageCount} pages; at most ${maxPages} are accepted`,
      { pageCount, maxPages },
    );
  }
}

/**
 * Extracts every page's text and words. Throws PdfError: PDF_CORRUPT, PDF_ENCRYPTED, PDF_EMPTY,
 * PDF_TOO_MANY_PAGES.
 */
export async function extractPages(pdf: Uint8Array, opts: ExtractOptions = {}): Promise<ExtractResult> {
  return withDocument(pdf, { password: opts.password }, async (doc) => {
    checkPageLimit(doc.numPages, opts.maxPages);
    const info = await readInfo(doc);
    const pages: PageText[] = [];
    const maxText = currentPdfLimits().maxTextChars;
    let chars = 0;
    const last = opts.firstPages !== undefined ? Math.min(doc.numPages, Math.max(1, opts.firstPages)) : doc.numPages;
    // Parsed a second time (pdf-lib) only if a page has spans that may carry ActualText.
    const marks = markedContentReader(pdf);
    for (let n = 1; n <= last; n++) {
      const page = await doc.getPage(n);
      try {
        const text = await pageText(page, marks);
        chars += text.text.length;
        if (chars > maxText) throw limitExceeded("maxTextChars", `The PDF has more than ${maxText} characters of text`, chars, maxText);
        pages.push(text);
      } finally {
        page.cleanup();
      }
    }
    return { pageCount: doc.numPages, info, pages };
  });
}

/**
 * Text and words of one open page. With `marks` (the page's marked content read from its content
 * stream), the glyphs inside a span that has an ActualText become that text (see actual-text.ts).
 */
export async function pageText(page: PdfPage, marks?: (pageNumber: number) => Promise<MarkedContent[] | null>): Promise<PageText> {
  const rotation = normaliseRotation(page.rotate);
  const viewport = page.getViewport({ scale: 1, rotation });
  const content = await page.getTextContent({ includeMarkedContent: true });
  const spans = content.items.filter((item) => "type" in item && item.type === "beginMarkedContentProps").length;
  const marked = marks && spansInDoubt(content.items) ? await marks(page.pageNumber) : null;
  // pdfjs reports every BDC, in content order, as the stream holds them: pair them only if the counts
  // agree (a BDC inside a form XObject, for one, is not in the page's own streams).
  const actual = marked && marked.length === spans ? marked : null;
  const runs: TextRun[] = [];
  /** Open marked content: the ActualText each level stands for (null: none), outermost first. */
  const open: Array<string | null> = [];
  let bdcIndex = 0;
  /** The run standing for the current ActualText span, which the span's other glyphs widen. */
  let spanRun: TextRun | undefined;
  let spanDepth = -1;
  for (const item of content.items) {
    if (!("str" in item)) {
      if (item.type === "beginMarkedContentProps") open.push(actual?.[bdcIndex++]?.actualText ?? null);
      else if (item.type === "beginMarkedContent") open.push(null);
      else if (item.type === "endMarkedContent") {
        open.pop();
        if (open.length <= spanDepth) {
          spanRun = undefined;
          spanDepth = -1;
        }
      }
      continue;
    }
    const style = content.styles[item.fontName];
    const run: TextRun = {
      str: item.str,
      transform: item.transform as number[],
      width: item.width,
      ascent: style?.ascent,
      descent: style?.descent,
      hasEOL: item.hasEOL,
      family: style?.fontFamily,
    };
    const level = open.findIndex((t) => t !== null);
    // pdfjs hands a word space or a line break it held back to the next item, which may be inside a
    // span: it is not one of the span's glyphs.
    if (level < 0 || run.str.trim() === "") {
      runs.push(run);
      continue;
    }
    if (spanRun === undefined) {
      // The first glyphs of the span carry its whole ActualText.
      spanRun = { ...run, str: open[level] as string };
      spanDepth = level;
      runs.push(spanRun);
    } else {
      widen(spanRun, run);
    }
  }
  const words = runsToWords(runs, viewport.transform as Matrix);
  const laid = layoutPage(words);
  return {
    page: page.pageNumber,
    width: viewport.width,
    height: viewport.height,
    rotation,
    text: laid.text,
    words: laid.words.map((w) => ({ text: w.text, box: roundBox(w.box) })),
  };
}

/**
 * Characters pdfjs could not map (NUL, U+FFFD, private use) or of a script whose glyph clusters a
 * font's ToUnicode cannot express (Indic, Arabic, Thai, Tibetan, Myanmar, Khmer). Only a page with such
 * text inside a span is worth reading again for ActualText: Latin ligature spans pdfjs already reads.
 */
const DOUBTFUL = /[\p{Co}\uFFFD\p{Script=Arabic}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Thai}\p{Script=Lao}\p{Script=Tibetan}\p{Script=Myanmar}\p{Script=Khmer}]/u;

function spansInDoubt(items: ReadonlyArray<{ type?: string; tag?: string | null; str?: string }>): boolean {
  let depth = 0;
  for (const item of items) {
    if (item.str !== undefined) {
      if (depth > 0 && (item.str.includes("\u0000") || DOUBTFUL.test(item.str))) return true;
    } else if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") {
      if (depth > 0 || item.tag === "Span") depth++;
    } else if (item.type === "endMarkedContent" && depth > 0) depth--;
  }
  return false;
}

/** Makes `into` cover `run` too, on a horizontal line (the span's later glyphs add no text of their own). */
function widen(into: TextRun, run: TextRun): void {
  const [a, b, , , x, y] = into.transform;
  const [, b2, , , x2, y2] = run.transform;
  if (Math.abs(b) < 1e-6 && Math.abs(b2) < 1e-6 && Math.abs(y - y2) < 0.5 && a > 0) {
    into.width = Math.max(into.width, x2 + run.width - x);
  }
  into.hasEOL = into.hasEOL || run.hasEOL;
}

function roundBox(b: { x: number; y: number; width: number; height: number }) {
  const r = (v: number) => Math.round(v * 100) / 100;
  return { x: r(b.x), y: r(b.y), width: r(b.width), height: r(b.height) };
}

/** Document information dictionary, with dates as ISO strings. */
export async function readInfo(doc: PdfDocument): Promise<PdfInfo> {
  const pdfjs = await loadPdfjs();
  const meta = await doc.getMetadata().catch(() => undefined);
  const raw = (meta?.info ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof raw[k] === "string" && (raw[k] as string).trim() !== "" ? (raw[k] as string).trim() : undefined);
  const date = (k: string) => {
    const v = str(k);
    const d = v ? pdfjs.PDFDateString.toDateObject(v) : null;
    return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
  };
  const info: PdfInfo = {
    title: str("Title"),
    author: str("Author"),
    subject: str("Subject"),
    keywords: str("Keywords"),
    creator: str("Creator"),
    producer: str("Producer"),
    creationDate: date("CreationDate"),
    modDate: date("ModDate"),
    pdfVersion: str("PDFFormatVersion"),
  };
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined)) as PdfInfo;
}
