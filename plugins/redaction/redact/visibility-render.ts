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
 */
import { markHiddenWords } from "../detect/visibility";
import type { PageInput } from "../detect";
import { fitScale, renderMaxPixels } from "../../../sdk/pdf/memory";
import { EngineError } from "./engine";
import { heap, openDocument, type Pdfium } from "./pdfium";

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

/** A page to judge: its size and its text layer's words (text and box are all the check reads). */
export interface VisibilityPage {
  page: number;
  width: number;
  height: number;
  words: Array<{ text: string; box: PageInput["words"][number]["box"] }>;
}

/** Per page, the indices of its words that leave no ink on the rendered page. */
export interface HiddenWords {
  page: number;
  hidden: number[];
}

export function hiddenWordsOf(P: Pdfium, pdf: Uint8Array, pages: readonly VisibilityPage[], dpi: number, password = ""): HiddenWords[] {
  const loaded = openDocument(P, pdf, password);
  if (loaded === "password") throw new EngineError("PDF_ENCRYPTED", "The PDF is encrypted");
  if (loaded === "corrupt") throw new EngineError("PDF_CORRUPT", "PDFium could not read the PDF");
  const out: HiddenWords[] = [];
  try {
    const count = P.FPDF_GetPageCount(loaded.doc);
    for (const p of pages) {
      if (!Number.isInteger(p.page) || p.page < 1 || p.page > count || p.words.length === 0) continue;
      const page = P.FPDF_LoadPage(loaded.doc, p.page - 1);
      if (!page) continue; // a page PDFium cannot load shows nothing it could judge: its words stay as they are
      try {
        const img = renderGrey(P, page, dpi);
        const marked = markHiddenWords({ page: p.page, width: p.width, height: p.height, source: "text", words: p.words }, img);
        const hidden: number[] = [];
        marked.words.forEach((w, i) => {
          if (w.hidden) hidden.push(i);
        });
        if (hidden.length) out.push({ page: p.page, hidden });
      } finally {
        P.FPDF_ClosePage(page);
      }
    }
  } finally {
    loaded.close();
  }
  return out;
}
