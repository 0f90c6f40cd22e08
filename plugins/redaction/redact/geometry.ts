/**
 * Pure helpers of the redaction engine: which words an area covers, which strings must be gone from a
 * page after redaction, and how many times each may still legitimately appear there. No I/O, no clock.
 *
 * Boxes use the PDF engine's convention: points on the displayed page, top-left origin.
 */
import type { Box } from "../../../sdk";

/** One rectangle to remove. `text` is the finding's text (absent for a hand-drawn area). */
export interface RedactionArea {
  /** 1-based page. */
  page: number;
  box: Box;
  label: string;
  source: "detection" | "manual";
  findingId?: string;
  text?: string;
}

export interface WordLike {
  text: string;
  box: Box;
}

/** Strings verification looks for on one page, with how often each may remain (uncovered copies). */
export interface PageSecrets {
  page: number;
  /** Normalised strings (lower case, no whitespace), each at least MIN_SECRET_LENGTH characters. */
  strings: string[];
  /** Occurrences of each string in the page's words that stay visible (the reviewer kept them). */
  allowed: Record<string, number>;
  /** Covered strings too short to check without false alarms ("of", "12"). */
  unchecked: number;
}

/** Shorter strings are not checked: they occur by chance in any text. */
export const MIN_SECRET_LENGTH = 3;

/** A word is dropped from the rebuilt page's text layer when an area covers more than this share of it. */
export const DROP_WORD_OVERLAP = 0.02;

/** A word counts as redacted (a secret to verify) when an area covers at least this share of it. */
export const SECRET_WORD_OVERLAP = 0.5;

export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Boxes sorted by their top edge in typed arrays, for "which areas can touch this word" without testing
 * every pair: a dense page has ~800 words and ~150 areas, three checks per word, and boxes of several
 * object shapes (PDFium's, OCR's, the reviewer's) make each property read megamorphic. A quadratic scan
 * of 40 such pages held a worker's event loop (the gateway's, in the embedded shape) for 48 s.
 */
export class BoxIndex {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly r: Float64Array;
  private readonly b: Float64Array;
  private readonly maxHeight: number;

  constructor(boxes: readonly Box[]) {
    const order = boxes.map((_, i) => i).sort((i, j) => boxes[i]!.y - boxes[j]!.y);
    const n = boxes.length;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.r = new Float64Array(n);
    this.b = new Float64Array(n);
    let maxHeight = 0;
    order.forEach((i, k) => {
      const box = boxes[i]!;
      this.x[k] = box.x;
      this.y[k] = box.y;
      this.r[k] = box.x + box.width;
      this.b[k] = box.y + box.height;
      maxHeight = Math.max(maxHeight, box.height);
    });
    this.maxHeight = maxHeight;
  }

