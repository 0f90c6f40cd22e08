/**
 * The embedded shape (`npm start`: one process with every service, no transporter; durable work and job
 * changes on NATS JetStream) killed with SIGKILL in the middle of a batch of 20 tagging documents and 5
 * Smart Redact jobs, then started again on the same database, NATS and data directory, as an operator
 * would. Every document and job must finish exactly once: one runtime job per document, each completed
 * once; the tagger's batch record reaches `completed` 20/20; a WebSocket client that reconnects is told
 * so; the redactions are reviewed and finish, each with one output file per name.
 */
import { randomBytes } from "node:crypto";
import type { JobView } from "../../../kernel/jobs/model";
import { freePort, makeTempDir, natsUrl, spawnProcess, type SpawnedProcess } from "../../support/infra";
import { uniqueMongoUrl } from "../../support/stack";
import { withDb } from "../../integration/auth/helpers";
import { signUp } from "./support";
import { adminToken, batchStatus, createRedaction, json, reviewWhenReady, startBatch, waitForState, watchBatchWs, type Json } from "./views";

jest.setTimeout(900_000);

let proc: SpawnedProcess | undefined;
afterAll(async () => {
  await proc?.kill("SIGKILL");
  if (process.env.VIEWS_DEBUG && proc) process.stderr.write(proc.output().slice(-20_000));
});

it("finishes a batch of 20 documents and 5 redactions exactly once after the embedded process is killed mid-batch", async () => {
  const port = await freePort();
  const mongoUrl = uniqueMongoUrl("embedded");
  const env = {
    NAMESPACE: `emb${randomBytes(4).toString("hex")}`,
    TRANSPORTER: "",
    NATS_URL: natsUrl(),
    MONGO_URL: mongoUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
    DOCMILL_DATA_DIR: makeTempDir("docmill-embedded-"),
    PLUGINS_DIR: "",
    JOB_LEASE_SECONDS: "5",
    JOB_RECOVERY_INTERVAL_SECONDS: "2",
    JOB_RECONCILE_INTERVAL_SECONDS: "3",
    WORKER_CONCURRENCY: "2",
    DOCMILL_PDF_THREADS: "1",
    LOG_LEVEL: "info",
    LOG_FORMAT: "text",
  };
  const start = async () => {
    const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "start"], { env });
    // Every service started (the gateway listens before the others are up).
    await p.waitForOutput(/ServiceBroker with \d+ service\(s\) started successfully/, 180_000);
    return p;
  };
  const base = `http://127.0.0.1:${port}`;
  proc = await start();
  const { token } = await signUp(base);
  const admin = await adminToken(base);
  const batch = await startBatch(base, token, 20);
  const redactions: string[] = [];
  for (let i = 0; i < 5; i++) redactions.push(await createRedaction(base, admin, `record-${i}.pdf`));

  // Kill the whole process group once two documents are done: the rest are queued, running or unfed.
  await waitForState("two documents done", () => batchStatus(base, token, batch), (s) => s.processed_count + s.failed_count >= 2, 300_000, 100);
  await proc.kill("SIGKILL");
  const before = await withDb(mongoUrl, (db) => db.collection("tagger_jobs").findOne({ _id: batch as never }));
  expect(before?.status).toBe("processing");
  proc = await start();

  // A client reconnecting to the batch socket gets the stored state, then the end.
  const ws = watchBatchWs(base, batch, token);
  expect((await ws.closed).code).toBe(1000);
  const [catchup, ...rest] = ws.messages;
  expect(catchup).toMatchObject({ type: "catchup", job_id: batch, state: { total: 20 } });
  expect(rest[rest.length - 1]).toMatchObject({ type: "completed", job_id: batch, total_documents: 20, processed_count: 20, failed_count: 0 });
  const status = await batchStatus(base, token, batch);
  expect(status).toMatchObject({ status: "completed", processed_count: 20, failed_count: 0, total: 20, results_count: 20 });

  for (const id of redactions) await reviewWhenReady(base, admin, id);
  // The orchestrator's records as its list shows them (the list reads records, it does not refresh them).
  const listed = await waitForState(
    "the redactions finished",
    () => json(base, admin, "GET", "/v1/jobs?pageSize=100"),
    (r) => redactions.every((id) => r.body?.items?.find((j: Json) => j.id === id)?.status === "finished"),
  );
  expect(listed.body.items.filter((j: Json) => redactions.includes(j.id)).map((j: Json) => j.status)).toEqual(redactions.map(() => "finished"));

  // Exactly once, read from the database: one runtime job per document, each completed; one output file
  // per name for every job (no attempt's output left next to the recorded one).
  const { jobs, files } = await withDb(mongoUrl, async (db) => ({
    jobs: (await db.collection("jobs").find({}).toArray()) as unknown as Array<JobView & { _id: string }>,
    files: await db.collection("files.files").find({ "metadata.kind": "output" }).toArray(),
  }));
  const ofBatch = jobs.filter((j) => j.meta?.tagJobId === batch);
  expect(ofBatch).toHaveLength(20);
  expect(new Set(ofBatch.map((j) => j.meta.tagDocId)).size).toBe(20);
  expect(ofBatch.map((j) => j.status)).toEqual(ofBatch.map(() => "completed"));
  const docs = await withDb(mongoUrl, (db) => db.collection("tagger_documents").find({ job_id: batch }).toArray());
  expect(docs.map((d) => d.status)).toEqual(docs.map(() => "success"));
  expect(docs.every((d) => ofBatch.some((j) => j._id === d.runtime_job_id))).toBe(true);
  for (const id of redactions) {
    const job = jobs.find((j) => j._id === id)!;
    expect(job.status).toBe("completed");
    const mine = files.filter((f) => f.metadata?.jobId === id);
    const names = mine.map((f) => f.metadata?.name as string).sort();
    expect(names).toEqual([...new Set(names)]);
    expect(names).toEqual(expect.arrayContaining(["detections", "redactedPdf", "report"]));
    expect(job.outputs.map((o) => o.fileId).sort()).toEqual(mine.map((f) => String(f._id)).sort());
  }
  const retried = [...ofBatch, ...jobs.filter((j) => redactions.includes(j._id))].filter((j) => j.attempts > 1).length;
  console.log(`embedded crash: 20 documents and 5 redactions finished exactly once; ${retried} job(s) needed a second attempt after the kill`);
});
