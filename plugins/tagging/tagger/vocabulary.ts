/**
 * Controlled vocabulary (SKOS-like): concepts with a preferred label, alternative labels (synonyms) and
 * an optional broader concept. Parsing of the CSV and JSON upload formats, and the mapping of an engine's
 * ranked candidates onto the vocabulary: a candidate that equals a concept's preferred or alternative
 * label, after lower-casing, hyphen folding and stemming each word, becomes that concept's preferred
 * label; vocabulary tags come first; strong candidates that match nothing are returned separately as
 * suggestions for the curator. Pure.
 *
 * Not wired yet: storage per tenant/instance, `/api/vocabularies`, the request option and the web screens
 * (see docs/tagging.md, "Open points").
 */
import Papa from "papaparse";
import { stemWord } from "./keyphrase";
import type { Language } from "./stopwords";
import { words } from "./text";

export interface Concept {
  /** Stable id (defaults to the preferred label). */
  id: string;
  prefLabel: string;
  altLabels: string[];
  /** The id (or preferred label) of the broader concept. */
  broader?: string;
}

export interface Vocabulary {
  name: string;
  concepts: Concept[];
}

export class VocabularyError extends Error {
  constructor(
    message: string,
    /** Where: "line 3", "concepts[2].prefLabel". */
    readonly loc: string,
  ) {
    super(message);
  }
}

export const MAX_CONCEPTS = 20_000;
const MAX_LABEL = 200;

function label(v: unknown, loc: string): string {
  if (typeof v !== "string") throw new VocabularyError("A label must be a string", loc);
  const s = v.normalize("NFC").replace(/\s+/gu, " ").trim();
  if (s.length === 0) throw new VocabularyError("A label must not be empty", loc);
  if (s.length > MAX_LABEL) throw new VocabularyError(`A label has at most ${MAX_LABEL} characters`, loc);
  return s;
}

/** Checks ids, duplicate labels and broader references; returns the vocabulary unchanged when valid. */
function validate(v: Vocabulary): Vocabulary {
  if (v.concepts.length === 0) throw new VocabularyError("The vocabulary has no concepts", "concepts");
  if (v.concepts.length > MAX_CONCEPTS) throw new VocabularyError(`A vocabulary has at most ${MAX_CONCEPTS} concepts`, "concepts");
  const ids = new Set<string>();
  const prefs = new Map<string, number>();
  v.concepts.forEach((c, i) => {
    if (ids.has(c.id)) throw new VocabularyError(`Duplicate concept id "${c.id}"`, `concepts[${i}].id`);
    ids.add(c.id);
    const k = c.prefLabel.toLowerCase();
    if (prefs.has(k)) throw new VocabularyError(`Duplicate preferred label "${c.prefLabel}"`, `concepts[${i}].prefLabel`);
    prefs.set(k, i);
  });
  v.concepts.forEach((c, i) => {
    if (c.broader === undefined) return;
    if (!ids.has(c.broader) && !prefs.has(c.broader.toLowerCase())) {
      throw new VocabularyError(`Broader concept "${c.broader}" is not in the vocabulary`, `concepts[${i}].broader`);
    }
  });
  return v;
}

/**
 * JSON upload: `{"name": "...", "concepts": [{"prefLabel": "...", "altLabels": ["..."], "broader": "...",
 * "id": "..."}]}` (also accepted: `pref_label`, `alt_labels`, a bare array of concepts).
 */
export function parseVocabularyJson(text: string, name = "vocabulary"): Vocabulary {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new VocabularyError("The file is not valid JSON", "body");
  }
  const root = Array.isArray(data) ? { name, concepts: data } : (data as Record<string, unknown>);
  if (!root || typeof root !== "object" || !Array.isArray(root.concepts)) throw new VocabularyError("Expected an object with a concepts array", "concepts");
  const concepts = (root.concepts as unknown[]).map((raw, i): Concept => {
    if (!raw || typeof raw !== "object") throw new VocabularyError("A concept must be an object", `concepts[${i}]`);
    const r = raw as Record<string, unknown>;
    const prefLabel = label(r.prefLabel ?? r.pref_label, `concepts[${i}].prefLabel`);
    const altRaw = r.altLabels ?? r.alt_labels ?? [];
    if (!Array.isArray(altRaw)) throw new VocabularyError("altLabels must be an array", `concepts[${i}].altLabels`);
    const broader = r.broader === undefined || r.broader === null || r.broader === "" ? undefined : label(r.broader, `concepts[${i}].broader`);
    return {
      id: r.id === undefined ? prefLabel : label(r.id, `concepts[${i}].id`),
      prefLabel,
      altLabels: altRaw.map((a, j) => label(a, `concepts[${i}].altLabels[${j}]`)),
      broader,
    };
  });
  return validate({ name: typeof root.name === "string" && root.name.trim() ? root.name.trim() : name, concepts });
}

