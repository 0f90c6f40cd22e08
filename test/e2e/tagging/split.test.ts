/**
 * The split deployment: this process runs only the gateway; auth, keys, storage, jobs and tagger run in one
 * spawned `docmill start` process and the tagging plugin in a spawned `docmill worker`, all over the real
 * NATS transporter. A batch's WebSocket transcript must still arrive complete and in order through the
 * relay (the tagger broadcasts `tagger.batch.event` from its own process), and the CSV results come back
 * through the gateway. A batch on a stored vocabulary of 12,000 concepts (over 1 MB, more than one NATS
 * message) is tagged by the worker process, which reads it from the core process's vocabularies service
 * through `ctx.resources` over NATS.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { ServiceBroker } from "moleculer";
import { natsUrl, spawnProcess, type SpawnedProcess } from "../../support/infra";
import { startStack, uniqueMongoUrl } from "../../support/stack";
import { digitalGovernance } from "../../unit/plugins/tagging/tagger/fixtures/documents";
import { api, FILLER, login, RENAMED_V1, textPdf, V1, vocabularyCsv, watchBatch, type Json, type Stack } from "./helpers";

describe("tagging with gateway, core services and worker in different processes", () => {
  const namespace = `tagsplit-${randomBytes(4).toString("hex")}`;
  const procs: SpawnedProcess[] = [];
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    const env = { NAMESPACE: namespace, TRANSPORTER: natsUrl(), NATS_URL: natsUrl(), MONGO_URL: uniqueMongoUrl("tagsplit"), JWT_SECRET_KEY: process.env.JWT_SECRET_KEY, BCRYPT_COST: "4", LOG_LEVEL: "info", LOG_FORMAT: "text" };
    procs.push(spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "start", "--services", "auth,keys,storage,jobs,tagger,vocabularies"], { env: { ...env, NODE_ID: `${namespace}-core` } }));
    procs.push(spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "worker", "--plugins", "tagging"], { env: { ...env, NODE_ID: `${namespace}-w1`, WORKER_CONCURRENCY: "2", DOCMILL_PDF_THREADS: "1" } }));
    stack = await startStack({ services: ["gateway"], broker: { transporter: { type: "NATS", options: { url: natsUrl() } }, namespace, nodeID: `${namespace}-gw` } });
    await waitForServices(stack.broker, ["auth", "keys", "storage", "jobs", "tagger", "vocabularies", "worker"]);
    ({ token } = await login(stack.baseUrl, `split-${namespace}@example.com`));
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all(procs.map((p) => p.kill("SIGTERM")));
  });

  it("streams a batch's WebSocket transcript complete and in order through the gateway's relay", async () => {
    const pdf = await textPdf(digitalGovernance.text.split("\n"), digitalGovernance.title);
    const form = new FormData();
    for (let i = 0; i < 8; i++) form.append("files", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), `doc-${i + 1}.pdf`);
    form.append("config", JSON.stringify({ num_tags: 5 }));
    const start = await api(stack.baseUrl, token, "POST", "/api/batch/start", form);
    expect(start.status).toBe(200);
    const jobId = start.body.job_id as string;
    const ws = watchBatch(stack.baseUrl, jobId, token);
    expect((await ws.closed).code).toBe(1000);

    const [first, ...rest] = ws.messages;
    expect(first).toMatchObject({ type: "catchup", job_id: jobId, state: { total: 8 } });
    const end = rest[rest.length - 1];
    expect(end).toMatchObject({ type: "completed", job_id: jobId, total_documents: 8, processed_count: 8, failed_count: 0 });
    const live = rest.slice(0, -1);
    expect(live.every((m: Json) => m.type === undefined)).toBe(true);
    // Each row: at most one "processing" and exactly one "success" over catch-up + live, processing first.
    // Documents finished while the socket was open came through the relay, not only the catch-up.
    expect(live.filter((m: Json) => m.status === "success").length).toBeGreaterThan(0);
    const finals = [...first.results, ...live.filter((m: Json) => m.status === "success")];
    expect(finals.map((m: Json) => m.row_id).sort((a: number, b: number) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let row = 0; row < 8; row++) {
      const seen = live.filter((m: Json) => m.row_id === row).map((m: Json) => m.status);
      expect(["processing,success", "success", ""]).toContain(seen.join(","));
    }
    for (const m of finals) {
      expect(m.tags).toHaveLength(5);
      expect(m.metadata).toMatchObject({ engine: "local", extraction_method: "pdfjs_text" });
      expect(m.metadata.processed_by).not.toBe(`${hostname()}:${process.pid}`);
    }
    // Counts only grow: the relay delivered the tagger's events in the order it sent them.
    const progress = live.map((m: Json) => m.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const results = await fetch(`${stack.baseUrl}/api/batch/jobs/${jobId}/results.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect((await results.text()).trim().split("\n")).toHaveLength(9);
  }, 180_000);

  it("tags a batch on a big stored vocabulary that the worker process reads over NATS", async () => {
    const form = new FormData();
    form.append("file", new Blob([vocabularyCsv(1)], { type: "text/csv" }), "policy-terms.csv");
    const up = await api(stack.baseUrl, token, "POST", "/api/vocabularies", form);
    expect(up.status).toBe(201);
    expect(up.body.concept_count).toBe(FILLER + V1.length);
    const pdf = await textPdf(digitalGovernance.text.split("\n"), digitalGovernance.title);
    const batch = new FormData();
    for (let i = 0; i < 3; i++) batch.append("files", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), `policy-${i + 1}.pdf`);
    batch.append("config", JSON.stringify({ num_tags: 6, vocabulary: "policy-terms" }));
    const start = await api(stack.baseUrl, token, "POST", "/api/batch/start", batch);
    expect(start.status).toBe(200);
    const jobId = start.body.job_id as string;
    expect((await watchBatch(stack.baseUrl, jobId, token).closed).code).toBe(1000);
    const done = (await api(stack.baseUrl, token, "GET", `/api/history/jobs/${jobId}`)).body as Json;
    expect(done.documents).toHaveLength(3);
    for (const d of done.documents as Json[]) {
      expect(d.status).toBe("success");
      expect(d.tags.filter((t: string) => RENAMED_V1.includes(t)).length).toBeGreaterThanOrEqual(2);
      expect(d.tags.some((t: string) => t.startsWith("Qa"))).toBe(false);
    }
    const one = await api(stack.baseUrl, token, "GET", `/api/history/documents/${done.documents[0].id}`);
    expect(one.body.processing_metadata.vocabulary).toBe("policy-terms");
    expect(one.body.processing_metadata.processed_by).not.toBe(`${hostname()}:${process.pid}`);
  }, 240_000);
});

async function waitForServices(broker: ServiceBroker, names: string[]): Promise<void> {
  for (let i = 0; i < 900; i++) {
    const list = broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as Array<{ name: string }>;
    if (names.every((n) => list.some((s) => s.name === n))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`services did not join: ${names.join(", ")}`);
}
