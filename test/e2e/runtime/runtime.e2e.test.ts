/**
 * The runtime end to end over HTTP and WebSocket: upload, a job runs on a worker in another process
 * over real NATS, progress arrives in order, the result downloads, and users are isolated.
 */
import WebSocket from "ws";
import { encryptedPdf, multiPagePdf, notPdf, truncatedPdf } from "../../support/pdf-fixtures";
import { form, signUp, startRuntime, waitForJob, waitForPlugin, type JobBody, type Runtime } from "./support";

jest.setTimeout(180_000);

let rt: Runtime;
let base: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  rt = await startRuntime();
  base = rt.stack.baseUrl;
  await rt.startWorker();
  await waitForPlugin(rt, "pdf-info");
  alice = (await signUp(base)).token;
  bob = (await signUp(base)).token;
});

afterAll(async () => {
  await rt?.stop();
});

const auth = (t: string) => ({ authorization: `Bearer ${t}` });

async function submit(token: string, parts: Parameters<typeof form>[0]) {
  return fetch(`${base}/api/jobs`, { method: "POST", headers: auth(token), body: form(parts) });
}

describe("a pdf-info job over HTTP, WebSocket and a worker process", () => {
  it("runs on the worker, streams ordered progress and serves the result to its owner only", async () => {
    const { bytes } = await multiPagePdf(3);
    const created = await submit(alice, { file: { data: bytes, filename: "three.pdf" }, processor: "pdf-info" });
    expect(created.status).toBe(201);
    const job = (await created.json()) as JobBody;
    expect(job.status).toBe("queued");

    const wsUrl = `${base.replace("http", "ws")}/api/jobs/ws/${job.id}?token=${alice}`;
    const messages: Array<{ type: string; job?: JobBody & { seq: number }; percent?: number; seq?: number }> = [];
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.on("message", (m) => messages.push(JSON.parse(String(m))));
      ws.on("close", () => resolve());
      ws.on("error", reject);
    });
    expect(messages[0]!.type).toBe("status");
    const last = messages[messages.length - 1]!;
    expect(last.type).toBe("status");
    expect(last.job!.status).toBe("completed");
    const seqs = messages.map((m) => (m.type === "status" ? m.job!.seq : m.seq!));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    const percents = messages.filter((m) => m.type === "progress").map((m) => m.percent!);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);

    const done = await waitForJob(base, alice, job.id);
    expect(done.result).toMatchObject({ pageCount: 3, pagesWithText: 3, scanned: false, pageFormats: ["A4 portrait"] });
    expect((done.result as { metadata: { title?: string } }).metadata.title).toBe("3 pages");

    const report = await fetch(`${base}/api/jobs/${job.id}/files/report`, { headers: auth(alice) });
    expect(report.status).toBe(200);
    expect(report.headers.get("content-disposition")).toContain("three.info.json");
    expect(((await report.json()) as { pageCount: number }).pageCount).toBe(3);
    const input = await fetch(`${base}/api/jobs/${job.id}/files/input`, { headers: auth(alice) });
    expect(Buffer.from(await input.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);

    // Bob sees nothing of Alice's: not the job, not its files, not in his list, not over WebSocket.
    expect((await fetch(`${base}/api/jobs/${job.id}`, { headers: auth(bob) })).status).toBe(404);
    expect((await fetch(`${base}/api/jobs/${job.id}/files/report`, { headers: auth(bob) })).status).toBe(404);
    expect((await fetch(`${base}/api/jobs/${job.id}/cancel`, { method: "POST", headers: auth(bob) })).status).toBe(404);
    const bobList = (await (await fetch(`${base}/api/jobs`, { headers: auth(bob) })).json()) as { items: unknown[]; total: number };
    expect(bobList.total).toBe(0);
    const bobWs = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${base.replace("http", "ws")}/api/jobs/ws/${job.id}?token=${bob}`);
      let first = "";
      ws.on("message", (m) => (first ||= String(m)));
      ws.on("close", () => resolve(first));
    });
    expect(bobWs).toContain("Job not found");

    const list = (await (await fetch(`${base}/api/jobs?status=completed&processor=pdf-info`, { headers: auth(alice) })).json()) as { items: JobBody[] };
    expect(list.items.map((j) => j.id)).toContain(job.id);
  });

  it("refuses bad inputs with clear 4xx answers and keeps serving", async () => {
    const pdf = (await multiPagePdf(1)).bytes;
    const notPdfRes = await submit(alice, { file: { data: notPdf().bytes, filename: "fake.pdf" }, processor: "pdf-info" });
    expect(notPdfRes.status).toBe(415);
    expect(JSON.stringify(await notPdfRes.json())).toMatch(/not a PDF/);

    const empty = await submit(alice, { file: { data: new Uint8Array(0), filename: "empty.pdf" }, processor: "pdf-info" });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(await empty.json())).toMatch(/empty/);

    const unknown = await submit(alice, { file: { data: pdf, filename: "a.pdf" }, processor: "no-such-plugin" });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(await unknown.json())).toMatch(/no-such-plugin/);

    const badOptions = await submit(alice, { file: { data: pdf, filename: "a.pdf" }, processor: "pdf-info", options: JSON.stringify({ maxPages: -3 }) });
    expect(badOptions.status).toBe(422);
    expect(JSON.stringify(await badOptions.json())).toMatch(/maxPages/);

    const noFile = await fetch(`${base}/api/jobs`, { method: "POST", headers: auth(alice), body: form({ processor: "pdf-info" }) });
    expect(noFile.status).toBe(422);

    // Files a worker cannot read become failed jobs with a readable error.
    const truncated = (await (await submit(alice, { file: { data: (await truncatedPdf()).bytes, filename: "cut.pdf" }, processor: "pdf-info" })).json()) as JobBody;
    const encrypted = (await (await submit(alice, { file: { data: (await encryptedPdf()).bytes, filename: "locked.pdf" }, processor: "pdf-info" })).json()) as JobBody;
    const t = await waitForJob(base, alice, truncated.id);
    expect(t.status).toBe("failed");
    expect(t.error).toMatchObject({ type: "PDF_CORRUPT" });
    expect(t.error!.message).toMatch(/truncated/);
    const e = await waitForJob(base, alice, encrypted.id);
    expect(e.status).toBe("failed");
    expect(e.error!.type).toBe("PDF_ENCRYPTED");

    const ok = (await (await submit(alice, { file: { data: pdf, filename: "ok.pdf" }, processor: "pdf-info" })).json()) as JobBody;
    expect((await waitForJob(base, alice, ok.id)).status).toBe("completed");
  });

  it("fails a plugin's job with a code of the one error catalog, naming the plugin and the stage", async () => {
    const bytes = (await multiPagePdf(1)).bytes;
    const failWith = async (fail: string) => {
      const created = (await (await submit(alice, { file: { data: bytes, filename: `${fail}.pdf` }, processor: "slow-echo", options: JSON.stringify({ fail }) })).json()) as JobBody;
      return waitForJob(base, alice, created.id);
    };
    const [declared, plain, undeclared] = [await failWith("declared"), await failWith("plain"), await failWith("undeclared")];
    // The plugin's own declared code, as its manifest's errors table names it.
    expect([declared.status, declared.error]).toEqual(["failed", { type: "SLOW_ECHO_REFUSED", message: "Asked to refuse this input", plugin: "slow-echo", stage: "run" }]);
    // No code: PLUGIN_ERROR. A code nobody declared (a dependency's ENOENT) never reaches a client as a code.
    expect(plain.error).toEqual({ type: "PLUGIN_ERROR", message: "Asked to fail without a code", plugin: "slow-echo", stage: "run" });
    expect(undeclared.error).toEqual({ type: "PLUGIN_ERROR", message: "ENOENT: no such file or directory, open 'model.bin'", plugin: "slow-echo", stage: "run" });
    // The list shows the same record.
    const listed = (await (await fetch(`${base}/api/jobs?processor=slow-echo&status=failed`, { headers: auth(alice) })).json()) as { items: JobBody[] };
    expect(listed.items.find((j) => j.id === declared.id)?.error).toEqual(declared.error);
    // The worker told the operator which code was undeclared, without the document's content.
    await rt.workers[0]!.waitForOutput(/failed with the code ENOENT, which no error catalog entry declares/, 10_000);
  });

  it("pauses at a declared pause point and resumes with the person's input", async () => {
    const created = (await (await submit(alice, { file: { data: (await multiPagePdf(1)).bytes, filename: "p.pdf" }, processor: "slow-echo", options: JSON.stringify({ pause: true }) })).json()) as JobBody;
    const paused = await waitForJob(base, alice, created.id, ["paused:readyForReview", "failed", "completed"]);
    expect(paused.status).toBe("paused:readyForReview");
    const bad = await fetch(`${base}/api/jobs/${created.id}/cancel`, { method: "POST", headers: auth(bob) });
    expect(bad.status).toBe(404);
    const resumed = await fetch(`${base}/api/jobs/${created.id}/resume`, { method: "POST", headers: { ...auth(alice), "content-type": "application/json" }, body: JSON.stringify({ input: { approve: [1, 2] } }) });
    expect(resumed.status).toBe(200);
    const done = await waitForJob(base, alice, created.id);
    expect(done.status).toBe("completed");
    expect(done.result).toMatchObject({ resumedWith: { approve: [1, 2] } });
    const again = await fetch(`${base}/api/jobs/${created.id}/resume`, { method: "POST", headers: { ...auth(alice), "content-type": "application/json" }, body: JSON.stringify({ input: {} }) });
    expect(again.status).toBe(409);
  });
});
