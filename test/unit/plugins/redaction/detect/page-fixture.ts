import type { PageInput, Word } from "../../../../../plugins/redaction/detect/types";

/** Layout of the synthetic pages: a monospace grid, so expected boxes can be computed by hand. */
export const CHAR_W = 6;
export const LINE_H = 10;
export const LINE_STEP = 14;
export const LEFT = 50;
export const TOP = 40;

/**
 * Lay text out as a page: one line per "\n", words split on spaces, each character CHAR_W wide.
 * `confidence` sets an OCR confidence for words matching a predicate.
 */
export function pageOf(
  text: string,
  opts: { page?: number; source?: "text" | "ocr"; confidence?: (word: string) => number | undefined } = {},
): PageInput {
  const words: Word[] = [];
  text.split("\n").forEach((line, li) => {
    let col = 0;
    for (const part of line.split(" ")) {
      if (part.length) {
        const w: Word = { text: part, box: { x: LEFT + col * CHAR_W, y: TOP + li * LINE_STEP, width: part.length * CHAR_W, height: LINE_H } };
        const c = opts.confidence?.(part);
        if (c !== undefined) w.confidence = c;
        words.push(w);
      }
      col += part.length + 1;
    }
  });
  return { page: opts.page ?? 1, width: 612, height: 792, words, source: opts.source ?? "text" };
}
