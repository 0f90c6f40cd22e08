/**
 * Errors of the tag generator. `code` is the machine code the brief fixed (also exposed as `type`, the
 * field the house style branches on); `status` is the HTTP status the gateway should answer with, so
 * that a bad provider key becomes a 4xx for the caller and not a 500. Messages never contain the API key.
 */

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
 * HTTP status per code: 4xx where the caller can fix it (key, model, input), 502 when the provider
 * failed or did not answer in time (the catalog's LLM_UNAVAILABLE, docs/errors.md). Kept equal to the
 * catalog entry the tagger API maps each code to by test/unit/apis/error-statuses.test.ts.
 */
export const TAGGER_ERROR_STATUS: Readonly<Record<TaggerErrorCode, number>> = {
  INVALID_INPUT: 400,
  // Not 401: the caller authenticated to docmill fine; it is their provider key that failed.
  LLM_AUTH: 400,
  LLM_MODEL: 400,
  LLM_REJECTED: 400,
  LLM_RATE_LIMIT: 429,
  LLM_TIMEOUT: 502,
  LLM_BAD_RESPONSE: 502,
  LLM_UNAVAILABLE: 502,
};

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
