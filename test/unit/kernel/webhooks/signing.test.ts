/**
 * Signatures per Standard Webhooks, checked with the `standardwebhooks` library (what a receiver would
 * use), and the secrets' encryption at rest.
 */
import { Webhook } from "standardwebhooks";
import { atRestKey, newSecret, openSecret, sealSecret, secretBytes, signedHeaders } from "../../../../kernel/webhooks/signing";

const body = JSON.stringify({ type: "job.finished", timestamp: "2026-01-02T03:04:05.000Z", data: { id: "j1" } });

it("signs so that a Standard Webhooks receiver verifies the body, and nothing else", () => {
  const secret = newSecret();
  const now = Math.floor(Date.now() / 1000);
  const headers = signedHeaders(secret, "msg_1", now, body, "job.finished");
  expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow();
  expect(() => new Webhook(secret).verify(body + " ", headers)).toThrow();
  expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_2" })).toThrow();
  // A replay: a valid signature of an attempt made long ago is refused by its timestamp.
  const old = signedHeaders(secret, "msg_1", now - 3600, body, "job.finished");
  expect(() => new Webhook(secret).verify(body, old)).toThrow(/timestamp/i);
});

it("accepts own secrets only in the whsec_ form with 24 to 64 bytes", () => {
  expect(secretBytes(newSecret())?.length).toBe(32);
  expect(secretBytes(`whsec_${Buffer.alloc(24, 1).toString("base64")}`)).not.toBeNull();
  for (const bad of ["", "whsec_", "whsec_c2hvcnQ=", "secret", `whsec_${Buffer.alloc(65, 1).toString("base64")}`, "whsec_not base64!"]) expect(secretBytes(bad)).toBeNull();
});

it("stores the secret sealed: unreadable without the key, refused under another key, tamper-evident", () => {
  const key = atRestKey({ jwtSecret: "a-jwt-secret-of-enough-length-123456" });
  const secret = newSecret();
  const { sealed, keyId } = sealSecret(secret, key);
  expect(sealed).not.toContain(secret.slice(6));
  expect(openSecret(sealed, keyId, key)).toBe(secret);
  const other = atRestKey({ webhookSecretKey: "11".repeat(32), jwtSecret: "a-jwt-secret-of-enough-length-123456" });
  expect(() => openSecret(sealed, keyId, other)).toThrow(/another WEBHOOK_SECRET_KEY/);
  // One bit of the ciphertext flipped (the last byte of the sealed bytes). Replacing a base64 character by a
  // fixed one changed nothing when it already was that character (1 run in 64 failed).
  const prefix = sealed.slice(0, sealed.lastIndexOf(":") + 1); // "wsec:v1:"; base64url has no colon
  const raw = Buffer.from(sealed.slice(prefix.length), "base64url");
  raw[raw.length - 1] ^= 0x01;
  const flipped = prefix + raw.toString("base64url");
  expect(flipped).not.toBe(sealed);
  expect(() => openSecret(flipped, keyId, key)).toThrow();
});
