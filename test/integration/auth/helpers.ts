/** HTTP helpers for the auth integration tests: real requests against a real gateway. */
import type { ServiceSettingSchema } from "moleculer";
import mongoose from "mongoose";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
export interface Res<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export function client(baseUrl: string) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Res
  return async function call<T = any>(method: string, path: string, opts: { json?: unknown; raw?: string; headers?: Record<string, string>; token?: string; apiKey?: string; cookie?: string } = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.json !== undefined || opts.raw !== undefined) headers["content-type"] ??= "application/json";
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.apiKey) headers["x-api-key"] = opts.apiKey;
    if (opts.cookie) headers.cookie = opts.cookie;
    const r = await fetch(baseUrl + path, { method, headers, body: opts.raw ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)) });
    const text = await r.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: body as T, text, headers: r.headers };
  };
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split(".");
  return { header: JSON.parse(Buffer.from(h, "base64url").toString()), payload: JSON.parse(Buffer.from(p, "base64url").toString()) };
}

/** `name=value` of a Set-Cookie header, for sending it back. */
export function cookiePair(setCookie: string | null): string {
  if (!setCookie) throw new Error("no Set-Cookie header");
  return setCookie.split(";")[0];
}

/** Reads a collection directly, to assert what was stored. */
export async function readCollection(mongoUrl: string, name: string): Promise<Record<string, unknown>[]> {
  const conn = await mongoose.createConnection(mongoUrl).asPromise();
  try {
    return (await conn.db!.collection(name).find({}).toArray()) as Record<string, unknown>[];
  } finally {
    await conn.close();
  }
}

export async function withDb<T>(mongoUrl: string, fn: (db: NonNullable<mongoose.Connection["db"]>) => Promise<T>): Promise<T> {
  const conn = await mongoose.createConnection(mongoUrl).asPromise();
  try {
    return await fn(conn.db!);
  } finally {
    await conn.close();
  }
}

export const ADMIN = { email: "admin@example.com", username: "admin", password: "Admin@1234!Tmp" };

/** Service settings overrides (our services' settings extend Moleculer's schema type). */
export function settings(values: Record<string, unknown>): ServiceSettingSchema {
  return values as ServiceSettingSchema;
}

export const RELAXED_THROTTLE = { accountMax: 50, ipMax: 500, windowSeconds: 900, baseLockSeconds: 30, maxLockSeconds: 3600 };
