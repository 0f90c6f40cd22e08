/**
 * Renders any error as the documented body of the API family that owns the path:
 * - the tag generator (`/api/*`, `/`): FastAPI's `{"detail": "..."}`, and `422` with
 *   `{"detail": [{loc, msg, type}]}` for request validation;
 * - the Smart Redact orchestrator (`/v1/*`, `/healthz/*`): `ApiErrorResponse`
 *   `{type, title, status, traceId, detail, errors}`.
 * 5xx bodies carry the trace id and nothing else of the failure: internals go to the log only.
 */
import { ERROR_CATALOG, type ErrorType, type FieldError, type WireError } from "../errors";

export type ApiFamily = "tagger" | "orchestrator";

export function familyOf(url: string | undefined): ApiFamily {
  const path = (url ?? "/").split("?")[0];
  return path.startsWith("/v1/") || path === "/v1" || path.startsWith("/healthz") ? "orchestrator" : "tagger";
}

export interface RenderedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const RFC9110: Record<number, string> = {
  400: "15.5.1",
  401: "15.5.2",
  403: "15.5.4",
  404: "15.5.5",
  405: "15.5.6",
  409: "15.5.10",
  410: "15.5.11",
  413: "15.5.14",
  415: "15.5.16",
  422: "15.5.21",
  429: "6585#section-4",
  500: "15.6.1",
  502: "15.6.3",
  503: "15.6.4",
};

/** Maps errors raised by moleculer, moleculer-web and body-parser onto our catalog. */
export function classify(err: WireError & { status?: number; statusCode?: number; expose?: boolean }): {
  type: ErrorType;
  status: number;
  message: string;
  fields?: FieldError[];
  retryAfter?: number;
} {
  const type = err.type;
  // moleculer-web's unknown-route error shares the NOT_FOUND type name with our catalog.
  if (err.name === "NotFoundError") return { type: "ROUTE_NOT_FOUND", status: 404, message: "Not Found" };
  // Moleculer's own validator raises VALIDATION_ERROR with fastest-validator's list as `data`.
  if (type === "VALIDATION_ERROR" && Array.isArray(err.data)) {
    const items = err.data as Array<{ field?: string; message?: string; type?: string }>;
    const fields = items.map((i) => ({ field: i.field ?? "body", message: i.message ?? "is invalid", kind: i.type }));
    return { type: "VALIDATION_ERROR", status: 422, message: fields.map((f) => f.message).join("; ") || "Validation failed", fields };
  }
  if (type && type in ERROR_CATALOG) {
    const entry = ERROR_CATALOG[type as ErrorType];
    return {
      type: type as ErrorType,
      status: entry.code,
      message: err.message || entry.message,
      fields: err.data?.fields,
      retryAfter: err.data?.retryAfter,
    };
  }
  // fastest-validator errors from the broker's validator middleware.
  if (err.name === "ValidationError" || type === "VALIDATION_ERROR") {
    const items = Array.isArray(err.data) ? (err.data as Array<{ field?: string; message?: string; type?: string }>) : [];
    const fields = items.map((i) => ({ field: i.field ?? "body", message: i.message ?? "is invalid", kind: i.type }));
    return { type: "VALIDATION_ERROR", status: 422, message: fields.map((f) => f.message).join("; ") || "Validation failed", fields };
  }
  // body-parser errors (JSON bodies) arrive with an http status and a type string.
  const bp = (err as { type?: string }).type;
  if (bp === "entity.parse.failed") return { type: "INVALID_JSON", status: 400, message: ERROR_CATALOG.INVALID_JSON.message };
  if (bp === "entity.too.large") return { type: "PAYLOAD_TOO_LARGE", status: 413, message: ERROR_CATALOG.PAYLOAD_TOO_LARGE.message };
  if (bp === "encoding.unsupported" || bp === "charset.unsupported")
    return { type: "UNSUPPORTED_MEDIA_TYPE", status: 415, message: ERROR_CATALOG.UNSUPPORTED_MEDIA_TYPE.message };
  // moleculer-web's own errors.
  if (type === "NOT_FOUND" || err.name === "NotFoundError") return { type: "ROUTE_NOT_FOUND", status: 404, message: "Not Found" };
  if (type === "RATE_LIMIT_EXCEEDED") return { type: "TOO_MANY_REQUESTS", status: 429, message: ERROR_CATALOG.TOO_MANY_REQUESTS.message };
  if (err.name === "ServiceNotFoundError" || err.name === "ServiceNotAvailableError" || type === "SERVICE_NOT_AVAILABLE")
    return { type: "SERVICE_UNAVAILABLE", status: 503, message: "A service needed for this request is not available; try again shortly" };
  if (err.name === "RequestTimeoutError") return { type: "SERVICE_UNAVAILABLE", status: 503, message: "The request timed out inside docmill; try again shortly" };
  const status = typeof err.code === "number" ? err.code : err.status ?? err.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // A 4xx from somewhere we did not catalogue: keep the status and its message (it is the caller's fault).
    return { type: status === 404 ? "NOT_FOUND" : "BAD_REQUEST", status, message: err.message || "Bad request" };
  }
  return { type: "INTERNAL", status: 500, message: ERROR_CATALOG.INTERNAL.message };
}

export function renderError(family: ApiFamily, err: unknown, traceId: string): RenderedError {
  const c = classify((err ?? {}) as WireError);
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8" };
  if (c.retryAfter) headers["Retry-After"] = String(Math.ceil(c.retryAfter));
  const safeMessage = c.status >= 500 ? ERROR_CATALOG[c.type].message : c.message;

  if (family === "tagger") {
    if (c.type === "VALIDATION_ERROR") {
      const fields = c.fields?.length ? c.fields : [{ field: "body", message: c.message, kind: "value_error" }];
      return {
        status: 422,
        headers,
        body: {
          detail: fields.map((f) => ({ loc: ["body", ...f.field.split(".")], msg: f.message, type: f.kind ?? "value_error" })),
        },
      };
    }
    const body: Record<string, unknown> = { detail: safeMessage };
    if (c.status >= 500) body.trace_id = traceId;
    return { status: c.status, headers, body };
  }

  // The orchestrator answers validation problems with 400 and a field map, as ASP.NET does.
  const status = c.type === "VALIDATION_ERROR" ? 400 : c.status;
  const body: Record<string, unknown> = {
    type: `https://tools.ietf.org/html/rfc${RFC9110[status]?.includes("#") ? RFC9110[status] : `9110#section-${RFC9110[status] ?? "15.6.1"}`}`,
    title: ERROR_CATALOG[c.type].title,
    status,
    traceId,
    detail: safeMessage,
    code: c.type,
  };
  if (c.fields?.length) {
    const errors: Record<string, string[]> = {};
    for (const f of c.fields) (errors[f.field] ??= []).push(f.message);
    body.errors = errors;
  }
  headers["Content-Type"] = "application/problem+json; charset=utf-8";
  return { status, headers, body };
}
