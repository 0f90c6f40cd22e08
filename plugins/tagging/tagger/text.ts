/** Small text helpers shared by the normaliser and the local engine. Pure. */

import type { Language } from "./stopwords";

/** A word: letters or digits, with inner apostrophes, hyphens, dots or ampersands ("e-government", "R&D", "4.0"). */
export const WORD_RE = /[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}]|['’\-.&](?=[\p{L}\p{N}]))*/gu;

/** The words of a string, in order. */
export function words(text: string): string[] {
  return text.normalize("NFC").match(WORD_RE) ?? [];
}

/**
 * A crude singular form, used only as a comparison key (never shown): it folds "policies"/"policy" and
 * "services"/"service" together so that de-duplication and exclusion treat them as one tag. Words that
 * merely end in s ("process", "status", "analysis", "gas") are left alone.
 */
export function singular(word: string, language: Language = "en"): string {
  const w = word.toLowerCase();
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (language === "en") {
    if (/(ss|us|is|ics|ous|sis)$/.test(w)) return w;
    if (w.endsWith("ies") && w.length > 4) return `${w.slice(0, -3)}y`;
    if (/(ches|shes|sses|xes|zes)$/.test(w)) return w.slice(0, -2);
    if (w.endsWith("s")) return w.slice(0, -1);
    return w;
  }
  if (language === "fr" || language === "es") {
    if (/(ss|us|is)$/.test(w)) return w;
    if (language === "fr" && /(aux)$/.test(w)) return `${w.slice(0, -3)}al`;
    if (language === "es" && /(ciones|siones)$/.test(w)) return w.slice(0, -2);
    if (w.endsWith("s") || (language === "fr" && w.endsWith("x"))) return w.slice(0, -1);
    return w;
  }
  // German plurals are too irregular for suffix stripping to be safe; only the common -en/-n after
  // -ung/-heit/-keit/-ion is folded ("Lösungen" -> "lösung").
  const m = /^(.*(?:ung|heit|keit|ion|schaft|tät))(en|n)$/.exec(w);
  return m ? m[1] : w;
}

/** Comparison key of a phrase: lower case, hyphens and underscores as spaces, each word singular. */
export function phraseKey(phrase: string, language: Language = "en"): string {
  return words(phrase.replace(/[-_]+/g, " "))
    .map((w) => singular(w, language))
    .join(" ");
}

/** True when the word is an acronym as written ("NASA", "GDPR", "EU", "COVID-19"). */
export function isAcronym(word: string): boolean {
  return /^[\p{Lu}][\p{Lu}\p{N}&-]{1,9}$/u.test(word) && (word.match(/\p{Lu}/gu) ?? []).length >= 2;
}

/** True when a word has an inner capital as written ("iPhone", "eBay", "OpenAI"): lower-casing would break it. */
export function hasInnerCapital(word: string): boolean {
  return /\p{Ll}\p{Lu}/u.test(word) && !isAcronym(word);
}