/**
 * The records of a vocabulary sheet, read by papaparse (docmill's one CSV library; shared/csv.ts is its
 * wrapper for the API and the web, which a plugin may not import): RFC 4180 quoting, a BOM dropped, one
 * delimiter for the whole file, detected among `,`, `;` and tab (`|` separates synonyms inside a cell).
 * A malformed sheet is refused at its line rather than read wrongly: an unclosed quote, or a row with more
 * fields than the header (an unquoted delimiter inside a label would otherwise cut the label short and
 * shift its rest into the synonym column).
 */
function csvRows(text: string): string[][] {
  const src = text.replace(/^\ufeff/u, "").replace(/\r\n?/gu, "\n");
  const parsed = Papa.parse<string[]>(src, { header: false, newline: "\n", skipEmptyLines: "greedy", delimitersToGuess: [",", ";", "\t"] });
  // papaparse counts rows from 0 (the header); a sheet of one column has no delimiter to detect.
  const problem = parsed.errors.find((e) => e.code !== "UndetectableDelimiter");
  if (problem) {
    const line = typeof problem.row === "number" ? problem.row + 1 : 1;
    throw new VocabularyError(problem.code === "MissingQuotes" ? "A quoted field is not closed" : problem.message, `line ${line}`);
  }
  const rows = parsed.data.filter((r) => r.some((f) => f.trim().length > 0));
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, i) => {
    if (r.length > width && r.slice(width).some((f) => f.trim().length > 0)) {
      const sep = parsed.meta.delimiter === "\t" ? "tab" : `"${parsed.meta.delimiter}"`;
      throw new VocabularyError(`${r.length} fields, but the header names ${width}: quote a label that contains ${sep}`, `line ${i + 1}`);
    }
  });
  return rows;
}

/**
 * CSV upload: a header row with `prefLabel` (or `pref_label`, `preferred`), optional `altLabels` (several
 * separated by `|`), `broader` and `id` columns; separated by commas, semicolons or tabs (one of them for the
 * whole file).
 */
export function parseVocabularyCsv(text: string, name = "vocabulary"): Vocabulary {
  const rows = csvRows(text);
  if (rows.length < 2) throw new VocabularyError("Expected a header row and at least one concept", "line 1");
  const header = rows[0].map((h) => h.trim().toLowerCase().replace(/[_\s-]/gu, ""));
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const pref = col("preflabel", "preferred", "preferredlabel", "label");
  if (pref < 0) throw new VocabularyError("The header needs a prefLabel column", "line 1");
  const alt = col("altlabels", "altlabel", "synonyms", "alternatives");
  const broader = col("broader", "parent");
  const id = col("id", "conceptid", "uri");
  const concepts = rows.slice(1).map((r, i): Concept => {
    const loc = `line ${i + 2}`;
    const prefLabel = label(r[pref] ?? "", loc);
    const alts = alt >= 0 ? (r[alt] ?? "").split("|").map((a) => a.trim()).filter(Boolean).map((a) => label(a, loc)) : [];
    const b = broader >= 0 ? (r[broader] ?? "").trim() : "";
    const cid = id >= 0 ? (r[id] ?? "").trim() : "";
    return { id: cid || prefLabel, prefLabel, altLabels: alts, broader: b || undefined };
  });
  return validate({ name, concepts });
}

