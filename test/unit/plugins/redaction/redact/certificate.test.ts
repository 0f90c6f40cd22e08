/**
 * The redaction certificate: signed over its canonical JSON with Ed25519, checked against the redacted
 * PDF's bytes, and refused when one byte of the PDF or of the certificate changes. The CLI
 * (`docmill verify-certificate`) is run as a user would, on files.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import {
  CERTIFICATE_TYPE, canonicalJson, generatePrivateJwk, sha256, signCertificate, signingKey, verifyCertificate,
  type CertificateBody,
} from "../../../../../plugins/redaction/redact/certificate";
import { verifyCertificateCommand } from "../../../../../plugins/redaction/redact/certificate-cli";

let dir: string;
let original: Uint8Array;
let redacted: Uint8Array;

function body(): CertificateBody {
  return {
    type: CERTIFICATE_TYPE, jobId: "job-1", issuedAt: "2026-12-01T10:00:00.000Z",
    original: { sha256: sha256(original), bytes: original.length },
    redacted: { sha256: sha256(redacted), bytes: redacted.length },
    pageCount: 1,
    areas: [{ page: 1, box: { x: 72, y: 100, width: 120, height: 12 }, label: "EMAIL_ADDRESS", source: "detection", detector: "email", score: 0.95 }],
    pages: [{ page: 1, method: "objects" }],
    review: { reviewer: "user-7", reviewedAt: "2026-12-01T09:59:00.000Z" },
    verification: { result: "passed", methods: ["textLayer", "objects", "streams", "structure"], redactedStrings: 1, leaks: 0, verifiedAt: "2026-12-01T10:00:00.000Z" },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "docmill-cert-"));
  const doc = await PDFDocument.create();
  doc.addPage().drawText("Hello");
  original = await doc.save();
  doc.addPage();
  redacted = await doc.save();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("canonical JSON", () => {
  it("sorts keys at every level and drops undefined, so the signed bytes do not depend on key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe("a signed certificate", () => {
  it("is valid for the redacted PDF it names and the key that signed it", async () => {
    const key = { privateJwk: await generatePrivateJwk() };
    const k = await signingKey({ DOCMILL_REDACTION_SIGNING_KEY: JSON.stringify(key.privateJwk), DOCMILL_DATA_DIR: dir });
    const cert = await signCertificate(body(), k);
    expect(cert.signature).toMatchObject({ alg: "EdDSA", kid: k.kid });
    expect(await verifyCertificate(cert, k.publicJwk, redacted, original)).toEqual({ ok: true, kid: k.kid });
  });

  it("fails when one byte of the redacted PDF changes, or the original is another file", async () => {
    const k = await signingKey({ DOCMILL_REDACTION_SIGNING_KEY: JSON.stringify(await generatePrivateJwk()), DOCMILL_DATA_DIR: dir });
    const cert = await signCertificate(body(), k);
    const changed = new Uint8Array(redacted);
    changed[Math.floor(changed.length / 2)] ^= 1;
    expect(await verifyCertificate(cert, k.publicJwk, changed)).toMatchObject({ ok: false, reason: "redacted-hash" });
    expect(await verifyCertificate(cert, k.publicJwk, redacted, redacted)).toMatchObject({ ok: false, reason: "original-hash" });
  });

  it("fails when the certificate itself is edited, or checked with another key", async () => {
    const k = await signingKey({ DOCMILL_REDACTION_SIGNING_KEY: JSON.stringify(await generatePrivateJwk()), DOCMILL_DATA_DIR: dir });
    const cert = await signCertificate(body(), k);
    const edited = { ...cert, areas: [{ ...cert.areas[0]!, label: "PERSON" }] };
    expect(await verifyCertificate(edited, k.publicJwk, redacted)).toMatchObject({ ok: false, reason: "signature" });
    // Pointing the certificate at another PDF's hash does not help either: the hash is signed.
    const other = { ...cert, redacted: { sha256: sha256(original), bytes: original.length } };
    expect(await verifyCertificate(other, k.publicJwk, original)).toMatchObject({ ok: false, reason: "signature" });
    const stranger = await signingKey({ DOCMILL_REDACTION_SIGNING_KEY: JSON.stringify(await generatePrivateJwk()), DOCMILL_DATA_DIR: dir });
    expect(await verifyCertificate(cert, stranger.publicJwk, redacted)).toMatchObject({ ok: false, reason: "key" });
    // A forged certificate that names the stranger's kid is still refused: the signature is checked.
    const forged = { ...cert, signature: { ...cert.signature, kid: stranger.kid } };
    expect(await verifyCertificate(forged, stranger.publicJwk, redacted)).toMatchObject({ ok: false, reason: "signature" });
  });
});

describe("the signing key", () => {
  it("is generated once under the data directory (mode 0600) outside production, and refused missing in production", async () => {
    const data = path.join(dir, "data");
    const a = await signingKey({ DOCMILL_DATA_DIR: data, NODE_ENV: "development" });
    const file = path.join(data, "keys", "redaction-signing.jwk");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ kty: "OKP", crv: "Ed25519", x: a.publicJwk.x });
    expect(a.publicJwk).not.toHaveProperty("d");
    await expect(signingKey({ DOCMILL_DATA_DIR: path.join(dir, "prod"), NODE_ENV: "production" })).rejects.toThrow(/DOCMILL_REDACTION_SIGNING_KEY is required/);
    await expect(signingKey({ DOCMILL_REDACTION_SIGNING_KEY: '{"kty":"oct","k":"x"}' })).rejects.toThrow(/Ed25519 private JWK/);
  });
});

describe("docmill verify-certificate", () => {
  it("prints VALID for the right files and INVALID with the reason when the PDF changed (exit 0 / 1 / 2)", async () => {
    const priv = await generatePrivateJwk();
    const k = await signingKey({ DOCMILL_REDACTION_SIGNING_KEY: JSON.stringify(priv), DOCMILL_DATA_DIR: dir });
    const cert = await signCertificate(body(), k);
    const report = path.join(dir, "report.json");
    const pdf = path.join(dir, "redacted.pdf");
    const keyFile = path.join(dir, "public.jwk");
    writeFileSync(report, JSON.stringify({ jobId: "job-1", certificate: cert }));
    writeFileSync(pdf, redacted);
    writeFileSync(keyFile, JSON.stringify(k.publicJwk));
    const out: string[] = [];
    const err: string[] = [];
    expect(await verifyCertificateCommand([report, pdf, "--key", keyFile], (s) => out.push(s), (s) => err.push(s))).toBe(0);
    expect(out.join("\n")).toMatch(/^VALID: signed by key .+ job job-1 \(1 areas on 1 pages, verification passed, reviewed by user-7/);
    const changed = Buffer.from(redacted);
    changed[100] ^= 1;
    writeFileSync(pdf, changed);
    expect(await verifyCertificateCommand([report, pdf, "--key", keyFile], (s) => out.push(s), (s) => err.push(s))).toBe(1);
    expect(err.join("\n")).toMatch(/INVALID: The redacted PDF is not the one the certificate was issued for/);
    expect(await verifyCertificateCommand([report], () => undefined, () => undefined)).toBe(2);
  });
});
