/** Language detection for en/de/fr/es/hi: Hindi by script (Devanagari), the others by the share of each language's frequent function words. Pure. */

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
  // French writes à and â, Spanish never; Spanish writes á, í, ó and ú, French never (é is both's).
  fr: /[èêëçœîûùàâ]/u,
  es: /[ñ¿¡áíóú]/u,
  hi: /[\u0900-\u097f]/u,
};

/** Which of en/de/fr/es the text is written in. */
export function detectLanguage(text: string): DetectedLanguage {
  // Script first: a text mostly in Devanagari is Hindi here (Marathi and Nepali share the script but
  // not the tagger's support); its function words only confirm it.
  const sample = text.slice(0, 20000);
  const letters = (sample.match(/\p{L}/gu) ?? []).length;
  const deva = (sample.match(/[\u0900-\u097f]/gu) ?? []).length;
  if (letters > 0 && deva / letters > 0.4) {
    const t = words(sample);
    const hits = t.filter((w) => DEVANAGARI_FUNCTION.has(w)).length;
    return { language: "hi", confidence: round2(Math.min(1, hits / 10) * Math.min(1, (deva / letters - 0.4) / 0.4)) };
  }
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

const DEVANAGARI_FUNCTION = detectionStopwords("hi");

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