/** The matching key of a label: words lower-cased, hyphens and apostrophes split, each word stemmed. */
export function labelKey(text: string, language: Language): string {
  return words(text.replace(/[-_‐–/]+/gu, " ").replace(/(?<![\p{L}])(?:[cdjlmnst]|qu)['’](?=\p{L})/giu, ""))
    .map((w) => stemWord(w.toLowerCase(), language))
    .join(" ");
}

/**
 * The keys of many labels at once, for a compute thread (sdk/compute): a 5,000-concept vocabulary has about
 * 10,000 labels and the Snowball stemmers take seconds over them, too long for the event loop.
 */
export function labelKeys(labels: string[], language: Language): string[] {
  return labels.map((l) => labelKey(l, language));
}

export interface VocabularyIndex {
  vocabulary: Vocabulary;
  byKey: Map<string, Concept>;
}

/** Index of every preferred and alternative label by its key, for one language's stemmer. */
export function indexVocabulary(vocabulary: Vocabulary, language: Language): VocabularyIndex {
  const byKey = new Map<string, Concept>();
  for (const c of vocabulary.concepts) {
    // Preferred labels win over another concept's synonym with the same key.
    byKey.set(labelKey(c.prefLabel, language), c);
  }
  for (const c of vocabulary.concepts) {
    for (const a of c.altLabels) {
      const k = labelKey(a, language);
      if (!byKey.has(k)) byKey.set(k, c);
    }
  }
  return { vocabulary, byKey };
}

export interface MappedTags {
  /** Preferred labels of matched concepts first (in candidate rank order), then nothing else. */
  tags: string[];
  /** Strong candidates that match no concept: for the vocabulary's curator. */
  suggested_new_tags: string[];
}

/**
 * The concept whose label a longer candidate contains as whole words (`water quality management` names
 * `Water quality`; `coral reefs recover` names `Coral reefs`): the longest such label, so `marine heatwave
 * frequency` prefers `marine heatwave` over `heatwave`. Single-word labels count only inside two- or
 * three-word candidates, where the word is most of the phrase.
 */
function containedConcept(key: string, index: VocabularyIndex): Concept | undefined {
  const ws = key.split(" ");
  if (ws.length < 2) return undefined;
  for (let n = ws.length - 1; n >= 1; n -= 1) {
    if (n === 1 && ws.length > 3) return undefined;
    for (let i = 0; i + n <= ws.length; i += 1) {
      const c = index.byKey.get(ws.slice(i, i + n).join(" "));
      if (c) return c;
    }
  }
  return undefined;
}

/**
 * Maps ranked candidates (best first) onto the vocabulary. Each concept appears once. `numTags` caps the
 * vocabulary tags; `numSuggestions` caps the suggestions (the strongest unmatched candidates).
 */
export function mapToVocabulary(
  candidates: readonly string[],
  index: VocabularyIndex,
  language: Language,
  opts: { numTags: number; numSuggestions?: number },
): MappedTags {
  const tags: string[] = [];
  const taken = new Set<string>();
  const suggestions: string[] = [];
  const suggested = new Set<string>();
  const maxSuggestions = opts.numSuggestions ?? opts.numTags;
  for (const cand of candidates) {
    const key = labelKey(cand, language);
    if (!key) continue;
    const concept = index.byKey.get(key) ?? containedConcept(key, index);
    if (concept) {
      if (!taken.has(concept.id) && tags.length < opts.numTags) {
        taken.add(concept.id);
        tags.push(concept.prefLabel);
      }
      continue;
    }
    if (suggestions.length < maxSuggestions && !suggested.has(key)) {
      suggested.add(key);
      suggestions.push(cand);
    }
  }
  return { tags, suggested_new_tags: suggestions };
}

/** At most this many vocabulary terms go into a model prompt (a 20,000-concept list would drown the text). */
export const MAX_PROMPT_TERMS = 150;

/**
 * The preferred labels worth showing a model for this text: all of them for a small vocabulary; for a
 * large one, the concepts that have a label whose every word (stemmed) occurs in the text, then those
 * sharing some words, best covered first. Pure.
 */
export function vocabularyForPrompt(index: VocabularyIndex, text: string, language: Language, max = MAX_PROMPT_TERMS): string[] {
  const concepts = index.vocabulary.concepts;
  if (concepts.length <= max) return concepts.map((c) => c.prefLabel);
  const seen = new Set(labelKey(text, language).split(" "));
  const scored: Array<{ label: string; score: number; order: number }> = [];
  concepts.forEach((c, order) => {
    let best = 0;
    for (const l of [c.prefLabel, ...c.altLabels]) {
      const ws = labelKey(l, language).split(" ").filter(Boolean);
      if (ws.length === 0) continue;
      const hit = ws.filter((w) => seen.has(w)).length / ws.length;
      if (hit > best) best = hit;
    }
    if (best > 0) scored.push({ label: c.prefLabel, score: best, order });
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.slice(0, max).map((s) => s.label);
}
