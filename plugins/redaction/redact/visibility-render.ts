/**
 * Renders for detection's hidden-text check (hidden-text.ts, detect/visibility.ts), in the redaction
 * engine's thread: PDFium opens the document once and renders each text page at a low resolution, the
 * pure visibility check judges the words on that page right there, and only the indices of the words a
 * reader cannot see go back. Rendering every page through the PDF engine pool instead (one pdfjs document
 * open, PNG encode and decode, and a compute-thread round trip per page) was most of a 50-page text
 * document's detection time (issue 19's profile).
 *
 * PDFium is the renderer Chrome shows a PDF with, so "what a reader sees" is what it draws (boxes,
 * images and annotations over the text, text in the page colour, invisible render modes).
 *
 * The same pass reads PDFium's text layer for words drawn outside the page's visible box: pdfjs (the
 * extraction) leaves out glyphs outside the CropBox, but they are in the file, and PDFium, poppler,
 * pdfminer and every indexer read them.
 */
import { markHiddenWords } from "../detect/visibility";
import type { PageInput } from "../detect";
import { fitScale, renderMaxPixels } from "../../../sdk/pdf/memory";
import { EngineError, pageWords, rotationOf } from "./engine";
import { heap, openDocument, viewBox, type Pdfium } from "./pdfium";

const FPDFBITMAP_GRAY = 1;
const FPDF_ANNOT = 0x01;
const FPDF_GRAYSCALE = 0x08;

/**
 * A loaded page (displayed, /Rotate and CropBox applied) rendered straight into a one-byte-per-pixel grey
 * bitmap: no RGBA copy, no conversion. Annotations are drawn, as a viewer shows them.
 */
export function renderGrey(P: Pdfium, page: number, dpi: number): { data: Uint8Array; width: number; height: number; scale: number } {
  const scale = fitScale(P.FPDF_GetPageWidthF(page), P.FPDF_GetPageHeightF(page), dpi / 72, renderMaxPixels());
  const width = Math.max(1, Math.round(P.FPDF_GetPageWidthF(page) * scale));
  const height = Math.max(1, Math.round(P.FPDF_GetPageHeightF(page) * scale));
  const bmp = P.FPDFBitmap_CreateEx(width, height, FPDFBITMAP_GRAY, 0, 0);
  if (!bmp) throw new Error("PDFium could not allocate a bitmap");
  try {
    P.FPDFBitmap_FillRect(bmp, 0, 0, width, height, 0xffffffff);
    P.FPDF_RenderPageBitmap(bmp, page, 0, 0, width, height, 0, FPDF_ANNOT | FPDF_GRAYSCALE);
    const stride = P.FPDFBitmap_GetStride(bmp);
    const buf = P.FPDFBitmap_GetBuffer(bmp);
    const src = heap(P).HEAPU8;
    const data = new Uint8Array(width * height);
    if (stride === width) data.set(src.subarray(buf, buf + width * height));
    else for (let y = 0; y < height; y++) data.set(src.subarray(buf + y * stride, buf + y * stride + width), y * width);
    return { data, width, height, scale };
  } finally {
    P.FPDFBitmap_Destroy(bmp);
  }
}

/**
 * A page to judge: its size and its text layer's words (text and box are all the check reads). A page
 * without words (a scan) is not rendered, only searched for text off the page.
 */
export interface VisibilityPage {
  page: number;
  width: number;
  height: number;
  words: Array<{ text: string; box: PageInput["words"][number]["box"] }>;
}

/**
 * Per page, the indices of its words that leave no ink on the rendered page, and PDFium's words whose
 * box lies mostly outside the displayed page (displayed top-left points, not clamped).
 */
export interface HiddenWords {
  page: number;
  hidden: number[];
  offPage: Array<{ text: string; box: PageInput["words"][number]["box"] }>;
}

/** A word with less than this share of its box on the page is off the page (hidden-text.ts says the same). */
const MIN_ON_PAGE_SHARE = 0.5;

function onPage(box: { x: number; y: number; width: number; height: number }, width: number, height: number): number {
  const w = Math.min(width, box.x + box.width) - Math.max(0, box.x);
  const h = Math.min(height, box.y + box.height) - Math.max(0, box.y);
  const area = box.width * box.height;
  return area > 0 && w > 0 && h > 0 ? (w * h) / area : 0;
}

export function hiddenWordsOf(P: Pdfium, pdf: Uint8Array, pages: readonly VisibilityPage[], dpi: number, password = ""): HiddenWords[] {
  const loaded = openDocument(P, pdf, password);
  if (loaded === "password") throw new EngineError("PDF_ENCRYPTED", "The PDF is encrypted");
  if (loaded === "corrupt") throw new EngineError("PDF_CORRUPT", "PDFium could not read the PDF");
  const out: HiddenWords[] = [];
  try {
    const count = P.FPDF_GetPageCount(loaded.doc);
    for (const p of pages) {
      if (!Number.isInteger(p.page) || p.page < 1 || p.page > count) continue;
      const page = P.FPDF_LoadPage(loaded.doc, p.page - 1);
      if (!page) continue; // a page PDFium cannot load shows nothing it could judge: its words stay as they are
      try {
        const hidden: number[] = [];
        if (p.words.length) {
          const img = renderGrey(P, page, dpi);
          const marked = markHiddenWords({ page: p.page, width: p.width, height: p.height, source: "text", words: p.words }, img);
          marked.words.forEach((w, i) => {
            if (w.hidden) hidden.push(i);
          });
        }
        const width = P.FPDF_GetPageWidthF(page);
        const height = P.FPDF_GetPageHeightF(page);
        const offPage = pageWords(P, page, viewBox(P, page), rotationOf(P, page))
          .filter((w) => onPage(w.box, width, height) < MIN_ON_PAGE_SHARE);
        if (hidden.length || offPage.length) out.push({ page: p.page, hidden, offPage });
      } finally {
        P.FPDF_ClosePage(page);
      }
    }
  } finally {
    loaded.close();
  }
  return out;
}
