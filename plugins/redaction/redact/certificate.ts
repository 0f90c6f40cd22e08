/**
 * The redaction certificate: what was redacted (hashes of both PDFs, per area its label, source, detector
 * and score, the method per page), who reviewed it and when, and the verification's result, signed with
 * Ed25519 (jose: a JWS with detached payload, RFC 7515 appendix F, over the canonical JSON of the certificate). It travels
 * inside the `report` file as `certificate` and is checked offline with
 * `docmill verify-certificate report.json redacted.pdf`.
 *
 * It never contains document text: no finding text, no file name (a file name can be personal), no words.
 *
 * Key: DOCMILL_REDACTION_SIGNING_KEY, an Ed25519 private JWK (JSON). Without it, outside production, a
 * key is generated once and kept in `<data dir>/keys/redaction-signing.jwk` (mode 0600), the way a
 * development setup works without configuring secrets; production refuses to sign without the variable.
 * The public half is published in the certificate as its key id (RFC 7638 thumbprint) and can be printed
 * with `docmill verify-certificate --public-key`.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CompactSign, compactVerify, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";

export const CERTIFICATE_TYPE = "docmill.redaction-certificate/v1";

export interface CertificateArea {
  page: number;
  box: { x: number; y: number; width: number; height: number };
  label: string;
  source: "detection" | "manual";
  /** The recogniser that found it (detection areas). */
  detector?: string;
  /** Its score 0..1 (detection areas). */
  score?: number;
}

export interface CertificateBody {
  type: typeof CERTIFICATE_TYPE;
  jobId: string;
  issuedAt: string;
  original: { sha256: string; bytes: number };
  redacted: { sha256: string; bytes: number };
  pageCount: number;
  areas: CertificateArea[];
  /** How each redacted page was redacted. */
  pages: Array<{ page: number; method: "objects" | "raster" }>;
  review: { reviewer: string | null; reviewedAt: string | null };
  verification: { result: "passed"; methods: string[]; redactedStrings: number; leaks: number; verifiedAt: string };
}

export interface Certificate extends CertificateBody {
  signature: {
    alg: "EdDSA";
    /** RFC 7638 thumbprint of the public key. */
    kid: string;
    /** JWS compact serialisation with a detached payload (the canonical JSON of the body). */
    jws: string;
  };
}

/** JSON with keys sorted at every level and no whitespace: the bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface SigningKey {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

export class SigningKeyError extends Error {
  readonly type = "REDACTION_SIGNING_KEY";
}

function publicOf(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

async function fromPrivateJwk(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d || !jwk.x) {
    throw new SigningKeyError("DOCMILL_REDACTION_SIGNING_KEY must be an Ed25519 private JWK ({\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":...,\"x\":...})");
  }
  const publicJwk = publicOf(jwk);
  return { privateJwk: jwk, publicJwk, kid: await calculateJwkThumbprint(publicJwk) };
}

let cached: { key: string; value: Promise<SigningKey> } | undefined;

/** The signing key from the environment, else (outside production) the data directory's dev key. */
export function signingKey(env: NodeJS.ProcessEnv = process.env): Promise<SigningKey> {
  const raw = env.DOCMILL_REDACTION_SIGNING_KEY?.trim();
  const dataDir = path.resolve(env.DOCMILL_DATA_DIR || ".data");
  const cacheKey = raw ? `env:${raw.length}:${sha256(Buffer.from(raw))}` : `dir:${dataDir}`;
  if (cached?.key === cacheKey) return cached.value;
  const value = (async () => {
    if (raw) {
      let jwk: JWK;
      try {
        jwk = JSON.parse(raw) as JWK;
      } catch {
        throw new SigningKeyError("DOCMILL_REDACTION_SIGNING_KEY is not valid JSON: it must be an Ed25519 private JWK");
      }
      return fromPrivateJwk(jwk);
    }
    if (env.NODE_ENV === "production") {
      throw new SigningKeyError("DOCMILL_REDACTION_SIGNING_KEY is required in production to sign redaction certificates (generate one with `docmill verify-certificate --generate-key`)");
    }
    const file = path.join(dataDir, "keys", "redaction-signing.jwk");
    if (existsSync(file)) return fromPrivateJwk(JSON.parse(readFileSync(file, "utf8")) as JWK);
    const jwk = await generatePrivateJwk();
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, JSON.stringify(jwk) + "\n", { mode: 0o600, flag: "wx" });
      chmodSync(file, 0o600);
    } catch (err) {
      // Another process (a second worker) wrote it first: use that one, so both sign with one key.
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return fromPrivateJwk(JSON.parse(readFileSync(file, "utf8")) as JWK);
      throw err;
    }
    return fromPrivateJwk(jwk);
  })();
  cached = { key: cacheKey, value };
  value.catch(() => (cached = undefined));
  return value;
}

export async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d };
}

/**
 * Signs the body. `canonical`: its canonicalJson when already computed elsewhere (a directory's body of
 * tens of thousands of areas is canonicalised in a compute thread: report-text.ts); it must be exactly that.
 */
export async function signCertificate(body: CertificateBody, key: SigningKey, canonical?: string): Promise<Certificate> {
  const payload = new TextEncoder().encode(canonical ?? canonicalJson(body));
  const jws = await new CompactSign(payload)
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: CERTIFICATE_TYPE })
    .sign(await importJWK(key.privateJwk, "EdDSA"));
  // Detached payload (RFC 7515 appendix F): the middle part is left out, the payload is the body itself.
  const [head, , sig] = jws.split(".");
  return { ...body, signature: { alg: "EdDSA", kid: key.kid, jws: `${head}..${sig}` } };
}

export type CertificateCheck =
  | { ok: true; kid: string }
  | { ok: false; reason: "signature" | "redacted-hash" | "original-hash" | "format" | "key"; message: string };

/**
 * Checks a certificate against the public key and the redacted PDF's bytes (and the original's, when
 * given): the signature over the canonical body, then the hashes.
 */
export async function verifyCertificate(cert: Certificate, publicJwk: JWK, redacted: Uint8Array, original?: Uint8Array): Promise<CertificateCheck> {
  if (!cert || cert.type !== CERTIFICATE_TYPE || !cert.signature?.jws) return { ok: false, reason: "format", message: "Not a docmill redaction certificate" };
  const kid = await calculateJwkThumbprint(publicOf(publicJwk));
  if (cert.signature.kid !== kid) return { ok: false, reason: "key", message: `Signed with key ${cert.signature.kid}, not with the given key ${kid}` };
  const { signature, ...body } = cert;
  const [head, , sig] = signature.jws.split(".");
  const payload = Buffer.from(canonicalJson(body)).toString("base64url");
  try {
    await compactVerify(`${head}.${payload}.${sig}`, await importJWK(publicOf(publicJwk), "EdDSA"), { algorithms: ["EdDSA"] });
  } catch {
    return { ok: false, reason: "signature", message: "The signature does not match the certificate: it was altered or signed with another key" };
  }
  if (sha256(redacted) !== cert.redacted.sha256) return { ok: false, reason: "redacted-hash", message: "The redacted PDF is not the one the certificate was issued for (SHA-256 differs)" };
  if (original && sha256(original) !== cert.original.sha256) return { ok: false, reason: "original-hash", message: "The original PDF is not the one the certificate names (SHA-256 differs)" };
  return { ok: true, kid };
}
