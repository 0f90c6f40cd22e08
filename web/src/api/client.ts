/**
 * The one place the app talks HTTP. The access token lives in this module's memory only (never in
 * localStorage); the refresh token is the orchestrator's HttpOnly cookie at Path=/v1/auth, which the
 * browser sends to /v1/auth/refresh by itself. A 401 triggers one silent refresh and a retry; a
 * refresh that fails signs the user out.
 */
import type { ApiErrorResponse, TaggerErrorBody } from "../../../shared/wire/errors";

/** A failed API call, readable whichever API family answered. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Field name → messages, from either family's validation body. */
    readonly fields: Record<string, string[]> = {},
    readonly traceId?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface TokenClaims {
  sub?: string;
  email?: string;
  exp?: number;
  password_reset_required?: boolean | string;
  [k: string]: unknown;
}

type Listener = (token: string | null) => void;
let accessToken: string | null = null;
const listeners = new Set<Listener>();
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

export function currentToken(): string | null {
  return accessToken;
}

export function onTokenChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Decodes (does not verify: the server does) the claims of a JWT, for expiry and the reset flag. */
export function decodeClaims(token: string): TokenClaims {
  try {
    const part = token.split(".")[1] ?? "";
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const json = decodeURIComponent(
      Array.from(atob(b64))
        .map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0"))
        .join(""),
    );
    return JSON.parse(json) as TokenClaims;
  } catch {
    return {};
  }
}

export function setToken(token: string | null): void {
  accessToken = token;
  clearTimeout(refreshTimer);
  if (token) {
    // Refresh a minute before expiry so a user in the middle of a review never sees a 401.
    const exp = decodeClaims(token).exp;
    if (exp) {
      const ms = Math.max(5_000, exp * 1000 - Date.now() - 60_000);
      refreshTimer = setTimeout(() => void refreshSession().catch(() => undefined), ms);
    }
  }
  for (const l of listeners) l(token);
}

function tokenOf(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const b = body as Record<string, unknown>;
  const t = b.token ?? b.accessToken ?? b.access_token;
  return typeof t === "string" ? t : null;
}

let refreshing: Promise<string | null> | null = null;

/** Trades the refresh cookie for a new access token; concurrent callers share one request. */
export function refreshSession(): Promise<string | null> {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await fetch("/v1/auth/refresh", { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!res.ok) {
          setToken(null);
          return null;
        }
        const token = tokenOf(await res.json().catch(() => null));
        setToken(token);
        return token;
      } catch {
        return null;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

/** Turns either family's error body into one readable message plus per-field messages. */
export async function errorFrom(res: Response): Promise<ApiError> {
  let body: unknown = null;
  const text = await res.text().catch(() => "");
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const fields: Record<string, string[]> = {};
  let message = "";
  let traceId: string | undefined;
  if (body && typeof body === "object") {
    // Either family's body (shared/wire/errors.ts), its values checked here: a proxy may answer anything.
    const b = body as Partial<Omit<ApiErrorResponse, "detail">> & Partial<Omit<TaggerErrorBody, "detail">> & { detail?: unknown; message?: unknown };
    if (typeof b.traceId === "string") traceId = b.traceId;
    if (b.errors && typeof b.errors === "object" && !Array.isArray(b.errors)) {
      for (const [k, v] of Object.entries(b.errors as Record<string, unknown>)) {
        fields[k] = Array.isArray(v) ? v.map(String) : [String(v)];
      }
    }
    if (typeof b.detail === "string") message = b.detail;
    else if (Array.isArray(b.detail)) {
      // FastAPI validation list: [{loc: ["body", "field"], msg}]
      const parts: string[] = [];
      for (const d of b.detail as Array<{ loc?: unknown[]; msg?: string }>) {
        const field = Array.isArray(d.loc) ? String(d.loc[d.loc.length - 1]) : "";
        if (field) (fields[field] ??= []).push(d.msg ?? "invalid");
        parts.push(field ? `${field}: ${d.msg}` : String(d.msg));
      }
      message = parts.join("; ");
    }
    if (!message && typeof b.title === "string") message = b.title;
    if (!message && typeof b.message === "string") message = b.message;
  }
  if (!message) message = res.status === 0 ? "The server could not be reached" : `${res.status} ${res.statusText || "request failed"}`;
  return new ApiError(message, res.status, fields, traceId);
}

export interface RequestOptions {
  json?: unknown;
  form?: FormData;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Send the bearer token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

function urlWith(path: string, query?: RequestOptions["query"]): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Sends a request and returns the raw Response when it succeeded (downloads use this). */
export async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const attempt = async (): Promise<Response> => {
    const headers: Record<string, string> = { Accept: "application/json" };
    let body: BodyInit | undefined;
    if (opts.form) body = opts.form;
    else if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    if (opts.auth !== false && accessToken) headers.Authorization = `Bearer ${accessToken}`;
    try {
      return await fetch(urlWith(path, opts.query), { method, headers, body, credentials: "same-origin", signal: opts.signal });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiError("The server could not be reached. Check your connection and try again.", 0);
    }
  };
  let res = await attempt();
  if (res.status === 401 && opts.auth !== false) {
    const token = await refreshSession();
    if (token) res = await attempt();
  }
  if (!res.ok) throw await errorFrom(res);
  return res;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string, query?: RequestOptions["query"], signal?: AbortSignal) => request<T>("GET", path, { query, signal });
export const post = <T>(path: string, json?: unknown) => request<T>("POST", path, { json: json ?? {} });
export const put = <T>(path: string, json?: unknown) => request<T>("PUT", path, { json: json ?? {} });
export const del = <T>(path: string) => request<T>("DELETE", path);

export { tokenOf };
