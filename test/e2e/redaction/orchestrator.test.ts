/**
 * The Smart Redact flow end to end through the gateway with an API key, as a vendor client drives it:
 * upload, poll to readyForReview, submit the review (a finding rejected, one box drawn by hand), poll to
 * finished, download. The output is then read back with pdfjs (the PDF engine's pool): nothing redacted is
 * extractable, unredacted text is, the untouched page's content is byte-identical, metadata and
 * annotations are gone. Then the bad inputs and the API key's scope.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument, PDFName, PDFRawStream, decodePDFRawStream, type PDFPage } from "pdf-lib";
import { pdfPool } from "../../../sdk/pdf/pool";
import { reviewDocument, UNTOUCHED_LINES } from "../../fixtures/redaction-corpus";
import { encryptedPdf, notPdf, truncatedPdf } from "../../support/pdf-fixtures";
import type { Stack } from "../../support/stack";
import { apiUser, startRedactionStack, waitForStatus, type Http } from "../../support/redaction-e2e";
import { signingKey, verifyCertificate } from "../../../plugins/redaction/redact/certificate";
import { verifyCertificateCommand } from "../../../plugins/redaction/redact/certificate-cli";
import { withDb } from "../../integration/auth/helpers";

jest.setTimeout(300_000);

let stack: Stack;
let http: Http;
let admin = "";
let key1 = "";
let key2 = "";
let user1 = "";
let original: Uint8Array;

async function upload(key: string, bytes: Uint8Array, name = "record.pdf", fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(bytes)], { type: "application/pdf" }), name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const r = await fetch(`${stack.baseUrl}/v1/jobs`, { method: "POST", headers: { "x-api-key": key }, body: form });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JobResponse read loosely, as a client would
const waitFor = (id: string, key: string, wanted: string[]): Promise<any> => waitForStatus(http, id, key, wanted);

async function download(id: string, fileType: string, key: string) {
  const r = await fetch(`${stack.baseUrl}/v1/jobs/${id}/files/${fileType}`, { headers: { "x-api-key": key } });
  return { status: r.status, headers: r.headers, bytes: new Uint8Array(await r.arrayBuffer()) };
}

function contentOf(page: PDFPage): Buffer {
  const contents = page.node.Contents();
  const streams = contents && "asArray" in contents ? contents.asArray().map((r) => page.doc.context.lookup(r)) : [contents];
  return Buffer.concat(streams.map((s) => Buffer.from(decodePDFRawStream(s as PDFRawStream).decode())));
}

beforeAll(async () => {
  ({ stack, http, admin } = await startRedactionStack("redact"));
  ({ userId: user1, key: key1 } = await apiUser(http, admin, { email: "reviewer@example.com", password: "Review123!x", keyName: "pipeline" }));
  ({ key: key2 } = await apiUser(http, admin, { email: "other@example.com", password: "Other123!xy", keyName: "other" }));
  original = await reviewDocument();
});

afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
});

describe("the review flow with an API key", () => {
  let jobId = "";
  let findings: Array<{ id: string; label: string; text: string; page: number }> = [];
  let manualBox = { page: 1, x: 0, y: 0, width: 0, height: 0 };

  it("creates the job (201, created) and reaches readyForReview with downloadable detections", async () => {
    const r = await upload(key1, original, "record.pdf", { externalId: "crm-42", somethingUnknown: "ignored" });
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toBe(`/v1/jobs/${r.body.id}`);
    expect(r.body).toMatchObject({ status: expect.stringMatching(/^(created|detectionInProgress)$/), fileName: "record.pdf", createdBy: user1, reviewedBy: null, externalId: "crm-42" });
    expect(new Date(r.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    jobId = r.body.id;
    const job = await waitFor(jobId, key1, ["readyForReview"]);
    expect(job.pageCount).toBe(2);
    expect(job.files).toEqual(expect.arrayContaining(["originalPdf", "detections"]));
    const det = await download(jobId, "detections", key1);
    expect(det.status).toBe(200);
    expect(det.headers.get("content-type")).toMatch(/application\/json/);
    expect(det.headers.get("content-disposition")).toMatch(/^attachment; filename=/);
    const body = JSON.parse(Buffer.from(det.bytes).toString());
    findings = body.findings;
    expect(body.coordinates).toMatchObject({ unit: "pt", pages: "1-based" });
    expect(findings.map((f) => f.label)).toEqual(expect.arrayContaining(["EMAIL_ADDRESS", "IBAN", "CREDIT_CARD", "IP_ADDRESS"]));
    expect(findings.every((f) => f.page === 1)).toBe(true);
    const orig = await download(jobId, "originalPdf", key1);
    expect(Buffer.from(orig.bytes).equals(Buffer.from(original))).toBe(true);
  });

  it("refuses the redacted PDF before it exists (409 FILE_NOT_READY) and an unknown file type (404)", async () => {
    const early = await http("GET", `/v1/jobs/${jobId}/files/redactedPdf`, { apiKey: key1 });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ status: 409, title: "Conflict" });
    expect(early.body.traceId).toBeTruthy();
    expect((await http("GET", `/v1/jobs/${jobId}/files/fdf`, { apiKey: key1 })).status).toBe(404);
  });

  it("answers 400 naming the field for boxes outside the page, unknown finding ids and unknown labels", async () => {
    const outside = await http("POST", `/v1/jobs/${jobId}/redaction`, { apiKey: key1, json: { areas: [{ page: 1, x: 500, y: 800, width: 200, height: 100 }] } });
    expect(outside.status).toBe(400);
    expect(Object.keys(outside.body.errors)).toEqual(["areas[0]"]);
    const badPage = await http("POST", `/v1/jobs/${jobId}/redaction`, { apiKey: key1, json: { areas: [{ page: 3, x: 1, y: 1, width: 2, height: 2 }] } });
    expect(badPage.body.errors).toHaveProperty(["areas[0].page"]);
    const unknown = await http("POST", `/v1/jobs/${jobId}/redaction`, { apiKey: key1, json: { accept: [findings[0]!.id, "no-such-finding"] } });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body.errors)).toEqual(["accept[1]"]);
    const label = await http("POST", `/v1/jobs/${jobId}/redaction`, { apiKey: key1, json: { areas: [{ page: 1, x: 10, y: 10, width: 5, height: 5, label: "SECRET_SAUCE" }] } });
    expect(label.status).toBe(400);
    expect(label.body.errors).toHaveProperty(["areas[0].label"]);
    // None of these changed the job.
    expect((await http("GET", `/v1/jobs/${jobId}`, { apiKey: key1 })).body.status).toBe("readyForReview");
  });

  it("hides the job from another user's key (404) but not from an admin", async () => {
    expect((await http("GET", `/v1/jobs/${jobId}`, { apiKey: key2 })).status).toBe(404);
    expect((await http("POST", `/v1/jobs/${jobId}/redaction`, { apiKey: key2, json: {} })).status).toBe(404);
    expect((await http("GET", `/v1/jobs/${jobId}/files/originalPdf`, { apiKey: key2 })).status).toBe(404);
    expect((await http("GET", "/v1/jobs", { apiKey: key2 })).body.items).toEqual([]);
    expect((await http("GET", `/v1/jobs/${jobId}`, { token: admin })).status).toBe(200);
  });

  it("accepts the review (202 redactionInProgress) once, and refuses it a second time (409)", async () => {
    const words = (await pdfPool.extract(original)).pages[0]!.words;
    const fox = words.find((w) => w.text === "fox")!;
    manualBox = { page: 1, x: fox.box.x - 1, y: fox.box.y - 1, width: fox.box.width + 2, height: fox.box.height + 2 };
    const ip = findings.find((f) => f.label === "IP_ADDRESS")!;
    const r = await http("POST", `/v1/jobs/${jobId}/redaction`, { apiKey: key1, json: { reject: [ip.id], areas: [{ ...manualBox, label: "MANUAL" }] } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: "redactionInProgress", reviewedBy: user1, review: { rejectedFindings: 1, manualAreas: 1 } });
    const again = await http("POST", `/v1/jobs/${jobId}/redaction`, { apiKey: key1, json: {} });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/readyForReview/);
  });

  it("finishes with a verification record and a redacted PDF where nothing redacted is extractable", async () => {
    const job = await waitFor(jobId, key1, ["finished"]);
    expect(job.verification).toMatchObject({ method: ["textLayer", "objects", "streams", "structure"], leaks: 0 });
    expect(job.verification.redactedStrings).toBeGreaterThan(5);
    expect(job.verification.verifiedAt).toBeTruthy();
    const out = await download(jobId, "redactedPdf", key1);
    expect(out.status).toBe(200);
    expect(out.headers.get("content-type")).toBe("application/pdf");
    expect(out.headers.get("content-disposition")).toMatch(/attachment; filename="record\.redacted\.pdf"/);

    const text = await pdfPool.extract(out.bytes);
    const page1 = text.pages[0]!.text;
    const ipText = findings.find((f) => f.label === "IP_ADDRESS")!.text;
    for (const f of findings) if (f.text !== ipText) expect(page1).not.toContain(f.text);
    expect(page1).not.toMatch(/\bfox\b/);
    // Unredacted words stay searchable on the rebuilt page, including the rejected finding.
    expect(page1).toContain(ipText);
    expect(page1).toContain("Customer record for");
    expect(page1).toContain("lazy dog");
    expect(text.pages[1]!.text).toBe(UNTOUCHED_LINES.join("\n"));
    expect(text.info.title).toBeUndefined();
    expect(text.info.author).toBeUndefined();

    const src = await PDFDocument.load(original, { updateMetadata: false });
    const red = await PDFDocument.load(out.bytes, { updateMetadata: false });
    expect(red.getPageCount()).toBe(2);
    expect(contentOf(red.getPage(1)).equals(contentOf(src.getPage(1)))).toBe(true);
    expect(contentOf(red.getPage(0)).equals(contentOf(src.getPage(0)))).toBe(false);
    expect(red.getPage(0).node.has(PDFName.of("Annots"))).toBe(false);
    expect(red.getSubject()).toBeUndefined();
    expect(Buffer.from(out.bytes).includes(Buffer.from("john.smith@example.com"))).toBe(false);
  });

  it("reports what was removed where without any of the text", async () => {
    const r = await download(jobId, "report", key1);
    expect(r.status).toBe(200);
    const raw = Buffer.from(r.bytes).toString();
    const report = JSON.parse(raw);
    expect(report.untouchedPages).toEqual([2]);
    expect(report.areas.some((a: { source: string }) => a.source === "manual")).toBe(true);
    expect(report.removed).toMatchObject({ infoDictionary: true, annotations: 1 });
    expect(report.verification.leaks).toBe(0);
    for (const f of findings) expect(raw).not.toContain(f.text);
    // The signed certificate inside it: the reviewer, every area with its detector, and a signature
    // that holds for the downloaded PDF and breaks when one byte of it changes.
    const cert = report.certificate;
    expect(cert).toMatchObject({ type: "docmill.redaction-certificate/v1", jobId, review: { reviewer: user1 }, verification: { result: "passed", leaks: 0 } });
    expect(cert.pages).toEqual([{ page: 1, method: "objects" }]);
    expect(cert.areas.find((a: { source: string }) => a.source === "detection")).toMatchObject({ detector: expect.any(String), score: expect.any(Number) });
    const pdf = (await download(jobId, "redactedPdf", key1)).bytes;
    const publicJwk = (await signingKey()).publicJwk;
    expect(await verifyCertificate(cert, publicJwk, pdf, original)).toMatchObject({ ok: true });
    const changed = new Uint8Array(pdf);
    changed[changed.length - 10] ^= 1;
    expect(await verifyCertificate(cert, publicJwk, changed)).toMatchObject({ ok: false, reason: "redacted-hash" });
    // The certificate alone, as its own file: the same signed document, checkable by the CLI.
    const alone = await download(jobId, "certificate", key1);
    expect(alone.status).toBe(200);
    const certFile = JSON.parse(Buffer.from(alone.bytes).toString());
    expect(certFile).toEqual(cert);
    for (const f of findings) expect(Buffer.from(alone.bytes).toString()).not.toContain(f.text);
    const dir = mkdtempSync(path.join(tmpdir(), "docmill-cert-"));
    try {
      writeFileSync(path.join(dir, "c.json"), alone.bytes);
      writeFileSync(path.join(dir, "r.pdf"), pdf);
      writeFileSync(path.join(dir, "bad.pdf"), changed);
      const lines: string[] = [];
      expect(await verifyCertificateCommand([path.join(dir, "c.json"), path.join(dir, "r.pdf")], (l) => lines.push(l), (l) => lines.push(l))).toBe(0);
      expect(lines.join("\n")).toContain("VALID");
      expect(await verifyCertificateCommand([path.join(dir, "c.json"), path.join(dir, "bad.pdf")], () => undefined, () => undefined)).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a redaction on a finished job (409) and lists jobs by status, case-insensitively", async () => {
    const r = await http("POST", `/v1/jobs/${jobId}/redaction`, { apiKey: key1, json: {} });
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain("'finished'");
    const list = await http("GET", "/v1/jobs?status=Finished&pageSize=1", { apiKey: key1 });
    expect(list.status).toBe(200);
    expect(list.body.items.map((j: { id: string }) => j.id)).toEqual([jobId]);
    expect((await http("GET", "/v1/jobs?status=readyforreview", { apiKey: key1 })).body.items).toEqual([]);
    expect((await http("GET", "/v1/jobs?status=done", { apiKey: key1 })).status).toBe(400);
  });

  it("marks the job expired when its retention ends, and then answers 410 for its files", async () => {
    await withDb(stack.mongoUrl, (db) => db.collection("jobs").updateOne({ _id: jobId as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } }));
    await stack.broker.call("jobs.recover");
    const job = (await http("GET", `/v1/jobs/${jobId}`, { apiKey: key1 })).body;
    expect(job.status).toBe("expired");
    expect((await http("GET", `/v1/jobs/${jobId}/files/redactedPdf`, { apiKey: key1 })).status).toBe(410);
  });
});

describe("bad input", () => {
  it.each([
    ["an encrypted PDF", async () => (await encryptedPdf()).bytes],
    ["a truncated PDF", async () => (await truncatedPdf()).bytes],
    ["a PNG named .pdf", async () => notPdf().bytes],
  ])("refuses %s with 400 on the file field", async (_name, make) => {
    const r = await upload(key1, await make());
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: 400 });
    expect(r.body.errors).toHaveProperty("file");
  });

  it("refuses an unknown entity type in the detection configuration", async () => {
    const r = await upload(key1, original, "x.pdf", { detectionConfiguration: JSON.stringify({ labels: ["EMAIL_ADDRESS", "SHOE_SIZE"] }) });
    expect(r.status).toBe(400);
    expect(r.body.errors.detectionConfiguration.join(" ")).toMatch(/SHOE_SIZE/);
  });

  it("needs credentials on the jobs routes", async () => {
    expect((await http("GET", "/v1/jobs")).status).toBe(401);
    expect((await http("GET", "/v1/jobs", { apiKey: "pdft_not-a-key" })).status).toBe(401);
  });

  it("refuses an API key on every route that is not a jobs route", async () => {
    for (const [method, path] of [["GET", "/v1/users/me"], ["GET", "/v1/users"], ["GET", "/v1/api-keys"], ["GET", "/v1/detection-configurations"], ["POST", "/v1/auth/logout"]]) {
      const r = await http(method!, path!, { apiKey: key1 });
      expect([path, r.status]).toEqual([path, 403]);
    }
  });
});

describe("the published contract", () => {
  it("documents JobResponse, the review body and the file types in the OpenAPI document", async () => {
    const doc = (await http("GET", "/openapi.json")).body;
    const review = doc.paths["/v1/jobs/{id}/redaction"].post;
    expect(review.security).toEqual(expect.arrayContaining([{ apiKeyAuth: [] }]));
    expect(Object.keys(review.requestBody.content["application/json"].schema.properties)).toEqual(["accept", "reject", "areas", "redactions"]);
    expect(review.responses["202"].content["application/json"].schema.properties.status.enum).toContain("readyForReview");
    expect(review.description).toMatch(/top-left/);
    expect(doc.paths["/v1/jobs"].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["status", "pageSize", "cursor"]));
  });
});

describe("detection configurations", () => {
  it("lets an admin set a default configuration that users can read but not change, and that new jobs start from", async () => {
    const created = await http("POST", "/v1/detection-configurations", { token: admin, json: { name: "Emails only", isDefault: true, configuration: { labels: ["EMAIL_ADDRESS"], sameSpanStrategy: "deterministicWins" } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Emails only", isDefault: true });
    expect(created.body.warnings.join(" ")).toMatch(/sameSpanStrategy/);
    const userToken = (await http("POST", "/v1/auth/login", { json: { login: "reviewer@example.com", password: "Review123!x" } })).body.token;
    expect((await http("GET", "/v1/detection-configurations/default", { token: userToken })).body.id).toBe(created.body.id);
    expect((await http("POST", "/v1/detection-configurations", { token: userToken, json: { name: "x", configuration: {} } })).status).toBe(403);
    const bad = await http("PUT", `/v1/detection-configurations/${created.body.id}`, { token: admin, json: { configuration: { labels: ["NOPE"] } } });
    expect(bad.status).toBe(400);
    // New jobs start from the default; a job's own configuration is merged over it (here: its labels and a custom term).
    const fromDefault = await upload(key1, original, "default.pdf");
    expect(fromDefault.body.configurationId).toBe(created.body.id);
    const custom = await upload(key1, original, "custom.pdf", {
      detectionConfiguration: JSON.stringify({ labels: ["IBAN", "ANIMAL"], keywordRecognizers: [{ name: "animals", label: "ANIMAL", keywords: ["fox"] }] }),
    });
    expect(custom.status).toBe(201);
    const labelsOf = async (id: string) => {
      await waitFor(id, key1, ["readyForReview"]);
      const det = JSON.parse(Buffer.from((await download(id, "detections", key1)).bytes).toString());
      return { found: [...new Set(det.findings.map((f: { label: string }) => f.label))].sort(), allowed: det.labels as string[] };
    };
    expect((await labelsOf(fromDefault.body.id)).found).toEqual(["EMAIL_ADDRESS"]);
    const c = await labelsOf(custom.body.id);
    expect(c.found).toEqual(["ANIMAL", "IBAN"]);
    // The custom label may also name a hand-drawn area of that job.
    expect(c.allowed).toContain("ANIMAL");
    const r = await http("POST", `/v1/jobs/${custom.body.id}/redaction`, { apiKey: key1, json: { accept: [], areas: [{ page: 2, x: 70, y: 90, width: 100, height: 20, label: "ANIMAL" }] } });
    expect(r.status).toBe(202);
    expect((await http("DELETE", `/v1/detection-configurations/${created.body.id}`, { token: admin })).status).toBe(204);
    expect((await http("GET", "/v1/detection-configurations/default", { token: userToken })).status).toBe(404);
  });
});

describe("a deleted job whose record outlived the deletion", () => {
  it("is not listed once its runtime job is marked deleted, although its record is still there", async () => {
    const created = await upload(key2, original, "withdrawn.pdf");
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitFor(id, key2, ["readyForReview"]);
    const listed = async (key: string) => ((await http("GET", "/v1/jobs?pageSize=100", { apiKey: key })).body.items as Array<{ id: string }>).map((j) => j.id);
    expect(await listed(key2)).toContain(id);

    // The state DELETE leaves when the runtime job's mark succeeded and the orchestrator's own delete did
    // not (yet): the job marked deleted, the orchestrator record kept until the `deleted` change removes it.
    await withDb(stack.mongoUrl, (db) => db.collection("jobs").updateOne({ _id: id as never }, { $set: { deletedAt: new Date() } }));
    expect(await listed(key2)).not.toContain(id);
    const all = await http("GET", "/v1/jobs?pageSize=100", { token: admin });
    expect(all.status).toBe(200);
    expect(all.body.items.map((j: { id: string }) => j.id)).not.toContain(id);
    expect((await http("GET", `/v1/jobs/${id}`, { apiKey: key2 })).status).toBe(404);
    // The list filtered it: the record itself has not gone away (the sweep leaves marks 5 s old alone).
    expect(await withDb(stack.mongoUrl, (db) => db.collection("orchestrator_jobs").findOne({ _id: id as never }))).not.toBeNull();
  });
});
