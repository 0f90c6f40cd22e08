/**
 * The caller's LLM API key travels to the worker inside the job's options, and job options are stored.
 * So the key is never stored in clear: it is sealed with AES-256-GCM under a key derived from the
 * deployment's JWT secret (every process of one deployment shares it), and the tagger service removes the
 * sealed value from its own history records. Only the worker that runs the job opens it, in memory.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { config } from "../config";

const PREFIX = "sealed:v1:";

function keyOf(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "docmill", "tagger llm api key", 32));
}

/** Seals an API key; the result is safe to store and log (it reveals only its length). */
export function sealApiKey(apiKey: string, secret: string = config().jwt.secret): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(apiKey, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** Opens a sealed key; throws when it was sealed under another secret or tampered with. */
export function openApiKey(sealed: string, secret: string = config().jwt.secret): string {
  if (!sealed.startsWith(PREFIX)) throw new Error("The API key is not sealed");
  const raw = Buffer.from(sealed.slice(PREFIX.length), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(secret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
