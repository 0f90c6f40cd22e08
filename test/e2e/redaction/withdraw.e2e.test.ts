/**
 * Withdrawing a Smart Redact job: `POST /v1/jobs/{id}/cancel` stops detection on a real worker process
 * (`docmill worker --plugins redaction`), `DELETE /v1/jobs/{id}` removes every file (the GridFS chunks are
 * counted in the database itself) and the findings, and retention expiry runs the same purge. Webhooks
 * report job.cancelled and job.deleted. Gateway, auth, keys, storage, jobs, orchestrator and webhooks run in
 * this process on the real NATS and database.
 */
import mongoose from "mongoose";
import { Webhook } from "standardwebhooks";
import { resetConfig } from "../../../kernel/config";
import { reviewDocument } from "../../fixtures/redaction-corpus";
import { scanPage, scanPdf } from "../../support/scan-corpus";
import { ADMIN, client, withDb } from "../../integration/auth/helpers";
import { startRuntime, waitForPlugin, type Runtime } from "../runtime/support";
import { startReceiver, type Receiver } from "../webhooks/receiver";

jest.setTimeout(600_000);

let rt: Runtime;
let rx: Receiver;
let http: ReturnType<typeof client>;
let key1 = "";
let key2 = "";
let token1 = "";
let hookSecret = "";

const ENV = { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_SWEEP_INTERVAL_SECONDS: "1", JWT_SECRET_KEY: "withdraw-e2e-secret-0123456789abcdef" };
const inDays = (d: number) => new Date(Date.now() + d * 86400e3).toISOString();

beforeAll(async () => {
  Object.assign(process.env, ENV);
  rx = await startReceiver({ "/events": "ok" });
  rt = await startRuntime({ services: ["keys", "orchestrator", "webhooks"], leaseSeconds: 10 });
  await rt.startWorker("redaction");
  await waitForPlugin(rt, "redaction");
  http = client(rt.stack.baseUrl);
  const admin = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  const user1 = (await http("POST", "/v1/users", { json: { email: "withdraw1@example.com", password: "Withdraw1!xy", roles: ["User"] }, token: admin })).body.userId;
  const user2 = (await http("POST", "/v1/users", { json: { email: "withdraw2@example.com", password: "Withdraw2!xy", roles: ["User"] }, token: admin })).body.userId;
  key1 = (await http("POST", "/v1/api-keys", { json: { name: "one", userId: user1, expiresAt: inDays(30) }, token: admin })).body.key;
  key2 = (await http("POST", "/v1/api-keys", { json: { name: "two", userId: user2, expiresAt: inDays(30) }, token: admin })).body.key;
  token1 = (await http("POST", "/v1/auth/login", { json: { login: "withdraw1@example.com", password: "Withdraw1!xy" } })).body.token;
  const hook = await http("POST", "/v1/webhooks", { token: token1, json: { url: rx.url("/events"), events: ["job.cancelled", "job.deleted", "job.expired"] } });
  expect(hook.status).toBe(201);
  hookSecret = hook.body.secret;
});

afterAll(async () => {
  await rt?.stop();
  await rx?.close();
  for (const k of Object.keys(ENV)) delete process.env[k];
  resetConfig();
});

