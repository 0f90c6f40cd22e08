/**
 * tagging: the tag generator's processor. Reads the first `num_pages` pages (text layer, OCR for pages
 * without enough text), then tags the text with the caller's model (OpenAI-compatible, when a sealed
 * `api_key_sealed` is given) or the offline keyphrase engine. The result is what the tag generator API
 * answers (document_title, tags, extracted_text_preview, extraction_method, ...), see docs/tagging.md.
 *
 * Failures carry a stable type: PDF_CORRUPT / PDF_ENCRYPTED / PDF_EMPTY (the document), INSUFFICIENT_TEXT,
 * OCR_TIMEOUT (the scanned pages' OCR ran out of time: the machine, not the document), OCR_LANGUAGE_UNAVAILABLE,
 * VOCABULARY_NOT_FOUND (the stored vocabulary a job names was deleted), and the tagger's LLM_AUTH / LLM_MODEL / LLM_RATE_LIMIT / LLM_TIMEOUT /
 * LLM_BAD_RESPONSE / LLM_UNAVAILABLE / LLM_REJECTED. The API key never appears in a result or an error.
 */
import os from "node:os";
import { defineErrorCodes, definePlugin, int, ResourceError, runOffLoop, type Env, type RunContext } from "../../sdk";
import { API_KEY_PURPOSE, VOCABULARY_RESOURCE, type StoredVocabulary, type TaggingResult } from "./contract";
import type { ConcludeInput, InlineVocabulary, Prepared, PrepareInput } from "./analyse";
import { extractForTagging } from "./extract";
import { generateTags } from "./tagger";
import { TAGGER_ERRORS } from "./tagger/errors";
import type { LocalTagOptions, LocalTagResult } from "./tagger/local";
import { MAX_TAGS } from "./tagger/normalize";
import { MAX_CONCEPTS } from "./tagger/vocabulary";

export interface TaggingOptions {
  /** The caller's provider key, sealed by the tagger service (apis/tagger/secret.ts). */
  api_key_sealed?: string;
  model_name?: string;
  num_pages: number;
  num_tags: number;
  exclusion_words?: string[];
  /** OCR languages: "eng", "hin", "deu", "fra", "spa" (or en/hi/de/fr/es) or a combination such as "hin+eng". */
  language: string;
  /**
   * A controlled vocabulary to map the tags onto (SKOS-like concepts, see tagger/vocabulary.ts), inline
   * (`docmill run`, the jobs API). The tag generator API sends `vocabulary_ref` instead.
   */
  vocabulary?: InlineVocabulary;
  /**
   * A stored vocabulary by reference: the version the batch resolved, read in the worker through the
   * `tagger.vocabulary` resource (served by the vocabularies service, cached per version in the worker).
   */
  vocabulary_ref?: { id: string; version: number };
  /** Tags this account's users keep removing (services/lib/tagger/edits.ts): ranked behind all others. */
  demoted_tags?: string[];
}

export type { TaggingResult };

/** The model provider this deployment talks to (LLM_* variables, docs/configuration), read at load. */
export interface TaggingSettings {
  llm: { baseUrl: string; timeoutMs: number; maxRetries: number; defaultModel: string };
}

export function taggingSettings(env: Env): TaggingSettings {
  return {
    llm: {
      baseUrl: env.LLM_BASE_URL || "https://openrouter.ai/api/v1",
      timeoutMs: int(env, "LLM_TIMEOUT_MS", 60_000, 100, 600_000),
      maxRetries: int(env, "LLM_MAX_RETRIES", 3, 0, 10),
      defaultModel: env.LLM_DEFAULT_MODEL || "openai/gpt-4o-mini",
    },
  };
}

/** Fewer non-space characters than this over the pages read: nothing worth tagging. */
export const MIN_TEXT_CHARS = 20;
export const PREVIEW_CHARS = 500;
const MAX_STORED_TEXT = 20_000;

/** The local keyphrase engine, loaded by the compute thread (sdk/compute/worker.ts). */
const LOCAL_ENGINE_MODULE = require.resolve("./tagger/local");
/** The text work before and after the engine (analyse.ts), in the compute thread too. */
const ANALYSE_MODULE = require.resolve("./analyse");

const OCR_CODES: Record<string, string> = { en: "eng", hi: "hin", de: "deu", fr: "fra", es: "spa" };

