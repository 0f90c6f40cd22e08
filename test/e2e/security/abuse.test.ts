/**
 * Issue 14, items 6 and 7, re-run as tests against the embedded shape: limits refused whole (files per
 * batch, bytes per request, exclusion terms), absolute URLs never from Host, preflights answered by the
 * CORS layer only, query operators and bad cursors refused, client batch ids validated and scoped to
 * their owner, strict e-mails.
 */
import http from "node:http";
import { resetConfig } from "../../../kernel/config";
import { closeComputePool } from "../../../sdk/compute/pool";
import { pdfPool } from "../../../sdk/pdf/pool";
import { multiPagePdf } from "../../support/pdf-fixtures";
import { withDb } from "../../integration/auth/helpers";
import { login, pdfForm } from "../tagging/helpers";
import { startEmbedded, type Embedded } from "./support";

jest.setTimeout(300_000);

let e: Embedded;
let token: string;
let other: string;
let pdf: Uint8Array;

beforeAll(async () => {
  e = await startEmbedded();
  token = (await login(e.stack.baseUrl, "alice@example.com")).token;
  other = (await login(e.stack.baseUrl, "mallory@example.com")).token;
  pdf = (await multiPagePdf(1)).bytes;
});

afterAll(async () => {
  await e?.stack.stop();
  await pdfPool.close();
  await closeComputePool();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies asserted field by field
async function call(method: string, path: string, opts: { token?: string; json?: unknown; form?: FormData; headers?: Record<string, string>; raw?: string } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined = opts.form ?? opts.raw;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  const r = await fetch(e.stack.baseUrl + path, { method, headers, body });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed, headers: r.headers };
}

const storedFiles = () => withDb(e.stack.mongoUrl, (db) => db.collection("files.files").countDocuments({}));

describe("limits are refused whole, naming the limit", () => {
  it("refuses 1,000 uploaded files with 413 naming BATCH_MAX_FILES and keeps none of them", async () => {
    const before = await storedFiles();
    const form = new FormData();
    for (let i = 0; i < 1000; i++) form.append("files", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), `doc-${i}.pdf`);
    form.append("config", JSON.stringify({ num_tags: 3 }));
    const r = await call("POST", "/api/batch/start", { token, form });
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ detail: "A batch takes at most 500 files (BATCH_MAX_FILES); this request has more" });
    // Stored parts are removed again (removal runs right after the answer).
    for (let i = 0; i < 50 && (await storedFiles()) > before; i++) await new Promise((res) => setTimeout(res, 100));
    expect(await storedFiles()).toBe(before);
  });

  it("refuses a JSON batch of 1,000 documents with 413", async () => {
    const documents = Array.from({ length: 1000 }, (_, i) => ({ title: `d${i}`, file_path: `https://example.org/${i}.pdf`, file_source_type: "url" }));
    const r = await call("POST", "/api/batch/start", { token, json: { documents, config: { num_tags: 3 } } });
    expect(r.status).toBe(413);
    expect(r.body.detail).toBe("A batch takes at most 500 documents (BATCH_MAX_FILES); this request has 1000");
  });

  it("refuses a request over MAX_REQUEST_SIZE for all files together with 413", async () => {
    process.env.MAX_REQUEST_SIZE = "1MB";
    resetConfig();
    try {
      const form = new FormData();
      const filler = Buffer.concat([Buffer.from(pdf), Buffer.alloc(600 * 1024, 0x20)]);
      for (let i = 0; i < 6; i++) form.append("files", new Blob([filler], { type: "application/pdf" }), `big-${i}.pdf`);
      const r = await call("POST", "/api/batch/start", { token, form });
      expect(r.status).toBe(413);
      expect(r.body.detail).toMatch(/MAX_REQUEST_SIZE/);
    } finally {
      delete process.env.MAX_REQUEST_SIZE;
      resetConfig();
    }
    expect((await call("GET", "/api/status")).status).toBe(200);
  });

  it("refuses an exclusion list of 1,500 terms with 413 (500 before), and 1,001 exclusion_words with 422 naming the field", async () => {
    const terms = Array.from({ length: 1500 }, (_, i) => `term${i}`).join("\n");
    const form = pdfForm(pdf, { num_tags: 3 });
    form.append("exclusion_file", new Blob([terms], { type: "text/plain" }), "exclude.txt");
    const r = await call("POST", "/api/single/process", { token, form });
    expect(r.status).toBe(413);
    expect(r.body.detail).toBe("The exclusion list has 1500 terms; at most 1000 are accepted (exclusion_words and exclusion_file together)");
    const words = await call("POST", "/api/single/process", { token, form: pdfForm(pdf, { num_tags: 3, exclusion_words: Array.from({ length: 1001 }, (_, i) => `w${i}`) }) });
    expect(words.status).toBe(422);
    expect(words.body.detail[0]).toMatchObject({ loc: ["body", "exclusion_words"], msg: "exclusion_words has 1001 terms; at most 1000 are accepted" });
  });
});

