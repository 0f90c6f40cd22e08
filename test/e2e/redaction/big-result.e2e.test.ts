/**
 * A Smart Redact job with thousands of findings: its detection result (every finding) is kept outside the
 * job document (kernel/jobs/results.ts, issue 14), so the document every claim, list, sweep and
 * `job.updated` broadcast reads stays small, while the API still answers with every finding and DELETE
 * removes the results records too. The result is stored in parts of PART_FINDINGS findings, so no
 * single document of it takes the driver long to encode or decode on the event loop. Records whose job
 * is gone are removed by the recovery timer's orphan sweep. Read straight from the database (the real
 * MongoDB-protocol server).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { faker } from "@faker-js/faker";
import mongoose from "mongoose";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { resetConfig } from "../../../kernel/config";
import { PART_FINDINGS } from "../../../kernel/jobs/results";
import { pdfPool } from "../../../sdk/pdf/pool";
import type { Stack } from "../../support/stack";
import { apiUser, startRedactionStack, waitForStatus, type Http } from "../../support/redaction-e2e";
import { withDb } from "../../integration/auth/helpers";

jest.setTimeout(600_000);

let stack: Stack;
let mongoUrl = "";
let http: Http;
let key = "";

const PAGES = 10;
const LINES = 80;

/** A contact list: three distinct e-mail addresses on every line, 2,400 in all (fixed seed). */
async function contactList(): Promise<{ bytes: Uint8Array; emails: string[] }> {
  faker.seed(1414);
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const emails: string[] = [];
  for (let p = 0; p < PAGES; p++) {
    const page = doc.addPage([595.28, 841.89]);
    for (let l = 0; l < LINES; l++) {
      const line = [0, 1, 2].map((k) => {
        const e = faker.internet.email({ firstName: faker.person.firstName(), lastName: `${faker.person.lastName()}${p}${l}${k}`, provider: "example.com" }).toLowerCase();
        emails.push(e);
        return e;
      });
      page.drawText(line.join("  "), { x: 36, y: 800 - l * 9.5, size: 7, font });
    }
  }
  return { bytes: await doc.save({ useObjectStreams: false }), emails };
}

const savedInterval = process.env.JOB_RECOVERY_INTERVAL_SECONDS;

beforeAll(async () => {
  // The recovery timer (and with it the orphan sweep) every second: the sweep is awaited, not called.
  process.env.JOB_RECOVERY_INTERVAL_SECONDS = "1";
  resetConfig();
  let admin: string;
  ({ stack, http, admin } = await startRedactionStack("bigresult", ["feedback"]));
  mongoUrl = stack.mongoUrl;
  ({ key } = await apiUser(http, admin, { email: "bulk@example.com", password: "Bulk1234!xy", keyName: "bulk" }));
});

afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
  if (savedInterval === undefined) delete process.env.JOB_RECOVERY_INTERVAL_SECONDS;
  else process.env.JOB_RECOVERY_INTERVAL_SECONDS = savedInterval;
  resetConfig();
});

/** Uploads the contact list and waits for its detection; returns the job and the detections file's findings. */
async function detectedJob(bytes: Uint8Array) {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(bytes)], { type: "application/pdf" }), "contacts.pdf");
  const created = await fetch(`${stack.baseUrl}/v1/jobs`, { method: "POST", headers: { "x-api-key": key }, body: form });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;

  const job = await waitForStatus(http, id, key, ["readyForReview"], 2000);
  expect(job.status).toBe("readyForReview");
  const det = await fetch(`${stack.baseUrl}/v1/jobs/${id}/files/detections`, { headers: { "x-api-key": key } });
  expect(det.status).toBe(200);
  const findings = ((await det.json()) as { findings: Array<{ id: string; label: string; text: string }> }).findings;
  return { id, job, findings };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw database documents
type Raw = any;

/** A job's result records as stored: the head (no `of`) and its parts in order. */
async function recordsOf(id: string): Promise<{ heads: Raw[]; parts: Raw[] }> {
  const all = await withDb(mongoUrl, (db) => db.collection("job_results").find({ jobId: id }).toArray());
  return { heads: all.filter((r) => !r.of), parts: all.filter((r) => r.of).sort((a, b) => a.k - b.k) };
}

