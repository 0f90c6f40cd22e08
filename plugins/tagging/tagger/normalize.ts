/**
 * Tag normalisation shared by both engines: whatever produced the candidate tags (a model or the local
 * extractor), the caller gets the same shape: 1-5 words, lower case unless a proper noun or acronym, no
 * reference numbers or boilerplate, no excluded words, no duplicates, at most `numTags`. Pure.
 */

import { detectLanguage } from "./language";
import { stopwordsFor, type Language } from "./stopwords";
import { hasInnerCapital, isAcronym, phraseKey, singular, WORD_RE } from "./text";

export const MIN_TAGS = 3;
export const MAX_TAGS = 15;
export const DEFAULT_TAGS = 8;
export const MAX_TAG_WORDS = 5;
export const MAX_TAG_CHARS = 60;

export interface NormalizeOptions {
  numTags: number;
  exclusionWords?: readonly string[];
  /** Language of the stop-word checks; detected from `text` when absent, else English. */
  language?: Language;
  /** The source text: decides which capitalised words are proper nouns worth keeping capitalised. */
  text?: string;
}

/** Whole-tag boilerplate (compared on the lower-case key). */
const BOILERPLATE = new Set(
  [
    "copyright", "all rights reserved", "rights reserved", "table of contents", "contents", "confidential",
    "draft", "abstract", "introduction", "conclusion", "conclusions", "summary", "references", "bibliography",
    "appendix", "annex", "acknowledgement", "acknowledgment", "acknowledgements", "foreword", "preface", "index",
    "page", "pages", "document", "pdf", "file", "report", "untitled", "click here", "read more", "et al",
    "doi", "isbn", "issn", "www", "http", "https", "tags", "tag", "keywords", "keyword", "n/a", "none",
    // de / fr / es
    "seite", "inhaltsverzeichnis", "inhalt", "alle rechte vorbehalten", "einleitung", "zusammenfassung",
    "literaturverzeichnis", "anhang", "tous droits réservés", "sommaire", "table des matières", "résumé",
    "bibliographie", "annexe", "página", "todos los derechos reservados", "índice", "resumen", "introducción",
    "anexo", "bibliografía",
  ].map((s) => phraseKey(s)),
);

/** Words that make any tag containing them boilerplate. */
const BOILERPLATE_WORD = /(?:^|\s)(?:copyright|©|all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|lorem ipsum)(?:\s|$)/iu;

/** "page 3", "section 4.2", "art. 5", "annex II", "fig 2": a locator, not a topic. */
const LOCATOR = /^(?:p|pp|page|pages|seite|página|no|nr|n°|num|number|ref|reference|section|sec|§|article|art|chapter|chap|kapitel|chapitre|capítulo|fig|figure|abb|table|tab|tabelle|annex|appendix|anhang|annexe|anexo|vol|volume|issue|doc|file|case|id|item|line|para|paragraph|absatz)\.?\s*(?:\d[\d.\-/]*|[ivxlc]+)$/iu;

/**
 * A token that is a reference number: "2023/45", "MeitY/DG/2025/014", "12-345-678", "ref-2023-001",
 * "10.1000/182", 5+ digits. Short versions and names stay: "4.0", "covid-19", "g20".
 */
function isReferenceToken(token: string): boolean {
  if (!/\d/.test(token)) return false;
  const digits = (token.match(/\d/g) ?? []).length;
  if (/^\d{5,}$/.test(token)) return true;
  if (token.includes("/")) return true;
  if (/^\p{L}{0,6}[-.]?\d+(?:[-.]\d+)+$/u.test(token) && digits >= 5) return true;
  return /^\p{L}{1,6}-\d{3,}/u.test(token) && digits >= 4;
}

/**
 * Clean, filter, de-duplicate and cap candidate tags. Order is significance: earlier candidates win
 * duplicates and the cap, so callers pass their best first and over-supply to refill what is dropped.
 */