/** The plugin's codes in the error catalog (docs/errors.md), besides the SDK's PDF_* and COMPUTE_LIMIT_EXCEEDED. */
export const TAGGING_ERRORS = defineErrorCodes({
  ...TAGGER_ERRORS,
  INSUFFICIENT_TEXT: {
    status: 400,
    message: "Could not extract sufficient text from the PDF (empty, an image without readable text, or protected)",
    fix: "Upload a PDF with a text layer or a legible scan, or ask for more pages (num_pages)",
  },
  OCR_TIMEOUT: {
    status: 503,
    message: "Reading the scanned pages did not finish within the OCR page timeout",
    fix: "Retry later: the server was busy, the document is fine (an operator can raise DOCMILL_OCR_PAGE_TIMEOUT_MS)",
  },
  INVALID_VOCABULARY: {
    status: 400,
    message: "The inline vocabulary is malformed (a duplicate label, a broader term that does not exist)",
    fix: "Correct the vocabulary at the place the message names",
  },
  VOCABULARY_NOT_FOUND: {
    status: 400,
    message: "The stored vocabulary the job names was deleted (or the version the batch resolved is no longer kept)",
    fix: "Start the batch again with an existing vocabulary (GET /api/vocabularies lists them), or without one",
  },
});

class TaggingError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The vocabulary a job names by reference; VOCABULARY_NOT_FOUND once it is deleted (or that version dropped). */
async function storedVocabulary(ctx: RunContext<TaggingOptions, TaggingSettings>, ref: { id: string; version: number }): Promise<InlineVocabulary> {
  try {
    const v = await ctx.resources.get<StoredVocabulary>(VOCABULARY_RESOURCE, ref.id, ref.version);
    return { name: v.name, concepts: v.concepts };
  } catch (err) {
    if (err instanceof ResourceError && err.type === "RESOURCE_NOT_FOUND") {
      throw new TaggingError(
        "VOCABULARY_NOT_FOUND",
        err.reason === "version"
          ? `The vocabulary this document was to be tagged with has changed since the request: ${err.message}. Tag the document again.`
          : `The vocabulary this document was to be tagged with (${ref.id}) was deleted after the request. Tag the document again without it or with another vocabulary.`,
      );
    }
    throw err;
  }
}

