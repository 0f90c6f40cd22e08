/**
 * Pure geometry of text extraction: splitting pdfjs text runs into words with boxes, and putting words in
 * reading order. No pdfjs import here, so jest can test it directly.
 *
 * Boxes come out in the engine's convention (types.ts): displayed page, top-left origin, PDF points.
 */
import type { Box, Word } from "./types";

/** A pdfjs text item reduced to what we need. `transform` and `width` are in PDF user space. */
export interface TextRun {
  str: string;
  /** Text rendering matrix [a, b, c, d, e, f]: (e, f) is the baseline origin of the run. */
  transform: number[];
  /** Advance of the whole run in user-space units. */
  width: number;
  /** Ascent and descent of the font as fractions of the font size (descent negative). */
  ascent?: number;
  descent?: number;
  /** pdfjs: the run ends a line. */
  hasEOL?: boolean;
  /** pdfjs's generic family of the run's font ("serif", "sans-serif", "monospace"): picks the width proxy. */
  family?: string;
}

/** Maps user-space points to displayed top-left points: pdfjs's viewport.transform at scale 1. */
export type Matrix = [number, number, number, number, number, number];

export function applyMatrix(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/**
 * The user-space -> displayed top-left matrix for a page, computed like pdfjs's PageViewport (scale 1).
 * `view` is the page's box [x0, y0, x1, y1] (normally the CropBox), `rotation` its /Rotate.
 */
export function displayMatrix(view: number[], rotation: number): Matrix {
  const [x0, y0, x1, y1] = view as [number, number, number, number];
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  let a: number, b: number, c: number, d: number;
  switch (((rotation % 360) + 360) % 360) {
    case 90: [a, b, c, d] = [0, 1, 1, 0]; break;
    case 180: [a, b, c, d] = [-1, 0, 0, 1]; break;
    case 270: [a, b, c, d] = [0, -1, -1, 0]; break;
    default: [a, b, c, d] = [1, 0, 0, -1];
  }
  const swap = b !== 0;
  const width = swap ? Math.abs(y1 - y0) : Math.abs(x1 - x0);
  const height = swap ? Math.abs(x1 - x0) : Math.abs(y1 - y0);
  const offX = width / 2 - (a * cx + c * cy);
  const offY = height / 2 - (b * cx + d * cy);
  return [a, b, c, d, offX, offY];
}

/** The inverse of `displayMatrix`: for writing back into the PDF (e.g. drawing redaction rectangles). */
export function invertMatrix(m: Matrix): Matrix {
  const [a, b, c, d, e, f] = m;
  const det = a * d - b * c;
  return [d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det];
}

/** Converts a displayed top-left box back to a user-space rectangle {x, y, width, height} (bottom-left). */
export function displayedToUserSpace(box: Box, view: number[], rotation: number): Box {
  const inv = invertMatrix(displayMatrix(view, rotation));
  return boundsOf([
    applyMatrix(inv, box.x, box.y),
    applyMatrix(inv, box.x + box.width, box.y),
    applyMatrix(inv, box.x, box.y + box.height),
    applyMatrix(inv, box.x + box.width, box.y + box.height),
  ]);
}

function boundsOf(points: Array<[number, number]>): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

export function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/**
 * Advance widths (1/1000 em) for U+0020..U+007E of the standard Helvetica and Times-Roman (their AFM
 * metrics, as pdf-lib's standard fonts carry them): proxies for the proportions of sans-serif and serif
 * Latin fonts. pdfjs does not expose a glyph's real advance, only a run's, and one run can be a whole line
 * (Chromium's "Print to PDF" writes one per line): measured with Helvetica's proportions, the words in the
 * middle of a Times (Liberation Serif, Tinos) line were off by up to 6.8 pt, a glyph, so redaction took the
 * neighbouring letter ("from +44..." became "fro ..."). With the family's own proportions they are within
 * a point.
 */
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const TIMES = [
  250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500, 500, 500, 500, 500,
  500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722,
  556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
  500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];

/** Relative advance of one character in a font of `family` (pdfjs's generic family; sans-serif when unknown). */
export function charWeight(ch: string, family?: string): number {
  const cp = ch.codePointAt(0) ?? 32;
  if (family === "monospace") return cp >= 0x2e80 ? 1000 : 600;
  if (cp >= 32 && cp <= 126) return (family === "serif" ? TIMES : HELVETICA)[cp - 32]!;
  if (cp >= 0x2e80) return 1000; // CJK and other full-width scripts
  // Accented Latin, Greek, Cyrillic: use the width of the unaccented base letter when there is one.
  const base = ch.normalize("NFD")[0];
  if (base && base !== ch && base.codePointAt(0)! <= 126) return charWeight(base, family);
  return family === "serif" ? 500 : 556;
}

interface Piece {
  text: string;
  box: Box;
  /** The piece touches the start/end of its run with no whitespace in between (may glue to a neighbour). */
  openStart: boolean;
  openEnd: boolean;
  /** Font size in points, for gap tolerances. */
  size: number;
}

/** Splits one run into whitespace-delimited pieces with boxes (proportional to character weights). */
function runToPieces(run: TextRun, toDisplay: Matrix): Piece[] {
  const chars = Array.from(run.str);
  if (chars.length === 0 || run.str.trim() === "") return [];
  const [a, b, c, d, e, f] = run.transform as Matrix;
  const along = Math.hypot(a, b) || 1;
  const size = Math.hypot(c, d) || along;
  const ux = a / along;
  const uy = b / along;
  // The "up" direction of the glyphs: perpendicular to the baseline, on the side of (c, d).
  const vx = c / size;
  const vy = d / size;
  const ascent = run.ascent && run.ascent > 0 ? run.ascent : 0.8;
  const descent = run.descent && run.descent < 0 ? run.descent : -0.2;
  const weights = chars.map((ch) => charWeight(ch, run.family));
  const total = weights.reduce((s, w) => s + w, 0) || 1;
  const advance = run.width > 0 ? run.width : (total / 1000) * size;
  const offsets = [0];
  for (const w of weights) offsets.push(offsets[offsets.length - 1]! + (w / total) * advance);

  const pieces: Piece[] = [];
  let i = 0;
  while (i < chars.length) {
    if (/\s/u.test(chars[i]!)) { i++; continue; }
    let j = i;
    while (j < chars.length && !/\s/u.test(chars[j]!)) j++;
    const s0 = offsets[i]!;
    const s1 = offsets[j]!;
    const corners: Array<[number, number]> = [];
    for (const s of [s0, s1]) {
      for (const h of [ascent * size, descent * size]) {
        corners.push(applyMatrix(toDisplay, e + ux * s + vx * h, f + uy * s + vy * h));
      }
    }
    pieces.push({
      text: chars.slice(i, j).join(""),
      box: boundsOf(corners),
      openStart: i === 0,
      openEnd: j === chars.length && !run.hasEOL,
      size,
    });
    i = j;
  }
  return pieces;
}

/** Two pieces sit on the same line: their vertical extents overlap by more than half the smaller one. */
function sameLine(a: Box, b: Box): boolean {
  const overlap = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return overlap > 0.5 * Math.min(a.height, b.height);
}

/**
 * Turns pdfjs text runs into words. pdfjs often cuts a word into several runs (kerning, font changes);
 * a piece that starts a run glues onto the previous piece when neither side has whitespace and they touch
 * on the same line.
 */
export function runsToWords(runs: TextRun[], toDisplay: Matrix): Word[] {
  const words: Array<Word & { openEnd: boolean; size: number }> = [];
  let prevEndedWithSpace = true;
  for (const run of runs) {
    const pieces = runToPieces(run, toDisplay);
    const startsWithSpace = /^\s/u.test(run.str);
    for (const p of pieces) {
      const last = words[words.length - 1];
      const gap = last ? p.box.x - (last.box.x + last.box.width) : Infinity;
      if (
        last && p.openStart && last.openEnd && !startsWithSpace && !prevEndedWithSpace &&
        sameLine(last.box, p.box) && gap < 0.2 * p.size && gap > -0.5 * p.size
      ) {
        last.text += p.text;
        last.box = unionBox(last.box, p.box);
        last.openEnd = p.openEnd;
      } else {
        words.push({ text: p.text, box: p.box, openEnd: p.openEnd, size: p.size });
      }
    }
    if (run.str.length > 0) prevEndedWithSpace = /\s$/u.test(run.str) || run.hasEOL === true;
    else if (run.hasEOL) prevEndedWithSpace = true;
  }
  return words.map((w) => ({ text: w.text, box: w.box }));
}

// ---------------------------------------------------------------------------------------------------------
// Reading order: a recursive XY-cut. At each block, cut at the widest empty band, horizontal or vertical.
// A vertical cut (columns) is taken only when both sides read as prose: a table's columns are short cells,
// and reading a table row by row keeps a row's values together (what detectors of PII need).

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

/** Empty bands in the projection of boxes on one axis: [start, end] of each gap, widest first. */
function gaps(words: Word[], axis: "x" | "y"): Array<{ at: number; size: number }> {
  const spans = words
    .map((w) => (axis === "x" ? [w.box.x, w.box.x + w.box.width] : [w.box.y, w.box.y + w.box.height]) as [number, number])
    .sort((p, q) => p[0] - q[0]);
  const out: Array<{ at: number; size: number }> = [];
  let end = spans[0]![1];
  for (const [s, e] of spans.slice(1)) {
    if (s > end) out.push({ at: (s + end) / 2, size: s - end });
    end = Math.max(end, e);
  }
  return out.sort((p, q) => q.size - p.size);
}

/** Groups words into lines (by vertical centre) and sorts each line left to right. */
export function groupLines(words: Word[]): Word[][] {
  const h = median(words.map((w) => w.box.height)) || 1;
  const sorted = [...words].sort((p, q) => p.box.y + p.box.height / 2 - (q.box.y + q.box.height / 2));
  const lines: Word[][] = [];
  let current: Word[] = [];
  let centre = -Infinity;
  for (const w of sorted) {
    const c = w.box.y + w.box.height / 2;
    if (current.length > 0 && Math.abs(c - centre) > 0.5 * h) {
      lines.push(current);
      current = [];
    }
    current.push(w);
    centre = current.reduce((s, x) => s + x.box.y + x.box.height / 2, 0) / current.length;
  }
  if (current.length > 0) lines.push(current);
  return lines.map((l) => l.sort((p, q) => p.box.x - q.box.x));
}

function isProse(words: Word[]): boolean {
  const lines = groupLines(words);
  return words.length / lines.length >= 3;
}

function xyCut(words: Word[], out: Word[][], depth: number): void {
  if (words.length <= 1 || depth > 1000) {
    if (words.length > 0) out.push(...groupLines(words));
    return;
  }
  const h = median(words.map((w) => w.box.height)) || 1;
  const vertical = gaps(words, "x").find((g) => g.size >= 1.0 * h);
  const horizontal = gaps(words, "y")[0];
  let cut: { axis: "x" | "y"; at: number } | undefined;
  if (vertical && (!horizontal || vertical.size > horizontal.size)) {
    const left = words.filter((w) => w.box.x + w.box.width / 2 < vertical.at);
    const right = words.filter((w) => w.box.x + w.box.width / 2 >= vertical.at);
    if (isProse(left) && isProse(right)) cut = { axis: "x", at: vertical.at };
  }
  if (!cut && horizontal) cut = { axis: "y", at: horizontal.at };
  if (!cut) {
    out.push(...groupLines(words));
    return;
  }
  const key = cut.axis === "x" ? (w: Word) => w.box.x + w.box.width / 2 : (w: Word) => w.box.y + w.box.height / 2;
  const first = words.filter((w) => key(w) < cut.at);
  const second = words.filter((w) => key(w) >= cut.at);
  if (first.length === 0 || second.length === 0) {
    out.push(...groupLines(words));
    return;
  }
  xyCut(first, out, depth + 1);
  xyCut(second, out, depth + 1);
}

/** Orders words for reading: columns left to right, lines top to bottom, words left to right. */
export function readingOrder(words: Word[]): Word[][] {
  const out: Word[][] = [];
  xyCut(words, out, 0);
  return out;
}

/** The words of a page in reading order and its text (words joined by " ", lines by "\n"). */
export function layoutPage(words: Word[]): { text: string; words: Word[] } {
  const lines = readingOrder(words);
  return {
    text: lines.map((l) => l.map((w) => w.text).join(" ")).join("\n"),
    words: lines.flat(),
  };
}
