/**
 * Retention expiry runs the same durable purge as a deletion: ONE conditional update expires the job
 * (status `expired`, findings cleared, the purge of its files owed), then its files and GridFS chunks are
 * removed, at once or, when storage is away and the process holding the purge dies, by the jobs sweep of
 * the next process. The core (gateway, auth, keys, jobs, orchestrator, webhooks), storage and the
 * redaction worker run as three processes on a private NATS; the database is read directly. The job's
 * retention is made to pass by back-dating its `expiresAt` (its files keep theirs, so storage's own
 * retention sweep cannot be what removes them).
 */
import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import { Webhook } from "standardwebhooks";
import { reviewDocument } from "../../fixtures/redaction-corpus";
import { ADMIN, client, withDb } from "../../integration/auth/helpers";
import { freePort, spawnProcess, startNatsServer, stopNatsServer, waitForPort, type NatsServer, type SpawnedProcess } from "../../support/infra";
import { uniqueMongoUrl } from "../../support/stack";
import { startReceiver, type Receiver } from "../webhooks/receiver";

jest.setTimeout(600_000);

const SECRET = `expiry-durable-${randomBytes(16).toString("hex")}`;
const NS = `ed${randomBytes(4).toString("hex")}`;
const mongoUrl = uniqueMongoUrl("expdur");
let nats: NatsServer;
let rx: Receiver;
let port = 0;
let base = "";
let http: ReturnType<typeof client>;
let key = "";
let hookSecret = "";
let core: SpawnedProcess;
let storage: SpawnedProcess;
const procs: SpawnedProcess[] = [];

const common = () => ({
  TRANSPORTER: nats.url,
  NATS_URL: nats.url,
  NAMESPACE: NS,
  MONGO_URL: mongoUrl,
  JWT_SECRET_KEY: SECRET,
  JOB_LEASE_SECONDS: "10",
  JOB_RECOVERY_INTERVAL_SECONDS: "1",
  DOCMILL_PDF_THREADS: "1",
  LOG_LEVEL: "info",
  LOG_FORMAT: "text",
});

async function startCore(): Promise<SpawnedProcess> {
  const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "start", "--services", "gateway,auth,keys,jobs,orchestrator,webhooks"], {
    env: { ...common(), NODE_ID: `${NS}-core-${procs.length}`, PORT: String(port), HOST: "127.0.0.1", WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_SWEEP_INTERVAL_SECONDS: "1" },
  });
  procs.push(p);
  await p.waitForOutput(/ServiceBroker with \d+ service\(s\) started successfully/, 120_000);
  await waitForPort(port, { process: p });
  return p;
}

async function startStorage(): Promise<SpawnedProcess> {
  const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "start", "--services", "storage"], { env: { ...common(), NODE_ID: `${NS}-storage-${procs.length}` } });
  procs.push(p);
  await p.waitForOutput(/ServiceBroker with \d+ service\(s\) started successfully/, 120_000);
  return p;
}

async function startWorker(): Promise<SpawnedProcess> {
  const w = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "worker", "--plugins", "redaction"], { env: { ...common(), NODE_ID: `${NS}-w${procs.length}` } });
  procs.push(w);
  await w.waitForOutput(/worker \S+ hosts/, 120_000);
  return w;
}

async function storedBytes(jobId: string, inputFileId: string): Promise<{ files: string[]; chunks: number }> {
  return withDb(mongoUrl, async (db) => {
    const files = await db.collection("files.files").find({ $or: [{ "metadata.jobId": jobId }, { _id: new mongoose.Types.ObjectId(inputFileId) }] }).toArray();
    const ids = files.map((f) => f._id);
    const chunks = ids.length ? await db.collection("files.chunks").countDocuments({ files_id: { $in: ids } }) : 0;
    return { files: ids.map(String), chunks };
  });
}

