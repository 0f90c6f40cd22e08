/**
 * Issue 14's attack list replayed against a real `npm start` (the embedded default: every service in one
 * process), over HTTP and WebSocket on 127.0.0.1 only. Starts docmill itself with a fresh data directory
 * in /tmp, signs in as the seeded administrator, registers two plain users, runs every item of the
 * issue's list and prints `held` or `FAILED` per item with what it saw. Independent of the jest suite:
 * raw sockets and node:http where fetch would smooth a request over (fetch replaces a Host header).
 *
 *   npm run bench attack            (or: npx tsx bench/attack.ts)
 *
 * Exit code 1 when an item failed. Prints figures (latency, RSS of docmill's node processes); asserts on
 * the answers the issue names, not on timings.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { bombPdf, gifPdfPolyglot } from "../test/support/hostile-pdfs";

const MiB = 1024 * 1024;
const ADMIN = { email: process.env.ADMIN_EMAIL ?? "admin@example.com", password: process.env.ADMIN_INITIAL_PASSWORD ?? "Admin@1234!Tmp" };
const results: Array<{ item: string; held: boolean; saw: string }> = [];
let base = "";
let port = 0;
let child: ChildProcess | undefined;
let childExit: string | undefined;

function record(item: string, held: boolean, saw: string): void {
  results.push({ item, held, saw });
  console.log(`${held ? "held  " : "FAILED"} ${item}: ${saw}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Resident memory of docmill's processes (the started process tree without the shell, NATS and the database), MB. */
function docmillRssMb(): number {
  if (!child?.pid) return 0;
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m) {
        parent.set(Number(d), Number(m[2]));
        comm.set(Number(d), m[1]!);
      }
    } catch {
      /* gone */
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, i = 0; p > 1 && i < 50; p = parent.get(p) ?? 0, i++) if (p === child!.pid) return true;
    return false;
  };
  let kb = 0;
  for (const [pid, name] of comm) {
    if (/^(bash|sh|java|nats-server|mongod)$/.test(name) || !inTree(pid)) continue;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return Math.round(kb / 1024);
}

async function alive(): Promise<boolean> {
  if (childExit) return false;
  try {
    const r = await fetch(`${base}/api/status`, { signal: AbortSignal.timeout(10_000) });
    await r.text();
    return r.status === 200;
  } catch {
    return false;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers read loosely, as a client would
type Res = { status: number; body: any; text: string; headers: Headers };
async function call(method: string, p: string, o: { token?: string; apiKey?: string; json?: unknown; form?: FormData; headers?: Record<string, string> } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.apiKey) headers["x-api-key"] = o.apiKey;
  let body: BodyInit | undefined = o.form;
  if (o.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(o.json);
  }
  const r = await fetch(base + p, { method, headers, body });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed, text, headers: r.headers };
}

