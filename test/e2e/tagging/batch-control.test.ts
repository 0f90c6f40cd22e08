/**
 * Batch control and the synchronous CSV batch through the gateway: pause and resume (a paused batch
 * starts nothing new, resume runs it to the end, a finished batch cannot be paused), POST /api/batch/process
 * with URL rows served by a local server, a refused `local` row and an exclusion file, and its results
 * sheet; exclusion files on /api/single/process. Real database, in-process worker.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pdfPool } from "../../../sdk/pdf/pool";
import { digitalGovernance } from "../../unit/plugins/tagging/tagger/fixtures/documents";
import { api, login, pdfForm, startTagger, textPdf, watchBatch, type Json, type Stack } from "./helpers";

const words = (tags: string[]) => tags.flatMap((t) => t.toLowerCase().split(/[\s-]+/));

describe("batch pause/resume, CSV batches and exclusion files", () => {
  let stack: Stack;
  let token: string;
  let files: http.Server;
  let filesUrl: string;
  let pdf: Uint8Array;

  beforeAll(async () => {
    pdf = await textPdf(digitalGovernance.text.split("\n"), digitalGovernance.title);
    files = http.createServer((req, res) => {
      if (/^\/doc-\d+\.pdf$/.test(req.url ?? "")) {
        res.setHeader("Content-Type", "application/pdf");
        res.end(Buffer.from(pdf));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    // One document of a batch on the runtime at a time, so a pause has something left to hold back;
    // the local file server is on loopback, which only the private-address setting allows.
    ({ stack, token } = await startTagger({ tagger: { settings: { batchWindow: 1, allowPrivateUrls: true } } }));
  });
  afterAll(async () => {
    await stack?.stop();
    await pdfPool.close();
    if (files) {
      files.closeAllConnections();
      await new Promise((r) => files.close(r));
    }
  });

  const call = (method: string, path: string, body?: unknown) => api(stack.baseUrl, token, method, path, body);
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Doc ${i + 1}`, file_path: `${filesUrl}/doc-${i + 1}.pdf`, file_source_type: "url" }));

  it("pauses a batch: nothing new starts, status 'paused'; resume runs it to 'completed'; a finished batch answers 409", async () => {
    const start = await call("POST", "/api/batch/start", { documents: rows(5), config: { num_tags: 4 } });
    expect(start.status).toBe(200);
    const jobId = start.body.job_id as string;
    const ws = watchBatch(stack.baseUrl, jobId, token);
    const paused = new Promise<{ status: number; body: Json }>((resolve) => {
      let sent = false;
      const maybe = (m: Json) => {
        if (sent || !(m.status === "success" || (m.type === "catchup" && m.results.length > 0))) return;
        sent = true;
        resolve(call("POST", `/api/batch/jobs/${jobId}/pause`));
      };
      ws.onMessage(maybe);
      for (const m of ws.messages) maybe(m);
    });
    expect(await paused).toEqual({ status: 200, body: { message: "Job paused" } });
    expect((await call("GET", `/api/batch/jobs/${jobId}/status`)).body.status).toBe("paused");
    expect((await call("POST", `/api/batch/jobs/${jobId}/pause`)).status).toBe(409);
    expect((await call("GET", "/api/batch/active")).body.jobs).toEqual(expect.arrayContaining([expect.objectContaining({ job_id: jobId, status: "paused" })]));

    // The document that was on the runtime when the pause landed (running, or queued for a worker) may
    // finish; after it, nothing moves.
    // A row being put on the runtime (its URL still being fetched) counts as on it until it is there or
    // given back.
    const tagger = stack.broker.getLocalService("tagger") as unknown as { Doc: { countDocuments(q: object): Promise<number> } };
    await waitUntil(async () => {
      const onRuntime = (await stack.broker.call("jobs.list", { meta: { tagJobId: jobId }, limit: 100 })) as { items: Json[] };
      if (onRuntime.items.some((j: Json) => j.status === "queued" || j.status === "running")) return null;
      const inDispatch = await tagger.Doc.countDocuments({ job_id: jobId, status: "pending", dispatched: true, runtime_job_id: null });
      return inDispatch > 0 ? null : true;
    });
    // The runtime is idle; a reconciliation pass applies any end whose change is still on its way, so the
    // batch's record is settled. A second pass (the one thing that could feed a paused batch) must then
    // change nothing: no sleeping and hoping a timer came by.
    await stack.broker.call("tagger.reconcile");
    const settled = (await call("GET", `/api/history/jobs/${jobId}`)).body;
    expect(settled.documents.some((x: Json) => x.status === "processing")).toBe(false);
    await stack.broker.call("tagger.reconcile");
    const later = (await call("GET", `/api/history/jobs/${jobId}`)).body;
    const done = (j: Json) => j.documents.filter((x: Json) => x.status !== "pending").length;
    expect(done(later)).toBe(done(settled));
    expect(done(later)).toBeLessThanOrEqual(2);
    expect(later.status).toBe("paused");

    const resumed = await call("POST", `/api/batch/jobs/${jobId}/resume`);
    expect(resumed).toEqual({ status: 200, body: { message: "Job resumed" } });
    expect((await ws.closed).code).toBe(1000);
    const end = ws.messages[ws.messages.length - 1];
    expect(end).toMatchObject({ type: "completed", job_id: jobId, total_documents: 5, processed_count: 5, failed_count: 0 });
    // Every row reached success exactly once over the whole transcript, across the pause.
    const finals = [...ws.messages[0].results, ...ws.messages.slice(1).filter((m: Json) => m.status === "success")];
    expect(finals.map((m: Json) => m.row_id).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await call("GET", `/api/batch/jobs/${jobId}/status`)).body).toMatchObject({ status: "completed", progress: 1, processed_count: 5 });

    const late = await call("POST", `/api/batch/jobs/${jobId}/pause`);
    expect(late.status).toBe(409);
    expect(typeof late.body.detail).toBe("string");
    expect((await call("POST", `/api/batch/jobs/${jobId}/resume`)).status).toBe(409);
  }, 180_000);

  it("processes a CSV synchronously: URL rows tagged, a local row refused, an exclusion file honoured, results downloadable by the owner only", async () => {
    const csv = [
      "title,description,file_source_type,file_path",
      `First,"A strategy, with a comma",url,${filesUrl}/doc-1.pdf`,
      `Second,,url,${filesUrl}/doc-2.pdf`,
      "Secrets,,local,/etc/passwd",
      `Gone,,url,${filesUrl}/missing.pdf`,
    ].join("\n");
    const form = new FormData();
    form.append("csv_file", new Blob([csv], { type: "text/csv" }), "batch.csv");
    form.append("config", JSON.stringify({ num_tags: 6 }));
    form.append("exclusion_file", new Blob(["# too broad\ndigital, governance\n"], { type: "text/plain" }), "exclude.txt");
    const res = await call("POST", "/api/batch/process", form);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, total_documents: 4, processed_count: 2, failed_count: 2 });
    expect(typeof res.body.processing_time).toBe("number");
    expect(res.body.summary_report).toMatchObject({ status: "completed", succeeded: 2, failed: 2 });
    expect(res.body.summary_report.errors.map((e: Json) => e.row_number)).toEqual([3, 4]);
    expect(res.body.summary_report.errors[0].error).toMatch(/Local file paths are disabled/);

    const url = res.body.output_csv_url as string;
    expect(url.startsWith(`${stack.baseUrl}/api/batch/jobs/`)).toBe(true);
    const got = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await got.text()).trim().split("\n");
    expect(lines[0]).toBe("row_number,title,file_path,status,tags,error");
    expect(lines).toHaveLength(5);
    for (const line of lines.slice(1, 3)) {
      const tags = line.split(",")[4]!.split("; ");
      expect(tags).toHaveLength(6);
      expect(words(tags)).not.toContain("digital");
      expect(words(tags)).not.toContain("governance");
      expect(line).toMatch(/,success,/);
    }
    expect(lines[3]).toMatch(/^3,Secrets,\/etc\/passwd,failed,,.*Local file paths are disabled/);
    expect(lines[4]).toMatch(/^4,Gone,.*,failed,,.*404/);

    expect((await fetch(url)).status).toBe(401);
    const other = await login(stack.baseUrl, `csv-other-${Date.now()}@example.com`);
    expect((await fetch(url, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(404);
  }, 180_000);

  it("refuses a CSV batch upload that is not a .csv", async () => {
    const form = new FormData();
    form.append("csv_file", new Blob(["title,file_path\n"], { type: "text/plain" }), "batch.txt");
    form.append("config", "{}");
    const res = await call("POST", "/api/batch/process", form);
    expect(res.status).toBe(400);
  });

  it("keeps words of a .txt exclusion file (comments, commas) and of a PDF exclusion file out of the tags, still num_tags of them", async () => {
    const post = (extra?: (f: FormData) => void) => {
      const f = pdfForm(pdf, { num_tags: 8 });
      extra?.(f);
      return call("POST", "/api/single/process", f);
    };
    const plain = await post();
    expect(plain.status).toBe(200);
    expect(words(plain.body.tags)).toEqual(expect.arrayContaining(["digital", "services"]));

    const txt = await post((f) => f.append("exclusion_file", new Blob(["# generic words\ndigital, services # too broad\n\n citizens ; identity\n"], { type: "text/plain" }), "exclude.txt"));
    expect(txt.status).toBe(200);
    expect(txt.body.tags).toHaveLength(8);
    for (const w of ["digital", "services", "service", "citizens", "citizen", "identity"]) expect(words(txt.body.tags)).not.toContain(w);

    const exPdf = await textPdf(["digital", "public services, governance"]);
    const viaPdf = await post((f) => f.append("exclusion_file", new Blob([Buffer.from(exPdf)], { type: "application/pdf" }), "exclude.pdf"));
    expect(viaPdf.status).toBe(200);
    expect(viaPdf.body.tags).toHaveLength(8);
    const joined = viaPdf.body.tags.join("|").toLowerCase();
    expect(joined).not.toMatch(/\bdigital\b|\bgovernance\b|public services?\b/);
  }, 120_000);
});

async function waitUntil<T>(probe: () => Promise<T | null>, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("condition not reached");
}
