/**
 * Retention expiry runs the same durable purge as a deletion: ONE conditional update expires the job
 * (status `expired`, findings cleared, the purge of its files owed), then its files and GridFS chunks are
 * removed, at once or, when storage is away and the process holding the purge dies, by the jobs sweep of
 * the next process. The core (gateway, auth, keys, jobs, orchestrator, webhooks), storage and the
 * redaction worker run as three processes on a private NATS; the database is read directly. The job's
 * retention is made to pass by back-dating its `expiresAt` (its files keep theirs, so storage's own
 * retention sweep cannot be what removes them).
 */
import { withDb } from "../../integration/auth/helpers";
import type { SpawnedProcess } from "../../support/infra";
import { startSplitStack, until, type SplitStack } from "../../support/processes";
import { expectNoChunksNorResults, reviewJob, signedEvent, storedBytes, workerAndWebhookUser, type Http } from "../../support/redaction-e2e";
import { startReceiver, type Receiver } from "../webhooks/receiver";

jest.setTimeout(600_000);

let s: SplitStack;
let rx: Receiver;
let http: Http;
let key = "";
let hookSecret = "";
let core: SpawnedProcess;
let storage: SpawnedProcess;

const startCore = () => s.start("core", ["gateway", "auth", "keys", "jobs", "orchestrator", "webhooks"], { http: true, env: { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_SWEEP_INTERVAL_SECONDS: "1" } });
const startStorage = () => s.start("storage", ["storage"]);

const record = (id: string) => withDb(s.mongoUrl, (db) => db.collection("jobs").findOne({ _id: id as never }));
const backdate = (id: string) => withDb(s.mongoUrl, (db) => db.collection("jobs").updateOne({ _id: id as never }, { $set: { expiresAt: new Date(Date.now() - 60_000) } }));

async function expectPurged(id: string, inputFileId: string, files: string[]): Promise<void> {
  expect(await storedBytes(s.mongoUrl, id, inputFileId)).toEqual({ files: [], chunks: 0 });
  await expectNoChunksNorResults(s.mongoUrl, id, files);
  const after = await record(id);
  expect(after).toMatchObject({ status: "expired", result: null, resume: null, outputs: [], purgeAt: null, deletedAt: null });
  const view = await http("GET", `/v1/jobs/${id}`, { apiKey: key });
  expect(view.status).toBe(200);
  expect(view.body.status).toBe("expired");
  expect((await http("GET", `/v1/jobs/${id}/files/detections`, { apiKey: key })).status).not.toBe(200);
  const event = await signedEvent(rx, "/events", hookSecret, "job.expired", id);
  expect(event).toMatchObject({ data: { id, status: "expired" } });
}

beforeAll(async () => {
  s = await startSplitStack("ed");
  rx = await startReceiver({ "/events": "ok" });
  storage = await startStorage();
  core = await startCore();
  ({ http, key, hookSecret } = await workerAndWebhookUser(s, { email: "durable.expiry@example.com", keyName: "ed", url: rx.url("/events"), events: ["job.expired"] }));
});

afterAll(() => Promise.all([s?.close(), rx?.close()]));

const reviewed = () => reviewJob({ base: s.base, http, key, mongoUrl: s.mongoUrl, filename: "kept-too-long.pdf" });

it("a job whose retention passed is expired: findings cleared, files and GridFS chunks gone, job.expired sent", async () => {
  const { id, inputFileId, stored } = await reviewed();
  await backdate(id);
  await until("the job expired and purged", async () => {
    const r = await record(id);
    return r?.status === "expired" && r.purgeAt === null;
  });
  await expectPurged(id, inputFileId, stored.files);
});

it("an expiry whose purge was interrupted (storage away, then the process killed) is finished by the next process's sweep", async () => {
  const { id, inputFileId, stored } = await reviewed();
  await storage.kill("SIGKILL");
  await backdate(id);
  // The expiry stands in the database at once: expired, findings cleared, the purge owed; the files remain.
  const marked = await until("the job expired", async () => {
    const r = await record(id);
    return r?.status === "expired" ? r : null;
  });
  expect(marked).toMatchObject({ result: null, resume: null, outputs: [] });
  expect(marked.purgeAt).toBeInstanceOf(Date);
  expect(await storedBytes(s.mongoUrl, id, inputFileId)).toEqual(stored);

  // The process owing the purge dies; storage comes back; a new core's sweep finishes it.
  await core.kill("SIGKILL");
  storage = await startStorage();
  core = await startCore();
  await until("the purge finished", async () => (await record(id))?.purgeAt === null);
  await expectPurged(id, inputFileId, stored.files);
});