it("keeps a big job's document small, still answers every finding, and DELETE removes the results record", async () => {
  const { bytes, emails } = await contactList();
  const { id, job, findings } = await detectedJob(bytes);
  const found = new Set(findings.map((f) => f.text.toLowerCase()));
  expect(emails.filter((e) => !found.has(e))).toEqual([]);
  expect(findings.length).toBeGreaterThanOrEqual(emails.length);
  // The count comes from the job's summary (resultRef), without reading the findings back.
  expect(job.findingsCount).toBe(findings.length);

  const stored = {
    job: await withDb(mongoUrl, (db) => db.collection("jobs").findOne({ _id: id as never })),
    ...(await recordsOf(id)),
  };
  expect(stored.job).not.toBeNull();
  const size = mongoose.mongo.BSON.calculateObjectSize(stored.job!);
  process.stderr.write(`job document ${size} bytes for ${findings.length} findings\n`);
  expect(size).toBeLessThan(64 * 1024);
  expect(stored.job!.result.findings).toBeUndefined();
  expect(stored.job!.resultRef).toMatchObject({ findings: findings.length });
  // One head record (the reference's id) with the first PART_FINDINGS findings, then the parts in order.
  expect(stored.heads.map((r) => r._id)).toEqual([stored.job!.resultRef.id]);
  const parts = Math.ceil(findings.length / PART_FINDINGS) - 1;
  expect(parts).toBeGreaterThanOrEqual(2);
  expect(stored.heads[0].parts).toBe(parts);
  expect(stored.parts.map((r) => [r._id, r.of, r.k])).toEqual(Array.from({ length: parts }, (_, i) => [`${stored.heads[0]._id}#${i + 1}`, stored.heads[0]._id, i + 1]));
  const joined = [...stored.heads[0].result.findings, ...stored.parts.flatMap((r) => r.findings)];
  expect(joined.map((f: { id: string }) => f.id)).toEqual(findings.map((f) => f.id));
  for (const r of [...stored.heads, ...stored.parts]) {
    expect((r.findings ?? r.result.findings).length).toBeLessThanOrEqual(PART_FINDINGS);
    expect(mongoose.mongo.BSON.calculateObjectSize(r)).toBeGreaterThan(64 * 1024);
  }

  const del = await fetch(`${stack.baseUrl}/v1/jobs/${id}`, { method: "DELETE", headers: { "x-api-key": key } });
  expect(del.status).toBe(204);
  expect((await http("GET", `/v1/jobs/${id}`, { apiKey: key })).status).toBe(404);
  const after = await withDb(mongoUrl, async (db) => ({
    job: await db.collection("jobs").findOne({ _id: id as never }),
    records: await db.collection("job_results").countDocuments({ jobId: id }),
  }));
  expect(after.records).toBe(0);
  expect(after.job).toBeNull();
});

it("the orphan sweep removes result records whose job is gone or no longer references them, and keeps a live job's", async () => {
  const { bytes } = await contactList();
  const [kept, gone] = [await detectedJob(bytes), await detectedJob(bytes)];
  const hour = new Date(Date.now() - 3600e3);
  const ghost = `ghost-${randomBytes(4).toString("hex")}`;
  const count = (jobId: string) => withDb(mongoUrl, (db) => db.collection("job_results").countDocuments({ jobId }));
  const keptRecords = Math.ceil(kept.findings.length / PART_FINDINGS);
  // Checked before the records are made old enough to sweep: the sweep runs every second from then on,
  // and may well have run before a check placed after it (a fresh-clone run under load saw 0).
  expect(await count(gone.id)).toBe(keptRecords);
  await withDb(mongoUrl, async (db) => {
    // What a crash leaves (the sweep's grace period is over for all of these):
    //  - a purge interrupted after the job record went: `gone`'s records stay behind;
    //  - a late finish after a purge: a head and a part of a job that no longer exists;
    //  - a crash between an attempt's record write and its transition, on a live job (kept until it is final).
    await db.collection("jobs").deleteOne({ _id: gone.id as never });
    await db.collection("job_results").insertMany([
      { _id: `${ghost}:1` as never, jobId: ghost, result: { phase: "detection", findings: [{ id: "x" }] }, parts: 1, createdAt: hour },
      { _id: `${ghost}:1#1` as never, jobId: ghost, of: `${ghost}:1`, k: 1, findings: [{ id: "y" }], createdAt: hour },
      { _id: `${kept.id}:99` as never, jobId: kept.id, result: { phase: "detection", findings: [] }, createdAt: hour },
    ]);
    await db.collection("job_results").updateMany({}, { $set: { createdAt: hour } });
  });

  // No call: the recovery timer (every second here) runs the sweep.
  for (let i = 0; i < 240 && ((await count(gone.id)) > 0 || (await count(ghost)) > 0); i++) await new Promise((r) => setTimeout(r, 250));
  expect({ gone: await count(gone.id), ghost: await count(ghost) }).toEqual({ gone: 0, ghost: 0 });
  // The live job keeps all of its records, the unreferenced one too (its next finish drops it).
  expect(await count(kept.id)).toBe(keptRecords + 1);
  const view = await http("GET", `/v1/jobs/${kept.id}`, { apiKey: key });
  expect({ status: view.status, findingsCount: view.body.findingsCount }).toEqual({ status: 200, findingsCount: kept.findings.length });

  // Once the job is final, the record it does not reference goes; the one it does stays.
  const cancelled = await http("POST", `/v1/jobs/${kept.id}/cancel`, { apiKey: key });
  expect(cancelled.status).toBe(200);
  for (let i = 0; i < 240 && (await count(kept.id)) > keptRecords; i++) await new Promise((r) => setTimeout(r, 250));
  const left = await recordsOf(kept.id);
  const ref = (await withDb(mongoUrl, (db) => db.collection("jobs").findOne({ _id: kept.id as never })))?.resultRef?.id;
  expect(ref).toEqual(expect.any(String));
  expect(left.heads.map((r) => r._id)).toEqual([ref]);
  expect(left.parts).toHaveLength(keptRecords - 1);
});

