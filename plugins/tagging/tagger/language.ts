/** Language detection for en/de/fr/es by the share of each language's frequent function words. Pure. */

import { detectionStopwords, LANGUAGES, type Language } from "./stopwords";
import { words } from "./text";

export interface DetectedLanguage {
  /** Best guess; "en" when nothing could be decided (then `confidence` is 0). */
  language: Language;
  /** 0..1: how clearly the best language beat the runner-up, damped for short texts. */
  confidence: number;
}

// Letters that occur in one of the languages and hardly in the others: a tie-breaker for short texts.
const MARKERS: Record<Language, RegExp> = {
  en: /(?!)/u,
  de: /[äöüß]/u,
  fr: /[èêëçœîûù]/u,
  es: /[ñ¿¡]/u,
};

/** Which of en/de/fr/es the text is written in. */
export function detectLanguage(text: string): DetectedLanguage {
  const tokens = words(text.slice(0, 20000)).map((w) => w.toLowerCase());
  if (tokens.length === 0) return { language: "en", confidence: 0 };

  const scores = LANGUAGES.map((language) => {
    const set = detectionStopwords(language);
    let hits = 0;
    for (const t of tokens) if (set.has(t)) hits += 1;
    const markers = (text.slice(0, 20000).match(new RegExp(MARKERS[language].source, "gu")) ?? []).length;
    // A marker letter counts as a fraction of a function word: enough to break ties, too little to
    // outvote real evidence (a German name in an English text).
    return { language, score: (hits + 0.25 * markers) / tokens.length };
  }).sort((a, b) => b.score - a.score);

  const [best, second] = scores;
  if (best.score === 0) return { language: "en", confidence: 0 };
  const margin = (best.score - second.score) / best.score;
  // Ten or so function words are needed before a ratio means anything.
  const evidence = Math.min(1, (best.score * tokens.length) / 10);
  return { language: best.language, confidence: round2(margin * evidence) };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
