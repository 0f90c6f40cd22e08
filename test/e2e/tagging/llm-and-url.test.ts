/**
 * The model engine through the whole stack against a local chat-completions server (normal answers,
 * malformed JSON, 401, unknown model, 429 then success, slow answers), and PDFs fetched from URLs through
 * the SSRF guard.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import mongoose from "mongoose";
import { startFakeLLM, reply, type FakeLLM } from "../../support/fake-llm";
import { multiPagePdf } from "../../support/pdf-fixtures";
import { pdfPool } from "../../../sdk/pdf/pool";
import { api, pdfForm, startTagger, type Stack } from "./helpers";

const KEY = "sk-or-v1-secret-test-key-0123456789";

describe("tagging with a model and from URLs", () => {
  let stack: Stack;
  let token: string;
  let llm: FakeLLM;
  let pdf: Uint8Array;
  let files: http.Server;
  let filesUrl: string;
  const post = (form: FormData) => api(stack.baseUrl, token, "POST", "/api/single/process", form);
  const cfg = (extra: Record<string, unknown> = {}) => ({ api_key: KEY, model_name: "openai/gpt-4o-mini", num_tags: 3, ...extra });

  beforeAll(async () => {
    llm = await startFakeLLM({ tags: ["public finance", "budget planning", "tax policy", "audit"], knownModels: ["openai/gpt-4o-mini"] });
    pdf = (await multiPagePdf(1)).bytes;
    files = http.createServer((req, res) => {
      if (req.url === "/doc.pdf") {
        res.setHeader("Content-Type", "application/pdf");
        res.end(Buffer.from(pdf));
      } else if (req.url === "/page.html") {
        res.setHeader("Content-Type", "text/html");
        res.end("<html></html>");
      } else if (req.url === "/hop") {
        res.statusCode = 302;
        res.setHeader("Location", "/doc.pdf");
        res.end();
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    ({ stack, token } = await startTagger({ env: { LLM_BASE_URL: llm.baseURL, LLM_MAX_RETRIES: "1", LLM_TIMEOUT_MS: "1500" } }));
  });
  afterAll(async () => {
    await stack?.stop();
    await pdfPool.close();
    await llm?.stop();
    files?.closeAllConnections();
    await new Promise((r) => files?.close(r));
  });

  it("tags with the model, sends the key only in the Authorization header, and never stores it", async () => {
    const res = await post(pdfForm(pdf, cfg()));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ engine: "llm", model_name: "openai/gpt-4o-mini", tags: ["public finance", "budget planning", "tax policy"] });
    expect(typeof res.body.raw_ai_response).toBe("string");
    const last = llm.requests[llm.requests.length - 1]!;
    expect(last.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(last.prompt).not.toContain(KEY);
    const conn = await mongoose.createConnection(stack.mongoUrl).asPromise();
    try {
      for (const name of ["jobs", "tagger_jobs", "tagger_documents"]) {
        const docs = await conn.db!.collection(name).find({}).toArray();
        expect(JSON.stringify(docs)).not.toContain(KEY);
      }
    } finally {
      await conn.close();
    }
  });

  it("answers 400 with a clear detail for a key the provider refuses, not a 500", async () => {
    llm.enqueue(reply.unauthorized());
    const res = await post(pdfForm(pdf, cfg()));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/key/i);
    expect(res.body.detail).not.toContain(KEY);
  });

  it("answers 400 for an unknown model", async () => {
    const res = await post(pdfForm(pdf, cfg({ model_name: "nobody/no-such-model" })));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/model/i);
  });

  it("retries a 429 and then succeeds", async () => {
    llm.enqueue(reply.rateLimited(0));
    const before = llm.requests.length;
    const res = await post(pdfForm(pdf, cfg()));
    expect(res.status).toBe(200);
    expect(llm.requests.length - before).toBeGreaterThanOrEqual(2);
  });

  it("repairs an answer wrapped in prose and fences, and recovers from an HTML error page", async () => {
    llm.enqueue(reply.html(200), reply.content('Sure! Here are the tags:\n```json\n["Tax Policy", "audit", "public finance"]\n```'));
    const res = await post(pdfForm(pdf, cfg()));
    expect(res.status).toBe(200);
    expect(res.body.tags).toEqual(["tax policy", "audit", "public finance"]);
  });

  it("answers 502 when the model keeps answering malformed JSON", async () => {
    llm.enqueue(reply.content("I'm sorry, I cannot do that."), reply.content("I'm sorry, I cannot do that."));
    const res = await post(pdfForm(pdf, cfg()));
    expect(res.status).toBe(502);
    expect(typeof res.body.detail).toBe("string");
  });

  it("answers 502 when the model is slower than the timeout", async () => {
    llm.enqueue(reply.delay(4000), reply.delay(4000));
    const res = await post(pdfForm(pdf, cfg()));
    expect(res.status).toBe(502);
  });

  it("refuses a URL on 127.0.0.1 by default, naming the reason", async () => {
    const res = await post(pdfForm(null, {}, { pdf_url: `${filesUrl}/doc.pdf` }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/loopback/);
    const preview = await api(stack.baseUrl, token, "GET", `/api/single/preview?url=${encodeURIComponent(`${filesUrl}/doc.pdf`)}`);
    expect(preview.status).toBe(400);
    expect((await fetch(`${stack.baseUrl}/api/single/preview?url=x`)).status).toBe(401);
  });

  it("refuses non-http schemes", async () => {
    const res = await post(pdfForm(null, {}, { pdf_url: "file:///etc/passwd" }));
    expect(res).toEqual({ status: 400, body: { detail: "URL must start with http:// or https://" } });
  });

  describe("with private addresses allowed", () => {
    beforeAll(() => {
      (stack.broker.getLocalService("tagger") as unknown as { settings: { allowPrivateUrls?: boolean } }).settings.allowPrivateUrls = true;
    });
    afterAll(() => {
      (stack.broker.getLocalService("tagger") as unknown as { settings: { allowPrivateUrls?: boolean } }).settings.allowPrivateUrls = undefined;
    });

    it("tags a PDF fetched from a local test server, following a redirect", async () => {
      const res = await post(pdfForm(null, {}, { pdf_url: `${filesUrl}/hop` }));
      expect(res.status).toBe(200);
      expect(res.body.engine).toBe("local");
      const doc = await api(stack.baseUrl, token, "GET", `/api/history/documents/${res.body.document_id}`);
      expect(doc.body).toMatchObject({ file_source_type: "url", file_path: `${filesUrl}/hop` });
    });

    it("refuses a URL that is not a PDF, and previews one that is", async () => {
      const html = await post(pdfForm(null, {}, { pdf_url: `${filesUrl}/page.html` }));
      expect(html.status).toBe(400);
      expect(html.body.detail).toMatch(/not point to a PDF/);
      const r = await fetch(`${stack.baseUrl}/api/single/preview?url=${encodeURIComponent(`${filesUrl}/doc.pdf`)}`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/pdf");
      expect(r.headers.get("content-disposition")).toMatch(/^inline/);
      expect(Buffer.from(await r.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    });
  });
});
