/**
 * Batches in the split shape: gateway + auth + storage + jobs + tagger in this process, two worker
 * processes hosting the tagging plugin, all over the real NATS. A batch of 20 uploaded PDFs spreads over
 * both workers while the WebSocket streams the reference's messages; a second batch is cancelled midway.
 */
import { randomBytes } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import WebSocket from "ws";
import { natsUrl, spawnProcess, type SpawnedProcess } from "../../support/infra";
import { api, articlePdf, login, startTagger, type Json, type Stack } from "./helpers";

type Msg = Record<string, Json>;

/** Collects every message of a batch socket until the server closes it. */
function watch(baseUrl: string, jobId: string, token: string): { messages: Msg[]; closed: Promise<{ code: number }>; onMessage(fn: (m: Msg) => void): void } {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/batch/ws/${jobId}?token=${encodeURIComponent(token)}`);
  const messages: Msg[] = [];
  const listeners: Array<(m: Msg) => void> = [];
  ws.on("message", (data) => {
    const m = JSON.parse(String(data)) as Msg;
    messages.push(m);
    for (const l of listeners) l(m);
  });
  const closed = new Promise<{ code: number }>((resolve) => ws.on("close", (code) => resolve({ code })));
  return { messages, closed, onMessage: (fn) => listeners.push(fn) };
}

function uploadForm(pdfs: Uint8Array[], config: unknown): FormData {
  const form = new FormData();
  pdfs.forEach((b, i) => form.append("files", new Blob([Buffer.from(b)], { type: "application/pdf" }), `doc-${String(i + 1).padStart(2, "0")}.pdf`));
  form.append("config", JSON.stringify(config));
  return form;
}

describe("batches over two worker processes", () => {
  const namespace = `tagbatch-${randomBytes(4).toString("hex")}`;
  let stack: Stack;
  let token: string;
  const workers: SpawnedProcess[] = [];
  let pdfs: Uint8Array[];

  beforeAll(async () => {
    ({ stack, token } = await startTagger({ worker: false, broker: { transporter: natsUrl(), namespace, nodeID: `${namespace}-core` } }));
    for (const n of [1, 2]) {
      const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "worker", "--plugins", "tagging"], {
        env: { NAMESPACE: namespace, NODE_ID: `${namespace}-w${n}`, TRANSPORTER: natsUrl(), NATS_URL: natsUrl(), MONGO_URL: process.env.MONGO_URL, JWT_SECRET_KEY: process.env.JWT_SECRET_KEY, LOG_LEVEL: "info", LOG_FORMAT: "text", WORKER_CONCURRENCY: "1", DOCMILL_PDF_THREADS: "1" },
      });
      workers.push(p);
    }
    await Promise.all(workers.map((w) => w.waitForOutput(/hosts .*tagging@/, 60_000)));
    await waitForWorkers(stack.broker, 2);
    const base = await articlePdf(3);
    pdfs = Array.from({ length: 20 }, () => base);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGTERM")));
    await stack?.stop();
  });

  it("processes 20 uploaded PDFs over both workers and streams every document over the WebSocket", async () => {
    const start = await api(stack.baseUrl, token, "POST", "/api/batch/start", uploadForm(pdfs, { num_tags: 4 }));
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ total_documents: 20 });
    const jobId = start.body.job_id as string;
    const ws = watch(stack.baseUrl, jobId, token);
    expect((await ws.closed).code).toBe(1000);

    const [first, ...rest] = ws.messages;
    expect(first).toMatchObject({ type: "catchup", job_id: jobId, state: { job_id: jobId, total: 20 } });
    const end = rest[rest.length - 1]!;
    expect(end).toMatchObject({ type: "completed", job_id: jobId, total_documents: 20, processed_count: 20, failed_count: 0 });
    expect(typeof end.processing_time).toBe("number");
    const progress = rest.slice(0, -1);
    for (const m of progress) {
      expect(m.type).toBeUndefined();
      expect(m.row_number).toBe(m.row_id + 1);
      expect(["processing", "success"]).toContain(m.status);
    }
    // Every document reaches "success" exactly once, in the catch-up or live, with its tags and metadata.
    const finals = [...(first.results as Msg[]), ...progress.filter((m) => m.status === "success")];
    expect(finals.map((m) => m.row_id).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const m of finals) {
      expect(m.tags).toHaveLength(4);
      expect(m).toMatchObject({ error: null, model_name: null, metadata: { extraction_method: "pdfjs_text", page_count: 3 } });
    }
    // A live document says "processing" before its result.
    for (const m of progress.filter((x) => x.status === "success")) {
      const i = progress.indexOf(m);
      const started = progress.findIndex((x) => x.row_id === m.row_id && x.status === "processing");
      if (started >= 0) expect(started).toBeLessThan(i);
    }
    const progresses = progress.map((m) => m.progress as number);
    expect(progresses).toEqual([...progresses].sort((a, b) => a - b));

    const status = await api(stack.baseUrl, token, "GET", `/api/batch/jobs/${jobId}/status`);
    expect(status.body).toEqual({ job_id: jobId, status: "completed", progress: 1, processed_count: 20, failed_count: 0, total: 20, results_count: 20 });
    const detail = await api(stack.baseUrl, token, "GET", `/api/history/jobs/${jobId}`);
    expect(detail.body.documents).toHaveLength(20);
    const nodes = new Set<string>();
    for (const d of detail.body.documents.slice(0, 20)) {
      const doc = await api(stack.baseUrl, token, "GET", `/api/history/documents/${d.id}`);
      nodes.add(doc.body.processing_metadata.processed_by);
    }
    // Both worker processes took documents.
    expect(nodes.size).toBe(2);

    // A finished batch's socket gets the catch-up and the end message, then closes.
    const late = watch(stack.baseUrl, jobId, token);
    await late.closed;
    expect(late.messages.map((m) => m.type)).toEqual(["catchup", "completed"]);
    expect(late.messages[0]!.results).toHaveLength(20);
  }, 240_000);

  it("cancels a batch midway: the socket ends with 'cancelled' and no further documents run", async () => {
    const start = await api(stack.baseUrl, token, "POST", "/api/batch/start", uploadForm(pdfs, { num_tags: 3 }));
    const jobId = start.body.job_id as string;
    const ws = watch(stack.baseUrl, jobId, token);
    let cancelled: Promise<unknown> | undefined;
    ws.onMessage((m) => {
      if (!cancelled && (m.status === "success" || (m.type === "catchup" && (m.results as Msg[]).length > 0))) {
        cancelled = api(stack.baseUrl, token, "POST", `/api/batch/jobs/${jobId}/cancel`);
      }
    });
    await ws.closed;
    expect(await cancelled).toEqual({ status: 200, body: { message: "Job cancelled" } });
    expect(ws.messages[ws.messages.length - 1]).toMatchObject({ type: "cancelled", job_id: jobId });
    const status = await api(stack.baseUrl, token, "GET", `/api/batch/jobs/${jobId}/status`);
    expect(status.body.status).toBe("cancelled");
    expect(status.body.processed_count).toBeLessThan(20);
    const again = await api(stack.baseUrl, token, "POST", `/api/batch/jobs/${jobId}/cancel`);
    expect(again.status).toBe(409);
    const active = await api(stack.baseUrl, token, "GET", "/api/batch/active");
    expect(active.body.jobs.map((j: Json) => j.job_id)).not.toContain(jobId);
  }, 240_000);

  it("hides a batch from another user and refuses a socket without a valid token", async () => {
    const start = await api(stack.baseUrl, token, "POST", "/api/batch/start", uploadForm(pdfs.slice(0, 1), {}));
    const jobId = start.body.job_id as string;
    const other = await login(stack.baseUrl, `other-${namespace}@example.com`);
    expect((await api(stack.baseUrl, other.token, "GET", `/api/batch/jobs/${jobId}/status`)).status).toBe(404);
    expect((await api(stack.baseUrl, other.token, "POST", `/api/batch/jobs/${jobId}/cancel`)).status).toBe(404);
    expect((await api(stack.baseUrl, other.token, "GET", `/api/history/jobs/${jobId}`)).status).toBe(404);
    const theirs = watch(stack.baseUrl, jobId, other.token);
    expect((await theirs.closed).code).toBe(1008);
    const anon = watch(stack.baseUrl, jobId, "not-a-token");
    expect((await anon.closed).code).toBe(1008);
    expect(anon.messages).toEqual([{ error: "Authentication required", job_id: jobId }]);
    await watch(stack.baseUrl, jobId, token).closed;
  }, 120_000);

  it("starts from JSON rows, refuses local paths and validates paths", async () => {
    const local = await api(stack.baseUrl, token, "POST", "/api/batch/start", { documents: [{ title: "x", file_path: "/etc/passwd", file_source_type: "local" }], config: {} });
    expect(local.status).toBe(400);
    expect(local.body.detail).toMatch(/Local file paths are disabled/);
    expect((await api(stack.baseUrl, token, "POST", "/api/batch/start", { documents: [], config: {} })).body).toEqual({ detail: "No documents provided" });
    const v = await api(stack.baseUrl, token, "POST", "/api/batch/validate-paths", { paths: [{ path: "http://127.0.0.1:1/a.pdf", type: "url" }, { path: "/tmp/a.pdf", type: "local" }, { path: "ftp://x/a.pdf", type: "url" }] });
    expect(v.body).toMatchObject({ total: 3, valid_count: 0, invalid_count: 3 });
    expect(v.body.results[0].error).toMatch(/loopback/);
    const mapped = await api(stack.baseUrl, token, "POST", "/api/batch/start", { documents: [{ Name: "Blocked", Link: "http://10.0.0.1/a.pdf" }], column_mapping: { Name: "title", Link: "file_path" }, config: {} });
    expect(mapped.status).toBe(200);
    const ws = watch(stack.baseUrl, mapped.body.job_id, token);
    await ws.closed;
    const done = ws.messages.find((m) => m.status === "failed") ?? (ws.messages[0]!.results as Msg[])[0];
    expect(done).toMatchObject({ title: "Blocked", status: "failed", error_type: "network" });
    expect(done!.error).toMatch(/private/);
    const tpl = await api(stack.baseUrl, token, "GET", "/api/batch/template");
    expect(tpl.body.template.split("\n")[0]).toBe("title,description,file_source_type,file_path,publishing_date,file_size");
  }, 120_000);
});

async function waitForWorkers(broker: ServiceBroker, n: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const list = broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as Array<{ name: string }>;
    if (list.filter((s) => s.name === "worker").length >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${n} workers joined`);
}
