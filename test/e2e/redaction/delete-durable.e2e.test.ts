/**
 * Deleting a Smart Redact job needs only the database: with NATS down `DELETE /v1/jobs/{id}` still
 * answers 204 and the job 404 from then on; the rest of the purge (the durable `deleted` change, the
 * records) is durable work that survives the process being killed. The core (gateway, auth, keys,
 * storage, jobs, orchestrator, webhooks) runs as its own `docmill start` process and the redaction worker
 * as a `docmill worker` process, both on a private NATS server this test stops and starts again. The
 * database (files, chunks, records) is read directly.
 */
import { withDb } from "../../integration/auth/helpers";
import { startSplitStack, until, type SplitStack } from "../../support/processes";
import { expectNoChunksNorResults, reviewJob, signedEvent, storedBytes, workerAndWebhookUser, type Http } from "../../support/redaction-e2e";
import { startReceiver, type Receiver } from "../webhooks/receiver";

jest.setTimeout(600_000);

let s: SplitStack;
let rx: Receiver;
let http: Http;
let key = "";
let hookSecret = "";

const startCore = () =>
  s.start("core", ["gateway", "auth", "keys", "storage", "jobs", "orchestrator", "webhooks"], { http: true, env: { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_SWEEP_INTERVAL_SECONDS: "1" } });

const record = (coll: string, id: string) => withDb(s.mongoUrl, (db) => db.collection(coll).findOne({ _id: id as never }));

beforeAll(async () => {
  s = await startSplitStack("dd");
  rx = await startReceiver({ "/events": "ok" });
  await startCore();
  ({ http, key, hookSecret } = await workerAndWebhookUser(s, { email: "durable.delete@example.com", keyName: "dd", url: rx.url("/events"), events: ["job.deleted"] }));
});

afterAll(() => Promise.all([s?.close(), rx?.close()]));

it("deletes with NATS down (204, then 404), and after the process is killed a new one finishes the purge", async () => {
  const { id, inputFileId, stored } = await reviewJob({ base: s.base, http, key, mongoUrl: s.mongoUrl, filename: "withdrawn.pdf" });

  await s.stopNats();
  const del = await fetch(`${s.base}/v1/jobs/${id}`, { method: "DELETE", headers: { "x-api-key": key } });
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
  await s.procs[0]!.kill("SIGKILL");
  await s.restartNats();
  await startCore();
  await until("the job record gone", async () => (await record("jobs", id)) === null);
  expect(await storedBytes(s.mongoUrl, id, inputFileId)).toEqual({ files: [], chunks: 0 });
  await expectNoChunksNorResults(s.mongoUrl, id, stored.files);
  const event = await signedEvent(rx, "/events", hookSecret, "job.deleted", id);
  expect(event).toMatchObject({ data: { id, status: "deleted" } });
  expect((await http("GET", `/v1/jobs/${id}`, { apiKey: key })).status).toBe(404);
});
