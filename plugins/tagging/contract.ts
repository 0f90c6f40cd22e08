/**
 * The tagging plugin's public contract: the only file of this plugin an API family (apis/tagger) may
 * import (test/unit/boundaries.test.ts). What the tag generator API needs to know about the plugin's
 * options and results lives here, so the facade never reaches into the plugin's internals.
 */
export { mergeExclusions, parseExclusionFile, DEFAULT_TAGS, MIN_TAGS, MAX_TAGS } from "./tagger/normalize";
/** Controlled vocabularies: the upload formats and label keys the vocabulary store and the edit counts use. */
export { labelKey, labelKeys, parseVocabularyCsv, parseVocabularyJson, VocabularyError, type Concept, type Vocabulary } from "./tagger/vocabulary";

/**
 * Purpose label the tagger seals the caller's LLM API key under (option `api_key_sealed`); the plugin
 * opens it with `ctx.secrets.open(sealed, API_KEY_PURPOSE)`. Changing it makes sealed keys of queued jobs
 * unreadable.
 */
export const API_KEY_PURPOSE = "tagger llm api key";

/** The module whose `labelKeys` the tagger API runs in a compute thread (sdk/compute) for a whole vocabulary. */
export const LABEL_KEYS_MODULE = require.resolve("./tagger/vocabulary");
