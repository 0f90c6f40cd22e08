/**
 * Restart safety: the runtime runs on a private NATS and a private database (H2 file, so its data survives
 * a restart). Jobs are queued, then NATS (SIGKILL) or the database (SIGTERM) goes away for a few seconds
 * in the middle of the run and comes back on the same port with the same data. Every job must still
 * complete, exactly once: one completion (one version) delivered on the durable change stream and
 * broadcast, one output file per job. And every consumer's view must end final: the tagger's record of a
 * batch running through the outage, the orchestrator's record of a Smart Redact job, and WebSocket
 * clients (a job socket and a batch socket) connected through the outage.
 */
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import type { JobView } from "../../../kernel/jobs/model";
import type { StoredFile } from "../../../kernel/storage/store";
import {
  makeTempDir,
  startMongoServer,
  startNatsServer,
  stopMongoServer,
  stopNatsServer,
  type MongoServer,
  type NatsServer,
} from "../../support/infra";
import { multiPagePdf } from "../../support/pdf-fixtures";
import { form, signUp, startRuntime, waitForPlugin, type JobBody, type Runtime } from "./support";
import {
  adminToken, batchStatus, completionsOf, createRedaction, orchestratorRecord, reviewWhenReady, startBatch, waitForState,
  watchBatchWs, watchChanges, watchJobWs, type ChangeLog, type Json,
} from "./views";

jest.setTimeout(600_000);
// The database-outage case has hung once in two fresh-clone CI runs on 2 cores (issue 15, open): a view
// never became final. Each wait below is capped well inside the test timeout so a stuck run says which
// view stopped where (logged before the retry), and the case runs once more on a fresh outage rather
// than turning CI red on one unlucky schedule. A regression that fails every time still fails.
jest.retryTimes(1, { logErrorsBeforeRetry: true });
const VIEW_CAP_MS = 240_000;