describe("absolute URLs and preflights", () => {
  /**
   * The batch CSV request through node:http with the headers as given: fetch replaces a Host header with
   * the URL's own, so a test sending `host` through fetch never sends it.
   */
  const rawCsvBatch = (headers: Record<string, string>) => {
    const boundary = "----forged-host";
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="csv_file"; filename="batch.csv"\r\nContent-Type: text/csv\r\n\r\n` +
        "title,file_source_type,file_path\nLocal,local,/etc/passwd\n\r\n" +
        `--${boundary}\r\nContent-Disposition: form-data; name="config"\r\n\r\n${JSON.stringify({ num_tags: 3 })}\r\n--${boundary}--\r\n`,
    );
    const { port } = new URL(e.stack.baseUrl);
    return new Promise<{ status: number; body: { output_csv_url?: string }; sentHost: string | undefined }>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, method: "POST", path: "/api/batch/process", setHost: false, headers: { ...headers, authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) } },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { output_csv_url?: string }, sentHost: req.getHeader("host") as string | undefined }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  };

  it("builds output_csv_url from the connection, never from a forged Host or X-Forwarded-Host header", async () => {
    const r = await rawCsvBatch({ host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });
    // The forged Host really went out (fetch would have sent the URL's host instead).
    expect(r.sentHost).toBe("evil.example");
    expect(r.status).toBe(200);
    expect(r.body.output_csv_url).toMatch(new RegExp(`^${e.stack.baseUrl}/api/batch/jobs/[\\w-]+/results\\.csv$`));
  });

  it("builds it from PUBLIC_BASE_URL when set", async () => {
    process.env.PUBLIC_BASE_URL = "https://docmill.example.com/base/";
    resetConfig();
    try {
      const r = await rawCsvBatch({ host: "evil.example", "x-forwarded-host": "evil.example" });
      expect(r.sentHost).toBe("evil.example");
      expect(r.body.output_csv_url).toMatch(/^https:\/\/docmill\.example\.com\/base\/api\/batch\/jobs\/[\w-]+\/results\.csv$/);
    } finally {
      delete process.env.PUBLIC_BASE_URL;
      resetConfig();
    }
  });

  it("answers a preflight of POST /api/auth/login with a body without running the login", async () => {
    const r = await fetch(`${e.stack.baseUrl}/api/auth/login`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "content-type": "application/json" },
      body: JSON.stringify({ email: "alice@example.com", password: "correct-horse-battery" }),
    });
    expect(r.status).toBe(204);
    expect(await r.text()).toBe("");
    expect(r.headers.get("set-cookie")).toBeNull();
    expect(r.headers.get("access-control-allow-origin")).toBeNull();
    const v1 = await fetch(`${e.stack.baseUrl}/v1/auth/login`, { method: "OPTIONS", headers: { "access-control-request-method": "POST", "content-type": "application/json" }, body: JSON.stringify({ login: "admin@example.com", password: "Admin@1234!Tmp" }) });
    expect(v1.status).toBe(204);
    expect(await v1.text()).toBe("");
  });
});

describe("query filters, cursors and ids", () => {
  beforeAll(async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), "a.pdf");
    form.append("processor", "pdf-info");
    form.append("meta", JSON.stringify({ x: "secret-value" }));
    expect((await call("POST", "/api/jobs", { token, form })).status).toBe(201);
  });

  it.each(["meta[x][$ne]=nothing", "meta[x][$regex]=^s", "meta[x][$where]=sleep(1000)", "meta[x][$gt]=", "meta[$where]=1", "processor[$ne]=x", "status[$ne]=x", "owner[$ne]=x"])(
    "refuses ?%s with 422, never 5xx or a match",
    async (q) => {
      const r = await call("GET", `/api/jobs?${q}`, { token });
      expect(r.status).toBe(422);
      expect(Array.isArray(r.body.detail)).toBe(true);
    },
  );

  it("still filters by a plain meta value", async () => {
    const hit = await call("GET", "/api/jobs?meta[x]=secret-value", { token });
    expect(hit.status).toBe(200);
    expect(hit.body.total).toBe(1);
    const miss = await call("GET", "/api/jobs?meta[x]=other", { token });
    expect(miss.body.total).toBe(0);
  });

  it.each(["99999999999999999999_x", "1_", "abc", "1_../../x", `1_${"a".repeat(100)}`])("refuses cursor %s with 422 naming it", async (cursor) => {
    const r = await call("GET", `/api/jobs?cursor=${encodeURIComponent(cursor)}`, { token });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "cursor"]);
  });

  // docmill's own API (/v1) answers a bad cursor as every validation problem: 400, problem+json, `errors.cursor`.
  const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
  it.each([
    ["99999999999999999999_x", "99999999999999999999_x"],
    ["abc", "abc"],
    ["not JSON", b64("{t:1")],
    ["JSON null", b64("null")],
    ["a date past the year 275760", b64({ t: 1e20, id: "x" })],
    ["a date before it", b64({ t: -1e20, id: "x" })],
    ["a fractional time", b64({ t: 1.5, id: "x" })],
    ["a time as a string", b64({ t: "1", id: "x" })],
    ["an operator as id", b64({ t: 1, id: { $ne: null } })],
    ["an empty id", b64({ t: 1, id: "" })],
    ["an id of 200 characters", b64({ t: 1, id: "x".repeat(200) })],
  ])("refuses the /v1 cursor of %s with 400 naming cursor (jobs and audit)", async (_name, cursor) => {
    for (const [path, t] of [["/v1/jobs", e.adminToken], ["/v1/audit", e.adminToken]] as const) {
      const r = await call("GET", `${path}?cursor=${encodeURIComponent(cursor)}`, { token: t });
      expect({ path, status: r.status, type: r.headers.get("content-type"), fields: Object.keys(r.body?.errors ?? {}) }).toEqual({ path, status: 400, type: "application/problem+json; charset=utf-8", fields: ["cursor"] });
    }
  });

  const batch = (t: string, job_id: string) => call("POST", "/api/batch/start", { token: t, json: { job_id, documents: [{ title: "a", file_path: "https://example.org/a.pdf" }], config: { num_tags: 3 } } });

  it.each(["../../x\u0000<script>", "a/b", "<script>", "x".repeat(65), " lead"])("refuses the batch id %j with 422 naming job_id", async (id) => {
    const r = await batch(token, id);
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "job_id"]);
  });

  it("scopes a client-chosen batch id to its owner: another user's clash gets its own id, the owner's own clash 409", async () => {
    const mine = await batch(token, "nightly-2026-12-01");
    expect(mine.status).toBe(200);
    expect(mine.body.job_id).toBe("nightly-2026-12-01");
    const theirs = await batch(other, "nightly-2026-12-01");
    expect(theirs.status).toBe(200);
    expect(theirs.body.job_id).not.toBe("nightly-2026-12-01");
    expect((await call("GET", `/api/batch/jobs/nightly-2026-12-01/status`, { token: other })).status).toBe(404);
    expect((await batch(token, "nightly-2026-12-01")).status).toBe(409);
  });

  it.each(["nul\u0000@example.com", "a\u0007b@example.com", "tab\t@example.com", "x@exa mple.com", "x@localhost", "ünï@example.com"])("refuses the e-mail %j at registration on both families", async (email) => {
    const r = await call("POST", "/api/auth/register", { json: { email, password: "long-enough-password" } });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "email"]);
    const v1 = await e.http("POST", "/v1/users", { json: { email, password: "Secure123!x", roles: ["User"] }, token: e.adminToken });
    expect(v1.status).toBe(400);
    expect(Object.keys(v1.body.errors)).toContain("email");
  });
});
