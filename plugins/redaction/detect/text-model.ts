import type { CountryCode } from "libphonenumber-js/max";
import type { Language } from "./config";
import type { Box, PageInput, Word } from "./types";

/** The document's language and region, inferred once from all its pages (evidence.ts inferLocale). */
export interface DocumentLocale {
  language: Language;
  region: CountryCode;
}

/** A word placed in the page text: `start`/`end` are its character offsets in `TextModel.text`. */
export interface PlacedWord {
  word: Word;
  start: number;
  end: number;
  line: number;
}

/** One visual line (or one segment of a line split at a wide gap). */
export interface TextLine {
  index: number;
  start: number;
  end: number;
  box: Box;
  words: PlacedWord[];
}

/**
 * The page as one string plus the map back to words. Words on a line are joined by one space,
 * lines by "\n", so recognisers can tell a line break from a word break.
 */
export interface TextModel {
  page: PageInput;
  text: string;
  lines: TextLine[];
  words: PlacedWord[];
  /** For every character offset, the index in `words` of the word holding it, or -1 for separators. */
  charToWord: Int32Array;
  /** The document's inferred language and region (set by detect() before the recognisers run). */
  locale?: DocumentLocale;
  /**
   * For a page whose text runs vertically (a scan lying on its side, OCR'd upright but with boxes in the
   * page's displayed coordinates), the model is built in the text's own frame, so lines, "label above" and
   * columns mean what they mean on an upright page; this maps a box of that frame back to the page.
   */
  toPage?: (b: Box) => Box;
}

export interface TextModelOptions {
  /** Minimum vertical overlap, as a fraction of the smaller height, for two words to share a line. */
  lineOverlap?: number;
  /** A horizontal gap wider than this many line heights starts a new segment (columns, form cells). */
  segmentGap?: number;
  /** A gap narrower than this many line heights joins two words without a space (split glyph runs). */
  touchGap?: number;
}

// A gutter between prose columns is often only 1.5-2.5 line heights wide; word spaces, even in justified
// text, stay well under one line height.
const DEFAULTS: Required<TextModelOptions> = { lineOverlap: 0.5, segmentGap: 1.6, touchGap: 0.08 };

function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

function verticalOverlap(a: Box, b: Box): number {
  return Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
}

const extent = (seg: Word[]) => {
  const first = seg[0]!.box;
  const last = seg[seg.length - 1]!.box;
  return { x0: first.x, x1: last.x + last.width };
};

/**
 * Rows of segments into reading order. A run of at least MIN_COLUMN_ROWS rows that each hold exactly
 * two segments, the second starting at the same x and the first wide like prose, is a two-column
 * block: it is read column by column, so a value wrapped at the end of a left-column line continues
 * right after it in the text ("... 66779" + "\n" + "Poitiers"). Everything else is read row by row.
 */
const MIN_COLUMN_ROWS = 3;
function readingOrder(rows: Word[][][], pageWidth: number): Word[][] {
  const out: Word[][] = [];
  const width = pageWidth > 0 ? pageWidth : 612;
  let i = 0;
  while (i < rows.length) {
    const row = rows[i]!;
    const isTwo = (r: Word[][], at: number | null) => {
      if (r.length !== 2) return false;
      const a = extent(r[0]!);
      const b = extent(r[1]!);
      return a.x1 < b.x0 && (at === null || Math.abs(b.x0 - at) < 6) && a.x1 - a.x0 > 0.25 * width;
    };
    if (isTwo(row, null)) {
      const at = extent(row[1]!).x0;
      let j = i;
      // rows of the block: two columns at the same split, or a row whose only segment is in one column
      while (j < rows.length && (isTwo(rows[j]!, at) || (rows[j]!.length === 1 && j > i && (extent(rows[j]![0]!).x1 < at || Math.abs(extent(rows[j]![0]!).x0 - at) < 6)))) j++;
      if (j - i >= MIN_COLUMN_ROWS) {
        const left: Word[][] = [];
        const right: Word[][] = [];
        for (let k = i; k < j; k++) for (const seg of rows[k]!) (extent(seg).x0 >= at - 6 ? right : left).push(seg);
        out.push(...left, ...right);
        i = j;
        continue;
      }
    }
    out.push(...row);
    i++;
  }
  return out;
}

