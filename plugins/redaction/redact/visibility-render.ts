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
import { EngineError, renderRgba } from "./engine";
import { openDocument, type Pdfium } from "./pdfium";

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

/** Luma of an RGBA render, one byte per pixel (Rec. 601 weights, as a greyscale conversion does). */
export function greyOf(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let i = 0, o = 0; o < out.length; i += 4, o++) {
    out[o] = (rgba[i]! * 77 + rgba[i + 1]! * 150 + rgba[i + 2]! * 29) >> 8;
  }
  return out;
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
        const rgba = renderRgba(P, page, dpi);
        const img = { data: greyOf(rgba.data, rgba.width, rgba.height), width: rgba.width, height: rgba.height, scale: rgba.scale };
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
