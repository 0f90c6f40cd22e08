/**
 * The offline tag engine: keyphrase extraction with a YAKE-style statistical score (Campos et al.,
 * "YAKE! Keyword extraction from single documents using multiple local features", 2020). YAKE needs no
 * trained model and no corpus, only stop words, so it works the same for en/de/fr/es and on a single
 * document. Pure: text in, tags out.
 *
 * Why not a library: the npm candidates were weaker for this job. `retext-keywords` is English-only (it
 * relies on an English part-of-speech tagger) and ESM-only; `keyword-extractor` only removes stop words
 * and does not rank; `ts-textrank`, `rake-js` and `node-rake` are unmaintained single-author ports. The
 * bench (`bench/tagger-quality.ts`) measures this engine against a term-frequency baseline.
 */

import { isJunkTitle } from "./boilerplate";
import { rankPhrases } from "./keyphrase";
import { detectLanguage } from "./language";
import { normalizeTags, phraseKey } from "./normalize";
import { stopwordsFor, type Language } from "./stopwords";
import { singular, WORD_RE } from "./text";

export { detectLanguage } from "./language";
export type { DetectedLanguage } from "./language";

export interface LocalTagOptions {
  numTags: number;
  exclusionWords?: readonly string[];
  /** Forces the language; detected from the text when absent. */
  language?: Language;
  /** Document title: read as the first sentence, so its words weigh like an opening line. */
  title?: string;
}

export interface LocalTagResult {
  tags: string[];
  language: Language;
  languageConfidence: number;
}

export interface RankedPhrase {
  /** The phrase as most often written in the text. */
  phrase: string;
  /** Comparison key (lower case, singular). */
  key: string;
  /** YAKE score: lower is more significant. */
  score: number;
  /** Occurrences of the phrase. */
  count: number;
}

const MAX_NGRAM = 3;
const MAX_TEXT_CHARS = 200_000;

/**
 * Tags for a text without a model. Returns exactly `numTags` tags when the text has that many usable
 * phrases, fewer otherwise (never padding with junk).
 */
export function generateTagsLocal(text: string, options: LocalTagOptions): LocalTagResult {
  const detected = options.language
    ? { language: options.language, confidence: 1 }
    : detectLanguage(text);
  const language = detected.language;
  // The title is read as sentence zero when the text does not already start with it (PDF text usually
  // repeats it on page one; reading it twice would count its words twice).
  const flat = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
  const title = options.title && !isJunkTitle(options.title) ? options.title : undefined;
  let body = text.slice(0, MAX_TEXT_CHARS);
  if (title) {
    const at = flat(body.slice(0, 2000)).indexOf(flat(title));
    if (at >= 0 && at < 400) body = dropLeadingTitle(body, title);
  }
  const ranked = rankPhrases(body, language, title);
  // Only the head of the ranking can be chosen; cleaning it all would cost O(candidates x text).
  const phrases = ranked.slice(0, 6 * options.numTags + 20).map((r) => r.phrase);
  const cleaned = normalizeTags(phrases, {
    numTags: phrases.length,
    exclusionWords: options.exclusionWords,
    language,
    text: title ? `${title}\n\n${body}` : body,
  });
  return {
    tags: diversify(cleaned, options.numTags, language),
    language,
    languageConfidence: detected.confidence,
  };
}

/** The text without the title lines it opens with (they may wrap differently than the title string). */
function dropLeadingTitle(text: string, title: string): string {
  const want = title.replace(/\s+/g, "").toLowerCase();
  let got = "";
  const lines = text.split("\n");
  for (let i = 0; i < Math.min(lines.length, 6); i += 1) {
    got += lines[i].replace(/\s+/g, "").toLowerCase();
    if (got.length >= want.length) return got.endsWith(want) || got.includes(want) ? lines.slice(i + 1).join("\n") : text;
  }
  return text;
}

/**
 * Picks `n` tags in rank order while skipping a phrase whose words are all inside a phrase already taken
 * ("governance" after "digital governance"), so the tags cover more topics. If that leaves fewer than
 * `n`, the skipped phrases fill up in rank order: the caller asked for `n` tags.
 */
