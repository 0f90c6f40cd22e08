/**
 * The tagging plugin's public contract: the only file of this plugin an API family (apis/tagger) may
 * import (test/unit/boundaries.test.ts). What the tag generator API needs to know about the plugin's
 * options and results lives here, so the facade never reaches into the plugin's internals.
 */
import type { ExtractionMethod } from "./extract";
import type { Language } from "./tagger/stopwords";

export { mergeExclusions, parseExclusionFile, DEFAULT_TAGS, MIN_TAGS, MAX_TAGS } from "./tagger/normalize";
/** Controlled vocabularies: the upload formats and label keys the vocabulary store and the edit counts use. */
export { labelKey, labelKeys, parseVocabularyCsv, parseVocabularyJson, VocabularyError, type Concept, type Vocabulary } from "./tagger/vocabulary";

/**
 * Purpose label the tagger seals the caller's LLM API key under (option `api_key_sealed`); the plugin
 * opens it with `ctx.secrets.open(sealed, API_KEY_PURPOSE)`. Changing it makes sealed keys of queued jobs
 * unreadable.
 */
export const API_KEY_PURPOSE = "tagger llm api key";

/**
 * The resource kind of a stored vocabulary: the vocabularies service provides it (kernel/plugins/
 * resources.ts), the plugin reads it with `ctx.resources.get(VOCABULARY_RESOURCE, id, version)` for a
 * job whose options carry `vocabulary_ref: {id, version}`. What it serves is a StoredVocabulary.
 */
export const VOCABULARY_RESOURCE = "tagger.vocabulary";

/** A vocabulary as the resource serves it: one version, with its concepts. */
export interface StoredVocabulary {
  id: string;
  name: string;
  version: number;
  concepts: Array<{ id: string; prefLabel: string; altLabels: string[]; broader?: string }>;
}

/** The module whose `labelKeys` the tagger API runs in a compute thread (sdk/compute) for a whole vocabulary. */
export const LABEL_KEYS_MODULE = require.resolve("./tagger/vocabulary");

/** What a `tagging` job's result holds (the plugin returns it; the tag generator API answers from it). */
export interface TaggingResult {
  document_title: string;
  tags: string[];
  extracted_text_preview: string;
  /** The text the tags came from (first pages), for history and re-runs. */
  extracted_text: string;
  processing_time: number;
  is_scanned: boolean;
  extraction_method: ExtractionMethod;
  ocr_confidence: number | null;
  ocr_pages: number[];
  page_count: number;
  pages_read: number;
  language: Language;
  engine: "llm" | "local";
  model_name: string | null;
  raw_ai_response: string | null;
  /** Host and process that did the work (where a batch's documents ran). */
  processed_by: string;
  /** With a vocabulary: strong candidates that match no concept, for the vocabulary's curator. */
  suggested_new_tags?: string[];
  /** With a vocabulary: its name. */
  vocabulary?: string;
}