/** A request through node:http, so the Host header is the one given (fetch always sends the URL's). */
function rawRequest(method: string, p: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: p, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Multipart body by hand (for rawRequest). */
function multipart(parts: Array<{ name: string; filename?: string; type?: string; data: Buffer | string }>): { body: Buffer; type: string } {
  const boundary = `----attack${randomBytes(8).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

async function linesPdf(lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < Math.max(1, lines.length); i += 70) {
    const page = doc.addPage([612, 792]);
    lines.slice(i, i + 70).forEach((line, j) => page.drawText(line, { x: 36, y: 760 - j * 10.5, size: 9, font }));
  }
  return doc.save();
}

const pdfBlob = (bytes: Uint8Array) => new Blob([Buffer.from(bytes)], { type: "application/pdf" });

async function userToken(email: string): Promise<string> {
  const password = "correct-horse-battery";
  let reg = await call("POST", "/api/auth/register", { json: { email, password } });
  for (let i = 0; i < 60 && reg.status === 503; i++) {
    await sleep(1000);
    reg = await call("POST", "/api/auth/register", { json: { email, password } });
  }
  if (reg.status !== 201) throw new Error(`register ${reg.status} ${reg.text}`);
  return (await call("POST", "/api/auth/login", { json: { email, password } })).body.tokens.access_token as string;
}

async function start(): Promise<void> {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "docmill-attack-"));
  const log = path.join(dataDir, "docmill.log");
  const out = openSync(log, "a");
  console.log(`npm start on ${base}, data in ${dataDir} (log: ${log})`);
  child = spawn("bash", ["scripts/start.sh"], {
    cwd: path.join(__dirname, ".."),
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DOCMILL_DATA_DIR: dataDir, LOG_LEVEL: process.env.ATTACK_LOG_LEVEL ?? "warn", NODE_ENV: "production" },
    stdio: ["ignore", out, out],
    detached: true,
  });
  child.on("exit", (code, signal) => (childExit = `exited (code ${code}, signal ${signal})`));
  process.on("exit", () => {
    // The whole group the script started (start.sh stops the infrastructure it started on SIGTERM).
    try {
      if (child?.pid && !childExit) process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  });
  for (let i = 0; i < 600 && !(await alive()); i++) {
    if (childExit) throw new Error(`docmill ${childExit}; see ${log}`);
    await sleep(500);
  }
  if (!(await alive())) throw new Error(`docmill did not answer; see ${log}`);
  // Answering is not ready: wait for the readiness probe (database, NATS, every service registered).
  const ready = async () => (await fetch(`${base}/healthz/ready`).catch(() => undefined))?.status === 200;
  for (let i = 0; i < 240 && !(await ready()); i++) await sleep(500);
  stop = async () => {
    if (child?.pid && !childExit) {
      process.kill(-child.pid, "SIGTERM");
      for (let i = 0; i < 100 && !childExit; i++) await sleep(200);
    }
    if (process.env.ATTACK_KEEP_DATA !== "1") rmSync(dataDir, { recursive: true, force: true });
  };
}
let stop = async () => undefined as void;

// ---------------------------------------------------------------------------------------------- items

/** Item 1: a 70 KiB frame without a token. */
async function wsFrame(): Promise<void> {
  const close = await new Promise<number | null>((resolve) => {
    const key = randomBytes(16).toString("base64");
    const sock = net.connect(port, "127.0.0.1");
    let buf = Buffer.alloc(0);
    let upgraded = false;
    sock.on("error", () => resolve(null));
    sock.on("close", () => resolve(null));
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!buf.subarray(0, end).toString().startsWith("HTTP/1.1 101")) return resolve(-1);
        const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
        if (!buf.subarray(0, end).toString().includes(accept)) return resolve(-2);
        upgraded = true;
        buf = buf.subarray(end + 4);
        const payload = Buffer.alloc(70 * 1024, 0x61);
        const mask = randomBytes(4);
        const head = Buffer.from([0x81, 0x80 | 127, 0, 0, 0, 0, 0, 0, (payload.length >> 8) & 255, payload.length & 255]);
        head.writeUInt32BE(payload.length, 6);
        sock.write(Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]));
      }
      for (let off = 0; off + 2 <= buf.length; ) {
        const op = buf[off]! & 0x0f;
        let len = buf[off + 1]! & 0x7f;
        let p = off + 2;
        if (len === 126) {
          len = buf.readUInt16BE(p);
          p += 2;
        }
        if (p + len > buf.length) break;
        if (op === 8) resolve(len >= 2 ? buf.readUInt16BE(p) : 1005);
        off = p + len;
      }
    });
    sock.write(`GET /api/batch/ws/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    setTimeout(() => resolve(null), 10_000).unref();
  });
  await sleep(500);
  const ok = await alive();
  record("1 WebSocket 70 KiB frame, no token", ok && (close === 1009 || close === 1008), `close ${close}, /api/status afterwards ${ok ? 200 : "no answer"}`);
}

/** Item 2: the three regexes on a document built for them, /api/status latency while the job runs. */
async function redos(apiKey: string): Promise<void> {
  const lines = Array.from({ length: 70 * 30 }, (_, i) => (i % 2 ? "a".repeat(42) : `${"7".repeat(60)} ${"a".repeat(42)}`));
  const pdf = await linesPdf(lines);
  for (const set of [["(?:a|a){1,100}$", "(?:a{1,30}){1,30}$", "\\d+\\d+\\d+\\d+z"], ["(?:a{1,50}){1,50}$"]]) {
    const form = new FormData();
    form.append("file", pdfBlob(pdf), "redos.pdf");
    form.append("detectionConfiguration", JSON.stringify({ patternRecognizers: [{ name: "evil", label: "EVIL", patterns: set.map((regex, i) => ({ name: `p${i}`, regex, score: 0.9 })) }] }));
    const up = await call("POST", "/v1/jobs", { apiKey, form });
    if (up.status === 400) {
      record(`2 regex ${set.join(" ")}`, /detectionConfiguration/.test(up.text), `400 naming ${Object.keys(up.body?.errors ?? {}).join(",")}: ${JSON.stringify(up.body?.errors)}`);
      continue;
    }
    let status = up.body?.status as string;
    let worst = 0;
    const t0 = performance.now();
    while (up.status === 201 && !["readyForReview", "failed", "expired"].includes(status) && performance.now() - t0 < 300_000) {
      const s0 = performance.now();
      await (await fetch(`${base}/api/status`)).text();
      worst = Math.max(worst, performance.now() - s0);
      status = (await call("GET", `/v1/jobs/${up.body.id}`, { apiKey })).body.status;
      await sleep(20);
    }
    const det = status === "readyForReview" ? await call("GET", `/v1/jobs/${up.body.id}/files/detections`, { apiKey }) : undefined;
    const evil = det ? (det.body.findings as Array<{ label: string }>).filter((f) => f.label === "EVIL").length : 0;
    record(`2 regex ${set.join(" ")}`, up.status === 201 && status === "readyForReview" && worst < 1000, `upload ${up.status}, job ${status} in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${evil} EVIL findings, /api/status worst ${worst.toFixed(0)} ms`);
  }
}

