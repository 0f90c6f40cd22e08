/**
 * Chaos in the split shape: the gateway (this process), the core services (`docmill start --services
 * auth,keys,storage,jobs,tagger,orchestrator`) and two `docmill worker` processes, over a private NATS and
 * a private database (H2 file). During a batch of 30 tagging documents and 10 Smart Redact jobs: one
 * worker is SIGKILLed (and started again), then the core process (and started again), then NATS is
 * stopped for 5 s, then the database for 5 s. Everything must finish exactly once: no batch or job left
 * in a non-final state, one runtime job per document, one output file per name; the numbers are printed.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import type { JobView } from "../../../kernel/jobs/model";
import {
  makeTempDir, spawnProcess, startMongoServer, startNatsServer, stopMongoServer, stopNatsServer,
  type MongoServer, type NatsServer, type SpawnedProcess,
} from "../../support/infra";
import { startStack, type Stack } from "../../support/stack";
import { withDb } from "../../integration/auth/helpers";
import { signUp } from "./support";
import { adminToken, batchStatus, createRedaction, json, reviewWhenReady, startBatch, step, waitForState, watchBatchWs, type Json } from "./views";

jest.setTimeout(1_200_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DOCS = 30;
const REDACTIONS = 10;

let nats: NatsServer;
let mongo: MongoServer;
let gateway: Stack | undefined;
const procs = new Map<string, SpawnedProcess>();

afterAll(async () => {
  if (process.env.VIEWS_DEBUG) for (const [name, p] of procs) process.stderr.write(`\n===== ${name}\n${p.output().slice(-15_000)}`);
  await gateway?.stop().catch(() => undefined);
  await Promise.all([...procs.values()].map((p) => p.kill("SIGKILL")));
  if (nats) await stopNatsServer(nats, "SIGKILL");
  if (mongo) await stopMongoServer(mongo, "SIGKILL");
});

async function waitForServices(broker: ServiceBroker, names: string[]): Promise<void> {
  await waitForState(
    `services ${names.join(", ")}`,
    async () => (broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as Array<{ name: string; nodeID: string }>).map((s) => s.name),
    (list) => names.every((n) => list.includes(n)),
    180_000,
    100,
  );
}

it("finishes 30 documents and 10 redactions exactly once through a worker kill, a core kill, a NATS and a database outage", async () => {
  nats = await startNatsServer();
  mongo = await startMongoServer({ dataFile: path.join(makeTempDir("docmill-h2-"), "chaos") });
  const namespace = `chaos${randomBytes(4).toString("hex")}`;
  const mongoUrl = mongo.url("chaos");
  const env = {
    NAMESPACE: namespace,
    TRANSPORTER: nats.url,
    NATS_URL: nats.url,
    MONGO_URL: mongoUrl,
    JWT_SECRET_KEY: process.env.JWT_SECRET_KEY,
    BCRYPT_COST: "4",
    // Longer than an outage (a 5 s stop plus the server's own start under load): a live worker whose
    // heartbeats could not get through keeps its job. A killed worker's job is taken over after it.
    JOB_LEASE_SECONDS: "20",
    JOB_RECOVERY_INTERVAL_SECONDS: "2",
    JOB_RECONCILE_INTERVAL_SECONDS: "3",
    DOCMILL_PDF_THREADS: "1",
    PLUGINS_DIR: "",
    LOG_LEVEL: "info",
    LOG_FORMAT: "text",
  };
  const core = () => {
    const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "start", "--services", "auth,keys,storage,jobs,tagger,orchestrator"], { env: { ...env, NODE_ID: `${namespace}-core-${randomBytes(2).toString("hex")}` } });
    procs.set("core", p);
    return p;
  };
  const worker = (name: string) => {
    const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "worker", "--plugins", "tagging,redaction"], { env: { ...env, NODE_ID: `${namespace}-${name}-${randomBytes(2).toString("hex")}`, WORKER_CONCURRENCY: "2" } });
    procs.set(name, p);
    return p;
  };
  core();
  worker("w1");
  worker("w2");
  gateway = await startStack({ services: ["gateway"], broker: { transporter: { type: "NATS", options: { url: nats.url } } as never, namespace, nodeID: `${namespace}-gw` } });
  await waitForServices(gateway.broker, ["auth", "keys", "storage", "jobs", "tagger", "orchestrator", "worker"]);
  const base = gateway.baseUrl;
  const { token } = await signUp(base);
  const admin = await adminToken(base);
  step("stack up");

  const batch = await startBatch(base, token, DOCS);
  const ws = watchBatchWs(base, batch, token);
  const redactions: string[] = [];
  for (let i = 0; i < REDACTIONS; i++) redactions.push(await createRedaction(base, admin, `record-${i}.pdf`));
  const done = async () => (await batchStatus(base, token, batch)).results_count as number;

  // 1. A worker, in the middle of its work.
  await waitForState("documents under way", done, (n) => n >= 3, 300_000, 100);
  await procs.get("w1")!.kill("SIGKILL");
  step("worker killed");
  worker("w1");
  // 2. The core process (jobs, tagger, orchestrator, storage, auth).
  await waitForState("more documents", done, (n) => n >= 8, 300_000, 100);
  await procs.get("core")!.kill("SIGKILL");
  step("core killed");
  core();
  await waitForServices(gateway.broker, ["jobs", "tagger", "orchestrator"]);
  // Reviews go in while the outages come: some land before, some after.
  const reviews = Promise.all(redactions.map((id) => reviewWhenReady(base, admin, id)));
  // 3. NATS for 5 s.
  await waitForState("more documents after the core restart", done, (n) => n >= 12, 300_000, 100);
  await stopNatsServer(nats, "SIGKILL");
  await sleep(5000);
  nats = await startNatsServer({ port: nats.port, storeDir: nats.storeDir });
  step("NATS back");
  // 4. The database for 5 s.
  await waitForState("more documents after the NATS outage", done, (n) => n >= 16, 300_000, 250);
  await stopMongoServer(mongo, "SIGTERM");
  await sleep(5000);
  mongo = await startMongoServer({ port: mongo.port, dataFile: mongo.dataFile });
  step("database back");
  await reviews;
  step("reviews in");

  const status = await waitForState("the batch's record", () => batchStatus(base, token, batch), (s) => s.status === "completed");
  const history = await json(base, token, "GET", `/api/history/jobs/${batch}`);
  // A failed document names why (an outage must never fail a user's document).
  expect(history.body.documents.filter((d: Json) => d.status !== "success").map((d: Json) => [d.title, d.status, d.error_message])).toEqual([]);
  expect(status).toMatchObject({ status: "completed", processed_count: DOCS, failed_count: 0, total: DOCS });
  const listed = await waitForState(
    "the orchestrator's records",
    () => json(base, admin, "GET", "/v1/jobs?pageSize=100"),
    (r) => redactions.every((id) => r.body?.items?.find((j: Json) => j.id === id)?.status === "finished"),
  ).catch(async (err: Error) => {
    // Say which record is behind and where its runtime job stands (the list alone hides both).
    const rows = await withDb(mongoUrl, async (db) => ({
      records: await db.collection("orchestrator_jobs").find({ _id: { $in: redactions } as never }, { projection: { status: 1, runtimeStatus: 1, seq: 1, runtimeVersion: 1, reviewedAt: 1 } }).toArray(),
      jobs: await db.collection("jobs").find({ _id: { $in: redactions } as never }, { projection: { status: 1, attempts: 1, lease: 1, version: 1, seq: 1, transitions: 1, error: 1 } }).toArray(),
    })).catch((e: Error) => ({ error: e.message }));
    throw new Error(`${err.message.slice(0, 300)}\nstate: ${JSON.stringify(rows).slice(0, 6000)}`);
  });
  expect(listed.body.items.filter((j: Json) => redactions.includes(j.id)).map((j: Json) => j.status)).toEqual(redactions.map(() => "finished"));
  // The batch socket lived through it all (the gateway stayed up): it was told the end.
  expect((await ws.closed).code).toBe(1000);
  expect(ws.messages[ws.messages.length - 1]).toMatchObject({ type: "completed", job_id: batch, processed_count: DOCS, failed_count: 0 });

  const { jobs, files, docs } = await withDb(mongoUrl, async (db) => ({
    jobs: (await db.collection("jobs").find({}).toArray()) as unknown as Array<JobView & { _id: string }>,
    files: await db.collection("files.files").find({ "metadata.kind": "output" }).toArray(),
    docs: await db.collection("tagger_documents").find({ job_id: batch }).toArray(),
  }));
  const ofBatch = jobs.filter((j) => j.meta?.tagJobId === batch);
  // Nothing left open anywhere.
  expect(jobs.filter((j) => !["completed", "failed", "cancelled", "expired"].includes(j.status)).map((j) => [j._id, j.status])).toEqual([]);
  expect(ofBatch).toHaveLength(DOCS);
  expect(new Set(ofBatch.map((j) => j.meta.tagDocId)).size).toBe(DOCS);
  expect(ofBatch.map((j) => j.status)).toEqual(ofBatch.map(() => "completed"));
  expect(docs.map((d) => d.status)).toEqual(docs.map(() => "success"));
  let outputs = 0;
  for (const id of redactions) {
    const job = jobs.find((j) => j._id === id)!;
    expect([id, job.status]).toEqual([id, "completed"]);
    const mine = files.filter((f) => f.metadata?.jobId === id);
    const names = mine.map((f) => f.metadata?.name as string).sort();
    expect(names).toEqual([...new Set(names)]);
    expect(job.outputs.map((o) => o.fileId).sort()).toEqual(mine.map((f) => String(f._id)).sort());
    outputs += mine.length;
  }
  const all = [...ofBatch, ...jobs.filter((j) => redactions.includes(j._id))];
  console.log(
    `chaos: ${ofBatch.length} tagging jobs and ${REDACTIONS} redactions completed once each (${all.filter((j) => j.attempts > 1).length} needed another attempt, ` +
      `max attempts ${Math.max(...all.map((j) => j.attempts))}); ${outputs} redaction output files, none duplicated; batch ${status.processed_count}/${status.total}`,
  );
});
