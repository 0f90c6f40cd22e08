/**
 * Signing per the Standard Webhooks specification (https://www.standardwebhooks.com, the scheme of Svix
 * and others), so receivers can verify with an existing library in their language instead of our code:
 *   webhook-id: the delivery's id (the same on every retry: receivers deduplicate by it)
 *   webhook-timestamp: Unix seconds of this attempt (receivers refuse old ones: replay protection)
 *   webhook-signature: "v1," + base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`))
 * The secret is `whsec_` + base64 of 32 random bytes, shown once when the endpoint is created.
 *
 * At rest the secret must stay recoverable (we sign with it), so it is encrypted (AES-256-GCM) under a
 * key from the environment: WEBHOOK_SECRET_KEY, or else one derived (HKDF) from JWT_SECRET_KEY. A copy
 * of the database alone does not reveal any secret. The key's fingerprint is stored next to the value,
 * so a changed key is reported as such instead of as a corrupt secret.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";

export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** The key bytes of a `whsec_` secret, or null when it is not one (24 to 64 bytes of base64). */
export function secretBytes(secret: string): Buffer | null {
  if (typeof secret !== "string" || !secret.startsWith(SECRET_PREFIX)) return null;
  const b64 = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const bytes = Buffer.from(b64, "base64");
  return bytes.length >= 24 && bytes.length <= 64 ? bytes : null;
}

/** `v1,<base64>` over `${id}.${timestamp}.${body}`. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = secretBytes(secret);
  if (!key) throw new Error("not a webhook secret");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The headers of one attempt. */
export function signedHeaders(secret: string, id: string, timestamp: number, body: string, event: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "docmill-webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": sign(secret, id, timestamp, body),
    "x-docmill-event": event,
  };
}

/** The encryption key of the secrets at rest. */
export function atRestKey(cfg: { webhookSecretKey?: string; jwtSecret: string }): Buffer {
  const raw = cfg.webhookSecretKey;
  if (raw) return /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  return Buffer.from(hkdfSync("sha256", cfg.jwtSecret, "docmill", "webhook signing secrets", 32));
}

export function keyFingerprint(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

const SEALED = "wsec:v1:";

export function sealSecret(secret: string, key: Buffer): { sealed: string; keyId: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return { sealed: SEALED + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url"), keyId: keyFingerprint(key) };
}

/** Opens a sealed secret; throws a sentence naming the cause (another key, or tampering). */
export function openSecret(sealed: string, keyId: string, key: Buffer): string {
  if (keyFingerprint(key) !== keyId) {
    throw new Error("the endpoint's secret was encrypted under another WEBHOOK_SECRET_KEY (or JWT_SECRET_KEY); restore that key or create the webhook again");
  }
  if (!sealed.startsWith(SEALED)) throw new Error("the stored secret is not sealed");
  const raw = Buffer.from(sealed.slice(SEALED.length), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
