/**
 * Renders any error as the documented body of the API family that owns the path. The kernel classifies
 * the error onto the catalog (status, type, safe message, fields); the family (kernel/gateway/families.ts,
 * apis/<family>/render-error.ts) writes the body its clients parse.
 * 5xx bodies carry the trace id and nothing else of the failure: internals go to the log only.
 */
import { ERROR_CATALOG, type ErrorType, type FieldError, type WireError } from "../errors";
import { familyById, type RenderedError } from "./families";

export { familyOf, type RenderedError } from "./families";

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
  // moleculer-web answers an alias whose action has no running service with its own
  // ServiceUnavailableError (code 503, no type): a split deployment without that service, not a bug.
  if (err.name === "ServiceNotFoundError" || err.name === "ServiceNotAvailableError" || err.name === "ServiceUnavailableError" || type === "SERVICE_NOT_AVAILABLE")
    return { type: "SERVICE_UNAVAILABLE", status: 503, message: "A service needed for this request is not available; try again shortly" };
  if (err.name === "RequestTimeoutError") return { type: "SERVICE_UNAVAILABLE", status: 503, message: "The request timed out inside docmill; try again shortly" };
  const status = typeof err.code === "number" ? err.code : err.status ?? err.statusCode;
  // Any other 503 from the stack (a moleculer or moleculer-web error we did not name) is unavailability too.
  if (status === 503) return { type: "SERVICE_UNAVAILABLE", status: 503, message: "A service needed for this request is not available; try again shortly" };
  if (typeof status === "number" && status >= 400 && status < 500) {
    // A 4xx from somewhere we did not catalogue: keep the status and its message (it is the caller's fault).
    return { type: status === 404 ? "NOT_FOUND" : "BAD_REQUEST", status, message: err.message || "Bad request" };
  }
  return { type: "INTERNAL", status: 500, message: ERROR_CATALOG.INTERNAL.message };
}

export function renderError(familyId: string, err: unknown, traceId: string): RenderedError {
  const c = classify((err ?? {}) as WireError);
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8" };
  if (c.retryAfter) headers["Retry-After"] = String(Math.ceil(c.retryAfter));
  const family = familyById(familyId);
  const message = c.status >= 500 ? (family.serverMessages?.[c.type] ?? ERROR_CATALOG[c.type].message) : c.message;
  return family.renderError({ ...c, message }, traceId, headers);
}
