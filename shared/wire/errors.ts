/**
 * The two API families' error bodies, declared once: the server renders them (apis/orchestrator/family.ts,
 * apis/tagger/family.ts `renderError`), the OpenAPI document's schemas name exactly these fields (checked
 * by the compiler there) and the web app reads them (web/src/api/client.ts `errorFrom`). Types only.
 */

/** The orchestrator's `ApiErrorResponse` (smart-redact-api.md §10; RFC 9457 problem details). */
export interface ApiErrorResponse {
  /** URI naming the error type (RFC 9110 section of the status). */
  type: string;
  title: string;
  status: number;
  traceId: string;
  detail?: string;
  /** Field name -> messages (validation, 400). */
  errors?: Record<string, string[]>;
  /** docmill's machine-readable type (docs/errors.md), additive. */
  code?: string;
}

/** One entry of the tag generator's FastAPI validation list (422). */
export interface TaggerValidationItem {
  loc: string[];
  msg: string;
  type: string;
}

/** The tag generator's `{detail}` body; `trace_id` on 5xx answers only. */
export interface TaggerErrorBody {
  detail: string | TaggerValidationItem[];
  trace_id?: string;
}

/** The keys of T that are not optional (for checking a schema's `required` list against its type). */
export type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
