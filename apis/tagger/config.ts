/**
 * The TaggingConfig of the tag generator API (`config` JSON): parsed and checked here, once, for single,
 * batch and re-run calls. Pure. Throws the reference's 400 "Invalid config JSON format" for JSON that is
 * not an object, and 422 naming the field for values out of range.
 */
import { fail, validationError, type FieldError } from "../../kernel/errors";
import type { Unchecked } from "../../kernel/call";
import type { TaggingConfigBody } from "../../shared/wire/tagging";
import type { StoredConfig } from "./models";

export interface TaggingConfig {
  apiKey: string | null;
  model_name: string | null;
  num_pages: number;
  num_tags: number;
  exclusion_words: string[];
  language: string;
  /** The controlled vocabulary named in the request (an id or a name), resolved by learning.ts. */
  vocabulary: string | null;
  vocabularyRef?: { id: string; name: string; version: number };
}

export function parseConfigJson(raw: unknown): Record<string, unknown> {
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== "string") fail("BAD_REQUEST", "Invalid config JSON format");
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    fail("BAD_REQUEST", "Invalid config JSON format");
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail("BAD_REQUEST", "Invalid config JSON format");
  return v as Record<string, unknown>;
}

function intIn(v: unknown, def: number, min: number, max: number, field: string, errors: FieldError[]): number {
  if (v === undefined || v === null) return def;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    errors.push({ field, message: `${field} must be an integer between ${min} and ${max}`, kind: "value_error.number" });
    return def;
  }
  return n;
}

const LANG = /^(?:eng|deu|fra|spa|en|de|fr|es)(?:\+(?:eng|deu|fra|spa|en|de|fr|es)){0,3}$/;

/** Exclusion terms of one request, exclusion_words and exclusion_file together (the plugin's own limit). */
export const MAX_EXCLUSION_TERMS = 1000;

/** Refuses (413, naming the limit) an exclusion list over MAX_EXCLUSION_TERMS instead of failing the job later. */
export function checkExclusionCount(words: readonly string[]): readonly string[] {
  if (words.length > MAX_EXCLUSION_TERMS) {
    fail("PAYLOAD_TOO_LARGE", `The exclusion list has ${words.length} terms; at most ${MAX_EXCLUSION_TERMS} are accepted (exclusion_words and exclusion_file together)`);
  }
  return words;
}

/**
 * Checks a client's config (the wire's TaggingConfigBody, its values not trusted yet) into a TaggingConfig.
 * `api_key` optional: without it the local engine runs.
 */
export function checkConfig(c: Unchecked<TaggingConfigBody>): TaggingConfig {
  const errors: FieldError[] = [];
  const apiKey = c.api_key;
  if (apiKey !== undefined && apiKey !== null && (typeof apiKey !== "string" || apiKey.length > 4096)) {
    errors.push({ field: "api_key", message: "api_key must be a string", kind: "type_error.str" });
  }
  const model = c.model_name;
  if (model !== undefined && model !== null && (typeof model !== "string" || !/^[\w.\-/:@]{1,200}$/.test(model))) {
    errors.push({ field: "model_name", message: "model_name must be a model id such as openai/gpt-4o-mini", kind: "value_error" });
  }
  const num_pages = intIn(c.num_pages, 3, 1, 10, "num_pages", errors);
  const num_tags = intIn(c.num_tags, 8, 3, 15, "num_tags", errors);
  let exclusion: string[] = [];
  if (c.exclusion_words !== undefined && c.exclusion_words !== null) {
    if (!Array.isArray(c.exclusion_words) || c.exclusion_words.some((w) => typeof w !== "string")) {
      errors.push({ field: "exclusion_words", message: "exclusion_words must be a list of strings", kind: "type_error.list" });
    } else if (c.exclusion_words.length > MAX_EXCLUSION_TERMS) {
      errors.push({ field: "exclusion_words", message: `exclusion_words has ${c.exclusion_words.length} terms; at most ${MAX_EXCLUSION_TERMS} are accepted`, kind: "value_error.list.max_items" });
    } else exclusion = (c.exclusion_words as string[]).map((w) => w.trim()).filter(Boolean);
  }
  const language = c.language ?? "eng";
  if (typeof language !== "string" || !LANG.test(language)) {
    errors.push({ field: "language", message: "language must be eng, deu, fra or spa, or a combination such as eng+deu", kind: "value_error" });
  }
  const vocabulary = c.vocabulary;
  if (vocabulary !== undefined && vocabulary !== null && (typeof vocabulary !== "string" || vocabulary.trim().length === 0 || vocabulary.length > 200)) {
    errors.push({ field: "vocabulary", message: "vocabulary must be a vocabulary's id or name", kind: "type_error.str" });
  }
  if (errors.length) throw validationError(errors);
  const key = typeof apiKey === "string" && apiKey.trim() ? apiKey.trim() : null;
  return { apiKey: key, model_name: typeof model === "string" ? model : null, num_pages, num_tags, exclusion_words: exclusion, language: language as string, vocabulary: typeof vocabulary === "string" ? vocabulary.trim() : null };
}

/** The config as history shows it: everything but the key. */
export function storedConfig(c: TaggingConfig): StoredConfig {
  return {
    model_name: c.apiKey ? c.model_name : null,
    num_pages: c.num_pages,
    num_tags: c.num_tags,
    exclusion_words: c.exclusion_words,
    language: c.language,
    engine: c.apiKey ? "llm" : "local",
    vocabulary: c.vocabularyRef ?? null,
  };
}