async function genericJob(token: string, bytes: Uint8Array, name: string): Promise<Res["body"]> {
  const form = new FormData();
  form.append("file", pdfBlob(bytes), name);
  form.append("processor", "pdf-info");
  const r = await call("POST", "/api/jobs", { token, form });
  if (r.status !== 201) return { status: `upload ${r.status}`, error: r.body };
  for (let i = 0; i < 1200; i++) {
    const g = await call("GET", `/api/jobs/${r.body.id}`, { token });
    if (["completed", "failed", "cancelled", "expired"].includes(g.body.status)) return g.body;
    await sleep(100);
  }
  return { status: "never finished" };
}

/** Item 3: a 1 MB PDF inflating to 1 GiB. */
async function bomb(token: string): Promise<void> {
  const pdf = await bombPdf(1024 * MiB);
  const before = docmillRssMb();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, docmillRssMb())), 100);
  const t0 = performance.now();
  const job = await genericJob(token, pdf, "bomb.pdf").finally(() => clearInterval(sampler));
  const secs = (performance.now() - t0) / 1000;
  await sleep(2000);
  const after = docmillRssMb();
  const ok = await alive();
  record(
    "3 deflate bomb 1 MB -> 1 GiB",
    job.status === "failed" && job.error?.type === "PDF_LIMIT_EXCEEDED" && ok && peak - before < 1024,
    `${(pdf.length / MiB).toFixed(2)} MB file: job ${job.status} ${JSON.stringify(job.error?.message ?? job.error)} after ${secs.toFixed(1)} s; RSS ${before} -> peak ${peak} -> ${after} MB; alive ${ok}`,
  );
}

/** Item 4: 10 parallel wrong passwords, then 10 more. */
async function bruteForce(): Promise<void> {
  const email = `victim-${randomBytes(3).toString("hex")}@example.com`;
  await userToken(email);
  // A client address of its own, so the earlier sign-ins of this run do not count against it.
  const ip = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
  const burst = async () => (await Promise.all(Array.from({ length: 10 }, (_, i) => call("POST", "/api/auth/login", { json: { email, password: `wrong-${i}` }, headers: { "x-forwarded-for": ip } })))).map((r) => r.status);
  const a = await burst();
  const b = await burst();
  const n = (xs: number[], c: number) => xs.filter((x) => x === c).length;
  record("4 parallel wrong passwords", n(a, 401) === 5 && n(a, 429) === 5 && n(b, 429) === 10, `first burst ${n(a, 401)}x401 ${n(a, 429)}x429, second ${n(b, 401)}x401 ${n(b, 429)}x429`);
}

/** Item 5: formulas in the batch results.csv. */
async function csv(token: string): Promise<void> {
  const pdf = await linesPdf(Array.from({ length: 40 }, (_, i) => `Public budget report line ${i}: revenue, expenditure and audit findings for the fiscal year.`));
  const names = ["=HYPERLINK(evil.example;Open)", "+cmd|' -C calc'!A0", "@SUM(1+1)", "-2+3"];
  const form = new FormData();
  for (const n of names) form.append("files", pdfBlob(pdf), `${n}.pdf`);
  form.append("config", JSON.stringify({ num_tags: 3 }));
  const startRes = await call("POST", "/api/batch/start", { token, form });
  if (startRes.status !== 200) return record("5 CSV formulas in results.csv", false, `batch start ${startRes.status} ${startRes.text.slice(0, 200)}`);
  const id = startRes.body.job_id as string;
  for (let i = 0; i < 900; i++) {
    const s = await call("GET", `/api/batch/jobs/${id}/status`, { token });
    if (["completed", "failed", "cancelled"].includes(s.body.status)) break;
    await sleep(200);
  }
  const res = await call("GET", `/api/batch/jobs/${id}/results.csv`, { token });
  const rows = Papa.parse<string[]>(res.text, { skipEmptyLines: true }).data.slice(1);
  const bad = rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c));
  const titles = rows.map((r) => r[1]).sort();
  record("5 CSV formulas in results.csv", res.status === 200 && rows.length === names.length && bad.length === 0, `${res.status}, ${rows.length} rows, cells starting with a formula character: ${bad.length}; titles ${JSON.stringify(titles)}`);
}

