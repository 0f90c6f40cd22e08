/**
 * Which words of a text layer a reader cannot see (the classic fake redaction: a black box or a
 * highlight DRAWN over the text, text in the page colour, a picture of a box pasted on top). The text
 * is still in the file, so copy-paste, search and every indexer read it.
 *
 * Rather than replaying the content stream (fill colours, clips, blend modes, images, soft masks,
 * annotations' appearance streams, each a way to hide text), the question is asked of the rendered
 * page, which has already answered all of those: where a word of the text layer is, does the image show
 * ink that differs from its surroundings? A visible word always does (its glyphs on their background);
 * a covered or same-colour word leaves a uniform patch. Pure: the caller renders the page.
 */
import type { PageInput, Word } from "./types";

/** A rendered page, one grey byte per pixel, `scale` pixels per PDF point (dpi / 72). */
export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
  scale: number;
}

/** A pixel differing this much (0-255) from the patch's median counts as ink. */
export const INK_CONTRAST = 40;
/**
 * Below this share of ink pixels inside a word's box, the word is not visible. Visible words measure
 * 0.08-0.45 (glyph strokes fill a good part of their box even in 6-pt print); a uniform patch measures 0
 * up to JPEG ringing of a few pixels.
 */
export const MIN_INK_SHARE = 0.02;
/** Words shorter than this (in letters and digits) are not judged: a lone "." has little ink. */
const MIN_CHARS = 2;
/** Fewer sampled pixels than this cannot tell anything (text far too small for the render's dpi). */
const MIN_PIXELS = 12;

/** Share of pixels inside `word`'s box (inset, so neighbours' ink and box edges stay out) that are ink. */
export function inkShare(img: GrayImage, word: Word): number | undefined {
  const b = word.box;
  const insetX = b.width * 0.08;
  const insetY = b.height * 0.2;
  const x0 = Math.max(0, Math.floor((b.x + insetX) * img.scale));
  const x1 = Math.min(img.width, Math.ceil((b.x + b.width - insetX) * img.scale));
  const y0 = Math.max(0, Math.floor((b.y + insetY) * img.scale));
  const y1 = Math.min(img.height, Math.ceil((b.y + b.height - insetY) * img.scale));
  const n = (x1 - x0) * (y1 - y0);
  if (x1 <= x0 || y1 <= y0 || n < MIN_PIXELS) return undefined;
  const hist = new Uint32Array(256);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) hist[img.data[y * img.width + x]!]!++;
  let median = 0;
  for (let acc = 0; median < 256; median++) if ((acc += hist[median]!) * 2 >= n) break;
  let ink = 0;
  for (let v = 0; v < 256; v++) if (Math.abs(v - median) > INK_CONTRAST) ink += hist[v]!;
  return ink / n;
}

/**
 * The page with `hidden: "covered"` set on every word of its text layer that the rendered image does
 * not show. OCR pages are returned as they are: OCR only reads what is visible.
 */
export function markHiddenWords(page: PageInput, img: GrayImage): PageInput {
  if (page.source !== "text") return page;
  let changed = false;
  const words = page.words.map((w) => {
    if (w.text.replace(/[^\p{L}\p{N}]/gu, "").length < MIN_CHARS) return w;
    const share = inkShare(img, w);
    if (share === undefined || share >= MIN_INK_SHARE) return w;
    changed = true;
    return { ...w, hidden: "covered" as const };
  });
  return changed ? { ...page, words } : page;
}
