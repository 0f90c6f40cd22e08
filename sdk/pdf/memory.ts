/**
 * Memory caps where page images are allocated (issue 14: worker memory bounded). A page box may be
 * 200 × 200 inches (or far more with /UserUnit): at 300 dpi that is 3.6 billion pixels, 14 GB of RGBA,
 * allocated in one call outside any JavaScript heap. Every renderer (pdfjs for OCR, PDFium for raster
 * fallbacks, scan renders and verification crops) lowers its scale so one bitmap holds at most
 * RENDER_MAX_PIXELS; OCR and a raster page of a huge page are read at a lower resolution instead of
 * exhausting the machine. The per-job budget (kernel/plugins/memory-watchdog.ts) catches the rest.
 */
import { intSetting } from "../env";

/** RENDER_MAX_PIXELS: the most pixels of one rendered bitmap (default 40,000,000: A2 at 300 dpi). */
export function renderMaxPixels(env: NodeJS.ProcessEnv = process.env): number {
  return intSetting(env, "RENDER_MAX_PIXELS", 40_000_000, 1_000_000);
}

/**
 * The scale (pixels per point) to render `widthPt` × `heightPt` at: `scale`, lowered so that the bitmap
 * holds at most `maxPixels` (rounding up of each side included).
 */
export function fitScale(widthPt: number, heightPt: number, scale: number, maxPixels = renderMaxPixels()): number {
  const w = Math.max(widthPt, 1e-6);
  const h = Math.max(heightPt, 1e-6);
  if (Math.ceil(w * scale) * Math.ceil(h * scale) <= maxPixels) return scale;
  let s = Math.sqrt(maxPixels / (w * h));
  // Each side is rounded up by the renderers: step down until the rounded bitmap fits.
  while (s > 0 && Math.ceil(w * s) * Math.ceil(h * s) > maxPixels) s *= 0.999;
  return s;
}

/** sharp's limitInputPixels for images docmill decodes itself: PDF_MAX_IMAGE_PIXELS (default 100,000,000). */
export function sharpMaxPixels(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PDF_MAX_IMAGE_PIXELS;
  const n = raw === undefined || raw.trim() === "" ? 100_000_000 : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : 100_000_000;
}
