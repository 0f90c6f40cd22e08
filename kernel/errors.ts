/**
 * The error catalog (STYLE.md, convention 4). Every error that leaves a service is one of these: a fixed
 * HTTP-like `code`, a unique machine `type`, and `data` for context. Classes do not survive the wire, so
 * callers and the gateway branch on `err.type`, never on `instanceof`.
 *
 * The gateway renders each API family's documented body from `type`, `code`, `message` and `data`:
 * each family's `renderError` in apis/<family>/family.ts (e.g. `{"detail": ...}`, `ApiErrorResponse`).
 */
import { Errors } from "moleculer";
import { errorCodeProblems, type ErrorCode, type ErrorCodes } from "../sdk/error-codes";
import { SDK_ERROR_CODES } from "../sdk/errors";

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
  /** What the client can do about it (docs/errors.md). */
  fix: string;
}

/**
 * Every error type docmill throws. Tests keep this table, the classes below and docs/errors.md in sync.
 * Messages of the auth errors are the tag generator seed's exact wording.
 */
export const ERROR_CATALOG = {
  VALIDATION_ERROR: { code: 422, title: "One or more validation errors occurred.", message: "Validation failed", fix: "Correct the fields the body lists and send the request again" },
  BAD_REQUEST: { code: 400, title: "Bad Request", message: "Bad request", fix: "Read the message: it names what is wrong with the request or the document" },
  INVALID_JSON: { code: 400, title: "Bad Request", message: "The request body is not valid JSON", fix: "Send a valid JSON body with Content-Type: application/json" },
  UNAUTHORIZED: { code: 401, title: "Unauthorized", message: "Could not validate credentials", fix: "Sign in again (or refresh the token) and send the access token as Authorization: Bearer <token>" },
  TOKEN_EXPIRED: { code: 401, title: "Unauthorized", message: "Token has expired", fix: "Get a new access token with the refresh token, or sign in again" },
  INVALID_CREDENTIALS: { code: 401, title: "Unauthorized", message: "Invalid email or password", fix: "Check the e-mail address and password" },
  INVALID_REFRESH_TOKEN: { code: 401, title: "Unauthorized", message: "Invalid or expired refresh token", fix: "Sign in again: the refresh token was used, revoked or has expired" },
  API_KEY_INVALID: { code: 401, title: "Unauthorized", message: "Missing or invalid API key", fix: "Send a valid API key in the X-API-Key header" },
  API_KEY_REVOKED: { code: 401, title: "Unauthorized", message: "The API key has been revoked", fix: "Create a new API key; a revoked one never works again" },
  API_KEY_EXPIRED: { code: 401, title: "Unauthorized", message: "The API key has expired", fix: "Create a new API key" },
  ACCOUNT_DISABLED: { code: 403, title: "Forbidden", message: "Your account has been disabled", fix: "Ask an administrator to enable the account" },
  FORBIDDEN: { code: 403, title: "Forbidden", message: "You do not have permission to perform this action", fix: "Use an account with the needed role, or ask an administrator for it" },
  API_KEY_NOT_ALLOWED: {
    code: 403,
    title: "Forbidden",
    message: "API keys are accepted on the jobs endpoints only; sign in to use this endpoint",
    fix: "Sign in with e-mail and password and use the access token for this endpoint",
  },
  NOT_FOUND: { code: 404, title: "Not Found", message: "Not found", fix: "Check the id: it does not exist, or it belongs to another user" },
  ROUTE_NOT_FOUND: { code: 404, title: "Not Found", message: "Not Found", fix: "Check the path and method against the API documentation (/docs)" },
  METHOD_NOT_ALLOWED: { code: 405, title: "Method Not Allowed", message: "Method Not Allowed", fix: "Use one of the methods the Allow header lists" },
  CONFLICT: { code: 409, title: "Conflict", message: "Conflict", fix: "Reload the resource and retry with its current state" },
  EMAIL_TAKEN: { code: 400, title: "Bad Request", message: "Email already registered", fix: "Sign in with that address, or register with another one" },
  JOB_STATE_CONFLICT: { code: 409, title: "Conflict", message: "The job is not in a state that allows this", fix: "Read the job's status first: the action is allowed only in the states the documentation names" },
  FILE_NOT_READY: { code: 409, title: "Conflict", message: "The file is not available yet", fix: "Wait until the job has finished (poll its status), then download" },
  GONE: { code: 410, title: "Gone", message: "The resource has expired", fix: "Run the job again: its files were removed after the retention period" },
  PAYLOAD_TOO_LARGE: { code: 413, title: "Payload Too Large", message: "The request body is too large", fix: "Send a smaller file; the limit is in the message" },
  UNSUPPORTED_MEDIA_TYPE: { code: 415, title: "Unsupported Media Type", message: "Unsupported media type", fix: "Send the content type the endpoint documents (a PDF: application/pdf)" },
  PDF_INVALID: { code: 400, title: "Bad Request", message: "The uploaded file could not be read as a PDF", fix: "Upload a complete, readable PDF (it opens in a PDF viewer)" },
  PDF_ENCRYPTED: { code: 400, title: "Bad Request", message: "The PDF is encrypted; upload it without a password", fix: "Upload the PDF without a password" },
  TOO_MANY_REQUESTS: { code: 429, title: "Too Many Requests", message: "Too many requests; try again later", fix: "Wait the seconds the Retry-After header gives, then retry" },
  UPSTREAM_AUTH: { code: 400, title: "Bad Request", message: "The language model provider rejected the API key", fix: "Check the language model API key you sent" },
  UPSTREAM_ERROR: { code: 502, title: "Bad Gateway", message: "The upstream service failed", fix: "Retry later; if it persists, the trace id finds the cause in the logs" },
  LLM_UNAVAILABLE: { code: 502, title: "Bad Gateway", message: "The language model provider failed or did not answer in time; try again later", fix: "Retry later, or use another model or provider" },
  PROCESSING_FAILED: { code: 500, title: "Internal Server Error", message: "Processing the document failed", fix: "Retry; if it persists, report the trace id to the operator" },
  INTERNAL: { code: 500, title: "Internal Server Error", message: "Internal server error", fix: "Retry; if it persists, report the trace id to the operator" },
  SERVICE_UNAVAILABLE: { code: 503, title: "Service Unavailable", message: "Service unavailable", fix: "Retry after a short wait (the server is busy or a dependency is restarting)" },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorType = keyof typeof ERROR_CATALOG;

/**
 * The codes a job of the runtime itself fails with (kernel/plugins/runner.ts, kernel/jobs): a job's
 * `error.type`, beside the SDK's and each plugin's own codes. A code that is also a type above
 * (SERVICE_UNAVAILABLE, INTERNAL, UNSUPPORTED_MEDIA_TYPE) is that entry and is not repeated.
 */
export const RUNTIME_JOB_ERRORS: ErrorCodes = {
  CANCELLED: { status: 409, message: "The job was cancelled (by its owner, or stopped over its memory budget)", fix: "Start a new job if you still need the result" },
  CANNOT_RUN: { status: 400, message: "The plugin's own check refused this input (its sentence says why)", fix: "Change the input or the options as the message says" },
  PLUGIN_ERROR: { status: 500, message: "The plugin failed with an error that names no code", fix: "Report the job id to the operator: the plugin and stage are on the job record and in the logs" },
  WORKER_LOST: { status: 500, message: "The job's worker stopped too many times while running it", fix: "Retry with a smaller document; the operator finds why the worker stopped in its logs" },
  DISPATCH_FAILED: { status: 500, message: "The job could not be handed to a worker (its message went to the dead-letter queue)", fix: "Retry; the operator checks that a worker for the plugin is running" },
  PLUGIN_NOT_HOSTED: { status: 503, message: "The worker that took the job does not host its plugin", fix: "Retry; the operator starts every worker of a processor with that plugin in its --plugins list" },
  RESOURCE_TOO_LARGE: { status: 413, message: "A resource the job names (a controlled vocabulary) is larger than a worker reads", fix: "Use a smaller resource, for example split the vocabulary in two" },
};

/** One row of the joint catalog: an API error type or a job's error code, with who raises it. */
export interface CatalogRow {
  type: string;
  status: number;
  message: string;
  fix: string;
  /** "api" for a type an API answers with; otherwise the code is a job's `error.type`. */
  kind: "api" | "job";
  /** "kernel", "sdk", a plugin id, or an API family id. */
  owner: string;
  /** RFC 9110-style title (API types only). */
  title?: string;
}

const registered = new Map<string, { owner: string; entry: ErrorCode }>();

/**
 * Adds `owner`'s error codes to the joint catalog (the plugin loader for a manifest's `errors`, an API
 * family for its own job codes). Returns the problems, each with its fix (nothing is registered then):
 * a malformed table, or a code the catalog already has with another status. Registering the same code
 * again with the same status is a no-op, so loading plugins twice in one process is fine.
 */
export function registerErrorCodes(owner: string, codes: ErrorCodes | undefined): string[] {
  const problems = errorCodeProblems(codes);
  if (problems.length || !codes) return problems;
  for (const [type, entry] of Object.entries(codes)) {
    const known = statusOf(type);
    if (known !== undefined && known !== entry.status) {
      const by = isApiType(type) ? "the API types" : Object.hasOwn(RUNTIME_JOB_ERRORS, type) ? "the runtime" : (registered.get(type)?.owner ?? "the SDK");
      problems.push(`error code ${type} is already in the catalog (${by}) with status ${known}, not ${entry.status}: use that status or another code`);
    }
  }
  if (problems.length) return problems;
  for (const [type, entry] of Object.entries(codes)) {
    if (statusOf(type) === undefined) registered.set(type, { owner, entry });
  }
  return [];
}

function isApiType(type: string): type is ErrorType {
  return Object.hasOwn(ERROR_CATALOG, type);
}

function statusOf(type: string): number | undefined {
  if (isApiType(type)) return ERROR_CATALOG[type].code;
  const own = (codes: ErrorCodes) => (Object.hasOwn(codes, type) ? codes[type] : undefined);
  return (own(RUNTIME_JOB_ERRORS) ?? own(SDK_ERROR_CODES) ?? registered.get(type)?.entry)?.status;
}

/**
 * The one error catalog: the API types above, then every job error code (the runtime's, the SDK's, and
 * what plugins and API families registered), each once: a job code named like an API type (PDF_ENCRYPTED,
 * LLM_UNAVAILABLE) has that type's status and is that row. docs/errors.md is generated from it
 * (scripts/gen-error-docs.ts) and a test fails when the document is behind.
 */
export function errorCatalog(): CatalogRow[] {
  const rows: CatalogRow[] = Object.entries(ERROR_CATALOG).map(([type, e]) => ({
    type, status: e.code, title: e.title, message: e.message, fix: e.fix, kind: "api", owner: "kernel",
  }));
  const jobs = (owner: string, codes: ErrorCodes) =>
    Object.entries(codes).filter(([type]) => !isApiType(type)).map(([type, e]): CatalogRow => ({ type, status: e.status, message: e.message, fix: e.fix, kind: "job", owner }));
  rows.push(...jobs("kernel", RUNTIME_JOB_ERRORS), ...jobs("sdk", SDK_ERROR_CODES));
  const byOwner = [...registered].sort(([a, x], [b, y]) => x.owner.localeCompare(y.owner) || a.localeCompare(b));
  rows.push(...byOwner.map(([type, { owner, entry }]): CatalogRow => ({ type, status: entry.status, message: entry.message, fix: entry.fix, kind: "job", owner })));
  return rows;
}

/** The catalog row of a type or job code, if it has one. */
export function catalogRow(type: string): CatalogRow | undefined {
  return errorCatalog().find((r) => r.type === type);
}

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