/** Item 6: 1,000 files to /api/batch/start. */
async function thousandFiles(token: string): Promise<void> {
  const pdf = await linesPdf(["one page"]);
  const form = new FormData();
  for (let i = 0; i < 1000; i++) form.append("files", pdfBlob(pdf), `doc-${i}.pdf`);
  form.append("config", JSON.stringify({ num_tags: 3 }));
  const r = await call("POST", "/api/batch/start", { token, form });
  record("6 1,000 files to /api/batch/start", r.status === 413 && /BATCH_MAX_FILES/.test(r.text), `${r.status} ${r.text.slice(0, 160)}`);
}

/** Item 7: the rest. */
async function item7(token: string, other: string, adminToken: string, apiKey: string): Promise<void> {
  // Host header (through node:http: fetch would send the URL's host instead).
  const csvBody = multipart([
    { name: "csv_file", filename: "batch.csv", type: "text/csv", data: "title,file_source_type,file_path\nLocal,local,/etc/passwd\n" },
    { name: "config", data: JSON.stringify({ num_tags: 3 }) },
  ]);
  const host = await rawRequest("POST", "/api/batch/process", { host: "evil.example", "x-forwarded-host": "evil.example", authorization: `Bearer ${token}`, "content-type": csvBody.type, "content-length": String(csvBody.body.length) }, csvBody.body);
  const url = (JSON.parse(host.text || "{}") as { output_csv_url?: string }).output_csv_url ?? "";
  record("7 Host: evil.example -> output_csv_url", host.status === 200 && url.startsWith(`${base}/`) && !url.includes("evil"), `${host.status} ${url}`);

  // OPTIONS with a body on the login route, real credentials in it.
  const email = `pre-${randomBytes(3).toString("hex")}@example.com`;
  await userToken(email);
  const body = Buffer.from(JSON.stringify({ email, password: "correct-horse-battery" }));
  const pre = await rawRequest("OPTIONS", "/api/auth/login", { host: `127.0.0.1:${port}`, origin: "https://evil.example", "access-control-request-method": "POST", "content-type": "application/json", "content-length": String(body.length) }, body);
  record("7 OPTIONS preflight with a body on /api/auth/login", pre.status === 204 && pre.text === "" && !pre.headers["set-cookie"] && !pre.headers["access-control-allow-origin"], `${pre.status}, body ${JSON.stringify(pre.text.slice(0, 80))}, set-cookie ${pre.headers["set-cookie"] ? "yes" : "no"}`);

  // Query operators, one own job with meta.
  const form = new FormData();
  form.append("file", pdfBlob(await linesPdf(["meta"])), "m.pdf");
  form.append("processor", "pdf-info");
  form.append("meta", JSON.stringify({ x: "secret-value" }));
  await call("POST", "/api/jobs", { token, form });
  for (const q of ["meta[x][$ne]=nothing", "meta[x][$regex]=^s", "meta[x][$where]=sleep(1000)", "cursor=99999999999999999999_x"]) {
    const r = await call("GET", `/api/jobs?${q}`, { token });
    record(`7 GET /api/jobs?${q}`, r.status >= 400 && r.status < 500, `${r.status} ${r.text.slice(0, 120)}`);
  }
  const v1 = await call("GET", `/v1/jobs?cursor=${Buffer.from(JSON.stringify({ t: 1e20, id: "x" })).toString("base64url")}`, { token: adminToken });
  record("7 GET /v1/jobs?cursor={t:1e20}", v1.status === 400, `${v1.status} ${v1.text.slice(0, 120)}`);

  // More than 1,000 exclusion terms.
  const ex = new FormData();
  ex.append("pdf_file", pdfBlob(await linesPdf(["exclusion terms"])), "e.pdf");
  ex.append("config", JSON.stringify({ num_tags: 3 }));
  ex.append("exclusion_file", new Blob([Array.from({ length: 1500 }, (_, i) => `term${i}`).join("\n")], { type: "text/plain" }), "exclude.txt");
  const exr = await call("POST", "/api/single/process", { token, form: ex });
  record("7 exclusion file of 1,500 terms", exr.status === 413 || exr.status === 422, `${exr.status} ${exr.text.slice(0, 140)}`);

  // Batch ids: a clash between two users, a hostile id.
  const batch = (t: string, job_id: string) => call("POST", "/api/batch/start", { token: t, json: { job_id, documents: [{ title: "a", file_path: "https://example.org/a.pdf" }], config: { num_tags: 3 } } });
  const name = `nightly-${randomBytes(2).toString("hex")}`;
  const mine = await batch(token, name);
  const theirs = await batch(other, name);
  const peek = await call("GET", `/api/batch/jobs/${name}/status`, { token: other });
  record("7 batch job_id chosen by two users", mine.status === 200 && theirs.status === 200 && theirs.body.job_id !== name && peek.status === 404, `owner ${mine.status} ${mine.body?.job_id}, other ${theirs.status} ${theirs.body?.job_id}, other reads owner's: ${peek.status}`);
  const hostile = await batch(token, "../../x\u0000<script>");
  record("7 batch job_id ../../x\\0<script>", hostile.status === 422, `${hostile.status} ${hostile.text.slice(0, 120)}`);

  // NUL in an e-mail, both families.
  const nul = await call("POST", "/api/auth/register", { json: { email: "nul\u0000@example.com", password: "long-enough-password" } });
  const nulV1 = await call("POST", "/v1/users", { token: adminToken, json: { email: "nul\u0000@example.com", password: "Secure123!x", roles: ["User"] } });
  record("7 NUL byte in a registered e-mail", nul.status === 422 && nulV1.status === 400, `/api ${nul.status}, /v1 ${nulV1.status}`);

  // GIF/PDF polyglot on every upload route.
  const poly = gifPdfPolyglot(await linesPdf(["polyglot"]));
  const outcomes: string[] = [];
  let held = true;
  const routes: Array<[string, (f: FormData) => void, { token?: string; apiKey?: string }]> = [
    ["/api/jobs", (f) => f.append("processor", "pdf-info"), { token }],
    ["/api/single/process", (f) => f.append("config", JSON.stringify({ num_tags: 3 })), { token }],
    ["/api/batch/start", (f) => f.append("config", JSON.stringify({ num_tags: 3 })), { token }],
    ["/v1/jobs", () => undefined, { apiKey }],
  ];
  for (const [route, extra, auth] of routes) {
    const f = new FormData();
    f.append(route === "/api/batch/start" ? "files" : route === "/api/single/process" ? "pdf_file" : "file", pdfBlob(poly), "poly.pdf");
    extra(f);
    const r = await call("POST", route, { ...auth, form: f });
    outcomes.push(`${route} ${r.status} ${JSON.stringify(r.body?.detail ?? r.body?.title ?? "").slice(0, 90)}`);
    if (r.status < 400 || r.status >= 500) held = false;
  }
  record("7 GIF/PDF polyglot upload", held, outcomes.join(", "));
}

