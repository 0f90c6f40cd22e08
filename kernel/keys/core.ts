/**
 * API keys: `pdft_` + 32 random bytes (base64url), shown once; only the SHA-256 is stored. Resolution
 * caches keys per process for speed; every change (revoke) is pushed to every node before it is
 * acknowledged, and expiry is checked on every request against the clock, so neither waits for a TTL.
 */
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import { fail, validationError } from "../errors";
import { sha256Hex } from "../auth/tokens";
import type { ApiKey, ApiKeyStatus } from "../../shared/wire/users";

export const KEY_PREFIX = "pdft_";
/** How many characters of the key are kept for display (`pdft_` + 8). */
export const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 8;
const KEY_SHAPE = /^pdft_[A-Za-z0-9_-]{43}$/;

export interface ApiKeyDoc {
  _id: string;
  name: string;
  prefix: string;
  hash: string;
  userId: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: { type: String, default: () => randomUUID() },
    name: { type: String, required: true },
    prefix: { type: String, required: true },
    hash: { type: String, required: true, unique: true },
    userId: { type: String, required: true, index: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, default: () => new Date() },
    expiresAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "api_keys" },
);

export function defineKeyModels(conn: Connection): { ApiKey: Model<ApiKeyDoc> } {
  return { ApiKey: conn.model<ApiKeyDoc>("ApiKey", apiKeySchema) };
}

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}

/** The latest allowed expiry: twelve calendar months after `now`. Pure. */
export function maxExpiry(now: Date): Date {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() + 12);
  return d;
}

/** Parses and checks `expiresAt`: a date in the future, at most 12 months ahead. Throws VALIDATION_ERROR naming the field. */
export function checkExpiry(raw: string, now: Date): Date {
  const d = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(d.getTime()))
    throw validationError([{ field: "expiresAt", message: "expiresAt must be an ISO 8601 date-time", kind: "date" }]);
  if (d.getTime() <= now.getTime()) throw validationError([{ field: "expiresAt", message: "expiresAt must be in the future", kind: "dateMin" }]);
  if (d.getTime() > maxExpiry(now).getTime())
    throw validationError([{ field: "expiresAt", message: "expiresAt must be at most 12 months ahead", kind: "dateMax" }]);
  return d;
}

export type KeyStatus = ApiKeyStatus;

export function keyStatus(k: Pick<ApiKeyDoc, "revokedAt" | "expiresAt">, now: Date): KeyStatus {
  if (k.revokedAt) return "revoked";
  return k.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
}

/** A key as listed: never the raw key, never the hash. */
export function keyView(k: ApiKeyDoc, now: Date): ApiKey {
  return {
    id: k._id,
    name: k.name,
    prefix: k.prefix,
    userId: k.userId,
    createdBy: k.createdBy,
    expiresAt: k.expiresAt.toISOString(),
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null,
    revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
    status: keyStatus(k, now),
  };
}

interface CacheEntry {
  key: ApiKeyDoc;
  at: number;
  lastTouched: number;
}

export class KeyStore {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly ApiKey: Model<ApiKeyDoc>,
    private readonly opts: { cacheMs: number; touchEveryMs: number; now?: () => Date },
  ) {}

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  async create(input: { name: string; userId: string; expiresAt: Date; createdBy: string }): Promise<{ raw: string; doc: ApiKeyDoc }> {
    const raw = generateKey();
    const doc = await this.ApiKey.create({ ...input, prefix: raw.slice(0, DISPLAY_PREFIX_LENGTH), hash: sha256Hex(raw) });
    return { raw, doc: doc.toObject() as ApiKeyDoc };
  }

  list(filter: { userId?: string }): Promise<ApiKeyDoc[]> {
    return this.ApiKey.find(filter.userId ? { userId: filter.userId } : {}).sort({ createdAt: -1 }).lean<ApiKeyDoc[]>();
  }

  /** Revokes a key (idempotent). Throws NOT_FOUND. */
  async revoke(id: string): Promise<ApiKeyDoc> {
    const now = this.now();
    const doc =
      (await this.ApiKey.findOneAndUpdate({ _id: id, revokedAt: null }, { $set: { revokedAt: now } }, { returnDocument: "after" }).lean<ApiKeyDoc>()) ??
      (await this.ApiKey.findById(id).lean<ApiKeyDoc>());
    if (!doc) fail("NOT_FOUND", "API key not found");
    this.drop(doc.hash);
    return doc;
  }

  drop(hash?: string): void {
    if (hash) this.cache.delete(hash);
    else this.cache.clear();
  }

  /**
   * The key record for a raw key, if usable. Throws API_KEY_INVALID (unknown or malformed),
   * API_KEY_REVOKED, API_KEY_EXPIRED. Records last use at most every `touchEveryMs`.
   */
  async resolve(raw: string): Promise<ApiKeyDoc> {
    if (!KEY_SHAPE.test(raw)) fail("API_KEY_INVALID");
    const hash = sha256Hex(raw);
    const nowMs = Date.now();
    let entry = this.cache.get(hash);
    if (!entry || nowMs - entry.at >= this.opts.cacheMs) {
      const key = await this.ApiKey.findOne({ hash }).lean<ApiKeyDoc>();
      if (!key) {
        this.cache.delete(hash);
        fail("API_KEY_INVALID");
      }
      entry = { key, at: nowMs, lastTouched: key.lastUsedAt?.getTime() ?? 0 };
      this.cache.set(hash, entry);
      if (this.cache.size > 50_000) this.cache.delete(this.cache.keys().next().value!);
    }
    // The index lookup already matched; compare in constant time anyway so a cache bug cannot leak timing.
    if (!timingSafeEqual(Buffer.from(entry.key.hash, "hex"), Buffer.from(hash, "hex"))) fail("API_KEY_INVALID");
    const status = keyStatus(entry.key, this.now());
    if (status === "revoked") fail("API_KEY_REVOKED");
    if (status === "expired") fail("API_KEY_EXPIRED");
    if (nowMs - entry.lastTouched >= this.opts.touchEveryMs) {
      entry.lastTouched = nowMs;
      await this.ApiKey.updateOne({ _id: entry.key._id }, { $set: { lastUsedAt: new Date(nowMs) } });
    }
    return entry.key;
  }
}