async function upload(key: string, bytes: Uint8Array, name: string): Promise<string> {
  const fd = new FormData();
  fd.append("file", new Blob([Buffer.from(bytes)], { type: "application/pdf" }), name);
  // Making the scan takes a minute on a loaded machine: the pooled keep-alive connection may be closed
  // by the server (keepAliveTimeout 65 s) just as it is reused, a reset before the request arrived. Once more.
  const post = () => fetch(`${rt.stack.baseUrl}/v1/jobs`, { method: "POST", headers: { "x-api-key": key }, body: fd });
  const r = await post().catch((err: unknown) => {
    process.stderr.write(`upload reset (${(err as Error).message}); sending it again\n`);
    return post();
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JobResponse read loosely, as a client would
async function waitFor(id: string, ok: (job: any) => boolean, what: string): Promise<any> {
  let resets = 0;
  for (let i = 0; i < 2400; i++) {
    let r;
    try {
      r = await http("GET", `/v1/jobs/${id}`, { apiKey: key1 });
    } catch (err) {
      // A poll's connection reset on this overloaded test machine (load 30-45) is not the behaviour under
      // test: poll again, a few times at most, and say so.
      if (++resets > 3) throw err;
      process.stderr.write(`poll of job ${id} failed (${(err as Error).message}); polling again\n`);
      continue;
    }
    if (ok(r.body)) return r.body;
    if (["failed", "expired"].includes(r.body.status)) throw new Error(`job ${id} ended ${r.body.status} waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`job ${id} never reached ${what}`);
}

/** Every GridFS file of the job (input and outputs of every attempt) and its chunk count, from the database. */
async function storedBytes(jobId: string, inputFileId?: string): Promise<{ files: string[]; chunks: number }> {
  return withDb(rt.stack.mongoUrl, async (db) => {
    const files = await db.collection("files.files").find({ $or: [{ "metadata.jobId": jobId }, ...(inputFileId ? [{ _id: new mongoose.Types.ObjectId(inputFileId) }] : [])] }).toArray();
    const ids = files.map((f) => f._id);
    const chunks = ids.length ? await db.collection("files.chunks").countDocuments({ files_id: { $in: ids } }) : 0;
    return { files: ids.map(String), chunks };
  });
}

async function runtimeJob(id: string) {
  return withDb(rt.stack.mongoUrl, (db) => db.collection("jobs").findOne({ _id: id as never }));
}

function eventsFor(id: string) {
  return rx.on("/events").map((r) => new Webhook(hookSecret).verify(r.body, r.headers) as { type: string; data: { id: string; status: string } }).filter((e) => e.data.id === id);
}

async function waitForEvent(id: string, type: string) {
  for (let i = 0; i < 600; i++) {
    const e = eventsFor(id).find((x) => x.type === type);
    if (e) return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${type} for ${id}`);
}

let scanned: Uint8Array | undefined;
/** An 8-page scan (OCR and the redaction's verification take a while on it), made once. */
async function eightPageScan(): Promise<Uint8Array> {
  if (scanned) return scanned;
  const pages = [];
  for (let i = 0; i < 8; i++) pages.push(await scanPage(i % 2 ? "speckle" : "clean", 1800 + i, i));
  scanned = await scanPdf(pages);
  return scanned;
}

it("cancel stops detection on the worker: 200 cancelled, no output stored, the worker drops its run; a second cancel is 409", async () => {
  const scan = await eightPageScan();
  if (process.env.WITHDRAW_DEBUG) process.stderr.write(`scan PDF: ${scan.length} bytes\n`);
  const id = await upload(key1, scan, "scanned-file.pdf");
  if (process.env.WITHDRAW_DEBUG) process.stderr.write(`uploaded ${id}\n`);
  // OCR of the scanned pages is under way.
  await waitFor(id, (j) => j.status === "detectionInProgress" && /Extracting text/.test(j.progress?.message ?? ""), "OCR");
  expect((await http("POST", `/v1/jobs/${id}/cancel`, { apiKey: key2 })).status).toBe(404);
  const t0 = Date.now();
  const r = await http("POST", `/v1/jobs/${id}/cancel`, { apiKey: key1 });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ id, status: "cancelled" });
  await rt.workers[0]!.waitForOutput(new RegExp(`job ${id} \\(redaction, attempt 1\\): outcome dropped, the job is cancelled`), 300_000);
  if (process.env.WITHDRAW_DEBUG) process.stderr.write(`cancel -> dropped ${Date.now() - t0} ms\n${rt.workers[0]!.output().slice(-3000)}\n`);
  expect((await storedBytes(id)).files).toEqual([]);
  expect((await http("GET", `/v1/jobs/${id}`, { apiKey: key1 })).body).toMatchObject({ status: "cancelled", findingsCount: null });
  const again = await http("POST", `/v1/jobs/${id}/cancel`, { apiKey: key1 });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ status: 409, code: "JOB_STATE_CONFLICT", title: "Conflict" });
  expect(again.body.detail).toMatch(/already cancelled/);
  expect(await waitForEvent(id, "job.cancelled")).toMatchObject({ data: { status: "cancelled" } });
});

it("cancel stops the redaction on the worker: 200 cancelled during redactionInProgress, no redacted PDF or report stored, 409 after", async () => {
  const id = await upload(key1, await eightPageScan(), "scanned-review.pdf");
  await waitFor(id, (j) => j.status === "readyForReview", "readyForReview");
  const inputFileId = String((await runtimeJob(id))?.inputFileId);
  const reviewed = (await storedBytes(id, inputFileId)).files;
  expect(reviewed.length).toBeGreaterThanOrEqual(2); // the input and the detections
  // Every finding accepted: every page with one is rebuilt, then verified by OCR again.
  expect((await http("POST", `/v1/jobs/${id}/redaction`, { apiKey: key1, json: { reject: [] } })).status).toBe(202);
  await waitFor(id, (j) => j.status === "redactionInProgress", "redactionInProgress");
  const r = await http("POST", `/v1/jobs/${id}/cancel`, { apiKey: key1 });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ id, status: "cancelled" });
  const worker = rt.workers[0]!;
  await worker.waitForOutput(new RegExp(`job ${id} \\(redaction, attempt \\d+\\): outcome dropped, the job is cancelled`), 300_000);
  // The worker stopped before it finished: no redacted PDF or report of this job was ever recorded.
  expect(worker.output()).not.toMatch(new RegExp(`job ${id} \\(redaction, attempt \\d+\\): (completed|finished)`));
  const after = await storedBytes(id, inputFileId);
  expect(after.files.sort()).toEqual([...reviewed].sort());
  const job = await http("GET", `/v1/jobs/${id}`, { apiKey: key1 });
  expect(job.body.status).toBe("cancelled");
  expect(job.body.files).not.toContain("redactedPdf");
  expect((await http("GET", `/v1/jobs/${id}/files/redactedPdf`, { apiKey: key1 })).status).not.toBe(200);
  const again = await http("POST", `/v1/jobs/${id}/cancel`, { apiKey: key1 });
  expect(again.status).toBe(409);
  expect(again.body.detail).toMatch(/already cancelled/);
});