export default definePlugin<TaggingOptions, TaggingResult, TaggingSettings>({
  id: "tagging",
  version: "1.0.0",
  apiVersion: "1",
  title: "Metadata tags",
  description: "Title, tags and extracted text of a PDF (text layer + OCR), by an LLM with the caller's key or offline",
  accepts: ["application/pdf"],
  // Scanned pages are read with English unless a job names other languages: warm it at worker start.
  ocrLanguages: ["eng"],
  resources: [VOCABULARY_RESOURCE],
  settings: taggingSettings,
  errors: TAGGING_ERRORS,
  optionsSchema: {
    $$strict: "remove",
    api_key_sealed: { type: "string", optional: true, max: 8192 },
    model_name: { type: "string", optional: true, min: 1, max: 200 },
    num_pages: { type: "number", integer: true, min: 1, max: 10, default: 3, convert: true },
    num_tags: { type: "number", integer: true, min: 3, max: 15, default: 8, convert: true },
    exclusion_words: { type: "array", items: { type: "string", max: 200 }, max: 1000, optional: true },
    demoted_tags: { type: "array", items: { type: "string", max: 200 }, max: 500, optional: true },
    vocabulary: {
      type: "object",
      optional: true,
      strict: "remove",
      props: {
        name: { type: "string", optional: true, max: 200 },
        concepts: {
          type: "array",
          min: 1,
          max: MAX_CONCEPTS,
          items: {
            type: "object",
            strict: "remove",
            props: {
              id: { type: "string", optional: true, min: 1, max: 200 },
              prefLabel: { type: "string", min: 1, max: 200 },
              altLabels: { type: "array", optional: true, max: 100, items: { type: "string", min: 1, max: 200 } },
              broader: { type: "string", optional: true, max: 200 },
            },
          },
        },
      },
    },
    vocabulary_ref: {
      type: "object",
      optional: true,
      strict: "remove",
      props: { id: { type: "string", min: 1, max: 200 }, version: { type: "number", integer: true, min: 1, convert: true } },
    },
    language: { type: "string", pattern: /^(?:eng|hin|deu|fra|spa|en|hi|de|fr|es)(?:\+(?:eng|hin|deu|fra|spa|en|hi|de|fr|es)){0,4}$/.source, default: "eng" },
  },

  canRun(input) {
    return input.size > 0 ? true : "The file is empty";
  },

  async run(ctx) {
    const started = performance.now();
    const o = ctx.options;
    // Before any reading or OCR: a job whose vocabulary is gone fails at once.
    const inlineVocabulary = o.vocabulary ?? (o.vocabulary_ref ? await storedVocabulary(ctx, o.vocabulary_ref) : undefined);
    await ctx.progress(5, "Reading the PDF");
    const bytes = await ctx.input.read();
    ctx.signal.throwIfAborted();
    await ctx.progress(15, `Extracting text from up to ${o.num_pages} pages`);
    const ocrLangs = [...new Set(o.language.split("+").map((l) => OCR_CODES[l] ?? l))];
    const doc = await extractForTagging(bytes, { engine: ctx.pdf, numPages: o.num_pages, ocrLangs, signal: ctx.signal });
    ctx.signal.throwIfAborted();
    if (doc.text.replace(/\s+/g, "").length < MIN_TEXT_CHARS && doc.ocrTimeouts.length > 0) {
      // Not the document's fault: OCR ran out of time (a busy machine, a huge page). Saying the PDF has no
      // readable text would send the user looking for a problem their file does not have.
      throw new TaggingError(
        "OCR_TIMEOUT",
        `Reading scanned page${doc.ocrTimeouts.length > 1 ? "s" : ""} ${doc.ocrTimeouts.join(", ")} did not finish within the OCR page timeout. Try again later.`,
      );
    }
    if (doc.text.replace(/\s+/g, "").length < MIN_TEXT_CHARS) {
      throw new TaggingError(
        "INSUFFICIENT_TEXT",
        "Could not extract sufficient text from PDF. The document may be empty, an image without readable text, or protected.",
      );
    }
    // Boilerplate removal, language, title and the vocabulary's terms: CPU work, in a compute thread.
    const prep = await runOffLoop<Prepared>(ANALYSE_MODULE, "prepare", [{
      pageTexts: doc.pageTexts, text: doc.text, infoTitle: doc.info.title, filename: ctx.input.filename, vocabulary: inlineVocabulary, minTextChars: MIN_TEXT_CHARS,
    } satisfies PrepareInput], ctx.signal);
    const { content, language, title, vocabulary } = prep;
    await ctx.progress(60, doc.ocrPages.length ? `OCR'd pages ${doc.ocrPages.join(", ")}; generating tags` : "Generating tags");
    const llm = ctx.settings.llm;
    const demoted = o.demoted_tags ?? [];
    // With a vocabulary the engine over-supplies candidates: the mapping keeps vocabulary terms first.
    // Demoted tags move to the back, so the engine over-supplies candidates to fill their places.
    const oversupply = vocabulary !== undefined || demoted.length > 0;
    const tagged = await generateTags(
      {
        text: content,
        title: prep.titleForTags,
        numTags: oversupply ? MAX_TAGS : o.num_tags,
        exclusionWords: o.exclusion_words ?? [],
        language,
        vocabularyTerms: prep.vocabularyTerms,
      },
      {
        apiKey: o.api_key_sealed ? ctx.secrets.open(o.api_key_sealed, API_KEY_PURPOSE) : undefined,
        model: o.model_name ?? llm.defaultModel,
        baseURL: llm.baseUrl,
        timeoutMs: llm.timeoutMs,
        maxRetries: llm.maxRetries,
        signal: ctx.signal,
        // Scoring is CPU work: in a compute thread it cannot stall the API (issue 14).
        runLocal: (text: string, options: LocalTagOptions) =>
          runOffLoop<LocalTagResult>(LOCAL_ENGINE_MODULE, "generateTagsLocal", [text, options], ctx.signal),
      },
    );
    const { tags, suggested } = oversupply
      ? await runOffLoop<{ tags: string[]; suggested?: string[] }>(ANALYSE_MODULE, "conclude", [{
        tags: tagged.tags, demoted, language, numTags: o.num_tags, vocabulary,
      } satisfies ConcludeInput], ctx.signal)
      : { tags: tagged.tags.slice(0, o.num_tags), suggested: undefined };
    await ctx.progress(95, `${tags.length} tags`);
    return {
      document_title: title,
      tags,
      ...(vocabulary ? { suggested_new_tags: suggested ?? [], vocabulary: vocabulary.name } : {}),
      extracted_text_preview: doc.text.slice(0, PREVIEW_CHARS),
      extracted_text: doc.text.slice(0, MAX_STORED_TEXT),
      processing_time: Math.round((performance.now() - started) / 10) / 100,
      is_scanned: doc.ocrPages.length > 0 && doc.ocrPages.length === doc.pagesRead,
      extraction_method: doc.extractionMethod,
      ocr_confidence: doc.ocrConfidence,
      ocr_pages: doc.ocrPages,
      page_count: doc.pageCount,
      pages_read: doc.pagesRead,
      language,
      engine: tagged.engine,
      model_name: tagged.engine === "llm" ? (tagged.model ?? o.model_name ?? llm.defaultModel) : null,
      raw_ai_response: tagged.raw ?? null,
      processed_by: `${os.hostname()}:${process.pid}`,
    };
  },
});
