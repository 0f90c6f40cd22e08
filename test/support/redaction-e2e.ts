/**
 * What the Smart Redact e2e tests share: the in-process stack with the redaction worker, API users with a
 * key (and a webhook), a job brought to readyForReview, the bytes a job holds in GridFS, and a signed
 * webhook event read back with the independent Standard Webhooks verifier.
 */
import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import { Webhook } from "standardwebhooks";
import { reviewDocument } from "../fixtures/redaction-corpus";
import { ADMIN, client, withDb } from "../integration/auth/helpers";
import { until, type SplitStack } from "./processes";
import { startStack, uniqueMongoUrl, type Stack } from "./stack";

export type Http = ReturnType<typeof client>;

export const inDays = (d: number) => new Date(Date.now() + d * 86400e3).toISOString();

/**
 * Gateway, auth, keys, storage, jobs, the worker and the orchestrator in this process on a fresh database
 * (the orchestrator's too), signed in as the admin, once the jobs service sees the redaction plugin.
 * `extra`: more services (e.g. "feedback").
 */
export async function startRedactionStack(prefix: string, extra: string[] = []): Promise<{ stack: Stack; http: Http; admin: string }> {
  const mongoUrl = uniqueMongoUrl(prefix);
  const stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "worker", "orchestrator", ...extra],
    mongoUrl,
    broker: { namespace: `${prefix}-${randomBytes(4).toString("hex")}` },
    mods: { orchestrator: { settings: { mongoUrl } } },
  });
  const http = client(stack.baseUrl);
  const admin = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  // The worker registers its plugins through the registry: wait until jobs can see "redaction".
  for (let i = 0; i < 100; i++) {
    const plugins = await stack.broker.call<Array<{ id: string }>>("jobs.plugins");
    if (plugins.some((p) => p.id === "redaction")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { stack, http, admin };
}

/** A user made by the admin, with an API key valid `days` days. */
export async function apiUser(http: Http, admin: string, u: { email: string; password: string; keyName: string; days?: number }): Promise<{ userId: string; key: string }> {
  const userId = (await http("POST", "/v1/users", { json: { email: u.email, password: u.password, roles: ["User"] }, token: admin })).body.userId;
  const key = (await http("POST", "/v1/api-keys", { json: { name: u.keyName, userId, expiresAt: inDays(u.days ?? 30) }, token: admin })).body.key;
  return { userId, key };
}

/** A user with an API key and a webhook to `url` for `events` (registered with the user's own sign-in). */
export async function userWithWebhook(http: Http, u: { email: string; keyName: string; url: string; events: string[] }): Promise<{ key: string; hookSecret: string }> {
  const admin = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  const password = "Durable1!xyz";
  const { key } = await apiUser(http, admin, { email: u.email, password, keyName: u.keyName });
  const token = (await http("POST", "/v1/auth/login", { json: { login: u.email, password } })).body.token;
  const hook = await http("POST", "/v1/webhooks", { token, json: { url: u.url, events: u.events } });
  expect(hook.status).toBe(201);
  return { key, hookSecret: hook.body.secret };
}

/** Polls GET /v1/jobs/{id} with `key` (every 250 ms, `tries` times) until the job is in one of `wanted`; throws if it fails or expires. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JobResponse read loosely, as a client would
export async function waitForStatus(http: Http, id: string, key: string, wanted: string[], tries = 600): Promise<any> {
  for (let i = 0; i < tries; i++) {
    const r = await http("GET", `/v1/jobs/${id}`, { apiKey: key });
    expect(r.status).toBe(200);
    if (wanted.includes(r.body.status)) return r.body;
    if (["failed", "expired"].includes(r.body.status)) throw new Error(`job ${id} ended ${r.body.status}: ${JSON.stringify(r.body.error)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`job ${id} never reached ${wanted.join("/")}`);
}

/** The redaction worker as its own process, then a user with a key and a webhook on the split stack's gateway. */
export async function workerAndWebhookUser(s: SplitStack, u: { email: string; keyName: string; url: string; events: string[] }): Promise<{ http: Http; key: string; hookSecret: string }> {
  await s.worker("redaction");
  const http = client(s.base);
  return { http, ...(await userWithWebhook(http, u)) };
}

/** The job's GridFS files (its own and its input) and their chunks, read from the database. */
export async function storedBytes(mongoUrl: string, jobId: string, inputFileId: string): Promise<{ files: string[]; chunks: number }> {
  return withDb(mongoUrl, async (db) => {
    const files = await db.collection("files.files").find({ $or: [{ "metadata.jobId": jobId }, { _id: new mongoose.Types.ObjectId(inputFileId) }] }).toArray();
    const ids = files.map((f) => f._id);
    const chunks = ids.length ? await db.collection("files.chunks").countDocuments({ files_id: { $in: ids } }) : 0;
    return { files: ids.map(String), chunks };
  });
}

/** No chunk of these files and no results record of the job is left. */
export async function expectNoChunksNorResults(mongoUrl: string, jobId: string, files: string[]): Promise<void> {
  await withDb(mongoUrl, async (db) => {
    expect(await db.collection("files.chunks").countDocuments({ files_id: { $in: files.map((f) => new mongoose.Types.ObjectId(f)) } })).toBe(0);
    expect(await db.collection("job_results").countDocuments({ jobId })).toBe(0);
  });
}

/**
 * A job of the review corpus uploaded with `key` (retried while the gateway answers 503: the core has not
 * heard of the worker processes over NATS yet, as a client would retry), waiting for review, with its
 * findings in the results record and its stored files (input and detections).
 */
export async function reviewJob(o: { base: string; http: Http; key: string; mongoUrl: string; filename: string }): Promise<{ id: string; inputFileId: string; stored: { files: string[]; chunks: number } }> {
  const pdf = Buffer.from(await reviewDocument());
  const post = () => {
    const fd = new FormData();
    fd.append("file", new Blob([pdf], { type: "application/pdf" }), o.filename);
    return fetch(`${o.base}/v1/jobs`, { method: "POST", headers: { "x-api-key": o.key }, body: fd });
  };
  const created = await until("the worker to be known", async () => {
    const r = await post();
    if (r.status === 503) return null;
    return r;
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  await until("readyForReview", async () => (await o.http("GET", `/v1/jobs/${id}`, { apiKey: o.key })).body.status === "readyForReview");
  const before = await withDb(o.mongoUrl, (db) => db.collection("jobs").findOne({ _id: id as never }));
  // The findings are in the job's results record (kernel/jobs/results.ts), which the job document references.
  const results = await withDb(o.mongoUrl, (db) => db.collection("job_results").find({ jobId: id }).toArray());
  expect(results.map((r) => r._id)).toEqual([(before?.resultRef as { id?: string } | null)?.id]);
  expect((results[0]?.result as { findings?: unknown[] }).findings?.length).toBeGreaterThan(0);
  const inputFileId = String(before?.inputFileId);
  const stored = await storedBytes(o.mongoUrl, id, inputFileId);
  expect(stored.files.length).toBeGreaterThanOrEqual(2); // the input and the detections
  expect(stored.chunks).toBeGreaterThanOrEqual(stored.files.length);
  return { id, inputFileId, stored };
}

/** Waits for the webhook event `type` of job `id` on `path`, verified with the endpoint's secret. */
export function signedEvent(
  rx: { on(path: string): Array<{ body: string; headers: Record<string, string> }> },
  path: string,
  secret: string,
  type: string,
  id: string,
): Promise<{ type: string; data: { id: string; status: string } }> {
  return until(type, async () =>
    rx
      .on(path)
      .map((r) => new Webhook(secret).verify(r.body, r.headers) as { type: string; data: { id: string; status: string } })
      .find((e) => e.type === type && e.data.id === id),
  );
}
