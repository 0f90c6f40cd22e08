/**
 * From a failed runtime job of the tagging plugin to the tag generator API's error: 400 for the document
 * or the caller's settings (bad PDF, too little text, bad provider key, unknown model), 429 when the
 * provider kept rate-limiting, 502 when it failed or timed out, 503 when OCR of a scan ran out of time,
 * 500 only for our own failures.
 */
import { DocmillClientError, DocmillServerError, type ErrorType } from "../../kernel/errors";
import type { ErrorCodes } from "../../sdk/error-codes";

export interface JobFailure {
  type: string;
  message: string;
}

/**
 * The codes the tag generator family gives a document row itself (kernel/gateway/families.ts registers
 * them into the error catalog). A batch row shows them as `error_type`/`error_message`.
 */
export const TAGGER_ROW_ERRORS: ErrorCodes = {
  SOURCE_REFUSED: { status: 400, message: "The row's file source is not served here (a local path, S3)", fix: "Upload the file, or give an http(s) URL" },
  URL_FETCH: { status: 400, message: "The row's PDF could not be downloaded from its URL (refused address, timeout, not a PDF, too large)", fix: "Check that the URL is public and points to a PDF under the size limit" },
  DISPATCH: { status: 500, message: "The document's job could not be started", fix: "Retry the batch's failed rows; if it persists, report the batch id to the operator" },
  INTERRUPTED: { status: 500, message: "The process handling the document stopped before it finished", fix: "Retry the document" },
};

/** How this API answers each job error code: the catalog type (its status) and a message prefix. */
export const JOB_CODE_ANSWERS: Readonly<Record<string, { type: ErrorType; prefix?: string }>> = {
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
  UNSUPPORTED_MEDIA_TYPE: { type: "UNSUPPORTED_MEDIA_TYPE" },
  INVALID_INPUT: { type: "BAD_REQUEST" },
  INVALID_VOCABULARY: { type: "BAD_REQUEST" },
  // The stored vocabulary the request named was deleted before its document ran.
  VOCABULARY_NOT_FOUND: { type: "BAD_REQUEST" },
  RESOURCE_NOT_FOUND: { type: "BAD_REQUEST" },
  LLM_AUTH: { type: "UPSTREAM_AUTH" },
  LLM_MODEL: { type: "BAD_REQUEST" },
  LLM_REJECTED: { type: "BAD_REQUEST" },
  LLM_RATE_LIMIT: { type: "TOO_MANY_REQUESTS" },
  LLM_TIMEOUT: { type: "LLM_UNAVAILABLE" },
  LLM_UNAVAILABLE: { type: "LLM_UNAVAILABLE" },
  LLM_BAD_RESPONSE: { type: "LLM_UNAVAILABLE" },
  CANCELLED: { type: "JOB_STATE_CONFLICT", prefix: "The request was cancelled: " },
  // The worker that took the job does not host the plugin (a misconfigured worker): try again later.
  PLUGIN_NOT_HOSTED: { type: "SERVICE_UNAVAILABLE" },
  RESOURCE_TOO_LARGE: { type: "PAYLOAD_TOO_LARGE" },
  SOURCE_REFUSED: { type: "BAD_REQUEST" },
  URL_FETCH: { type: "BAD_REQUEST" },
};

/** The catalogued error a client sees for a failed tagging job. */
export function apiErrorOf(f: JobFailure): DocmillClientError | DocmillServerError {
  const m = Object.hasOwn(JOB_CODE_ANSWERS, f.type) ? JOB_CODE_ANSWERS[f.type] : undefined;
  if (!m) return new DocmillServerError("PROCESSING_FAILED", `Tag generation failed: ${f.message}`, { cause: f.type });
  return new DocmillClientError(m.type, `${m.prefix ?? ""}${f.message}`, { reason: f.type });
}

/** The reference's optional `error_type` of a batch document's progress message. */
export function batchErrorType(type: string | null | undefined): "rate-limit" | "model-error" | "network" | undefined {
  if (type === "LLM_RATE_LIMIT") return "rate-limit";
  if (type === "LLM_MODEL" || type === "LLM_AUTH" || type === "LLM_REJECTED" || type === "LLM_BAD_RESPONSE") return "model-error";
  if (type === "LLM_TIMEOUT" || type === "LLM_UNAVAILABLE" || type === "URL_FETCH") return "network";
  return undefined;
}
