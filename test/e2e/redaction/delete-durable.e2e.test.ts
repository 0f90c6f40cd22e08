/**
 * Deleting a Smart Redact job needs only the database: with NATS down `DELETE /v1/jobs/{id}` still
 * answers 204 and the job 404 from then on; the rest of the purge (the durable `deleted` change, the
 * records) is durable work that survives the process being killed. The core (gateway, auth, keys,
 * storage, jobs, orchestrator, webhooks) runs as its own `docmill start` process and the redaction worker
 * as a `docmill worker` process, both on a private NATS server this test stops and starts again. The
 * database (files, chunks, records) is read directly.
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

const SECRET = `delete-durable-${randomBytes(16).toString("hex")}`;
const NS = `dd${randomBytes(4).toString("hex")}`;
const mongoUrl = uniqueMongoUrl("deldur");
let nats: NatsServer;
let rx: Receiver;
let port = 0;
let base = "";
let http: ReturnType<typeof client>;
let key = "";
let hookSecret = "";
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
  const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "start", "--services", "gateway,auth,keys,storage,jobs,orchestrator,webhooks"], {
    env: { ...common(), NODE_ID: `${NS}-core-${procs.length}`, PORT: String(port), HOST: "127.0.0.1", WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_SWEEP_INTERVAL_SECONDS: "1" },
  });
  procs.push(p);
  await p.waitForOutput(/ServiceBroker with \d+ service\(s\) started successfully/, 120_000);
  await waitForPort(port, { process: p });
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

const record = (coll: string, id: string) => withDb(mongoUrl, (db) => db.collection(coll).findOne({ _id: id as never }));

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn().catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  nats = await startNatsServer();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  rx = await startReceiver({ "/events": "ok" });
  await startCore();
  await startWorker();
  http = client(base);
  const admin = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  const userId = (await http("POST", "/v1/users", { json: { email: "durable.delete@example.com", password: "Durable1!xyz", roles: ["User"] }, token: admin })).body.userId;
  key = (await http("POST", "/v1/api-keys", { json: { name: "dd", userId, expiresAt: new Date(Date.now() + 30 * 86400e3).toISOString() }, token: admin })).body.key;
  const token = (await http("POST", "/v1/auth/login", { json: { login: "durable.delete@example.com", password: "Durable1!xyz" } })).body.token;
  const hook = await http("POST", "/v1/webhooks", { token, json: { url: rx.url("/events"), events: ["job.deleted"] } });
  expect(hook.status).toBe(201);
  hookSecret = hook.body.secret;
});

afterAll(async () => {
  for (const p of procs) await p.kill("SIGKILL");
  if (nats) await stopNatsServer(nats, "SIGKILL");
  await rx?.close();
});

it("deletes with NATS down (204, then 404), and after the process is killed a new one finishes the purge", async () => {
  const pdf = Buffer.from(await reviewDocument());
  const post = () => {
    const fd = new FormData();
    fd.append("file", new Blob([pdf], { type: "application/pdf" }), "withdrawn.pdf");
    return fetch(`${base}/v1/jobs`, { method: "POST", headers: { "x-api-key": key }, body: fd });
  };
  // 503 until the core hears of the worker process over NATS (its registry), as a client would retry.
  const created = await until("the worker to be known", async () => {
    const r = await post();
    if (r.status === 503) return null;
    return r;
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  await until("readyForReview", async () => (await http("GET", `/v1/jobs/${id}`, { apiKey: key })).body.status === "readyForReview");
  const before = await record("jobs", id);
  const inputFileId = String(before?.inputFileId);
  // The findings are in the job's results record (kernel/jobs/results.ts), which the job document references.
  const results = await withDb(mongoUrl, (db) => db.collection("job_results").find({ jobId: id }).toArray());
  expect(results.map((r) => r._id)).toEqual([(before?.resultRef as { id?: string } | null)?.id]);
  expect((results[0]?.result as { findings?: unknown[] }).findings?.length).toBeGreaterThan(0);
  const stored = await storedBytes(id, inputFileId);
  expect(stored.files.length).toBeGreaterThanOrEqual(2); // the input and the detections
  expect(stored.chunks).toBeGreaterThanOrEqual(stored.files.length);

  await stopNatsServer(nats, "SIGKILL");
  const del = await fetch(`${base}/v1/jobs/${id}`, { method: "DELETE", headers: { "x-api-key": key } });
  expect(del.status).toBe(204);
  expect((await http("GET", `/v1/jobs/${id}`, { apiKey: key })).status).toBe(404);
  expect((await http("GET", `/v1/jobs/${id}/files/detections`, { apiKey: key })).status).toBe(404);
  expect((await http("DELETE", `/v1/jobs/${id}`, { apiKey: key })).status).toBe(404);
  // The deletion stands in the database: findings cleared, the record kept as the purge's outbox (its
  // `deleted` change could not be published), no orchestrator record.
  const marked = await record("jobs", id);
  expect(marked).toMatchObject({ result: null, resume: null, outputs: [] });
  expect(marked?.deletedAt).toBeInstanceOf(Date);
  expect(await record("orchestrator_jobs", id)).toBeNull();

  // The process holding the unfinished purge dies; NATS comes back; a new process finishes it.
  await procs[0]!.kill("SIGKILL");
  nats = await startNatsServer({ port: nats.port, storeDir: nats.storeDir });
  await startCore();
  await until("the job record gone", async () => (await record("jobs", id)) === null);
  expect(await storedBytes(id, inputFileId)).toEqual({ files: [], chunks: 0 });
  await withDb(mongoUrl, async (db) => {
    expect(await db.collection("files.chunks").countDocuments({ files_id: { $in: stored.files.map((f) => new mongoose.Types.ObjectId(f)) } })).toBe(0);
    expect(await db.collection("job_results").countDocuments({ jobId: id })).toBe(0);
  });
  const event = await until("job.deleted", async () =>
    rx
      .on("/events")
      .map((r) => new Webhook(hookSecret).verify(r.body, r.headers) as { type: string; data: { id: string; status: string } })
      .find((e) => e.type === "job.deleted" && e.data.id === id),
  );
  expect(event).toMatchObject({ data: { id, status: "deleted" } });
  expect((await http("GET", `/v1/jobs/${id}`, { apiKey: key })).status).toBe(404);
});