export function diversify(ranked: readonly string[], n: number, language: Language): string[] {
  const chosen: { tag: string; keys: Set<string> }[] = [];
  const skipped: string[] = [];
  ranked.forEach((tag, rank) => {
    if (chosen.length >= n && rank >= 2 * n) return;
    const keys = new Set(phraseKey(tag, language).split(" "));
    if (chosen.some((c) => [...keys].every((k) => c.keys.has(k)))) {
      skipped.push(tag);
      return;
    }
    // A more specific phrase near the top replaces the lone word it extends ("bleaching" -> "coral
    // bleaching") instead of taking a second slot.
    // Only a lone word gives way, and only to a two-word group: a longer phrase is usually the same
    // keyword with a modifier the indexer would not write ("voluntary climate risk disclosure").
    const general = rank < 2 * n && keys.size === 2 ? chosen.findIndex((c) => c.keys.size === 1 && [...c.keys].every((k) => keys.has(k))) : -1;
    if (general >= 0) {
      skipped.push(chosen[general].tag);
      chosen[general] = { tag, keys };
      return;
    }
    if (chosen.length < n) chosen.push({ tag, keys });
  });
  const out = chosen.map((c) => c.tag);
  for (const tag of skipped) {
    if (out.length >= n) break;
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}

interface Token {
  surface: string;
  key: string;
  stop: boolean;
  /** A number or a lone letter: breaks phrases and never starts or ends one. */
  breaker: boolean;
  sentence: number;
  /** First word of its sentence (capitalised there for grammar, not meaning). */
  initial: boolean;
  /** In a title-case line ("National Strategy for Digital Governance"): capitals there are style. */
  titleCase: boolean;
}

interface TermStats {
  tf: number;
  upper: number;
  capitalised: number;
  sentences: number[];
  left: Map<string, number>;
  right: Map<string, number>;
  /** Occurrences directly followed / preceded by a content word in the same chunk. */
  followedByContent: number;
  precededByContent: number;
  stop: boolean;
}

/** Candidate phrases ranked most significant first (YAKE score ascending). */
export function rankKeyphrases(text: string, language: Language): RankedPhrase[] {
  const stop = stopwordsFor(language);
  const chunks = tokenize(text.slice(0, MAX_TEXT_CHARS), stop, language);
  const sentenceCount = chunks.reduce((m, c) => Math.max(m, c.length > 0 ? c[0].sentence + 1 : 0), 0);
  const stats = termStatistics(chunks);
  const weight = termWeights(stats, Math.max(1, sentenceCount));

  // Candidate n-grams: 1..3 words inside a chunk, content words at both edges, no breakers.
  const candidates = new Map<string, { count: number; surfaces: Map<string, number>; keys: string[] }>();
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += 1) {
      for (let n = 1; n <= MAX_NGRAM && i + n <= chunk.length; n += 1) {
        const gram = chunk.slice(i, i + n);
        if (gram.some((t) => t.breaker)) break;
        if (gram[0].stop || gram[n - 1].stop) continue;
        // One inner stop word at most ("freedom of information", not "state of the art of").
        if (gram.filter((t) => t.stop).length > 1) continue;
        const key = gram.map((t) => t.key).join(" ");
        let c = candidates.get(key);
        if (!c) {
          c = { count: 0, surfaces: new Map(), keys: gram.map((t) => t.key) };
          candidates.set(key, c);
        }
        c.count += 1;
        const surface = gram.map((t) => t.surface).join(" ");
        c.surfaces.set(surface, (c.surfaces.get(surface) ?? 0) + 1);
      }
    }
  }

  // How often each word occurs inside a repeated longer phrase: a word that mostly occurs as part of
  // "network policies" is better tagged by that phrase than on its own.
  const inPhrase = new Map<string, number>();
  for (const [, c] of candidates) {
    if (c.keys.length < 2 || c.count < 2) continue;
    for (const k of new Set(c.keys)) inPhrase.set(k, Math.max(inPhrase.get(k) ?? 0, c.count));
  }

  const ranked: RankedPhrase[] = [];
  for (const [key, c] of candidates) {
    const content = c.keys.filter((k) => !stats.get(k)!.stop);
    let product = 1;
    let sum = 0;
    for (const k of content) {
      const h = weight.get(k)!;
      product *= h;
      sum += h;
    }
    // YAKE multiplies word weights, which punishes every extra word when weights exceed 1 (as they do
    // for rare words in short documents); the geometric mean keeps phrases and single words comparable.
    const n = Math.max(1, content.length);
    let score = Math.pow(product, 1 / n) / (c.count * (1 + sum / n));
    if (c.keys.length === 1) {
      const s = stats.get(key)!;
      score *= modifierPenalty(s, language);
      score *= 1 + 3 * ((inPhrase.get(key) ?? 0) / s.tf);
    } else {
      // A phrase cut inside a noun group ("strategy for digital", "énergétique en France") ends (en/de)
      // or starts (fr/es) with a word that mostly modifies its neighbour.
      const edge = language === "fr" || language === "es" ? c.keys[0] : c.keys[c.keys.length - 1];
      score *= modifierPenalty(stats.get(edge)!, language);
      // A multi-word phrase seen once is mostly chance co-occurrence; keep it, but behind repeated ones.
      if (c.count === 1) score *= c.keys.length === 2 ? 2.5 : 5;
    }
    ranked.push({ phrase: mostFrequent(c.surfaces), key, score, count: c.count });
  }
  ranked.sort((a, b) => a.score - b.score || b.count - a.count || a.key.localeCompare(b.key));
  return ranked;
}

