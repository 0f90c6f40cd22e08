/**
 * Sealed secrets: a value a caller hands to a job (an LLM API key, say) travels to the worker inside the
 * job's options, and job options are stored. So it is never stored in clear: it is sealed with
 * AES-256-GCM under a key derived from the deployment's JWT secret (every process of one deployment
 * shares it) and a purpose label. Only the worker that runs the job opens it, in memory, through
 * `ctx.secrets.open(sealed, purpose)`. The purpose label is chosen by whoever seals (an API family) and
 * keeps one family's sealed values from opening as another's.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { config } from "./config";

const PREFIX = "sealed:v1:";

function keyOf(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "docmill", purpose, 32));
}

/** Seals a value; the result is safe to store and log (it reveals only its length). */
export function sealSecret(value: string, purpose: string, secret: string = config().jwt.secret): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** Opens a sealed value; throws when it was sealed under another secret or purpose, or tampered with. */
export function openSecret(sealed: string, purpose: string, secret: string = config().jwt.secret): string {
  if (!sealed.startsWith(PREFIX)) throw new Error("The value is not sealed");
  const raw = Buffer.from(sealed.slice(PREFIX.length), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(secret, purpose), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
