/**
 * Finds text-layer words the page does not show (fake redactions: boxes or images drawn over text, text
 * in the page colour), by rendering each text page once at a low resolution and asking the pure
 * detect/visibility.ts which words leave no ink. OCR pages are skipped: OCR reads only what is visible.
 *
 * The renders and the check run in the redaction engine's thread (redact/visibility-render.ts): PDFium
 * opens the document once for all pages and only the hidden words' indices come back, off the event loop.
 *
 * Text drawn outside the page's visible box (the CropBox within the MediaBox, the extraction's page box)
 * is hidden too: PDFium's words there (pdfjs leaves them out) and any pdfjs gave are taken off the page
 * (splitOffPage), detected on a page of their own (offPageInput) and their findings put back at the
 * page edge (placeOffPageFindings), so the review shows them and redaction removes them.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Box } from "../../sdk";
import { findingId, type Finding, type PageInput, type Word } from "./detect";
import { redactionEngine, type RedactionEngine } from "./redact/engine-pool";
import { EDGE_STRIP } from "./redact/geometry";

/** 72 dpi: 6-pt print is still 6 pixels high, and a page renders in a few milliseconds. */
export const VISIBILITY_DPI = 72;

/** The pages with their hidden words marked, and the text found off them (detectOffPage's input). */
export interface HiddenText {
  pages: PageInput[];
  offPage: OffPageText[];
}

/** Text drawn off one page: its words in their true places (displayed top-left points, unclamped). */
export interface OffPageText {
  page: number;
  width: number;
  height: number;
  words: Word[];
}

/** The pages with covered words marked `hidden` (their off-page words go to findHiddenText's `offPage`). */
export async function markHiddenText(
  pdf: Uint8Array,
  pages: PageInput[],
  opts: { password?: string; signal?: AbortSignal; engine?: RedactionEngine } = {},
): Promise<PageInput[]> {
  return (await findHiddenText(pdf, pages, opts)).pages;
}

export async function findHiddenText(
  pdf: Uint8Array,
  pages: PageInput[],
  opts: { password?: string; signal?: AbortSignal; engine?: RedactionEngine } = {},
): Promise<HiddenText> {
  opts.signal?.throwIfAborted();
  if (!pages.length) return { pages, offPage: [] };
  // Every page is searched for text off the page (a scan may carry some too); only text pages' own
  // words are rendered and judged.
  const found = await (opts.engine ?? redactionEngine).hiddenWords(
    pdf,
    pages.map((p) => ({
      page: p.page, width: p.width, height: p.height,
      words: p.source === "text" ? p.words.map((w) => ({ text: w.text, box: w.box })) : [],
    })),
    { dpi: VISIBILITY_DPI, password: opts.password },
    opts.signal,
  );
  const byPage = new Map(found.map((h) => [h.page, h]));
  const offPage: OffPageText[] = [];
  const marked: PageInput[] = [];
  // Page by page with the event loop let go every SLICE_MS: at 4,500 words a page, marking 100 pages
  // in one step held the loop the gateway shares in the embedded shape for 0.4 s (issue 14).
  let since = performance.now();
  for (const p of pages) {
    const h = byPage.get(p.page);
    const marks = p.source === "text" && h ? new Set(h.hidden) : undefined;
    const own = marks?.size ? { ...p, words: p.words.map((w, i) => (marks.has(i) ? { ...w, hidden: "covered" as const } : w)) } : p;
    const split = splitOffPage(own, h?.offPage ?? []);
    if (split.offPage) offPage.push(split.offPage);
    marked.push(split.page);
    if (performance.now() - since >= SLICE_MS) {
      await nextTurn();
      opts.signal?.throwIfAborted();
      since = performance.now();
    }
  }
  return { pages: marked, offPage };
}

/** Longest stretch of marking pages on the event loop before it is let go. */
const SLICE_MS = 8;

/** A word with less than this share of its box on the page is off the page. */
export const MIN_ON_PAGE_SHARE = 0.5;

/** The share of `box` inside the page (0 for an empty box). */
export function onPageShare(box: Box, width: number, height: number): number {
  const w = Math.min(width, box.x + box.width) - Math.max(0, box.x);
  const h = Math.min(height, box.y + box.height) - Math.max(0, box.y);
  const area = box.width * box.height;
  return area > 0 && w > 0 && h > 0 ? (w * h) / area : 0;
}