/**
 * A word that mostly modifies a neighbour ("digital" in "digital services", "numérique" in "services
 * numériques") is a weak tag on its own: its unigram score is raised by how often it modifies.
 */
function modifierPenalty(s: TermStats, language: Language): number {
  const modifies = language === "fr" || language === "es" ? s.precededByContent : s.followedByContent;
  const ratio = modifies / s.tf;
  return ratio > 0.5 ? 1 + 4 * (ratio - 0.5) : 1;
}

function mostFrequent(m: Map<string, number>): string {
  let best = "";
  let bestN = -1;
  for (const [s, n] of m) {
    // Prefer the lower-case spelling on ties: sentence-initial capitals are grammar, not names.
    if (n > bestN || (n === bestN && s < best)) {
      best = s;
      bestN = n;
    }
  }
  return best;
}

/** Sentences split into chunks (runs between punctuation), each a list of tokens. */
function tokenize(text: string, stop: ReadonlySet<string>, language: Language): Token[][] {
  const clean = text
    .normalize("NFC")
    // Words hyphenated across a line break in PDF text: "digi-\ntal" -> "digital".
    .replace(/(\p{L})-\s*\n\s*(\p{Ll})/gu, "$1$2")
    .replace(/https?:\/\/\S+|www\.\S+|\S+@\S+\.\p{L}+/gu, " . ");
  const sentences = splitSentences(clean);
  const chunks: Token[][] = [];
  sentences.forEach((sentence, sIdx) => {
    let first = true;
    const titleCase = isTitleCase(sentence, stop);
    for (const part of sentence.split(/[,;:()[\]{}"“”«»„‚‹›|•·…?!–—]|\s-\s|\s\/\s/u)) {
      const chunk: Token[] = [];
      // French and other elisions ("l'énergie", "d'une") carry an article, not part of the word.
      const matches = [...part.replace(/(?<![\p{L}])([cdjlmnst]|qu)['’](?=\p{L})/giu, "$1 ").matchAll(WORD_RE)];
      const code = codeFragments(matches);
      matches.forEach((m, mIdx) => {
        const surface = m[0].replace(/[’]/g, "'");
        const lower = surface.toLowerCase();
        const isStop = stop.has(lower) || stop.has(lower.replace(/^\p{L}'/u, ""));
        const breaker = code.has(mIdx) || /^[\p{N}.,\-/]+$/u.test(surface) || (surface.length === 1 && !/\p{Lu}/u.test(surface)) || surface.length > 40;
        chunk.push({
          surface,
          key: isStop ? lower : singular(lower, language),
          stop: isStop,
          breaker,
          sentence: sIdx,
          initial: first,
          titleCase,
        });
        first = false;
      });
      if (chunk.length > 0) chunks.push(chunk);
    }
  });
  return chunks;
}

const CODE_PART = /^(?=.*\p{N})[\p{L}\p{N}]+$|^[\p{Lu}\p{N}]{2,}$/u;

/**
 * Indexes of words that are pieces of a code written in groups ("GB82 WEST 1234 5698 7654 32", an IBAN;
 * "DE89 3704 0044"): a run of three or more space-separated words, each with a digit or in capitals, at
 * least two with digits. "WEST" there is part of a number, not a topic. Short runs stay ("G20 summit",
 * "ISO 27001").
 */
function codeFragments(matches: readonly RegExpMatchArray[]): Set<number> {
  const out = new Set<number>();
  let start = 0;
  const close = (end: number) => {
    const run = matches.slice(start, end);
    if (run.length >= 3 && run.filter((m) => /\p{N}/u.test(m[0])).length >= 2) for (let i = start; i < end; i += 1) out.add(i);
  };
  for (let i = 0; i < matches.length; i += 1) {
    const m = matches[i]!;
    const prev = matches[i - 1];
    const joined = prev !== undefined && /^\s+$/u.test(m.input!.slice(prev.index! + prev[0].length, m.index));
    if (!CODE_PART.test(m[0]) || !joined) {
      close(i);
      start = CODE_PART.test(m[0]) ? i : i + 1;
    }
  }
  close(matches.length);
  return out;
}

/**
 * Sentences from PDF-ish text: blank lines and sentence punctuation end a sentence; a single line break
 * ends one only after a short line without final punctuation (a heading), otherwise it is a wrap.
 */
function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const lines = para.split(/\n/);
    let current = "";
    for (const rawLine of lines) {
      const line = rawLine.trim();
      if (line.length === 0) continue;
      current = current ? `${current} ${line}` : line;
      if (line.length < 60 && !/[,\-–(]$/u.test(line) && !/[.!?]$/u.test(line) && lines.length > 1) {
        out.push(current);
        current = "";
      }
    }
    if (current) out.push(current);
  }
  return out.flatMap((s) => s.split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"“«¿¡])/u)).filter((s) => s.trim().length > 0);
}

/** Most content words capitalised (and the language is not German, where nouns always are). */
function isTitleCase(sentence: string, stop: ReadonlySet<string>): boolean {
  const content = (sentence.match(WORD_RE) ?? []).filter((w) => !stop.has(w.toLowerCase()) && /^\p{L}/u.test(w));
  if (content.length < 2) return false;
  const caps = content.filter((w) => /^\p{Lu}/u.test(w)).length;
  return caps / content.length >= 0.75;
}

function termStatistics(chunks: Token[][]): Map<string, TermStats> {
  const stats = new Map<string, TermStats>();
  const get = (t: Token): TermStats => {
    let s = stats.get(t.key);
    if (!s) {
      s = {
        tf: 0, upper: 0, capitalised: 0, sentences: [], left: new Map(), right: new Map(),
        followedByContent: 0, precededByContent: 0, stop: t.stop,
      };
      stats.set(t.key, s);
    }
    return s;
  };
  for (const chunk of chunks) {
    chunk.forEach((t, i) => {
      if (t.breaker) return;
      const s = get(t);
      s.tf += 1;
      if (/^\p{Lu}[\p{Lu}\p{N}&-]+$/u.test(t.surface)) s.upper += 1;
      else if (!t.initial && !t.titleCase && /^\p{Lu}/u.test(t.surface)) s.capitalised += 1;
      if (s.sentences[s.sentences.length - 1] !== t.sentence) s.sentences.push(t.sentence);
      // Co-occurrence within a window of two words on each side (YAKE's relatedness feature).
      for (let d = 1; d <= 2; d += 1) {
        const l = chunk[i - d];
        const r = chunk[i + d];
        if (l && !l.breaker) s.left.set(l.key, (s.left.get(l.key) ?? 0) + 1);
        if (r && !r.breaker) s.right.set(r.key, (s.right.get(r.key) ?? 0) + 1);
      }
      const next = chunk[i + 1];
      const prev = chunk[i - 1];
      if (next && !next.stop && !next.breaker) s.followedByContent += 1;
      if (prev && !prev.stop && !prev.breaker) s.precededByContent += 1;
    });
  }
  return stats;
}

/** YAKE's per-word weight H (lower = more significant) for every content word. */
function termWeights(stats: Map<string, TermStats>, sentenceCount: number): Map<string, number> {
  const content = [...stats.values()].filter((s) => !s.stop);
  const tfs = content.map((s) => s.tf);
  const mean = tfs.reduce((a, b) => a + b, 0) / Math.max(1, tfs.length);
  const std = Math.sqrt(tfs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, tfs.length));
  const maxTf = Math.max(1, ...tfs);
  const weights = new Map<string, number>();
  for (const [key, s] of stats) {
    if (s.stop) continue;
    // German capitalises every noun: capitals still separate nouns from verbs there, so the feature stays.
    const caseF = Math.max(s.upper, s.capitalised) / (1 + Math.log(s.tf));
    const median = s.sentences[Math.floor((s.sentences.length - 1) / 2)];
    const posF = Math.log(Math.log(3 + median));
    const freqF = s.tf / (mean + std || 1);
    const dl = s.left.size / Math.max(1, sum(s.left));
    const dr = s.right.size / Math.max(1, sum(s.right));
    const relF = 1 + (dl + dr) * (s.tf / maxTf);
    const sentF = s.sentences.length / sentenceCount;
    let h = (posF * relF) / (caseF + freqF / relF + sentF / relF);
    // Very short words are rarely topics unless written as acronyms ("EU", "AI").
    if (key.length <= 2 && s.upper === 0) h *= 4;
    weights.set(key, h);
  }
  return weights;
}

function sum(m: Map<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}
