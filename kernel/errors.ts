/**
 * The error catalog (STYLE.md, convention 4). Every error that leaves a service is one of these: a fixed
 * HTTP-like `code`, a unique machine `type`, and `data` for context. Classes do not survive the wire, so
 * callers and the gateway branch on `err.type`, never on `instanceof`.
 *
 * The gateway renders each API family's documented body from `type`, `code`, `message` and `data`:
 * each family's `renderError` in apis/<family>/family.ts (e.g. `{"detail": ...}`, `ApiErrorResponse`).
 */
import { Errors } from "moleculer";

const { MoleculerClientError, MoleculerError } = Errors;

/** One field-level validation problem. */
export interface FieldError {
  field: string;
  message: string;
  /** fastest-validator rule type or our own short code, e.g. "required", "stringMin". */
  kind?: string;
}

export interface CatalogEntry {
  code: number;
  /** The message a client sees when the thrower gives none. */
  message: string;
  /** A short RFC 9110-style title, for families whose error body has a `title`. */
  title: string;
}

/**
 * Every error type docmill throws. Tests keep this table, the classes below and docs/errors.md in sync.
 * Messages of the auth errors are the tag generator seed's exact wording.
 */
export const ERROR_CATALOG = {
  VALIDATION_ERROR: { code: 422, title: "One or more validation errors occurred.", message: "Validation failed" },
  BAD_REQUEST: { code: 400, title: "Bad Request", message: "Bad request" },
  INVALID_JSON: { code: 400, title: "Bad Request", message: "The request body is not valid JSON" },
  UNAUTHORIZED: { code: 401, title: "Unauthorized", message: "Could not validate credentials" },
  TOKEN_EXPIRED: { code: 401, title: "Unauthorized", message: "Token has expired" },
  INVALID_CREDENTIALS: { code: 401, title: "Unauthorized", message: "Invalid email or password" },
  INVALID_REFRESH_TOKEN: { code: 401, title: "Unauthorized", message: "Invalid or expired refresh token" },
  API_KEY_INVALID: { code: 401, title: "Unauthorized", message: "Missing or invalid API key" },
  API_KEY_REVOKED: { code: 401, title: "Unauthorized", message: "The API key has been revoked" },
  API_KEY_EXPIRED: { code: 401, title: "Unauthorized", message: "The API key has expired" },
  ACCOUNT_DISABLED: { code: 403, title: "Forbidden", message: "Your account has been disabled" },
  FORBIDDEN: { code: 403, title: "Forbidden", message: "You do not have permission to perform this action" },
  API_KEY_NOT_ALLOWED: {
    code: 403,
    title: "Forbidden",
    message: "API keys are accepted on the jobs endpoints only; sign in to use this endpoint",
  },
  NOT_FOUND: { code: 404, title: "Not Found", message: "Not found" },
  ROUTE_NOT_FOUND: { code: 404, title: "Not Found", message: "Not Found" },
  METHOD_NOT_ALLOWED: { code: 405, title: "Method Not Allowed", message: "Method Not Allowed" },
  CONFLICT: { code: 409, title: "Conflict", message: "Conflict" },
  EMAIL_TAKEN: { code: 400, title: "Bad Request", message: "Email already registered" },
  JOB_STATE_CONFLICT: { code: 409, title: "Conflict", message: "The job is not in a state that allows this" },
  FILE_NOT_READY: { code: 409, title: "Conflict", message: "The file is not available yet" },
  GONE: { code: 410, title: "Gone", message: "The resource has expired" },
  PAYLOAD_TOO_LARGE: { code: 413, title: "Payload Too Large", message: "The request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { code: 415, title: "Unsupported Media Type", message: "Unsupported media type" },
  PDF_INVALID: { code: 400, title: "Bad Request", message: "The uploaded file could not be read as a PDF" },
  PDF_ENCRYPTED: { code: 400, title: "Bad Request", message: "The PDF is encrypted; upload it without a password" },
  TOO_MANY_REQUESTS: { code: 429, title: "Too Many Requests", message: "Too many requests; try again later" },
  UPSTREAM_AUTH: { code: 400, title: "Bad Request", message: "The language model provider rejected the API key" },
  UPSTREAM_ERROR: { code: 502, title: "Bad Gateway", message: "The upstream service failed" },
  LLM_UNAVAILABLE: { code: 502, title: "Bad Gateway", message: "The language model provider failed or did not answer in time; try again later" },
  TAGGING_FAILED: { code: 500, title: "Internal Server Error", message: "Tag generation failed" },
  INTERNAL: { code: 500, title: "Internal Server Error", message: "Internal server error" },
  SERVICE_UNAVAILABLE: { code: 503, title: "Service Unavailable", message: "Service unavailable" },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorType = keyof typeof ERROR_CATALOG;

export interface ErrorData {
  /** Field-level problems (validation). */
  fields?: FieldError[];
  /** Seconds the client should wait (429). */
  retryAfter?: number;
  [key: string]: unknown;
}

/** A 4xx error: the caller can fix it. */
export class DocmillClientError extends MoleculerClientError {
  constructor(type: ErrorType, message?: string, data?: ErrorData) {
    const entry = ERROR_CATALOG[type];
    super(message ?? entry.message, entry.code, type, data);
    this.name = "DocmillClientError";
  }
}

/** A 5xx error: our fault or a dependency's; never carries internals to the client. */
export class DocmillServerError extends MoleculerError {
  constructor(type: ErrorType, message?: string, data?: ErrorData, cause?: unknown) {
    const entry = ERROR_CATALOG[type];
    super(message ?? entry.message, entry.code, type, data);
    this.name = "DocmillServerError";
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** Throws the right class for the catalog entry. */
export function fail(type: ErrorType, message?: string, data?: ErrorData): never {
  if (ERROR_CATALOG[type].code >= 500) throw new DocmillServerError(type, message, data);
  throw new DocmillClientError(type, message, data);
}

export function validationError(fields: FieldError[], message?: string): DocmillClientError {
  return new DocmillClientError("VALIDATION_ERROR", message ?? fields.map((f) => f.message).join("; "), { fields });
}

/** Shape of any error as it arrives from the wire (classes are lost, properties survive). */
export interface WireError {
  name?: string;
  message?: string;
  code?: number | string;
  type?: string;
  data?: ErrorData;
}

export function isErrorType(err: unknown, type: ErrorType): boolean {
  return typeof err === "object" && err !== null && (err as WireError).type === type;
}

/** Wraps an unknown failure into an INTERNAL error, keeping the cause for logs only. */
export function wrapInternal(err: unknown, message = "Internal server error"): DocmillServerError {
  return new DocmillServerError("INTERNAL", message, undefined, err);
}
