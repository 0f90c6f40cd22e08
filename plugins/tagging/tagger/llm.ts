/**
 * The model tag engine: one chat-completions call to any OpenAI-compatible endpoint (OpenRouter by
 * default) through the official `openai` client. Retries are ours, not the client's, so that the error a
 * caller sees is typed (TaggerError) and says why the attempts stopped. The API key goes into the
 * Authorization header and nowhere else: not in messages, errors, logs or `raw`.
 */

import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

import { TaggerError, type TaggerErrorCode } from "./errors";
import { normalizeTags } from "./normalize";
import type { Language } from "./stopwords";
import { recordLlmCall } from "../../../sdk";

export const DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";
export const DEFAULT_MODEL = "openai/gpt-4o-mini";
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 3;
/** Text sent to the model: enough for the first pages of a document, far below context limits. */
export const DEFAULT_MAX_TEXT_CHARS = 12_000;
/** A provider asking us to wait longer than this is treated as "rate limit spent" at once. */
export const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;

export interface LLMTagOptions {
  text: string;
  numTags: number;
  exclusionWords?: readonly string[];
  apiKey: string;
  model?: string;
  baseURL?: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429, 5xx, timeouts, network errors and unparseable answers. */
  maxRetries?: number;
  title?: string;
  language?: Language;
  maxTextChars?: number;
  signal?: AbortSignal;
  /** How to wait between attempts; tests pass a recorder instead of real sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

export interface LLMTagResult {
  tags: string[];
  /** The model's answer text(s), key-scrubbed, for the API's `raw_ai_response`. */
  raw: string;
  model: string;
  /** Requests made, refill included. */
  attempts: number;
}

/**
 * Tags from a chat model. Asks for `numTags` plus one per exclusion word, normalises, and asks once more
 * when normalisation left too few.
 * @throws TaggerError LLM_AUTH, LLM_MODEL, LLM_REJECTED, LLM_RATE_LIMIT, LLM_TIMEOUT, LLM_BAD_RESPONSE, LLM_UNAVAILABLE
 */
export async function generateTagsLLM(options: LLMTagOptions): Promise<LLMTagResult> {
  const apiKey = options.apiKey;
  if (typeof apiKey !== "string" || apiKey.trim().length === 0) {
    throw new TaggerError("LLM_AUTH", "An API key for the model provider is required");
  }
  const model = options.model?.trim() || DEFAULT_MODEL;
  const exclusions = options.exclusionWords ?? [];
  const scrub = scrubber(apiKey);
  const client = new OpenAI({
    apiKey,
    baseURL: options.baseURL ?? DEFAULT_BASE_URL,
    // Our own per-attempt timer decides timeouts (see `complete`); the client's is only a backstop.
    timeout: (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 5_000,
    maxRetries: 0,
    // Explicit nulls: the client would otherwise pick these up from the server's environment.
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    logLevel: "off",
    defaultHeaders: { "X-Title": "docmill" },
  });
  const call: CallContext = {
    client, model, scrub,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES),
    sleep: options.sleep ?? defaultSleep,
    signal: options.signal,
    attempts: 0,
  };

  const text = truncate(options.text, options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS);
  const normalize = (raw: string[]) =>
    normalizeTags(raw, { numTags: options.numTags, exclusionWords: exclusions, language: options.language, text: options.text });

  // Over-ask by the number of exclusion words: a model often proposes them anyway, and each one
  // dropped must be replaced.
  const ask = options.numTags + Math.min(exclusions.length, 10);
  const first = await complete(call, buildPrompt({ text, title: options.title, count: ask, exclusions, avoid: [] }), call.maxRetries);
  const raws = [first.content];
  let candidates = first.tags;
  let tags = normalize(candidates);

  if (tags.length < options.numTags) {
    const missing = options.numTags - tags.length;
    try {
      const more = await complete(
        call,
        buildPrompt({ text, title: options.title, count: missing + Math.min(exclusions.length, 5) + 2, exclusions, avoid: tags }),
        0,
      );
      raws.push(more.content);
      candidates = [...candidates, ...more.tags];
      tags = normalize(candidates);
    } catch {
      // The first answer stands: a failed top-up is no reason to throw away good tags.
    }
  }
  return { tags, raw: scrub(raws.join("\n")), model, attempts: call.attempts };
}