/**
 * Group words into visual lines by chaining each word to the line whose LAST word it continues
 * (to its left, overlapping it vertically), rather than to a line's whole box: on a skewed scan a
 * line drifts by more than its height across the page, and a growing union box would swallow the
 * next line ("anyonlyquestions" from two interleaved lines).
 */
function groupRows(words: Word[], lineOverlap: number): { box: Box; words: Word[] }[] {
  const byX = words
    .map((w, i) => ({ w, i }))
    .sort((a, b) => a.w.box.x - b.w.box.x || a.w.box.y - b.w.box.y || a.i - b.i);
  const rows: { box: Box; words: Word[]; last: Box }[] = [];
  for (const { w } of byX) {
    let best: (typeof rows)[number] | null = null;
    let bestScore = Infinity;
    for (const row of rows) {
      const last = row.last;
      const minH = Math.max(Math.min(last.height, w.box.height), 1e-6);
      if (last.x + last.width > w.box.x + 0.3 * minH) continue;
      if (verticalOverlap(last, w.box) < lineOverlap * minH) continue;
      const dy = Math.abs(last.y + last.height / 2 - (w.box.y + w.box.height / 2));
      const dx = w.box.x - (last.x + last.width);
      const score = dy + dx * 0.02;
      if (score < bestScore) [best, bestScore] = [row, score];
    }
    if (best) {
      best.words.push(w);
      best.box = union(best.box, w.box);
      best.last = w.box;
    } else rows.push({ box: { ...w.box }, words: [w], last: w.box });
  }
  const top = (r: { words: Word[] }) => r.words[0]!.box.y + r.words[0]!.box.height / 2;
  return rows.sort((a, b) => top(a) - top(b) || a.words[0]!.box.x - b.words[0]!.box.x);
}

/** Build the text model of one page: group words into lines, order them (columns too), join them. */
/**
 * Which way the page's text runs: "down" (a page turned 90° clockwise: lines read top to bottom),
 * "up" (turned counter-clockwise) or undefined for horizontal text. Decided by the shape of the words
 * (a vertical word is taller than wide) and, for the direction, by where consecutive words of one line
 * sit; OCR and text layers both give words in reading order.
 */
export function verticalDirection(words: readonly Word[]): "down" | "up" | undefined {
  const long = words.filter((w) => w.text.trim().length >= 3);
  if (long.length < 3) return undefined;
  const vertical = long.filter((w) => w.box.height > 1.5 * w.box.width).length;
  if (vertical < 0.6 * long.length) return undefined;
  let down = 0;
  let up = 0;
  for (let i = 1; i < words.length; i++) {
    const a = words[i - 1]!.box;
    const b = words[i]!.box;
    // Same vertical line: the x ranges overlap.
    if (Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) <= 0) continue;
    if (b.y > a.y) down++;
    else if (b.y < a.y) up++;
  }
  return up > down ? "up" : "down";
}

/** The page seen in the frame of its vertical text, with the map from that frame back to the page. */
function uprightFrame(page: PageInput, dir: "down" | "up"): { page: PageInput; toPage: (b: Box) => Box } {
  const W = page.width;
  const H = page.height;
  // down: page x = W - v - h', page y = u  (u along the text, v across it)
  // up:   page x = v,          page y = H - u - w'
  const toFrame = (b: Box): Box =>
    dir === "down"
      ? { x: b.y, y: W - b.x - b.width, width: b.height, height: b.width }
      : { x: H - b.y - b.height, y: b.x, width: b.height, height: b.width };
  const toPage = (b: Box): Box =>
    dir === "down"
      ? { x: W - b.y - b.height, y: b.x, width: b.height, height: b.width }
      : { x: b.y, y: H - b.x - b.width, width: b.height, height: b.width };
  return { page: { ...page, width: H, height: W, words: page.words.map((w) => ({ ...w, box: toFrame(w.box) })) }, toPage };
}

export function buildTextModel(page: PageInput, options: TextModelOptions = {}): TextModel {
  const dir = verticalDirection(page.words.filter((w) => w.text.trim().length > 0));
  if (dir) {
    const frame = uprightFrame(page, dir);
    return { ...buildHorizontalModel(frame.page, options), toPage: frame.toPage };
  }
  return buildHorizontalModel(page, options);
}

