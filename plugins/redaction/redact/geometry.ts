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

/** Share (0..1) of `word` covered by the union of `areas` (overlapping areas are not double counted beyond 1). */
export function coveredShare(word: Box, areas: readonly Box[]): number {
  const a = word.width * word.height;
  if (a <= 0) return 0;
  let covered = 0;
  for (const b of areas) covered += intersectionArea(word, b);
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

/** Splits a page's words into those that stay in the rebuilt page's text layer and those that go. */
export function partitionWords<W extends WordLike>(words: readonly W[], areas: readonly Box[]): { kept: W[]; dropped: W[] } {
  const kept: W[] = [];
  const dropped: W[] = [];
  for (const w of words) (coveredShare(w.box, areas) > DROP_WORD_OVERLAP ? dropped : kept).push(w);
  return { kept, dropped };
}

/**
 * What must not be extractable from a page after redaction: the text of every accepted finding and every
 * word (of the original page) an area covers for the most part, each with the number of copies that legitimately stay (found in
 * the words no area touches: the reviewer rejected that occurrence, or a hand-drawn box covered only one).
 */
export function pageSecrets(page: number, words: readonly WordLike[], areas: readonly RedactionArea[], opts: { coveredWords?: boolean } = {}): PageSecrets {
  const boxes = areas.map((a) => a.box);
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