it("delete removes every file, GridFS chunks included, and the findings; the job answers 404; cancel of a finished job is 409", async () => {
  const id = await upload(key1, await reviewDocument(), "record.pdf");
  await waitFor(id, (j) => j.status === "readyForReview", "readyForReview");
  expect((await http("POST", `/v1/jobs/${id}/redaction`, { apiKey: key1, json: { reject: [] } })).status).toBe(202);
  const done = await waitFor(id, (j) => j.status === "finished", "finished");
  expect(done.files).toEqual(expect.arrayContaining(["originalPdf", "detections", "redactedPdf", "report"]));
  const cancel = await http("POST", `/v1/jobs/${id}/cancel`, { apiKey: key1 });
  expect(cancel.status).toBe(409);
  expect(cancel.body.detail).toMatch(/already finished/);

  const before = await runtimeJob(id);
  const inputFileId = String(before?.inputFileId);
  expect((before?.result as { findings?: unknown[] } | null)?.findings).toBeUndefined(); // the redaction phase's result
  const stored = await storedBytes(id, inputFileId);
  expect(stored.files.length).toBeGreaterThanOrEqual(4); // input, detections, redacted PDF, report
  expect(stored.chunks).toBeGreaterThanOrEqual(stored.files.length);
  const fileIds = stored.files;

  expect((await http("DELETE", `/v1/jobs/${id}`, { apiKey: key2 })).status).toBe(404);
  const del = await fetch(`${rt.stack.baseUrl}/v1/jobs/${id}`, { method: "DELETE", headers: { "x-api-key": key1 } });
  expect(del.status).toBe(204);
  expect(await del.text()).toBe("");

  expect((await http("GET", `/v1/jobs/${id}`, { apiKey: key1 })).status).toBe(404);
  expect((await http("GET", `/v1/jobs/${id}/files/redactedPdf`, { apiKey: key1 })).status).toBe(404);
  expect((await http("DELETE", `/v1/jobs/${id}`, { apiKey: key1 })).status).toBe(404);
  expect((await http("GET", "/v1/jobs", { apiKey: key1 })).body.items.map((j: { id: string }) => j.id)).not.toContain(id);
  // The database itself: no file, no chunk, no job record with its findings, no orchestrator record.
  await withDb(rt.stack.mongoUrl, async (db) => {
    const oids = (await db.collection("files.files").find({}).toArray()).map((f) => String(f._id));
    for (const f of fileIds) expect(oids).not.toContain(f);
    expect(await db.collection("files.chunks").countDocuments({ files_id: { $in: fileIds.map((f) => new mongoose.Types.ObjectId(f)) } })).toBe(0);
    expect(await db.collection("jobs").countDocuments({ _id: id as never })).toBe(0);
    expect(await db.collection("job_results").countDocuments({ jobId: id })).toBe(0);
    expect(await db.collection("orchestrator_jobs").countDocuments({ _id: id as never })).toBe(0);
  });
  expect(await waitForEvent(id, "job.deleted")).toMatchObject({ data: { id, status: "deleted" } });
});

it("retention expiry runs the same purge: files and findings gone, the job answers expired", async () => {
  const id = await upload(key1, await reviewDocument(), "expiring.pdf");
  await waitFor(id, (j) => j.status === "readyForReview", "readyForReview");
  const inputFileId = String((await runtimeJob(id))?.inputFileId);
  // The findings are in the job's results record (kernel/jobs/results.ts), referenced by the job document.
  const results = () => withDb(rt.stack.mongoUrl, (db) => db.collection("job_results").find({ jobId: id }).toArray());
  const held = await results();
  expect(held.map((r) => r._id)).toEqual([((await runtimeJob(id))?.resultRef as { id?: string } | null)?.id]);
  expect((held[0]?.result as { findings?: unknown[] }).findings?.length).toBeGreaterThan(0);
  expect((await storedBytes(id, inputFileId)).chunks).toBeGreaterThan(0);
  await withDb(rt.stack.mongoUrl, (db) => db.collection("jobs").updateOne({ _id: id as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } }));
  await rt.stack.broker.call("jobs.recover");
  const job = await waitFor(id, (j) => j.status === "expired", "expired");
  expect(job.files).toEqual([]);
  expect((await http("GET", `/v1/jobs/${id}/files/originalPdf`, { apiKey: key1 })).status).toBe(410);
  const after = await storedBytes(id, inputFileId);
  expect(after).toEqual({ files: [], chunks: 0 });
  const rec = await runtimeJob(id);
  expect(rec).toMatchObject({ status: "expired", result: null, resultRef: null, resume: null, outputs: [] });
  expect(await results()).toEqual([]);
  expect(await waitForEvent(id, "job.expired")).toMatchObject({ data: { status: "expired" } });
});
