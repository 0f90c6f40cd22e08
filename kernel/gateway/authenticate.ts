/**
 * The gateway's door: runs before any action is dispatched. Every alias carries an `access` level; an
 * alias without one is refused (closed by default). Bearer tokens are checked by the auth service and
 * API keys by the keys service; both answer with a `Principal` or throw a catalogued 401/403.
 */
import type { IncomingMessage } from "node:http";
import { fail } from "../errors";
import type { Access, GatewayContext, Principal } from "./types";

export interface AliasLike {
  access?: Access;
  method?: string;
  path?: string;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}

export function apiKeyHeader(req: IncomingMessage): string | undefined {
  const v = req.headers["x-api-key"];
  return Array.isArray(v) ? v[0] : v || undefined;
}

/** WebSocket clients cannot set headers in browsers: they pass the access token as `?token=`. */
export function queryToken(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const q = url.indexOf("?");
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get("token") ?? undefined;
}

export async function resolvePrincipal(
  ctx: GatewayContext,
  access: Access | undefined,
  creds: { bearer?: string; apiKey?: string },
): Promise<Principal | null> {
  if (!access) fail("ROUTE_NOT_FOUND");
  if (access === "public") return null;

  let principal: Principal;
  if (creds.bearer) {
    principal = await ctx.call<Principal, { token: string }>("auth.resolveToken", { token: creds.bearer });
  } else if (creds.apiKey) {
    if (access !== "apiKey") fail("API_KEY_NOT_ALLOWED");
    principal = await ctx.call<Principal, { key: string }>("keys.resolve", { key: creds.apiKey });
  } else {
    fail(access === "apiKey" ? "API_KEY_INVALID" : "UNAUTHORIZED", access === "apiKey" ? "Missing or invalid API key or bearer token" : undefined);
  }
  if (access === "admin" && !principal.isAdmin) fail("FORBIDDEN");
  return principal;
}