async function main(): Promise<void> {
  await start();
  try {
    const admin = await call("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } });
    const adminToken = admin.body.token as string;
    const userId = (await call("POST", "/v1/users", { token: adminToken, json: { email: `orch-${randomBytes(3).toString("hex")}@example.com`, password: "Secure123!x", roles: ["User"] } })).body.userId as string;
    const apiKey = (await call("POST", "/v1/api-keys", { token: adminToken, json: { name: "attack", userId, expiresAt: new Date(Date.now() + 86400e3).toISOString() } })).body.key as string;
    const alice = await userToken(`alice-${randomBytes(3).toString("hex")}@example.com`);
    const mallory = await userToken(`mallory-${randomBytes(3).toString("hex")}@example.com`);
    const steps: Array<[string, () => Promise<void>]> = [
      ["1", wsFrame],
      ["4", bruteForce],
      ["6", () => thousandFiles(alice)],
      ["7", () => item7(alice, mallory, adminToken, apiKey)],
      ["5", () => csv(alice)],
      ["3", () => bomb(alice)],
      ["2", () => redos(apiKey)],
    ];
    for (const [n, step] of steps) {
      try {
        await step();
      } catch (err) {
        record(`${n} (script error)`, false, String((err as Error).stack ?? err));
      }
      if (!(await alive())) {
        record(`${n} docmill alive afterwards`, false, childExit ?? "no answer to /api/status");
        break;
      }
    }
    console.log(`\n${results.filter((r) => r.held).length} held, ${results.filter((r) => !r.held).length} failed; docmill alive at the end: ${await alive()}; RSS ${docmillRssMb()} MB`);
  } finally {
    await stop();
  }
  process.exitCode = results.every((r) => r.held) ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  void stop().finally(() => process.exit(2));
});
