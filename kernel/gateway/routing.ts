/**
 * Turns the route declarations into moleculer-web routes: one route per API prefix, restrict mapping
 * (nothing undeclared is reachable), authentication on every route, JSON bodies capped, security headers,
 * cookies in and out, and the family's error rendering.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { config } from "../config";
import type { GatewayContext, GatewayMeta, RouteDef, RouteGroup } from "./types";
import { hasLazy, streamJson, stringifyYielding } from "./yielding-json";

interface Logger {
  info(...args: unknown[]): void;
}

type Req = IncomingMessage & { $ctx?: GatewayContext; $params?: Record<string, unknown>; originalUrl?: string; $alias?: { streamResult?: boolean } };
type ErrorSender = (this: never, req: Req, res: ServerResponse, err: unknown) => void;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export function securityHeaders(res: ServerResponse, opts: { html?: boolean } = {}): void {
  if (res.headersSent) return;
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  if (!opts.html) {
    res.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (!res.hasHeader("Cache-Control")) res.setHeader("Cache-Control", "no-store");
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k) continue;
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

export function clientIp(req: IncomingMessage): string {
  if (config().http.trustProxy) {
    const fwd = req.headers["x-forwarded-for"];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "unknown";
}

function isSecure(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  return config().http.trustProxy && req.headers["x-forwarded-proto"] === "https";
}

/** Serialises the cookies an action asked for (e.g. a family's HttpOnly refresh cookie). */
export function cookieHeaders(meta: GatewayMeta): string[] {
  return (meta.$cookies ?? []).map((c) => {
    const parts = [`${c.name}=${c.clear ? "" : encodeURIComponent(c.value)}`, `Path=${c.path}`, "HttpOnly", "SameSite=Strict"];
    parts.push(c.clear ? "Max-Age=0" : `Max-Age=${c.maxAgeSeconds}`);
    if (meta.secure) parts.push("Secure");
    return parts.join("; ");
  });
}

/** Raw handlers signal failure through moleculer-web's `next(err)`; success means they answered. */
function wrapHandler(def: RouteDef) {
  const handler = def.handler!;
  return function rawAlias(req: Req, res: ServerResponse, next: (err?: unknown) => void) {
    handler(req as Parameters<typeof handler>[0], res).catch(next);
  };
}

export function buildAliases(routes: RouteDef[]): Record<string, unknown> {
  const aliases: Record<string, unknown> = {};
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    if (aliases[key]) throw new Error(`Route declared twice: ${key}`);
    if (!r.action && !r.handler) throw new Error(`Route ${key} has neither an action nor a handler`);
    aliases[key] = r.handler ? { handler: wrapHandler(r), access: r.access } : { action: r.action, access: r.access, ...(r.streamResult ? { streamResult: true } : {}) };
  }
  return aliases;
}

/**
 * An action's object answer as the bytes moleculer-web would have sent (its JSON.stringify), made a slice
 * at a time: an answer carrying a whole job result (GET /api/jobs/{id}, the list, a resume) held the loop
 * in one step for tens of milliseconds per 10,000 findings (issue 14). Handed over as a Buffer with the
 * type moleculer-web would have given it, so it keeps its Content-Type and Content-Length (set from the
 * Buffer). Buffers, streams, moleculer's `{type: "Buffer"}` and primitives go on as they are.
 */
export async function jsonBytes(ctx: Pick<GatewayContext, "meta">, data: unknown, action?: DeclaredType): Promise<unknown> {
  if (typeof data !== "object" || data === null || Buffer.isBuffer(data)) return data;
  if (typeof (data as { pipe?: unknown }).pipe === "function" || (data as { type?: unknown }).type === "Buffer") return data;
  // A result still in its stored parts (a streamed route): sent as they are read, without a Content-Length.
  // moleculer-web pipes the stream with stream.pipeline: a client gone destroys it, a failed read ends the
  // response as a failed transfer (and is logged with the path only).
  const lazy = hasLazy(data);
  const bytes = lazy ? streamJson(data) : await stringifyYielding(data);
  if (bytes === undefined) return data;
  // moleculer-web's own order for an object: the action's declared type, then the meta's, else JSON.
  ctx.meta.$responseType ??= action?.responseType ?? action?.responseHeaders?.["Content-Type"] ?? ctx.meta.$responseHeaders?.["Content-Type"] ?? "application/json; charset=utf-8";
  return bytes;
}

/** What an action's schema may declare about its answer's type (moleculer-web's `responseType`, `responseHeaders`). */
interface DeclaredType {
  responseType?: string;
  responseHeaders?: Record<string, string>;
}

export function buildRoutes(groups: RouteGroup[], onError: ErrorSender): unknown[] {
  const byPrefix = new Map<string, RouteDef[]>();
  for (const g of groups) byPrefix.set(g.prefix, [...(byPrefix.get(g.prefix) ?? []), ...g.routes]);
  // Longer prefixes first so `/api` and `/v1` are matched before the root route.
  const prefixes = [...byPrefix.keys()].sort((a, b) => b.length - a.length);
  return prefixes.map((prefix) => ({
    name: prefix || "root",
    path: prefix || "/",
    mappingPolicy: "restrict",
    autoAliases: false,
    authentication: true,
    authorization: false,
    mergeParams: true,
    bodyParsers: { json: { limit: config().http.jsonLimit, strict: false }, urlencoded: false },
    use: [
      function requestHygiene(this: { logger?: Logger }, req: Req, res: ServerResponse, next: () => void) {
        const rid = req.headers["x-request-id"];
        if (typeof rid !== "string" || !REQUEST_ID.test(rid)) req.headers["x-request-id"] = randomUUID();
        delete req.headers["x-correlation-id"];
        securityHeaders(res);
        // A preflight is the CORS layer's alone (moleculer-web answers it before this point when CORS is
        // configured). Without CORS, moleculer-web resolves OPTIONS to the alias of the method it asks
        // about, and a preflight of POST /api/auth/login with a body ran the login (issue 14): never.
        if (req.method === "OPTIONS") {
          res.statusCode = 204;
          res.setHeader("Allow", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
          res.setHeader("Content-Length", "0");
          req.resume();
          res.end();
          return;
        }
        const started = process.hrtime.bigint();
        const logger = this?.logger;
        // One access line per request, with the request id every service's log lines for it carry.
        res.once("finish", () => {
          logger?.info({
            msg: "http",
            requestID: req.headers["x-request-id"],
            method: req.method,
            // The path only: query strings may carry tokens (WebSocket ?token=) or personal data.
            path: (req.originalUrl ?? req.url ?? "").split("?")[0],
            status: res.statusCode,
            ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
            user: req.$ctx?.meta.user?.id,
          });
        });
        next();
      },
    ],
    onBeforeCall(ctx: GatewayContext, _route: unknown, req: Req) {
      if (req.$alias?.streamResult) ctx.meta.$streamResult = true;
      ctx.meta.clientIp = clientIp(req);
      ctx.meta.cookies = parseCookies(req.headers.cookie);
      ctx.meta.secure = isSecure(req);
    },
    async onAfterCall(ctx: GatewayContext, _route: unknown, req: Req & { $endpoint?: { action?: DeclaredType } }, res: ServerResponse, data: unknown) {
      const cookies = cookieHeaders(ctx.meta);
      if (cookies.length) res.setHeader("Set-Cookie", cookies);
      return jsonBytes(ctx, data, req.$endpoint?.action);
    },
    onError,
    aliases: buildAliases(byPrefix.get(prefix)!),
  }));
}