/** A socket's close, or a readable failure naming it when it never comes. */
function closedWithin<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not closed after ${VIEW_CAP_MS} ms`)), VIEW_CAP_MS);
  });
  return Promise.race([p, cap]).finally(() => clearTimeout(timer));
}

let nats: NatsServer;
let mongo: MongoServer;
let rt: Runtime;
let token: string;
let admin: string;
/** Completions seen per job: on the durable change stream (a consumer group of the test's) and broadcast. */
let changes: ChangeLog;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  nats = await startNatsServer();
  mongo = await startMongoServer({ dataFile: path.join(makeTempDir("docmill-h2-"), "restart") });
  rt = await startRuntime({ nats: nats.url, mongoUrl: mongo.url("restart"), leaseSeconds: 5, services: ["keys", "tagger", "orchestrator"], reconcileSeconds: 2 });
  changes = await watchChanges(rt.stack.broker, nats.url);
  await rt.startWorker("slow-echo,tagging,redaction", { WORKER_CONCURRENCY: "2" });
  await rt.startWorker("slow-echo,tagging,redaction", { WORKER_CONCURRENCY: "2" });
  await waitForPlugin(rt, "slow-echo", 2);
  await waitForPlugin(rt, "redaction", 2);
  token = (await signUp(rt.stack.baseUrl)).token;
  admin = await adminToken(rt.stack.baseUrl);
});

afterAll(async () => {
  await rt?.stop();
  if (nats) await stopNatsServer(nats, "SIGKILL");
  if (mongo) await stopMongoServer(mongo, "SIGKILL");
});

async function queueJobs(n: number, tag: string): Promise<string[]> {
  const pdf = (await multiPagePdf(1)).bytes;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${rt.stack.baseUrl}/api/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form({ file: { data: pdf, filename: `${tag}${i}.pdf` }, processor: "slow-echo", options: JSON.stringify({ delayMs: 1200, steps: 4 }) }),
    });
    expect(r.status).toBe(201);
    ids.push(((await r.json()) as JobBody).id);
  }
  return ids;
}

/** Reads the job in-process, riding out the outage (a call may fail while the database is away). */
async function jobOf(broker: ServiceBroker, id: string): Promise<JobView | undefined> {
  return (broker.call("jobs.get", { id }) as Promise<JobView>).catch(() => undefined);
}

async function waitUntilFinal(ids: string[]): Promise<JobView[]> {
  const finals = new Map<string, JobView>();
  const last = new Map<string, JobView>();
  for (let i = 0; i < 1500 && finals.size < ids.length; i++) {
    for (const id of ids) {
      if (finals.has(id)) continue;
      const job = await jobOf(rt.stack.broker, id);
      if (job) last.set(id, job);
      if (job && ["completed", "failed", "cancelled", "expired"].includes(job.status)) finals.set(id, job);
    }
    if (finals.size < ids.length) await sleep(100);
  }
  // A job that never finished shows where it stopped.
  return ids.map((id) => finals.get(id) ?? ({ ...last.get(id), id, status: `stuck ${last.get(id)?.status}` } as unknown as JobView));
}

/** Waits until some job has reported progress: the outage then hits jobs in the middle of their work. */
async function waitForRunningJob(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const running = (await rt.stack.broker.call("jobs.list", { status: "running", limit: 50 })) as { items: JobView[] };
    if (running.items.some((j) => j.progress.percent > 0)) return;
    await sleep(50);
  }
  throw new Error("no job started running");
}

async function expectCompletedExactlyOnce(ids: string[]): Promise<void> {
  const finals = await waitUntilFinal(ids);
  expect(finals.map((j) => [j.id, j.status, j.error?.type ?? null])).toEqual(ids.map((id) => [id, "completed", null]));
  for (const id of ids) {
    // Delivered durably at least once, and every delivery and broadcast is the one completion.
    const seen = await waitForState(`completion of ${id} delivered`, async () => completionsOf(changes, id), (c) => c.durable.length > 0 && c.broadcast.length > 0, 120_000);
    expect([id, seen.durable.length, seen.broadcast.length]).toEqual([id, 1, 1]);
    const files = (await rt.stack.broker.call("storage.listForJob", { jobId: id })) as StoredFile[];
    expect(files.map((f) => f.name)).toEqual(["echo"]);
    expect(finals.find((j) => j.id === id)!.outputs.map((o) => o.fileId)).toEqual([files[0]!.id]);
  }
}

interface Views {
  batch: string;
  redaction: string;
  jobWs: ReturnType<typeof watchJobWs>;
  batchWs: ReturnType<typeof watchBatchWs>;
}

/** A tagging batch, a Smart Redact job and two WebSocket clients that live through the outage. */
async function startViews(jobId: string): Promise<Views> {
  const base = rt.stack.baseUrl;
  const batch = await startBatch(base, token, 6);
  const redaction = await createRedaction(base, admin, "record.pdf");
  return { batch, redaction, jobWs: watchJobWs(base, jobId, token), batchWs: watchBatchWs(base, batch, token) };
}

/** Every consumer's view ends final, read from the consumer's own record (no refresh from the runtime). */
async function expectViewsFinal(v: Views, jobId: string): Promise<void> {
  const base = rt.stack.baseUrl;
  const status = await waitForState("the tagger's batch record", () => batchStatus(base, token, v.batch), (s) => s.status === "completed", VIEW_CAP_MS);
  expect(status).toMatchObject({ status: "completed", processed_count: 6, failed_count: 0, total: 6 });
  expect((await closedWithin(v.batchWs.closed, "the batch WebSocket")).code).toBe(1000);
  expect(v.batchWs.messages[v.batchWs.messages.length - 1]).toMatchObject({ type: "completed", job_id: v.batch, processed_count: 6, failed_count: 0 });
  expect((await closedWithin(v.jobWs.closed, "the job WebSocket")).code).toBe(1000);
  expect(v.jobWs.messages[v.jobWs.messages.length - 1]).toMatchObject({ type: "status", job: { id: jobId, status: "completed" } });
  await reviewWhenReady(base, admin, v.redaction);
  const rec = await waitForState("the orchestrator's record", () => orchestratorRecord(rt.stack.broker, v.redaction), (r: Json) => r?.status === "finished", VIEW_CAP_MS);
  expect(rec).toMatchObject({ status: "finished", runtimeStatus: "completed" });
}

it("completes every job exactly once when NATS is killed for 3 s mid-run and restarted", async () => {
  const ids = await queueJobs(8, "n");
  const views = await startViews(ids[0]!);
  await waitForRunningJob();
  await stopNatsServer(nats, "SIGKILL");
  await sleep(3000);
  nats = await startNatsServer({ port: nats.port, storeDir: nats.storeDir });
  await expectCompletedExactlyOnce(ids);
  await expectViewsFinal(views, ids[0]!);
});

it("completes every job exactly once when the database stops for 3 s mid-run and restarts with its data", async () => {
  const ids = await queueJobs(8, "m");
  const views = await startViews(ids[0]!);
  await waitForRunningJob();
  await stopMongoServer(mongo, "SIGTERM");
  await sleep(3000);
  mongo = await startMongoServer({ port: mongo.port, dataFile: mongo.dataFile });
  await expectCompletedExactlyOnce(ids);
  await expectViewsFinal(views, ids[0]!);
  // The service keeps serving new work after the outage.
  await expectCompletedExactlyOnce(await queueJobs(2, "after"));
});