/**
 * The page without its text-layer words drawn (mostly) outside its visible box, and those words with
 * `extra` (PDFium's off-page words, which pdfjs leaves out; one the page has already is not taken
 * twice), all `hidden: "offPage"`. Pure. An OCR page's own words stay (OCR reads the visible page).
 */
export function splitOffPage(page: PageInput, extra: ReadonlyArray<{ text: string; box: Box }> = []): { page: PageInput; offPage?: OffPageText } {
  const off = (w: Word) => page.source === "text" && onPageShare(w.box, page.width, page.height) < MIN_ON_PAGE_SHARE;
  const own = page.words.filter(off);
  const added = extra.filter((e) => !page.words.some((w) => w.text === e.text && overlaps(w.box, e.box)));
  if (!own.length && !added.length) return { page };
  const words = [...own, ...added].map((w): Word => ({ text: w.text, box: w.box, hidden: "offPage" }));
  return {
    page: own.length ? { ...page, words: page.words.filter((w) => !off(w)) } : page,
    offPage: { page: page.page, width: page.width, height: page.height, words },
  };
}

/**
 * Detection reads off-page text on a page of its own, the words where they really are (moved into
 * positive coordinates, since detection keeps boxes inside their page): lines, spacing and sizes as
 * drawn, so an e-mail or a name reads as it would on the page. Its page number is the real one
 * negated; placeOffPageFindings maps its findings back.
 */
export function offPageInput(t: OffPageText): { input: PageInput; dx: number; dy: number } {
  const dx = OFF_PAGE_MARGIN - Math.min(0, ...t.words.map((w) => w.box.x));
  const dy = OFF_PAGE_MARGIN - Math.min(0, ...t.words.map((w) => w.box.y));
  const width = Math.max(t.width, ...t.words.map((w) => w.box.x + w.box.width)) + dx + OFF_PAGE_MARGIN;
  const height = Math.max(t.height, ...t.words.map((w) => w.box.y + w.box.height)) + dy + OFF_PAGE_MARGIN;
  return {
    input: { page: -t.page, width, height, source: "text", words: t.words.map((w) => ({ ...w, box: { ...w.box, x: w.box.x + dx, y: w.box.y + dy } })) },
    dx, dy,
  };
}

/** What detection reads: the pages, then one page of each page's off-page text (offPageInput). */
export function detectionPages(h: HiddenText): PageInput[] {
  return [...h.pages, ...h.offPage.map((t) => offPageInput(t).input)];
}

/** Room around the off-page page's words (points): detection pads its boxes by a point or so. */
const OFF_PAGE_MARGIN = 20;

/**
 * Findings of the off-page pages back on their real pages: each box moved back, then onto the page at
 * the edge it lies beyond (edgeBox), with a fresh id. Other findings pass as they are.
 */
export function placeOffPageFindings(findings: readonly Finding[], offPage: readonly OffPageText[]): Finding[] {
  const shift = new Map(offPage.map((t) => [-t.page, { t, ...offPageInput(t) }]));
  return findings.map((f) => {
    const o = shift.get(f.page);
    if (!o) return f;
    const boxes = f.boxes.map((b) => edgeBox({ ...b, x: b.x - o.dx, y: b.y - o.dy }, o.t.width, o.t.height));
    return { ...f, page: o.t.page, boxes, id: findingId(o.t.page, f.label, f.text, boxes) };
  });
}

/**
 * Where the review shows a box drawn off the page: each side clamped to the page, and at least
 * EDGE_STRIP points thick, against the edge the box lies beyond (a line left of the page becomes a
 * strip along the left edge at its own height; text beyond a corner, a square in that corner). Such a
 * box lies within redact/geometry.ts EDGE_BAND of the edge, where an area reaches past the edge
 * (reachPastEdges): accepting the finding removes the text itself.
 */
export function edgeBox(box: Box, width: number, height: number): Box {
  const span = (lo: number, size: number, max: number): [number, number] => {
    const strip = Math.min(EDGE_STRIP, max);
    let a = Math.min(Math.max(lo, 0), max);
    let z = Math.min(Math.max(lo + size, 0), max);
    if (z - a < strip) {
      if (a <= 0) z = strip;
      else if (z >= max) a = max - strip;
      else z = a + strip;
      a = Math.min(a, z - strip);
    }
    return [a, z - a];
  };
  const [x, w] = span(box.x, box.width, width);
  const [y, h] = span(box.y, box.height, height);
  return { x, y, width: w, height: h };
}

function overlaps(a: Box, b: Box): boolean {
  return Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x) && Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);
}