it("stores a review of thousands of areas in parts, redacts every one of them, and drops the parts when the job ends", async () => {
  const { bytes, emails } = await contactList();
  const { id, findings } = await detectedJob(bytes);
  const submit = await http("POST", `/v1/jobs/${id}/redaction`, { apiKey: key, json: { reject: [] } });
  expect(submit.status).toBe(202);
  // The job document names where the areas are; the areas themselves are in job_results, in parts.
  const stored = await withDb(mongoUrl, async (db) => ({
    job: await db.collection("jobs").findOne({ _id: id as never }),
    input: await db.collection("job_results").find({ jobId: id, _id: { $regex: ":input:" } as never }).toArray(),
  }));
  const ref = stored.job!.resume.inputRef;
  expect({ input: stored.job!.resume.input, items: ref.items }).toEqual({ input: null, items: findings.length });
  expect(mongoose.mongo.BSON.calculateObjectSize(stored.job!)).toBeLessThan(64 * 1024);
  const head = stored.input.find((r) => r._id === ref.id);
  const parts = stored.input.filter((r) => r.of === ref.id).sort((a, b) => a.k - b.k);
  expect(parts.map((r) => r.k)).toEqual(Array.from({ length: head!.parts }, (_, i) => i + 1));
  const areas = [...head!.input.areas, ...parts.flatMap((r) => r.items)];
  expect(areas.map((a: { findingId: string }) => a.findingId)).toEqual(findings.map((f) => f.id));
  for (const r of parts) expect(r.items.length).toBeLessThanOrEqual(PART_FINDINGS);

  const done = await waitForStatus(http, id, key, ["finished"], 2000);
  expect({ status: done.status, leaks: done.verification?.leaks }).toEqual({ status: "finished", leaks: 0 });
  // Every area reached the redaction: no address is left in the output's text (pdftotext).
  const pdf = await fetch(`${stack.baseUrl}/v1/jobs/${id}/files/redactedPdf`, { headers: { "x-api-key": key } });
  expect(pdf.status).toBe(200);
  const text = execFileSync("pdftotext", ["-", "-"], { input: Buffer.from(await pdf.arrayBuffer()) }).toString();
  expect(emails.filter((e) => text.includes(e))).toEqual([]);
  expect(text).not.toContain("@example.com");
  // The review's feedback (one entry per finding, written in slices): whole, in order, once; a retried
  // record changes nothing, and one interrupted after its first slice is finished by the retry.
  const feedback = () => withDb(mongoUrl, (db) => db.collection("review_feedback").findOne({ _id: id as never }));
  const fb = await feedback();
  expect(fb!.findings.map((f: { findingId: string }) => f.findingId)).toEqual(findings.map((f) => f.id));
  expect(fb!.findings.every((f: { accepted: boolean }) => f.accepted)).toBe(true);
  const params = { jobId: id, reviewerId: fb!.reviewerId, at: new Date(fb!.at).toISOString(), manualAreas: 0, findings: fb!.findings };
  await stack.broker.call("feedback.record", params);
  expect((await feedback())!.findings).toHaveLength(findings.length);
  await withDb(mongoUrl, (db) => db.collection("review_feedback").updateOne({ _id: id as never }, { $set: { filled: 1, findings: fb!.findings.slice(0, 1000) } }));
  await stack.broker.call("feedback.record", params);
  expect((await feedback())!.findings.map((f: { findingId: string }) => f.findingId)).toEqual(findings.map((f) => f.id));
  // The finished job needs no input any more: its finish removed the records.
  expect(await withDb(mongoUrl, (db) => db.collection("job_results").countDocuments({ jobId: id, _id: { $regex: ":input:" } as never }))).toBe(0);
});
