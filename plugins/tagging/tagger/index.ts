/**
 * The tag generator: text in, tags out. One entry point for both engines: the model engine when the
 * caller brings an API key, else the offline local engine (no key, no network).
 */

import { TaggerError } from "./errors";
import { generateTagsLLM, DEFAULT_BASE_URL, DEFAULT_MODEL } from "./llm";
import { generateTagsLocal, type LocalTagOptions, type LocalTagResult } from "./local";
import { DEFAULT_TAGS, MAX_TAGS, MIN_TAGS, mergeExclusions } from "./normalize";
import type { Language } from "./stopwords";

export { TaggerError, isTaggerError, TAGGER_ERROR_STATUS, type TaggerErrorCode } from "./errors";
export { normalizeTags, parseExclusionFile, mergeExclusions, DEFAULT_TAGS, MIN_TAGS, MAX_TAGS } from "./normalize";
export { detectLanguage, generateTagsLocal } from "./local";
export { generateTagsLLM, DEFAULT_BASE_URL, DEFAULT_MODEL } from "./llm";
export type { Language } from "./stopwords";

export interface TagInput {
  text: string;
  title?: string;
  /** 3..15, default 8. */
  numTags?: number;
  exclusionWords?: readonly string[];
  /** Forces the language (en/de/fr/es); detected when absent. */
  language?: Language;
  /** Controlled vocabulary terms for the model engine's prompt (the local engine's candidates are mapped afterwards). */
  vocabularyTerms?: readonly string[];
}

export interface EngineOptions {
  /** The caller's provider key: present means the model engine. */
  apiKey?: string | null;
  model?: string;
  baseURL?: string;
  timeoutMs?: number;
  maxRetries?: number;
  signal?: AbortSignal;
  /** Tests only: how the model engine waits between retries. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where the local engine runs. The plugin passes a runner that scores in a compute thread, so a long
   * text cannot hold the event loop the gateway shares in the embedded shape; absent, it runs inline.
   */
  runLocal?: (text: string, options: LocalTagOptions) => Promise<LocalTagResult>;
}

export interface TagResult {
  tags: string[];
  engine: "llm" | "local";
  /** The model used (model engine only). */
  model?: string;
  /** The model's answer, key-scrubbed (model engine only). */
  raw?: string;
}

/**
 * Tags for a text, by the model engine when `apiKey` is given, else by the local engine.
 * @throws TaggerError INVALID_INPUT (bad numTags or empty text), and from the model engine LLM_AUTH,
 *   LLM_MODEL, LLM_REJECTED, LLM_RATE_LIMIT, LLM_TIMEOUT, LLM_BAD_RESPONSE, LLM_UNAVAILABLE
 */
export async function generateTags(input: TagInput, engine: EngineOptions = {}): Promise<TagResult> {
  const numTags = input.numTags ?? DEFAULT_TAGS;
  if (!Number.isInteger(numTags) || numTags < MIN_TAGS || numTags > MAX_TAGS) {
    throw new TaggerError("INVALID_INPUT", `numTags must be an integer from ${MIN_TAGS} to ${MAX_TAGS}`);
  }
  if (typeof input.text !== "string" || input.text.trim().length === 0) {
    throw new TaggerError("INVALID_INPUT", "There is no text to tag");
  }
  const exclusionWords = mergeExclusions(input.exclusionWords);
  const apiKey = typeof engine.apiKey === "string" ? engine.apiKey.trim() : "";

  if (apiKey.length > 0) {
    const r = await generateTagsLLM({
      text: input.text,
      title: input.title,
      numTags,
      exclusionWords,
      language: input.language,
      vocabularyTerms: input.vocabularyTerms,
      apiKey,
      model: engine.model ?? DEFAULT_MODEL,
      baseURL: engine.baseURL ?? DEFAULT_BASE_URL,
      timeoutMs: engine.timeoutMs,
      maxRetries: engine.maxRetries,
      signal: engine.signal,
      sleep: engine.sleep,
    });
    return { tags: r.tags, engine: "llm", model: r.model, raw: r.raw };
  }
  const options: LocalTagOptions = { numTags, exclusionWords, language: input.language, title: input.title };
  const r = engine.runLocal ? await engine.runLocal(input.text, options) : generateTagsLocal(input.text, options);
  return { tags: r.tags, engine: "local" };
}