  /** First index whose box could still reach down to `top` (no box is taller than maxHeight). */
  private firstReaching(top: number): number {
    let lo = 0;
    let hi = this.y.length;
    const from = top - this.maxHeight;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.y[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * True when an indexed box overlaps `box` and holds its centre across its text line (`across` "y": the
   * vertical centre, for horizontal lines; "x" for vertical ones).
   */
  holdsCentre(box: Box, across: "x" | "y"): boolean {
    const bottom = box.y + box.height;
    const right = box.x + box.width;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (let k = this.firstReaching(box.y); k < this.y.length && this.y[k]! < bottom; k++) {
      if (Math.min(right, this.r[k]!) <= Math.max(box.x, this.x[k]!) || Math.min(bottom, this.b[k]!) <= Math.max(box.y, this.y[k]!)) continue;
      if (across === "y" ? cy > this.y[k]! && cy < this.b[k]! : cx > this.x[k]! && cx < this.r[k]!) return true;
    }
    return false;
  }

  /** Sum of the intersection areas of `box` with every indexed box. */
  overlapSum(box: Box): number {
    const top = box.y;
    const bottom = box.y + box.height;
    const left = box.x;
    const right = box.x + box.width;
    let sum = 0;
    for (let k = this.firstReaching(top); k < this.y.length && this.y[k]! < bottom; k++) {
      const w = Math.min(right, this.r[k]!) - Math.max(left, this.x[k]!);
      const h = Math.min(bottom, this.b[k]!) - Math.max(top, this.y[k]!);
      if (w > 0 && h > 0) sum += w * h;
    }
    return sum;
  }
}

/** Share (0..1) of `word` covered by the union of `areas` (overlapping areas are not double counted beyond 1). */
export function coveredShare(word: Box, areas: readonly Box[] | BoxIndex): number {
  const a = word.width * word.height;
  if (a <= 0) return 0;
  let covered = 0;
  if (areas instanceof BoxIndex) covered = areas.overlapSum(word);
  else for (const b of areas) covered += intersectionArea(word, b);
  return Math.min(1, covered / a);
}

/** Clamps a box to the page; null when nothing of it is on the page. */
export function clampToPage(box: Box, width: number, height: number): Box | null {
  const x = Math.max(0, box.x);
  const y = Math.max(0, box.y);
  const r = Math.min(width, box.x + box.width);
  const b = Math.min(height, box.y + box.height);
  return r > x && b > y ? { x, y, width: r - x, height: b - y } : null;
}

/** Off-page words are shown in a band this wide (points) along the edge they lie beyond (hidden-text.ts). */
export const EDGE_STRIP = 3;
/** A side of an area this close to the page edge (points) reaches past it: the band and half a point. */
export const EDGE_BAND = EDGE_STRIP + 0.5;
/** How far past the edge such a side reaches: twice PDF's largest page side (14,400 pt, ISO 32000-1 annex C). */
const BEYOND = 28_800;

/**
 * The area as redaction applies it: every side within EDGE_BAND of the page edge goes on past it. Nothing out
 * there is visible, yet text drawn there is in the file (pdfjs, copy-paste and indexers read it), so an
 * area the review shows at the edge of the page (an off-page EXPOSED_REDACTION finding, or a box drawn
 * against the edge) removes what lies beyond too. The visible part of the area is unchanged.
 */
export function reachPastEdges(box: Box, width: number, height: number): Box {
  const left = box.x <= EDGE_BAND ? -BEYOND : box.x;
  const top = box.y <= EDGE_BAND ? -BEYOND : box.y;
  const right = box.x + box.width >= width - EDGE_BAND ? width + BEYOND : box.x + box.width;
  const bottom = box.y + box.height >= height - EDGE_BAND ? height + BEYOND : box.y + box.height;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** True when the box lies within the page (a tolerance of half a point for rounding). */
export function insidePage(box: Box, width: number, height: number, tolerance = 0.5): boolean {
  return (
    Number.isFinite(box.x) && Number.isFinite(box.y) && Number.isFinite(box.width) && Number.isFinite(box.height) &&
    box.width > 0 && box.height > 0 &&
    box.x >= -tolerance && box.y >= -tolerance &&
    box.x + box.width <= width + tolerance && box.y + box.height <= height + tolerance
  );
}

export function normalise(s: string): string {
  return s.toLowerCase().replace(/\s+/g, "");
}

/** Non-overlapping occurrences of `needle` in `hay`. */
export function countOccurrences(hay: string, needle: string): number {
  if (!needle) return 0;
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** The axis across a word's line: "x" for a word set vertically (a box much taller than wide), else "y". */
export function acrossOf(w: WordLike): "x" | "y" {
  return w.text.length > 1 && w.box.height > 1.5 * w.box.width ? "x" : "y";
}

/**
 * Splits a page's words into those that stay in the rebuilt page's text layer and those that go. A word
 * goes when areas cover more than DROP_WORD_OVERLAP of it and one of them holds its centre across its line:
 * a word of the line above or below whose descenders or accents reach into an area stays (objects.ts,
 * glyphBelongs, is the same rule for glyphs).
 */
export function partitionWords<W extends WordLike>(words: readonly W[], areas: readonly Box[] | BoxIndex): { kept: W[]; dropped: W[] } {
  const index = areas instanceof BoxIndex ? areas : new BoxIndex(areas);
  const kept: W[] = [];
  const dropped: W[] = [];
  for (const w of words) {
    const goes = coveredShare(w.box, index) > DROP_WORD_OVERLAP && index.holdsCentre(w.box, acrossOf(w));
    (goes ? dropped : kept).push(w);
  }
  return { kept, dropped };
}

/**
 * What must not be extractable from a page after redaction: the text of every accepted finding and every
 * word (of the original page) an area covers for the most part, each with the number of copies that legitimately stay (found in
 * the words no area touches: the reviewer rejected that occurrence, or a hand-drawn box covered only one).
 */
export function pageSecrets(page: number, words: readonly WordLike[], areas: readonly RedactionArea[], opts: { coveredWords?: boolean } = {}): PageSecrets {
  const boxes = new BoxIndex(areas.map((a) => a.box));
  const raw = new Set<string>();
  for (const a of areas) if (a.text) raw.add(normalise(a.text));
  // Words of the ORIGINAL page under an area are secrets too; words read on the redacted output are not
  // (a scan's words come from the OCR of the output, where only the copies left outside count).
  if (opts.coveredWords ?? true) for (const w of words) if (coveredShare(w.box, boxes) >= SECRET_WORD_OVERLAP) raw.add(normalise(w.text));
  const { kept } = partitionWords(words, boxes);
  const visible = kept.map((w) => normalise(w.text)).join("");
  const strings: string[] = [];
  const allowed: Record<string, number> = {};
  let unchecked = 0;
  for (const s of raw) {
    if (s.length < MIN_SECRET_LENGTH) {
      unchecked++;
      continue;
    }
    strings.push(s);
    allowed[s] = countOccurrences(visible, s);
  }
  return { page, strings: strings.sort(), allowed, unchecked };
}

/** Strings of `secrets` that occur in `text` more often than allowed (the leaks). */
export function leakedStrings(secrets: PageSecrets, text: string): string[] {
  const hay = normalise(text);
  return secrets.strings.filter((s) => countOccurrences(hay, s) > (secrets.allowed[s] ?? 0));
}

/** Areas grouped by page, in page order. */
export function areasByPage(areas: readonly RedactionArea[]): Map<number, RedactionArea[]> {
  const out = new Map<number, RedactionArea[]>();
  for (const a of [...areas].sort((x, y) => x.page - y.page)) {
    const list = out.get(a.page) ?? [];
    list.push(a);
    out.set(a.page, list);
  }
  return out;
}
