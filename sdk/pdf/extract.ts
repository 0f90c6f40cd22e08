/**
 * Text extraction with word boxes from a PDF's text layer (pdfjs). Boxes follow the engine convention of
 * types.ts: PDF points, displayed (rotated) page, top-left origin.
 *
 * Call it through the pool (pool.ts) from services: pdfjs is ESM-only and CPU-bound.
 */
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
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      try {
        const text = await pageText(page);
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

/** Text and words of one open page. */
export async function pageText(page: PdfPage): Promise<PageText> {
  const rotation = normaliseRotation(page.rotate);
  const viewport = page.getViewport({ scale: 1, rotation });
  const content = await page.getTextContent();
  const runs: TextRun[] = [];
  for (const item of content.items) {
    if (!("str" in item)) continue; // marked-content markers carry no text
    const style = content.styles[item.fontName];
    runs.push({
      str: item.str,
      transform: item.transform as number[],
      width: item.width,
      ascent: style?.ascent,
      descent: style?.descent,
      hasEOL: item.hasEOL,
    });
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
