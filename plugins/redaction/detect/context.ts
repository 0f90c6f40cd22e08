import type { Language } from "./config";
import type { TextModel } from "./text-model";

/** Score added when a context word sits shortly before (or after) a match, as in Presidio-style boosting. */
export const CONTEXT_BOOST = 0.35;
/** How far (characters) before a match we look for context words. */
export const CONTEXT_WINDOW_BEFORE = 40;
/** How far after a match we look (labels such as "(DOB)" sometimes trail the value). */
export const CONTEXT_WINDOW_AFTER = 15;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const cache = new Map<string, RegExp>();

/**
 * A case-insensitive regex matching any of `words` as whole tokens; spaces inside a word match any
 * whitespace (so "date of birth" matches across a line break). Cached: it is a pure function of its input.
 */
export function wordsRegex(words: readonly string[]): RegExp | null {
  if (!words.length) return null;
  const key = words.join("\u0000");
  let re = cache.get(key);
  if (!re) {
    const alts = [...words]
      .sort((a, b) => b.length - a.length)
      .map((w) => escapeRegex(w.trim()).replace(/\s+/g, "\\s+"));
    // A word boundary only makes sense next to a letter/digit: "Name:" or "D.O.B." end in punctuation.
    re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join("|")})(?![\\p{L}\\p{N}])`, "giu");
    if (cache.size > 500) cache.clear();
    cache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** True when one of `words` appears within the context window around [start, end). */
export function hasContext(
  model: TextModel,
  start: number,
  end: number,
  words: readonly string[],
  before = CONTEXT_WINDOW_BEFORE,
  after = CONTEXT_WINDOW_AFTER,
): boolean {
  const re = wordsRegex(words);
  if (!re) return false;
  const from = Math.max(0, start - before);
  // Look back across a line break (form labels sit above their value) but look ahead only on the
  // same line: the next line's label belongs to the next value.
  const lineEnd = model.text.indexOf("\n", end);
  const to = Math.min(model.text.length, end + after, lineEnd === -1 ? Infinity : lineEnd);
  const windowText = model.text.slice(from, to);
  for (const m of windowText.matchAll(re)) {
    const s = from + m.index;
    const e = s + m[0].length;
    if (e <= start || s >= end) return true;
  }
  return false;
}

/** Collect the words of `table` for the configured languages. */
export function forLanguages(table: Partial<Record<Language, readonly string[]>>, languages: readonly Language[]): string[] {
  return [...new Set(languages.flatMap((l) => table[l] ?? []))];
}

export function boost(score: number, yes: boolean): number {
  return yes ? Math.min(1, score + CONTEXT_BOOST) : score;
}