interface CallContext {
  client: OpenAI;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  scrub: (s: string) => string;
  attempts: number;
}

interface Prompt {
  system: string;
  user: string;
}

/** One request with retries; returns the parsed candidate list and the answer text. */
async function complete(call: CallContext, prompt: Prompt, maxRetries: number): Promise<{ tags: string[]; content: string }> {
  let last: Failure | undefined;
  for (let attempt = 0; attempt <= maxRetries; attempt += 1) {
    if (attempt > 0 && last) {
      const wait = last.retryAfterMs ?? backoff(attempt);
      await call.sleep(wait);
    }
    call.attempts += 1;
    let content: string;
    // The client reports its own timeout as a generic connection error in some runtimes (the abort
    // reason crosses a realm and loses its type), so the attempt's timer is ours and we know it fired.
    const timer = new AbortController();
    let timedOut = false;
    const handle = setTimeout(() => {
      timedOut = true;
      timer.abort();
    }, call.timeoutMs);
    const onCallerAbort = () => timer.abort();
    call.signal?.addEventListener("abort", onCallerAbort, { once: true });
    if (call.signal?.aborted) timer.abort();
    try {
      const completion = await call.client.chat.completions.create(
        {
          model: call.model,
          messages: [
            { role: "system", content: prompt.system },
            { role: "user", content: prompt.user },
          ],
        },
        { signal: timer.signal },
      );
      const embedded = (completion as unknown as { error?: { code?: unknown; message?: unknown } }).error;
      if (!completion.choices?.length && embedded) {
        // OpenRouter reports some upstream failures as HTTP 200 with an error object.
        throw APIError.generate(Number(embedded.code) || 502, { error: embedded }, undefined, new Headers());
      }
      content = completion.choices?.[0]?.message?.content ?? "";
      recordLlmCall(call.model, "ok", completion.usage);
    } catch (err) {
      last = call.signal?.aborted
        ? { code: "LLM_UNAVAILABLE", retryable: false, message: "The request to the model provider was aborted" }
        : timedOut
          ? { code: "LLM_TIMEOUT", retryable: true, message: "The model provider did not answer in time" }
          : classify(err, call.scrub);
      recordLlmCall(call.model, last.code, null, last.providerStatus);
      if (!last.retryable || attempt === maxRetries) throw toError(last, call, attempt + 1);
      if (last.retryAfterMs !== undefined && last.retryAfterMs > MAX_RETRY_AFTER_MS) throw toError(last, call, attempt + 1);
      continue;
    } finally {
      clearTimeout(handle);
      call.signal?.removeEventListener("abort", onCallerAbort);
    }
    const tags = parseTagList(content);
    if (tags && tags.length > 0) return { tags, content };
    last = {
      code: "LLM_BAD_RESPONSE",
      retryable: true,
      message: "The model's answer was not a list of tags",
    };
    if (attempt === maxRetries) throw toError(last, call, attempt + 1, call.scrub(content).slice(0, 500));
  }
  // Unreachable: the loop returns or throws on its last attempt.
  throw toError(last ?? { code: "LLM_UNAVAILABLE", retryable: false, message: "No attempt was made" }, call, 0);
}

interface Failure {
  code: TaggerErrorCode;
  retryable: boolean;
  message: string;
  providerStatus?: number;
  retryAfterMs?: number;
}

const FINAL_MESSAGE: Partial<Record<TaggerErrorCode, string>> = {
  LLM_RATE_LIMIT: "The model provider is rate limiting requests; retries are spent",
  LLM_TIMEOUT: "The model provider did not answer in time",
  LLM_UNAVAILABLE: "The model provider is unavailable",
  LLM_BAD_RESPONSE: "The model did not answer with a usable list of tags",
};

