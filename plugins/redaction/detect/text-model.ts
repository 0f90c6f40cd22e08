import type { DocumentLocale } from "./evidence";
import type { Box, PageInput, Word } from "./types";

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
}

export interface TextModelOptions {
  /** Minimum vertical overlap, as a fraction of the smaller height, for two words to share a line. */
  lineOverlap?: number;
  /** A horizontal gap wider than this many line heights starts a new segment (columns, form cells). */
  segmentGap?: number;
  /** A gap narrower than this many line heights joins two words without a space (split glyph runs). */
  touchGap?: number;
}

const DEFAULTS: Required<TextModelOptions> = { lineOverlap: 0.5, segmentGap: 3, touchGap: 0.08 };

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

/** Build the text model of one page: group words into lines by vertical overlap, order them, join them. */
export function buildTextModel(page: PageInput, options: TextModelOptions = {}): TextModel {
  const opts = { ...DEFAULTS, ...options };
  const words = page.words.filter((w) => w.text.trim().length > 0);
  // Sort by vertical centre so a line's words arrive together; x breaks ties for a stable order.
  const order = words
    .map((w, i) => ({ w, i }))
    .sort(
      (a, b) =>
        a.w.box.y + a.w.box.height / 2 - (b.w.box.y + b.w.box.height / 2) || a.w.box.x - b.w.box.x || a.i - b.i,
    );

  const rows: { box: Box; words: Word[] }[] = [];
  for (const { w } of order) {
    const row = rows[rows.length - 1];
    if (row) {
      const minH = Math.max(Math.min(row.box.height, w.box.height), 1e-6);
      if (verticalOverlap(row.box, w.box) >= opts.lineOverlap * minH) {
        row.words.push(w);
        row.box = union(row.box, w.box);
        continue;
      }
    }
    rows.push({ box: { ...w.box }, words: [w] });
  }

  // Split each row into segments at wide gaps, so two columns do not read as one sentence.
  const segments: Word[][] = [];
  for (const row of rows) {
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
      return { x, y, width: x2 - x, height: y2 - y };
    });
}