function buildHorizontalModel(page: PageInput, options: TextModelOptions): TextModel {
  const opts = { ...DEFAULTS, ...options };
  const words = page.words.filter((w) => w.text.trim().length > 0);
  const rows = groupRows(words, opts.lineOverlap);

  // Split each row into segments at wide gaps, so two columns do not read as one sentence.
  const rowSegments: Word[][][] = [];
  for (const row of rows) {
    const segments: Word[][] = [];
    rowSegments.push(segments);
    const sorted = [...row.words].sort((a, b) => a.box.x - b.box.x);
    const heights = sorted.map((w) => w.box.height).sort((a, b) => a - b);
    const lineHeight = heights[Math.floor(heights.length / 2)] ?? 0;
    let current: Word[] = [];
    for (const w of sorted) {
      const prev = current[current.length - 1];
      if (prev && w.box.x - (prev.box.x + prev.box.width) > opts.segmentGap * lineHeight) {
        segments.push(current);
        current = [];
      }
      current.push(w);
    }
    if (current.length) segments.push(current);
  }
  const segments = readingOrder(rowSegments, page.width);

  let text = "";
  const placed: PlacedWord[] = [];
  const lines: TextLine[] = [];
  segments.forEach((seg, lineIndex) => {
    if (lineIndex > 0) text += "\n";
    const lineStart = text.length;
    const lineWords: PlacedWord[] = [];
    let box = seg[0]!.box;
    const heights = seg.map((w) => w.box.height).sort((a, b) => a - b);
    const lineHeight = heights[Math.floor(heights.length / 2)] ?? 0;
    seg.forEach((w, i) => {
      const prev = seg[i - 1];
      if (prev) {
        const gap = w.box.x - (prev.box.x + prev.box.width);
        if (gap > opts.touchGap * lineHeight) text += " ";
      }
      const t = w.text.trim();
      const pw: PlacedWord = { word: w, start: text.length, end: text.length + t.length, line: lineIndex };
      text += t;
      placed.push(pw);
      lineWords.push(pw);
      box = union(box, w.box);
    });
    lines.push({ index: lineIndex, start: lineStart, end: text.length, box, words: lineWords });
  });

  const charToWord = new Int32Array(text.length).fill(-1);
  placed.forEach((pw, i) => charToWord.fill(i, pw.start, pw.end));
  return { page, text, lines, words: placed, charToWord };
}

/** Indexes (into `model.words`) of the words that a character span touches, in reading order. */
export function wordsInSpan(model: TextModel, start: number, end: number): number[] {
  const out: number[] = [];
  let last = -1;
  for (let i = Math.max(0, start); i < Math.min(end, model.text.length); i++) {
    const w = model.charToWord[i]!;
    if (w >= 0 && w !== last) {
      out.push(w);
      last = w;
    }
  }
  return out;
}

/**
 * Map a character span to one box per line: the union of the (parts of) words it covers, grown by
 * `padding` points and kept inside the page. A span covering only part of a word (an email glued to
 * "Email:") gets a proportional slice of that word's box, so redaction does not over-cover labels.
 */
export function spanToBoxes(model: TextModel, start: number, end: number, padding = 0): Box[] {
  const byLine = new Map<number, Box>();
  for (const wi of wordsInSpan(model, start, end)) {
    const pw = model.words[wi]!;
    const len = pw.end - pw.start;
    const from = Math.max(start, pw.start) - pw.start;
    const to = Math.min(end, pw.end) - pw.start;
    const b = pw.word.box;
    const part: Box =
      from === 0 && to === len ? b : { x: b.x + (b.width * from) / len, y: b.y, width: (b.width * (to - from)) / len, height: b.height };
    const prev = byLine.get(pw.line);
    byLine.set(pw.line, prev ? union(prev, part) : part);
  }
  const { width: pw, height: ph } = model.page;
  return [...byLine.keys()]
    .sort((a, b) => a - b)
    .map((k) => {
      const b = byLine.get(k)!;
      const x = Math.max(0, b.x - padding);
      const y = Math.max(0, b.y - padding);
      const x2 = pw > 0 ? Math.min(pw, b.x + b.width + padding) : b.x + b.width + padding;
      const y2 = ph > 0 ? Math.min(ph, b.y + b.height + padding) : b.y + b.height + padding;
      const box = { x, y, width: x2 - x, height: y2 - y };
      return model.toPage ? model.toPage(box) : box;
    });
}