function toError(f: Failure, call: CallContext, attempts: number, answer?: string): TaggerError {
  const message = call.scrub(f.retryable ? (FINAL_MESSAGE[f.code] ?? f.message) : f.message);
  return new TaggerError(f.code, message, {
    providerStatus: f.providerStatus,
    attempts,
    retryAfterMs: f.retryAfterMs,
    model: call.model,
    ...(answer !== undefined ? { answer } : {}),
  });
}

/** Maps what the client threw to a failure kind; provider messages are key-scrubbed and shortened. */
export function classify(err: unknown, scrub: (s: string) => string = (s) => s): Failure {
  if (err instanceof APIUserAbortError) {
    return { code: "LLM_UNAVAILABLE", retryable: false, message: "The request to the model provider was aborted" };
  }
  if (err instanceof APIConnectionTimeoutError) {
    return { code: "LLM_TIMEOUT", retryable: true, message: "The model provider did not answer in time" };
  }
  if (err instanceof APIConnectionError) {
    return { code: "LLM_UNAVAILABLE", retryable: true, message: "The model provider could not be reached" };
  }
  if (err instanceof APIError && typeof err.status === "number") {
    const status = err.status;
    const detail = providerDetail(err, scrub);
    const retryAfterMs = retryAfter(err.headers);
    const base = { providerStatus: status, retryAfterMs };
    if (status === 401 || status === 403) {
      return { ...base, code: "LLM_AUTH", retryable: false, message: `The model provider rejected the API key (HTTP ${status})${detail}` };
    }
    if (status === 402) {
      return { ...base, code: "LLM_AUTH", retryable: false, message: `The model provider refused the API key's account: payment required${detail}` };
    }
    if (status === 404 || (status === 400 && /model/i.test(detail))) {
      return { ...base, code: "LLM_MODEL", retryable: false, message: `The model provider does not offer this model (HTTP ${status})${detail}` };
    }
    if (status === 429) return { ...base, code: "LLM_RATE_LIMIT", retryable: true, message: `Rate limited${detail}` };
    if (status === 408) return { ...base, code: "LLM_TIMEOUT", retryable: true, message: `Provider timeout${detail}` };
    if (status === 409 || status === 425 || status >= 500) {
      return { ...base, code: "LLM_UNAVAILABLE", retryable: true, message: `Provider error (HTTP ${status})${detail}` };
    }
    return { ...base, code: "LLM_REJECTED", retryable: false, message: `The model provider rejected the request (HTTP ${status})${detail}` };
  }
  // Anything else (a body that is not JSON, a proxy's HTML page) is an answer we could not use.
  return { code: "LLM_BAD_RESPONSE", retryable: true, message: "The model provider sent an unreadable answer" };
}

function providerDetail(err: APIError, scrub: (s: string) => string): string {
  const body = err.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const raw = typeof body?.message === "string" ? body.message : typeof body?.error?.message === "string" ? body.error.message : "";
  const clean = redactKeyShapes(scrub(raw)).replace(/\s+/g, " ").trim().slice(0, 200);
  return clean ? `: ${clean}` : "";
}

/** Retry-After (seconds or HTTP date) or the non-standard retry-after-ms, in milliseconds. */
export function retryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get("retry-after");
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... capped at 30 s. */
function backoff(attempt: number): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Removes the key, and anything shaped like a provider key, from text that may reach a caller. */
function scrubber(apiKey: string): (s: string) => string {
  const key = apiKey.trim();
  return (s: string) => {
    const out = key.length >= 4 ? s.split(key).join("[redacted]") : s;
    return redactKeyShapes(out);
  };
}

/** Providers echo partial keys ("Incorrect API key provided: sk-ab***yz"): hide anything key-shaped. */
function redactKeyShapes(s: string): string {
  return s.replace(/\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{4,}/g, "[redacted]");
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return space > max * 0.8 ? cut.slice(0, space) : cut;
}