export function normalizeTags(raw: readonly string[], options: NormalizeOptions): string[] {
  const language = options.language ?? (options.text ? detectLanguage(options.text).language : "en");
  const stop = stopwordsFor(language);
  const casing = options.text !== undefined ? casingOracle(options.text, language) : undefined;
  const excluded = (options.exclusionWords ?? [])
    .map((w) => phraseKey(w, language))
    .filter((k) => k.length > 0);

  const out: string[] = [];
  const seen = new Set<string>();
  const limit = Math.max(0, Math.floor(options.numTags));
  for (const candidate of raw) {
    if (out.length >= limit) break;
    if (typeof candidate !== "string") continue;
    const tag = cleanTag(candidate, stop, casing);
    if (tag === undefined) continue;
    const key = phraseKey(tag, language);
    if (key.length === 0 || seen.has(key)) continue;
    if (excluded.some((ex) => containsPhrase(key, ex))) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

/** The cleaned tag, or undefined when it must be dropped. Exported for the engines' candidate filters. */
export function cleanTag(candidate: string, stop: ReadonlySet<string>, casing?: Casing): string | undefined {
  let s = candidate.normalize("NFC").replace(/[\u200b-\u200d\ufeff]/g, "");
  s = s.replace(/[_\s]+/g, " ").trim();
  // Bullets, list numbering and surrounding quotes/punctuation, repeatedly: `1. "Tag",` -> `Tag`.
  for (let i = 0; i < 3; i += 1) {
    s = s
      .replace(/^(?:[-*•·‣▪–—>#]+|\(?\d{1,3}[.)\]:](?=\s)|\(?[a-z]\)(?=\s))\s*/iu, "")
      .replace(/^["'`“”‘’«»„‚[\](){}<]+|["'`“”‘’«»„‚[\](){}>]+$/gu, "")
      .replace(/[.,;:!?]+$/u, "")
      .trim();
  }
  // An elided article is not part of the tag: "l'énergie" -> "énergie".
  s = s.replace(/^(?:[cdjlmnst]|qu)['’](?=\p{L}{2})/iu, "");
  if (s.length === 0 || s.length > MAX_TAG_CHARS) return undefined;
  if (!/\p{L}/u.test(s)) return undefined;
  if (/https?:|www\.|@\S+\.\p{L}/iu.test(s)) return undefined;
  if (BOILERPLATE_WORD.test(s) || LOCATOR.test(s)) return undefined;

  const tokens = s.split(" ");
  if (tokens.length > MAX_TAG_WORDS) return undefined;
  if (tokens.some(isReferenceToken)) return undefined;

  const lower = tokens.map((t) => t.toLowerCase());
  // Each edge word must carry meaning ("of data", "policy and" are fragments); inner stop words are
  // fine ("freedom of information").
  if (isStopword(lower[0], stop) || isStopword(lower[lower.length - 1], stop)) return undefined;
  if (lower.every((t) => isStopword(t, stop) || /^\p{N}+$/u.test(t))) return undefined;
  if (tokens.length === 1 && s.length < 2) return undefined;
  if (BOILERPLATE.has(phraseKey(s))) return undefined;

  if (!casing) return tokens.map(defaultCase).join(" ");
  return (casing.phrase(tokens) ?? tokens.map(casing.word)).join(" ");
}

function isStopword(word: string, stop: ReadonlySet<string>): boolean {
  if (stop.has(word)) return true;
  // "d'une", "l'administration": the elided article is not the word itself.
  const stripped = word.replace(/^[\p{L}]['’]/u, "");
  return stripped !== word ? stop.has(stripped) : false;
}

/** Without a source text: keep acronyms and inner capitals as written, lower-case everything else. */
function defaultCase(token: string): string {
  if (isAcronym(token) || hasInnerCapital(token)) return token;
  return token.toLowerCase();
}

/**
 * Decides a word's case from the source text: acronyms and inner-capital words keep their form when the
 * text writes them so; a capitalised word stays capitalised when the text capitalises it after the
 * first word of a sentence and never writes it in lower case (a proper noun: "Berlin", "Europe").
 * German capitalises every noun, so there only acronyms and inner capitals are kept.
 */
export interface Casing {
  word(token: string): string;
  /** The phrase as the text writes it when that is a multi-word name ("Great Barrier Reef"). */
  phrase(tokens: readonly string[]): string[] | undefined;
}

interface Span {
  w: string;
  lower: string;
  start: number;
  end: number;
}

/**
 * How the text writes a phrase: every run of its words (case-insensitive, whole words, only white space
 * between them), as written with single spaces. A phrase whose tokens are not each one word of the text
 * (`R & D`) is searched with a pattern instead.
 */
function phraseForms(tokens: readonly string[], spans: readonly Span[], byFirst: ReadonlyMap<string, number[]>, source: string): Set<string> {
  const forms = new Set<string>();
  const lower = tokens.map((t) => t.toLowerCase());
  if (lower.some((t) => (t.match(WORD_RE) ?? [])[0] !== t)) {
    const pattern = tokens.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+");
    for (const m of source.matchAll(new RegExp(`(?<![\\p{L}\\p{N}])${pattern}(?![\\p{L}\\p{N}])`, "giu"))) forms.add(m[0].replace(/\s+/g, " "));
    return forms;
  }
  next: for (const i of byFirst.get(lower[0]!) ?? []) {
    if (i + lower.length > spans.length) continue;
    for (let k = 1; k < lower.length; k += 1) {
      const a = spans[i + k - 1]!;
      const b = spans[i + k]!;
      if (b.lower !== lower[k] || !/^\s+$/u.test(source.slice(a.end, b.start))) continue next;
    }
    forms.add(spans.slice(i, i + lower.length).map((sp) => sp.w).join(" "));
  }
  return forms;
}

function casingOracle(text: string, language: Language): Casing {
  const capitalisedMid = new Set<string>();
  const lowerSeen = new Set<string>();
  const asWritten = new Set<string>();
  const stop = stopwordsFor(language);
  for (const sentence of sentencesForCasing(text.normalize("NFC"))) {
    const all = [...sentence.matchAll(WORD_RE)];
    const content = all.filter((m) => /^\p{L}/u.test(m[0]) && !stop.has(m[0].toLowerCase()) && !isLabel(sentence, m.index + m[0].length));
    // A title-case heading ("Customer Account Statement") capitalises for style, not for names. Two
    // capitalised words are more often a name ("Name: John Smith"), and a comma marks a list or an
    // address ("Baker Street, London"), not a heading.
    const titleCase = content.length >= 3 && !sentence.includes(",") && content.every((m) => /^\p{Lu}/u.test(m[0]));
    for (const m of all) {
      const w = m[0];
      asWritten.add(w);
      if (/^\p{Ll}/u.test(w)) lowerSeen.add(w.toLowerCase());
      // Only a capital that grammar does not explain is evidence of a name: not the first word of a
      // sentence, a line or a label value, and not a label itself ("Email:", "Phone:" on a form).
      else if (!titleCase && m.index > 0 && /^\p{Lu}\p{Ll}/u.test(w) && !isLabel(sentence, m.index + w.length) && !afterLabel(sentence, m.index)) {
        capitalisedMid.add(w.toLowerCase());
      }
    }
  }
  const source = text.normalize("NFC");
  // The text's words with their offsets, for phrase look-ups: one RegExp per candidate phrase was the
  // engine's biggest cost on a new text (every Unicode pattern compiled afresh).
  const spans = [...source.matchAll(WORD_RE)].map((m) => ({ w: m[0], lower: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
  const byFirst = new Map<string, number[]>();
  spans.forEach((sp, i) => {
    const at = byFirst.get(sp.lower);
    if (at) at.push(i);
    else byFirst.set(sp.lower, [i]);
  });
  const word = (token: string): string => {
    if ((isAcronym(token) || hasInnerCapital(token)) && asWritten.has(token)) return token;
    const lower = token.toLowerCase();
    if (language !== "de" && capitalisedMid.has(lower) && !lowerSeen.has(lower)) {
      return lower.charAt(0).toUpperCase() + lower.slice(1);
    }
    // A tag can be written in caps or title case while the text has the word as an acronym.
    const upper = token.toUpperCase();
    if (isAcronym(upper) && asWritten.has(upper) && !lowerSeen.has(lower)) return upper;
    return lower;
  };
  const phrase = (tokens: readonly string[]): string[] | undefined => {
    if (tokens.length < 2 || language === "de") return undefined;
    const forms = phraseForms(tokens, spans, byFirst, source);
    // Only a name that the text always writes the same way with every word capitalised.
    if (forms.size !== 1) return undefined;
    const [form] = forms;
    const parts = form.split(" ");
    if (!parts.every((p) => /^[\p{Lu}\p{N}]/u.test(p) || stopwordsFor(language).has(p))) return undefined;
    return parts;
  };
  return { word, phrase };
}

/**
 * Sentences for the casing evidence: sentence punctuation and blank lines end one, and so does a line
 * break after a short line or a line ending in punctuation or a colon (form lines, headings, lists);
 * a long line that simply wraps continues the sentence.
 */
function sentencesForCasing(text: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0) {
      if (current) out.push(current);
      current = "";
      continue;
    }
    current = current ? `${current} ${line}` : line;
    if (line.length < 60 || /[.!?:;]$/u.test(line)) {
      out.push(current);
      current = "";
    }
  }
  if (current) out.push(current);
  return out.flatMap((s) => s.split(/(?<=[.!?])\s+/u));
}

/** The word ending at `end` is a label: a colon follows it ("Email: ..."). */
function isLabel(sentence: string, end: number): boolean {
  return /^\s*:/u.test(sentence.slice(end, end + 3));
}

/** The word at `start` is the first after a label's colon ("Subject: Quarterly figures"). */
function afterLabel(sentence: string, start: number): boolean {
  return /:\s*$/u.test(sentence.slice(Math.max(0, start - 3), start));
}

/** True when `phrase` (a key) equals `part` (a key) or contains it as a whole-word sequence. */
function containsPhrase(phrase: string, part: string): boolean {
  return ` ${phrase} `.includes(` ${part} `);
}

/**
 * Parse an exclusion list file: one term per line or comma/semicolon separated; `#` starts a comment to
 * the end of the line. Terms are trimmed, whitespace collapsed, de-duplicated case-insensitively (first
 * spelling kept).
 */
export function parseExclusionFile(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const line of text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/)) {
    // "#" opens a comment at a line start or after a space, so a term such as "C#" survives.
    const content = line.replace(/(?:^|\s)#.*$/, "");
    for (const part of content.split(/[,;]/)) {
      const term = part.trim().replace(/^["'“”‘’]+|["'“”‘’]+$/gu, "").replace(/\s+/g, " ").trim();
      if (term.length === 0) continue;
      const key = term.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(term);
    }
  }
  return out;
}

/** Merge exclusion term lists (request words and file terms), de-duplicated case-insensitively. */
export function mergeExclusions(...lists: ReadonlyArray<readonly string[] | null | undefined>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of lists.flatMap((l) => l ?? [])) {
    const term = String(raw).replace(/\s+/g, " ").trim();
    const key = term.toLowerCase();
    if (term.length === 0 || seen.has(key)) continue;
    seen.add(key);
    out.push(term);
  }
  return out;
}

// Re-exported so callers comparing tags use the same key as the normaliser.
export { phraseKey, singular };
