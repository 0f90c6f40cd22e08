/**
 * From a failed runtime job of the tagging plugin to the tag generator API's error: 400 for the document
 * or the caller's settings (bad PDF, too little text, bad provider key, unknown model), 429 when the
 * provider kept rate-limiting, 502 when it failed or timed out, 503 when OCR of a scan ran out of time,
 * 500 only for our own failures.
 */
import { DocmillClientError, DocmillServerError, type ErrorType } from "../../kernel/errors";

export interface JobFailure {
  type: string;
  message: string;
}

const MAP: Record<string, { type: ErrorType; prefix?: string }> = {
  PDF_CORRUPT: { type: "PDF_INVALID", prefix: "Failed to extract text from PDF: " },
  PDF_EMPTY: { type: "PDF_INVALID", prefix: "Failed to extract text from PDF: " },
  PDF_TOO_MANY_PAGES: { type: "PDF_INVALID" },
  PDF_ENCRYPTED: { type: "PDF_ENCRYPTED" },
  PDF_LIMIT_EXCEEDED: { type: "PAYLOAD_TOO_LARGE" },
  COMPUTE_LIMIT_EXCEEDED: { type: "PAYLOAD_TOO_LARGE" },
  INSUFFICIENT_TEXT: { type: "BAD_REQUEST" },
  // The scan's OCR ran out of time: the server was too busy, the document is fine (retry later).
  OCR_TIMEOUT: { type: "SERVICE_UNAVAILABLE" },
  OCR_LANGUAGE_UNAVAILABLE: { type: "BAD_REQUEST" },
  CANNOT_RUN: { type: "BAD_REQUEST" },
  UNSUPPORTED_MEDIA_TYPE: { type: "BAD_REQUEST" },
  INVALID_INPUT: { type: "BAD_REQUEST" },
  INVALID_VOCABULARY: { type: "BAD_REQUEST" },
  // The stored vocabulary the request named was deleted before its document ran.
  VOCABULARY_NOT_FOUND: { type: "BAD_REQUEST" },
  LLM_AUTH: { type: "UPSTREAM_AUTH" },
  LLM_MODEL: { type: "BAD_REQUEST" },
  LLM_REJECTED: { type: "BAD_REQUEST" },
  LLM_RATE_LIMIT: { type: "TOO_MANY_REQUESTS" },
  LLM_TIMEOUT: { type: "LLM_UNAVAILABLE" },
  LLM_UNAVAILABLE: { type: "LLM_UNAVAILABLE" },
  LLM_BAD_RESPONSE: { type: "LLM_UNAVAILABLE" },
  CANCELLED: { type: "JOB_STATE_CONFLICT", prefix: "The request was cancelled: " },
};

/** The catalogued error a client sees for a failed tagging job. */
export function apiErrorOf(f: JobFailure): DocmillClientError | DocmillServerError {
  const m = MAP[f.type];
  if (!m) return new DocmillServerError("TAGGING_FAILED", `Tag generation failed: ${f.message}`, { cause: f.type });
  return new DocmillClientError(m.type, `${m.prefix ?? ""}${f.message}`, { reason: f.type });
}

/** The reference's optional `error_type` of a batch document's progress message. */
export function batchErrorType(type: string | null | undefined): "rate-limit" | "model-error" | "network" | undefined {
  if (type === "LLM_RATE_LIMIT") return "rate-limit";
  if (type === "LLM_MODEL" || type === "LLM_AUTH" || type === "LLM_REJECTED" || type === "LLM_BAD_RESPONSE") return "model-error";
  if (type === "LLM_TIMEOUT" || type === "LLM_UNAVAILABLE" || type === "URL_FETCH") return "network";
  return undefined;
}