interface PromptInput {
  text: string;
  title?: string;
  count: number;
  exclusions: readonly string[];
  avoid: readonly string[];
}

/** The prompt; exported so tests and the fake provider agree on its shape. */
export function buildPrompt(p: PromptInput): Prompt {
  const rules = [
    "Each tag is 1 to 5 words, lower case (keep proper nouns and acronyms as written), words separated by spaces.",
    "Tags name the document's subjects, key concepts, organisations, places and document type.",
    "No reference numbers, dates, page numbers, file names or boilerplate (copyright notices, \"table of contents\").",
    "No duplicates or near-duplicates (singular and plural of the same tag count as one).",
    "Write the tags in the language of the document.",
  ];
  if (p.exclusions.length > 0) {
    rules.push(`Do not use these words, nor tags containing them: ${p.exclusions.map((w) => JSON.stringify(w)).join(", ")}.`);
  }
  if (p.avoid.length > 0) {
    rules.push(`These tags are already chosen; give different ones: ${p.avoid.map((w) => JSON.stringify(w)).join(", ")}.`);
  }
  const user = [
    `Generate exactly ${p.count} tags for the document below.`,
    "Rules:",
    ...rules.map((r) => `- ${r}`),
    `Answer with a JSON array of exactly ${p.count} strings and nothing else, for example ["first tag", "second tag"].`,
    "",
    ...(p.title ? [`Title: ${p.title}`] : []),
    "Document:",
    '"""',
    p.text,
    '"""',
  ].join("\n");
  return {
    system: "You assign subject tags to documents for a document library. You answer with a JSON array of strings only.",
    user,
  };
}

/**
 * The tag list in a model's answer: a JSON array, a JSON object with `tags` (or `keywords`), either inside
 * a fenced code block or surrounded by prose, else a newline- or comma-separated list. Undefined when
 * the answer is prose or empty.
 */
export function parseTagList(content: string): string[] | undefined {
  let s = content.replace(/<think>[\s\S]*?<\/think>/gi, "").trim();
  if (s.length === 0) return undefined;
  const fence = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/.exec(s);
  if (fence) s = fence[1].trim();

  const json =
    fromJson(s) ??
    fromJson(between(s, "[", "]")) ??
    fromJson(between(s, "{", "}"));
  if (json) return json.length > 0 ? json : undefined;

  const lines = s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !/:$/.test(l));
  let items: string[];
  if (lines.length > 1) {
    items = lines.flatMap((l) => (/^\s*(?:[-*•]|\d+[.)])/.test(l) ? [l] : l.split(",")));
  } else {
    // One line: a comma list, unless it reads as a sentence ("Sorry, I cannot help with that.").
    if (/[.!?]$|[.!?]\s/.test(s)) return undefined;
    items = s.split(/[,;]/);
  }
  items = items.map((i) => i.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "").trim()).filter((i) => i.length > 0);
  if (items.length === 0 || items.some((i) => i.split(/\s+/).length > 8)) return undefined;
  return items;
}

function between(s: string, open: string, close: string): string {
  const a = s.indexOf(open);
  const b = s.lastIndexOf(close);
  return a >= 0 && b > a ? s.slice(a, b + 1) : "";
}

function fromJson(s: string): string[] | undefined {
  if (!s) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch {
    return undefined;
  }
  const list = (v: unknown): string[] | undefined => {
    if (!Array.isArray(v)) return undefined;
    const out = v.flatMap((x) => {
      if (typeof x === "string") return [x];
      if (x && typeof x === "object") {
        const o = x as Record<string, unknown>;
        const t = o.tag ?? o.name ?? o.keyword ?? o.label;
        return typeof t === "string" ? [t] : [];
      }
      return [];
    });
    return out;
  };
  if (Array.isArray(value)) return list(value);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    for (const k of ["tags", "keywords", "keyphrases", "labels"]) {
      const l = list(o[k]);
      if (l) return l;
    }
    const arrays = Object.values(o).filter(Array.isArray);
    if (arrays.length === 1) return list(arrays[0]);
  }
  return undefined;
}
