/**
 * A Smart Redact job with thousands of findings: its detection result (every finding) is kept outside the
 * job document (kernel/jobs/results.ts, issue 14), so the document every claim, list, sweep and
 * `job.updated` broadcast reads stays small, while the API still answers with every finding and DELETE
 * removes the results record too. Read straight from the database (the real MongoDB-protocol server).
 */
import { faker } from "@faker-js/faker";
import mongoose from "mongoose";
import { PDFDocument, StandardFonts } from "pdf-lib";
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

beforeAll(async () => {
  let admin: string;
  ({ stack, http, admin } = await startRedactionStack("bigresult"));
  mongoUrl = stack.mongoUrl;
  ({ key } = await apiUser(http, admin, { email: "bulk@example.com", password: "Bulk1234!xy", keyName: "bulk" }));
});

afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
});

it("keeps a big job's document small, still answers every finding, and DELETE removes the results record", async () => {
  const { bytes, emails } = await contactList();
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
  const found = new Set(findings.map((f) => f.text.toLowerCase()));
  expect(emails.filter((e) => !found.has(e))).toEqual([]);
  expect(findings.length).toBeGreaterThanOrEqual(emails.length);
  // The count comes through jobs.get, which puts the detached findings back.
  expect(job.findingsCount).toBe(findings.length);

  const stored = await withDb(mongoUrl, async (db) => ({
    job: await db.collection("jobs").findOne({ _id: id as never }),
    records: await db.collection("job_results").find({ jobId: id }).toArray(),
  }));
  expect(stored.job).not.toBeNull();
  const size = mongoose.mongo.BSON.calculateObjectSize(stored.job!);
  process.stderr.write(`job document ${size} bytes for ${findings.length} findings\n`);
  expect(size).toBeLessThan(64 * 1024);
  expect(stored.job!.result.findings).toBeUndefined();
  expect(stored.job!.resultRef).toMatchObject({ findings: findings.length });
  expect(stored.records).toHaveLength(1);
  expect(stored.records[0]._id).toBe(stored.job!.resultRef.id);
  expect(stored.records[0].result.findings).toHaveLength(findings.length);
  expect(mongoose.mongo.BSON.calculateObjectSize(stored.records[0])).toBeGreaterThan(64 * 1024);

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
