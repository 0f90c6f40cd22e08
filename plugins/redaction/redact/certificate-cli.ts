/**
 * `docmill verify-certificate`: checks a redaction report's certificate offline.
 *
 *   docmill verify-certificate report.json redacted.pdf [--original original.pdf] [--key public.jwk]
 *   (report.json: the report, or the certificate file alone)
 *   docmill verify-certificate --public-key        print the public JWK of this installation's signing key
 *   docmill verify-certificate --generate-key      print a new Ed25519 private JWK (for DOCMILL_REDACTION_SIGNING_KEY)
 *
 * The public key: --key FILE, else DOCMILL_REDACTION_PUBLIC_KEY (a JWK), else this installation's own key
 * (DOCMILL_REDACTION_SIGNING_KEY or the development key in the data directory). Exit 0 when valid, 1 when
 * not (with the reason), 2 for a usage error.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { JWK } from "jose";
import { CERTIFICATE_TYPE, generatePrivateJwk, signingKey, verifyCertificate, type Certificate } from "./certificate";

const USAGE = `Usage:
  docmill verify-certificate <report.json> <redacted.pdf> [--original original.pdf] [--key public.jwk]
  docmill verify-certificate --public-key
  docmill verify-certificate --generate-key`;

export async function verifyCertificateCommand(args: string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true,
      options: { key: { type: "string" }, original: { type: "string" }, "public-key": { type: "boolean" }, "generate-key": { type: "boolean" } },
    });
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values["generate-key"]) {
    out(JSON.stringify(await generatePrivateJwk()));
    return 0;
  }
  if (values["public-key"]) {
    out(JSON.stringify((await signingKey()).publicJwk));
    return 0;
  }
  if (positionals.length !== 2) {
    err(USAGE);
    return 2;
  }
  const [reportPath, pdfPath] = positionals as [string, string];
  let cert: Certificate;
  try {
    // The report (certificate inside) or the certificate file alone (GET /v1/jobs/{id}/files/certificate).
    const doc = JSON.parse(readFileSync(reportPath, "utf8")) as { certificate?: Certificate; type?: string; signature?: unknown };
    const found = doc.certificate ?? (doc.type === CERTIFICATE_TYPE && doc.signature ? (doc as unknown as Certificate) : undefined);
    if (!found) throw new Error("no certificate");
    cert = found;
  } catch (e) {
    err(`${reportPath} is not a redaction report with a certificate (${(e as Error).message})`);
    return 1;
  }
  let publicJwk: JWK;
  if (values.key) publicJwk = JSON.parse(readFileSync(values.key, "utf8")) as JWK;
  else if (process.env.DOCMILL_REDACTION_PUBLIC_KEY) publicJwk = JSON.parse(process.env.DOCMILL_REDACTION_PUBLIC_KEY) as JWK;
  else publicJwk = (await signingKey()).publicJwk;
  const result = await verifyCertificate(cert, publicJwk, readFileSync(pdfPath), values.original ? readFileSync(values.original) : undefined);
  if (!result.ok) {
    err(`INVALID: ${result.message}`);
    return 1;
  }
  out(`VALID: signed by key ${result.kid}; ${pdfPath} is the redacted PDF of job ${cert.jobId} ` +
    `(${cert.areas.length} areas on ${cert.pages.length} pages, verification ${cert.verification.result}, reviewed by ${cert.review.reviewer ?? "nobody recorded"} at ${cert.review.reviewedAt ?? "-"})`);
  return 0;
}
