/**
 * Views converge although job events are lost. A middleware swallows half of the job events every
 * service of this broker receives: durable job changes (acked as if applied, so gone for good) and the
 * `job.updated` / `tagger.batch.event` broadcasts the WebSocket relays follow. A batch of tagging
 * documents and two Smart Redact jobs run to the end on real NATS and a real database; every consumer's
 * view (the tagger's batch record, the orchestrator's records, a batch and a job WebSocket connected
 * throughout) must still end final and right, repaired by the reconciliation sweeps (interval 2 s here).
 */
import { randomBytes } from "node:crypto";
import { buildBrokerOptions } from "../../../moleculer.config";
import { config, resetConfig } from "../../../kernel/config";
import type { JobView } from "../../../kernel/jobs/model";
import { pdfPool } from "../../../sdk/pdf/pool";
import { natsUrl } from "../../support/infra";
import { startStack, uniqueMongoUrl, type Stack } from "../../support/stack";
import { signUp } from "./support";
import {
  step, adminToken, batchStatus, createRedaction, lossyMiddleware, orchestratorRecord, reviewWhenReady, startBatch, waitForState,
  watchBatchWs, watchJobWs, type Json, type Lossy,
} from "./views";

jest.setTimeout(600_000);

const RECONCILE_SECONDS = 2;
let stack: Stack;
let lossy: Lossy;

beforeAll(async () => {
  Object.assign(process.env, { NATS_URL: natsUrl(), JOB_RECONCILE_INTERVAL_SECONDS: String(RECONCILE_SECONDS), JOB_RECOVERY_INTERVAL_SECONDS: "1", WORKER_CONCURRENCY: "2", DOCMILL_PDF_THREADS: "1" });
  delete process.env.PLUGINS_DIR;
  resetConfig();
  lossy = lossyMiddleware(0.5);
  step("starting the stack");
  const mongoUrl = uniqueMongoUrl("lossy");
  stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "tagger", "orchestrator", "worker"],
    mongoUrl,
    broker: {
      namespace: `lossy-${randomBytes(4).toString("hex")}`,
      middlewares: [...(buildBrokerOptions(config()).middlewares ?? []), lossy],
      ...(process.env.VIEWS_DEBUG ? { logger: { type: "Console", options: { level: "info" } } } : {}),
    },
  });
  step("stack started");
  await waitForState("workers host tagging and redaction", () => stack.broker.call<Array<{ id: string }>>("jobs.plugins"), (ps) => ["tagging", "redaction"].every((id) => ps.some((p) => p.id === id)), 60_000, 100);
});

afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
});

it("brings every view of every job to its final state although half the job events are lost", async () => {
  const base = stack.baseUrl;
  const { token } = await signUp(base);
  const admin = await adminToken(base);

  step("signed in");
  const batch = await startBatch(base, token, 10);
  step("batch started");
  const batchWs = watchBatchWs(base, batch, token);
  const redactions = [await createRedaction(base, admin, "a.pdf"), await createRedaction(base, admin, "b.pdf")];
  const jobWs = watchJobWs(base, redactions[0]!, admin);
  step("redactions created");
  await Promise.all(redactions.map((id) => reviewWhenReady(base, admin, id)));
  step("redactions reviewed");

  // The runtime itself: every job of the batch and both redactions end completed.
  const runtimeJobs = async () => (await stack.broker.call<{ items: JobView[] }, Record<string, unknown>>("jobs.list", { meta: { tagJobId: batch }, limit: 100 })).items;
  const rt = await waitForState("the batch's runtime jobs", runtimeJobs, (js) => js.length === 10 && js.every((j) => j.status === "completed"));
  await waitForState("the redactions' runtime jobs", () => stack.broker.call<JobView[], { ids: string[] }>("jobs.getMany", { ids: redactions }), (js) => js.every((j) => j.status === "completed"));
  const runtimeDone = Date.now();

  // The tagger's record of the batch (no refresh from the runtime on this read).
  const status = await waitForState("the tagger's batch record", () => batchStatus(base, token, batch), (s) => s.status === "completed");
  expect(status).toMatchObject({ status: "completed", processed_count: 10, failed_count: 0, total: 10, progress: 1 });
  // The orchestrator's own records, read without the refresh an HTTP read does.
  const records = await waitForState("the orchestrator's records", () => Promise.all(redactions.map((id) => orchestratorRecord(stack.broker, id))), (rs) => rs.every((r: Json) => r?.status === "finished"));
  for (const r of records) expect(r).toMatchObject({ status: "finished", runtimeStatus: "completed", files: expect.arrayContaining(["redactedPdf", "report"]) });
  // The WebSockets connected throughout: each was told the end and closed normally.
  expect((await batchWs.closed).code).toBe(1000);
  expect((await jobWs.closed).code).toBe(1000);
  const converged = Date.now();
  const end = batchWs.messages[batchWs.messages.length - 1];
  expect(end).toMatchObject({ type: "completed", job_id: batch, total_documents: 10, processed_count: 10, failed_count: 0 });
  const [catchup, ...live] = batchWs.messages;
  expect(catchup.type).toBe("catchup");
  // Every row told exactly once as finished (catch-up, live, or from the stored state after a lost event).
  const finishedRows = [...catchup.results, ...live.filter((m: Json) => m.status === "success" || m.status === "failed")].map((m: Json) => m.row_id);
  expect(finishedRows.sort((a: number, b: number) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const lastJob = jobWs.messages[jobWs.messages.length - 1];
  expect(lastJob).toMatchObject({ type: "status", job: { id: redactions[0], status: "completed" } });

  // Exactly once: one runtime job per document, one success per document.
  expect(new Set(rt.map((j) => j.meta.tagDocId)).size).toBe(10);
  expect(rt.every((j) => j.outputs.length === 0 || j.outputs.every((o) => o.name))).toBe(true);
  // Events were really lost: without the sweeps these views would have stalled.
  expect(lossy.dropped.changes).toBeGreaterThan(0);
  expect(lossy.dropped.broadcasts).toBeGreaterThan(0);
  // Reported, not asserted: how long after the runtime finished the views had converged.
  console.log(
    `lossy: dropped ${lossy.dropped.changes} durable changes and ${lossy.dropped.broadcasts} broadcasts; views final ${((converged - runtimeDone) / 1000).toFixed(1)} s after the runtime (reconcile interval ${RECONCILE_SECONDS} s)`,
  );
});
