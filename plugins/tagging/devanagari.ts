/**
 * Detects a text layer that pdfjs read wrongly from a shaped Devanagari font. Such PDFs map glyphs, not
 * characters: pdfjs drops conjuncts and the glyphs it cannot map, and puts the pre-base vowel sign
 * after the wrong letter, so `ग्रामीण` comes out as `ामीण` and `में` as `म ` followed by a gap. A correct
 * Devanagari word never starts with a vowel sign, virama or nasal sign, and never has a letter followed
 * by a double space inside a phrase; the share of such places tells a garbled page from a clean one.
 * Pure. Such pages are OCR'd with Hindi (extract.ts).
 */

const DEVANAGARI_WORD = /[\u0900-\u097F]+/gu;
/** A word that starts with a dependent sign: vowel signs, virama, nukta, nasal signs. */
const ORPHAN_START = /^[\u0900-\u0903\u093A-\u094F\u0951-\u0957\u0962\u0963]/u;
/** A Devanagari letter, a gap of two or more spaces, and Devanagari again: a dropped glyph. */
const GAP = /[\u0900-\u097F] {2,}(?=[\u0900-\u097F])/gu;

/** At least this many Devanagari words before a page is judged (a stray word decides nothing). */
export const MIN_DEVANAGARI_WORDS = 12;
/** Share of damaged places per Devanagari word above which the layer is not trusted. */
export const GARBLED_SHARE = 0.03;

export function devanagariDamage(text: string): { words: number; damaged: number } {
  const words = text.match(DEVANAGARI_WORD) ?? [];
  const orphans = words.filter((w) => ORPHAN_START.test(w)).length;
  const gaps = (text.match(GAP) ?? []).length;
  return { words: words.length, damaged: orphans + gaps };
}

/** True when the page's Devanagari text looks like pdfjs's reading of a shaped font, not like Hindi. */
export function looksGarbledDevanagari(text: string): boolean {
  const { words, damaged } = devanagariDamage(text);
  return words >= MIN_DEVANAGARI_WORDS && damaged / words >= GARBLED_SHARE;
}
