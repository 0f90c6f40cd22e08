/**
 * The report's and certificate's texts made in a compute thread (redact/report-text.ts, issue 14) are
 * byte for byte what the one-step stringifiers give on the loop, and the certificate signed over the
 * thread's canonical text verifies.
 */
import { closeComputePool, runOffLoopInPieces } from "../../../../../sdk/compute/pool";
import { canonicalBody, reportTexts } from "../../../../../plugins/redaction/redact/report-text";
import {
  CERTIFICATE_TYPE, canonicalJson, generatePrivateJwk, sha256, signCertificate, signingKey, verifyCertificate, type CertificateBody,
} from "../../../../../plugins/redaction/redact/certificate";

const MODULE = require.resolve("../../../../../plugins/redaction/redact/report-text");

afterAll(async () => {
  await closeComputePool();
});

function areas(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    page: 1 + (i % 40), box: { x: i / 3, y: -0, width: 1e-7, height: 12 }, label: i % 2 ? "EMAIL_ADDRESS" : "PHONE_NUMBER",
    source: "detection", ...(i % 5 ? { findingId: `p${i}-e`, detector: "email", score: 0.85 } : {}), note: i % 7 ? undefined : "नमस्ते \"q\"\n",
  }));
}

function body(list: unknown[]): CertificateBody {
  return {
    type: CERTIFICATE_TYPE, jobId: "job-1", issuedAt: "2026-12-01T23:00:00.000Z",
    original: { sha256: sha256(Buffer.from("a")), bytes: 1 }, redacted: { sha256: sha256(Buffer.from("b")), bytes: 1 },
    pageCount: 40, areas: list as CertificateBody["areas"], pages: [{ page: 1, method: "objects" }],
    review: { reviewer: "u1", reviewedAt: "2026-12-01T22:00:00.000Z" },
    verification: { result: "passed", methods: ["textLayer", "structure"], redactedStrings: 3, leaks: 0, verifiedAt: "2026-12-01T23:00:00.000Z" },
  } as CertificateBody;
}

test.each([0, 1, 2500])("the thread's texts of %i areas are the loop's, and the certificate verifies", async (n) => {
  const reportAreas = areas(n);
  const certAreas = reportAreas.map(({ findingId: _f, ...a }) => a);
  const b = body(certAreas);
  const [canonical] = await runOffLoopInPieces<string[]>(MODULE, "canonicalBody", [{ ...b, areas: [] }, certAreas]);
  expect(canonical).toBe(canonicalJson(b));
  expect(canonicalBody({ ...b, areas: [] }, certAreas)).toEqual([canonicalJson(b)]);
  const key = await signingKey({ DOCMILL_REDACTION_SIGNING_KEY: JSON.stringify(await generatePrivateJwk()) });
  const cert = await signCertificate(b, key, canonical);
  expect(cert).toEqual(await signCertificate(b, key));
  expect(await verifyCertificate(cert, key.publicJwk, Buffer.from("b"), Buffer.from("a"))).toEqual({ ok: true, kid: key.kid });

  const report = { jobId: "job-1", fileName: "Zoë \"O'Brien\".pdf", pageCount: 40, areas: reportAreas, pages: [{ page: 1, method: "objects" }], untouchedPages: [2, 3], certificate: cert };
  const [reportText, certText] = await runOffLoopInPieces<string[]>(MODULE, "reportTexts", [{ ...report, areas: [], certificate: { ...cert, areas: [] } }, reportAreas, certAreas]);
  expect(reportText).toBe(JSON.stringify(report, null, 2) + "\n");
  expect(certText).toBe(JSON.stringify(cert, null, 2) + "\n");
  expect(reportTexts({ ...report, areas: [], certificate: { ...cert, areas: [] } }, reportAreas, certAreas)).toEqual([reportText, certText]);
});
