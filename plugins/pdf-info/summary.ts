/** Turns the PDF engine's extraction into pdf-info's result. Pure. */
import type { ExtractResult, PdfInfo } from "../../sdk";

export interface PageSummary {
  page: number;
  /** Displayed size in PDF points (1/72 inch). */
  width: number;
  height: number;
  rotation: number;
  hasText: boolean;
  characters: number;
}

export interface PdfInfoResult {
  filename?: string;
  size?: number;
  sha256?: string;
  pageCount: number;
  metadata: PdfInfo;
  pages: PageSummary[];
  pagesWithText: number;
  /** True when no page has a text layer: the document needs OCR to be searchable. */
  scanned: boolean;
  /** Distinct page sizes, e.g. ["A4 portrait"]. */
  pageFormats: string[];
}

const FORMATS: Array<[string, number, number]> = [
  ["A3", 841.89, 1190.55],
  ["A4", 595.28, 841.89],
  ["A5", 419.53, 595.28],
  ["Letter", 612, 792],
  ["Legal", 612, 1008],
];

export function formatName(width: number, height: number): string {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const orientation = width <= height ? "portrait" : "landscape";
  const known = FORMATS.find(([, w, h]) => Math.abs(w - short) <= 2 && Math.abs(h - long) <= 2);
  return known ? `${known[0]} ${orientation}` : `${Math.round(width)}x${Math.round(height)} pt`;
}

export function summarise(x: ExtractResult, file: { filename?: string; size?: number; sha256?: string } = {}): PdfInfoResult {
  const pages = x.pages.map((p) => {
    const characters = p.text.replace(/\s+/g, "").length;
    return { page: p.page, width: Math.round(p.width * 100) / 100, height: Math.round(p.height * 100) / 100, rotation: p.rotation, hasText: characters > 0, characters };
  });
  const pagesWithText = pages.filter((p) => p.hasText).length;
  return {
    ...file,
    pageCount: x.pageCount,
    metadata: x.info,
    pages,
    pagesWithText,
    scanned: pagesWithText === 0,
    pageFormats: [...new Set(pages.map((p) => formatName(p.width, p.height)))],
  };
}
