/**
 * Errors of the tag generator. `code` is the machine code the brief fixed (also exposed as `type`, the
 * field the house style branches on); `status` is the HTTP status the gateway should answer with, so
 * that a bad provider key becomes a 4xx for the caller and not a 500. Messages never contain the API key.
 */
import { defineErrorCodes, type ErrorCode } from "../../../sdk/error-codes";

export type TaggerErrorCode =
  | "INVALID_INPUT"
  | "LLM_AUTH"
  | "LLM_MODEL"
  | "LLM_REJECTED"
  | "LLM_RATE_LIMIT"
  | "LLM_TIMEOUT"
  | "LLM_BAD_RESPONSE"
  | "LLM_UNAVAILABLE";

/**
 * The tagger's codes in the error catalog (docs/errors.md). Status: 4xx where the caller can fix it (key,
 * model, input), 502 when the provider failed or did not answer in time (the catalog's LLM_UNAVAILABLE).
 * test/unit/kernel/error-catalog.test.ts keeps each equal to the catalog entry the tagger API maps it to.
 */
export const TAGGER_ERRORS = defineErrorCodes<TaggerErrorCode>({
  INVALID_INPUT: { status: 400, message: "The text or the tag options cannot be tagged (empty text, a tag count out of range)", fix: "Send a document with readable text and options in the documented ranges" },
  // Not 401: the caller authenticated to docmill fine; it is their provider key that failed.
  LLM_AUTH: { status: 400, message: "The language model provider rejected the API key", fix: "Check the provider API key sent with the request" },
  LLM_MODEL: { status: 400, message: "The provider does not know the model, or the key may not use it", fix: "Ask for a model the provider offers to that key" },
  LLM_REJECTED: { status: 400, message: "The provider refused the request (content policy, context too long)", fix: "Send a shorter document, or use another model" },
  LLM_RATE_LIMIT: { status: 429, message: "The provider kept rate-limiting the key after the retries", fix: "Wait and retry, or raise the key's quota with the provider" },
  LLM_TIMEOUT: { status: 502, message: "The provider did not answer in time", fix: "Retry later; an operator can raise LLM_TIMEOUT_MS" },
  LLM_BAD_RESPONSE: { status: 502, message: "The provider's answer could not be read as tags", fix: "Retry, or use another model" },
  LLM_UNAVAILABLE: { status: 502, message: "The provider failed or could not be reached", fix: "Retry later, or use another provider" },
});

/** HTTP status per code (TAGGER_ERRORS' statuses). */
export const TAGGER_ERROR_STATUS: Readonly<Record<TaggerErrorCode, number>> = Object.fromEntries(
  Object.entries(TAGGER_ERRORS).map(([c, e]) => [c, (e as ErrorCode).status]),
) as Record<TaggerErrorCode, number>;

export interface TaggerErrorData {
  /** HTTP status the provider answered with, when it answered. */
  providerStatus?: number;
  /** Attempts made (1 + retries). */
  attempts?: number;
  /** Retry-After the provider asked for, in milliseconds. */
  retryAfterMs?: number;
  model?: string;
  [key: string]: unknown;
}

/** Thrown by the tagger for every failure it can name. */
export class TaggerError extends Error {
  readonly code: TaggerErrorCode;
  readonly type: TaggerErrorCode;
  readonly status: number;
  readonly data: TaggerErrorData;
  readonly retryable: boolean;

  constructor(code: TaggerErrorCode, message: string, data: TaggerErrorData = {}) {
    super(message);
    this.name = "TaggerError";
    this.code = code;
    this.type = code;
    this.status = TAGGER_ERROR_STATUS[code];
    this.data = data;
    this.retryable = code === "LLM_RATE_LIMIT" || code === "LLM_TIMEOUT" || code === "LLM_UNAVAILABLE";
  }
}

/** True for a TaggerError, also one that crossed a process boundary as a plain object. */
export function isTaggerError(err: unknown): err is TaggerError {
  return (
    typeof err === "object" && err !== null && (err as { name?: unknown }).name === "TaggerError" &&
    typeof (err as { code?: unknown }).code === "string" && (err as { code: string }).code in TAGGER_ERROR_STATUS
  );
}