const record = (id: string) => withDb(mongoUrl, (db) => db.collection("jobs").findOne({ _id: id as never }));
const backdate = (id: string) => withDb(mongoUrl, (db) => db.collection("jobs").updateOne({ _id: id as never }, { $set: { expiresAt: new Date(Date.now() - 60_000) } }));

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn().catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A job of the review corpus, waiting for review, with its stored files (input and detections). */
async function reviewJob(): Promise<{ id: string; inputFileId: string; stored: { files: string[]; chunks: number } }> {
  const pdf = Buffer.from(await reviewDocument());
  const post = () => {
    const fd = new FormData();
    fd.append("file", new Blob([pdf], { type: "application/pdf" }), "kept-too-long.pdf");
    return fetch(`${base}/v1/jobs`, { method: "POST", headers: { "x-api-key": key }, body: fd });
  };
  // 503 until the core hears of the worker and storage processes over NATS, as a client would retry.
  const created = await until("the worker to be known", async () => {
    const r = await post();
    if (r.status === 503) return null;
    return r;
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  await until("readyForReview", async () => (await http("GET", `/v1/jobs/${id}`, { apiKey: key })).body.status === "readyForReview");
  const before = await record(id);
  // The findings are in the job's results record (kernel/jobs/results.ts), which the job document references.
  const results = await withDb(mongoUrl, (db) => db.collection("job_results").find({ jobId: id }).toArray());
  expect(results.map((r) => r._id)).toEqual([(before?.resultRef as { id?: string } | null)?.id]);
  expect((results[0]?.result as { findings?: unknown[] }).findings?.length).toBeGreaterThan(0);
  const inputFileId = String(before?.inputFileId);
  const stored = await storedBytes(id, inputFileId);
  expect(stored.files.length).toBeGreaterThanOrEqual(2); // the input and the detections
  expect(stored.chunks).toBeGreaterThanOrEqual(stored.files.length);
  return { id, inputFileId, stored };
}

async function expectPurged(id: string, inputFileId: string, files: string[]): Promise<void> {
  expect(await storedBytes(id, inputFileId)).toEqual({ files: [], chunks: 0 });
  await withDb(mongoUrl, async (db) => {
    expect(await db.collection("files.chunks").countDocuments({ files_id: { $in: files.map((f) => new mongoose.Types.ObjectId(f)) } })).toBe(0);
    expect(await db.collection("job_results").countDocuments({ jobId: id })).toBe(0);
  });
  const after = await record(id);
  expect(after).toMatchObject({ status: "expired", result: null, resume: null, outputs: [], purgeAt: null, deletedAt: null });
  const view = await http("GET", `/v1/jobs/${id}`, { apiKey: key });
  expect(view.status).toBe(200);
  expect(view.body.status).toBe("expired");
  expect((await http("GET", `/v1/jobs/${id}/files/detections`, { apiKey: key })).status).not.toBe(200);
  const event = await until("job.expired", async () =>
    rx
      .on("/events")
      .map((r) => new Webhook(hookSecret).verify(r.body, r.headers) as { type: string; data: { id: string; status: string } })
      .find((e) => e.type === "job.expired" && e.data.id === id),
  );
  expect(event).toMatchObject({ data: { id, status: "expired" } });
}

beforeAll(async () => {
  nats = await startNatsServer();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  rx = await startReceiver({ "/events": "ok" });
  storage = await startStorage();
  core = await startCore();
  await startWorker();
  http = client(base);
  const admin = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  const userId = (await http("POST", "/v1/users", { json: { email: "durable.expiry@example.com", password: "Durable1!xyz", roles: ["User"] }, token: admin })).body.userId;
  key = (await http("POST", "/v1/api-keys", { json: { name: "ed", userId, expiresAt: new Date(Date.now() + 30 * 86400e3).toISOString() }, token: admin })).body.key;
  const token = (await http("POST", "/v1/auth/login", { json: { login: "durable.expiry@example.com", password: "Durable1!xyz" } })).body.token;
  const hook = await http("POST", "/v1/webhooks", { token, json: { url: rx.url("/events"), events: ["job.expired"] } });
  expect(hook.status).toBe(201);
  hookSecret = hook.body.secret;
});

afterAll(async () => {
  for (const p of procs) await p.kill("SIGKILL");
  if (nats) await stopNatsServer(nats, "SIGKILL");
  await rx?.close();
});

it("a job whose retention passed is expired: findings cleared, files and GridFS chunks gone, job.expired sent", async () => {
  const { id, inputFileId, stored } = await reviewJob();
  await backdate(id);
  await until("the job expired and purged", async () => {
    const r = await record(id);
    return r?.status === "expired" && r.purgeAt === null;
  });
  await expectPurged(id, inputFileId, stored.files);
});

it("an expiry whose purge was interrupted (storage away, then the process killed) is finished by the next process's sweep", async () => {
  const { id, inputFileId, stored } = await reviewJob();
  await storage.kill("SIGKILL");
  await backdate(id);
  // The expiry stands in the database at once: expired, findings cleared, the purge owed; the files remain.
  const marked = await until("the job expired", async () => {
    const r = await record(id);
    return r?.status === "expired" ? r : null;
  });
  expect(marked).toMatchObject({ result: null, resume: null, outputs: [] });
  expect(marked.purgeAt).toBeInstanceOf(Date);
  expect(await storedBytes(id, inputFileId)).toEqual(stored);

  // The process owing the purge dies; storage comes back; a new core's sweep finishes it.
  await core.kill("SIGKILL");
  storage = await startStorage();
  core = await startCore();
  await until("the purge finished", async () => (await record(id))?.purgeAt === null);
  await expectPurged(id, inputFileId, stored.files);
});
