/**
 * Issue 18 (part B) end to end on the real stack (gateway, auth, keys, storage, jobs, an in-process
 * worker with the redaction plugin, orchestrator, audit, feedback; real database; metrics on with the
 * Prometheus reporter on a free port):
 * - an admin and an API key drive four redaction jobs as a vendor client would (three text PDFs whose IP
 *   address the reviewer rejects every time, one scan), a failed sign-in and a lockout happen, a chat
 *   model is called through the tagger's LLM engine against the local fake provider (one 429 first);
 * - /metrics then shows the domain figures with the right labels and no personal data;
 * - the audit log holds the run's actions with actor, time, request id and target, and never the text;
 * - detection statistics show precision per label and recogniser from these reviews and the IP address
 *   as a term rejected again and again; one call excludes it, and the next job no longer finds it.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { pdfPool } from "../../../sdk/pdf/pool";
import { generateTags } from "../../../plugins/tagging/tagger";
import { loginHash } from "../../../kernel/audit/catalog";
import { reviewDocument } from "../../fixtures/redaction-corpus";
import { FakeLLM, reply } from "../../support/fake-llm";
import { scannedPdf } from "../../support/pdf-fixtures";
import { startStack, type Stack } from "../../support/stack";
import { sample } from "../../support/prometheus";
import { ADMIN, client, settings } from "../../integration/auth/helpers";

jest.setTimeout(600_000);

let stack: Stack;
let http: ReturnType<typeof client>;
let metricsUrl = "";
let admin = "";
let adminId = "";
let userToken = "";
let user1 = "";
let key1 = "";
let keyId = "";
let ipText = "";
const jobIds: string[] = [];
const texts = new Set<string>();
const inDays = (d: number) => new Date(Date.now() + d * 86400e3).toISOString();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies read as a client would
type Any = any;

async function upload(bytes: Uint8Array, name: string): Promise<Any> {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(bytes)], { type: "application/pdf" }), name);
  const r = await fetch(`${stack.baseUrl}/v1/jobs`, { method: "POST", headers: { "x-api-key": key1 }, body: form });
  expect(r.status).toBe(201);
  return r.json();
}

async function waitFor(id: string, wanted: string): Promise<Any> {
  for (let i = 0; i < 1200; i++) {
    const r = await http("GET", `/v1/jobs/${id}`, { apiKey: key1 });
    if (r.body.status === wanted) return r.body;
    if (["failed", "expired"].includes(r.body.status)) throw new Error(`job ${id} ended ${r.body.status}: ${JSON.stringify(r.body.error)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`job ${id} never reached ${wanted}`);
}

async function detections(id: string): Promise<Array<{ id: string; label: string; text: string; recognizer: string }>> {
  const r = await fetch(`${stack.baseUrl}/v1/jobs/${id}/files/detections`, { headers: { "x-api-key": key1 } });
  return (await r.json()).findings;
}

async function metrics(): Promise<string> {
  return (await fetch(metricsUrl)).text();
}

beforeAll(async () => {
  stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "worker", "orchestrator", "audit", "feedback"],
    broker: {
      namespace: `ops-${randomBytes(4).toString("hex")}`,
      metrics: { enabled: true, reporter: [{ type: "DocmillPrometheus" as "Prometheus", options: { port: 0, path: "/metrics" } }] },
    },
    // A small account limit so the run includes a lockout.
    mods: { auth: { settings: settings({ throttle: { accountMax: 3, ipMax: 500, windowSeconds: 900, baseLockSeconds: 30, maxLockSeconds: 3600 } }) } },
  });
  const reporter = (stack.broker.metrics as unknown as { reporter: Array<{ server: Server }> }).reporter[0]!;
  for (let i = 0; i < 100 && !reporter.server.listening; i++) await new Promise((r) => setTimeout(r, 50));
  metricsUrl = `http://127.0.0.1:${(reporter.server.address() as AddressInfo).port}/metrics`;
  http = client(stack.baseUrl);
  const login = await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password }, headers: { "x-request-id": "audit-e2e-login-0001" } });
  admin = login.body.token;
  adminId = login.body.user.id;
  user1 = (await http("POST", "/v1/users", { json: { email: "pipeline.owner@example.com", password: "Review123!x", roles: ["User"] }, token: admin })).body.userId;
  userToken = (await http("POST", "/v1/auth/login", { json: { login: "pipeline.owner@example.com", password: "Review123!x" } })).body.token;
  const key = (await http("POST", "/v1/api-keys", { json: { name: "pipeline", userId: user1, expiresAt: inDays(30) }, token: admin })).body;
  key1 = key.key;
  keyId = key.id;
  for (let i = 0; i < 100; i++) {
    const plugins = await stack.broker.call<Array<{ id: string }>>("jobs.plugins");
    if (plugins.some((p) => p.id === "redaction")) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  // Three text documents: the reviewer keeps everything but the IP address, every time.
  const doc = await reviewDocument();
  for (let n = 0; n < 3; n++) {
    const job = await upload(doc, `record-${n}.pdf`);
    jobIds.push(job.id);
    await waitFor(job.id, "readyForReview");
    const found = await detections(job.id);
    found.forEach((f) => texts.add(f.text));
    const ip = found.find((f) => f.label === "IP_ADDRESS")!;
    ipText = ip.text;
    const r = await http("POST", `/v1/jobs/${job.id}/redaction`, { apiKey: key1, json: { reject: [ip.id] }, headers: { "x-request-id": `audit-e2e-review-000${n}` } });
    expect(r.status).toBe(202);
  }
  for (const id of jobIds) await waitFor(id, "finished");
  const dl = await fetch(`${stack.baseUrl}/v1/jobs/${jobIds[0]}/files/redactedPdf`, { headers: { "x-api-key": key1, "x-request-id": "audit-e2e-download-01" } });
  expect(dl.status).toBe(200);
  await dl.arrayBuffer();
  // A scan: OCR'd pages.
  const scan = await upload((await scannedPdf()).bytes, "scan.pdf");
  jobIds.push(scan.id);
  await waitFor(scan.id, "readyForReview");

  // Sign-in failures: three wrong passwords on one account lock it; the fourth try is throttled.
  for (let i = 0; i < 4; i++) await http("POST", "/v1/auth/login", { json: { login: "no.such.person@example.com", password: `Wrong-${i}-password` } });

  // The tagger's model engine against the local provider: one 429, then an answer.
  const llm = await new FakeLLM({ tags: ["fibre optics", "sensor arrays", "signal noise"] }).start();
  try {
    llm.enqueue(reply.rateLimited(0));
    await generateTags({ text: "Fibre optic sensor arrays measure strain along bridges; signal noise limits them.", numTags: 3 }, { apiKey: "sk-test", model: "fake/model-1", baseURL: llm.baseURL, maxRetries: 2, sleep: async () => undefined });
  } finally {
    await llm.stop();
  }
  // The jobs gauges are sampled every few seconds.
  await new Promise((r) => setTimeout(r, 6_000));
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
});

describe("metrics on /metrics after real jobs", () => {
  let text = "";
  beforeAll(async () => {
    text = await metrics();
    // Kept for scripts/render-dashboard.ts (the dashboard screenshot in docs/ is rendered from it).
    mkdirSync("test-artifacts", { recursive: true });
    writeFileSync("test-artifacts/metrics-e2e.txt", text);
  });

  it("counts jobs by plugin and status, with durations of jobs and of each stage", () => {
    expect(sample(text, "docmill_job_transitions_total", { plugin: "redaction", status: "completed" })).toBe(3);
    expect(sample(text, "docmill_job_transitions_total", { plugin: "redaction", status: "paused:readyForReview" })).toBe(4);
    expect(sample(text, "docmill_job_transitions_total", { plugin: "redaction", status: "queued" })).toBeGreaterThanOrEqual(7);
    expect(sample(text, "docmill_jobs", { plugin: "redaction", status: "completed" })).toBe(3);
    expect(sample(text, "docmill_jobs", { plugin: "redaction", status: "paused:readyForReview" })).toBe(1);
    // The queue is JetStream's (this stack's channels run on the real NATS): drained, nothing in flight.
    expect(sample(text, "docmill_queue_depth", { plugin: "redaction", source: "jetstream" })).toBe(0);
    expect(sample(text, "docmill_queue_in_flight", { plugin: "redaction" })).toBe(0);
    expect(sample(text, "docmill_queue_redelivered", { plugin: "redaction" })).toBe(0);
    expect(text).not.toMatch(/docmill_queue_depth\{[^}]*source="database"/);
    expect(sample(text, "docmill_job_duration_seconds_count", { plugin: "redaction", status: "completed" })).toBe(3);
    expect(sample(text, "docmill_job_duration_seconds_bucket", { plugin: "redaction", status: "completed", le: "+Inf" })).toBe(3);
    expect(sample(text, "docmill_job_duration_seconds_sum", { plugin: "redaction", status: "completed" })).toBeGreaterThan(0);
    expect(sample(text, "docmill_job_stage_duration_seconds_count", { plugin: "redaction", stage: "run", outcome: "paused" })).toBe(4);
    expect(sample(text, "docmill_job_stage_duration_seconds_count", { plugin: "redaction", stage: "resume:readyForReview", outcome: "completed" })).toBe(3);
    expect(sample(text, "docmill_job_deliveries_total", { plugin: "redaction" })).toBeGreaterThanOrEqual(7);
    // One job at a time on a healthy stack: nothing was delivered twice or retried.
    expect(sample(text, "docmill_job_redeliveries_total", { plugin: "redaction" }) ?? 0).toBe(0);
    expect(sample(text, "docmill_job_retries_total", { plugin: "redaction" }) ?? 0).toBe(0);
  });

  it("counts pages by source, OCR seconds per page and findings per label", () => {
    expect(sample(text, "docmill_pages_processed_total", { plugin: "redaction", source: "text" })).toBeGreaterThanOrEqual(6);
    expect(sample(text, "docmill_pages_processed_total", { plugin: "redaction", source: "ocr" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "docmill_ocr_page_seconds_count", { pass: "primary" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "docmill_ocr_page_seconds_sum", { pass: "primary" })).toBeGreaterThan(0);
    expect(sample(text, "docmill_findings_total", { label: "IP_ADDRESS" })).toBeGreaterThanOrEqual(3);
    expect(sample(text, "docmill_findings_total", { label: "EMAIL_ADDRESS" })).toBeGreaterThanOrEqual(3);
  });

  it("counts model calls, tokens and 429s per model", () => {
    expect(sample(text, "docmill_llm_calls_total", { model: "fake/model-1", outcome: "ok" })).toBe(1);
    expect(sample(text, "docmill_llm_calls_total", { model: "fake/model-1", outcome: "LLM_RATE_LIMIT" })).toBe(1);
    expect(sample(text, "docmill_llm_rate_limited_total", { model: "fake/model-1" })).toBe(1);
    expect(sample(text, "docmill_llm_errors_total", { model: "fake/model-1", error: "LLM_RATE_LIMIT" })).toBe(1);
    expect(sample(text, "docmill_llm_tokens_total", { model: "fake/model-1", kind: "prompt" })).toBe(100);
    expect(sample(text, "docmill_llm_tokens_total", { model: "fake/model-1", kind: "completion" })).toBe(20);
  });

  it("counts refused sign-ins and the lockout", () => {
    expect(sample(text, "docmill_login_failures_total", { api: "orchestrator", reason: "invalid_credentials" })).toBe(3);
    expect(sample(text, "docmill_login_failures_total", { api: "orchestrator", reason: "throttled" })).toBe(1);
    expect(sample(text, "docmill_login_lockouts_total", { scope: "account" })).toBe(1);
  });

  it("carries no personal data or document text", () => {
    expect(texts.size).toBeGreaterThan(3);
    for (const t of texts) expect(text).not.toContain(t);
    for (const s of ["record-0.pdf", "scan.pdf", "pipeline.owner@example.com", "no.such.person", user1, adminId, keyId]) expect(text).not.toContain(s);
  });
});

describe("the audit log", () => {
  let entries: Any[] = [];
  beforeAll(async () => {
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const r = await http("GET", `/v1/audit?pageSize=200${q}`, { token: admin });
      expect(r.status).toBe(200);
      entries = entries.concat(r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
  });
  const of = (action: string) => entries.filter((e) => e.action === action);

  it("holds the run's actions with actor, time, request id and target", () => {
    const login = of("auth.login").find((e) => e.requestId === "audit-e2e-login-0001");
    expect(login).toMatchObject({ outcome: "success", actor: { id: adminId, via: "jwt" }, target: { type: "user", id: adminId }, details: { api: "orchestrator" } });
    expect(Date.now() - new Date(login.at).getTime()).toBeLessThan(3600e3);
    expect(login.ip).toBeTruthy();
    expect(of("user.created")).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: adminId }), target: { type: "user", id: user1 }, details: { roles: ["User"] } })]);
    expect(of("key.created")).toEqual([expect.objectContaining({ target: { type: "apiKey", id: keyId }, details: expect.objectContaining({ userId: user1 }) })]);
    // Used many times, recorded once per key per 10 minutes.
    expect(of("key.used")).toEqual([expect.objectContaining({ actor: { id: user1, via: "apiKey", apiKeyId: keyId }, target: { type: "apiKey", id: keyId } })]);
    expect(of("job.created").map((e) => e.target.id).sort()).toEqual([...jobIds].sort());
    expect(of("job.created")[0]).toMatchObject({ actor: { id: user1, via: "apiKey", apiKeyId: keyId }, details: { api: "orchestrator", plugin: "redaction" } });
    const reviews = of("review.submitted");
    expect(reviews).toHaveLength(3);
    expect(reviews.find((e) => e.requestId === "audit-e2e-review-0001")).toMatchObject({ target: { type: "job", id: jobIds[1] }, details: { rejectedFindings: 1, manualAreas: 0, acceptedFindings: expect.any(Number) } });
    expect(of("file.downloaded").find((e) => e.requestId === "audit-e2e-download-01")).toMatchObject({ target: { type: "job", id: jobIds[0] }, details: { fileType: "redactedPdf" } });
  });

  it("records failed sign-ins with the account as a hash, never the login typed", () => {
    const failed = of("auth.login").filter((e) => e.outcome === "failure");
    expect(failed.map((e) => e.error).sort()).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "TOO_MANY_REQUESTS"]);
    for (const e of failed) expect(e.target).toEqual({ type: "account", id: loginHash("no.such.person@example.com") });
  });

  it("never holds document text, file names or e-mail addresses", () => {
    const raw = JSON.stringify(entries);
    for (const t of texts) expect(raw).not.toContain(t);
    for (const s of ["record-0.pdf", "scan.pdf", "@example.com", "Wrong-0-password", key1]) expect(raw).not.toContain(s);
  });

  it("filters by action prefix, actor, target, outcome, request id and time, and pages with a cursor", async () => {
    const users = await http("GET", "/v1/audit?action=user.", { token: admin });
    expect(users.body.items.map((e: Any) => e.action)).toEqual(["user.created"]);
    const byActor = await http("GET", `/v1/audit?actorId=${user1}&action=job.created`, { token: admin });
    expect(byActor.body.items).toHaveLength(4);
    const byTarget = await http("GET", `/v1/audit?targetId=${jobIds[2]}`, { token: admin });
    // The test read the job's detections file once: a download like any other.
    expect(byTarget.body.items.map((e: Any) => e.action).sort()).toEqual(["file.downloaded", "job.created", "review.submitted"]);
    expect((await http("GET", "/v1/audit?outcome=failure", { token: admin })).body.items).toHaveLength(4);
    expect((await http("GET", "/v1/audit?requestId=audit-e2e-review-0002", { token: admin })).body.items).toHaveLength(1);
    expect((await http("GET", `/v1/audit?to=${encodeURIComponent(new Date(Date.now() - 86400e3).toISOString())}`, { token: admin })).body.items).toEqual([]);
    const p1 = await http("GET", "/v1/audit?pageSize=3", { token: admin });
    const p2 = await http("GET", `/v1/audit?pageSize=3&cursor=${encodeURIComponent(p1.body.nextCursor)}`, { token: admin });
    expect(p1.body.items).toHaveLength(3);
    expect(p2.body.items).toHaveLength(3);
    expect(p2.body.items.map((e: Any) => e.id)).not.toContain(p1.body.items[2].id);
    expect(new Date(p2.body.items[0].at).getTime()).toBeLessThanOrEqual(new Date(p1.body.items[2].at).getTime());
  });

  it("answers 403 to a user who is not an admin and refuses API keys", async () => {
    const r = await http("GET", "/v1/audit", { token: userToken });
    expect(r.status).toBe(403);
    expect((await http("GET", "/v1/audit", { apiKey: key1 })).status).toBeGreaterThanOrEqual(401);
    expect((await http("GET", "/v1/audit")).status).toBe(401);
  });

  it.each([
    ["from=yesterday", "from"],
    ["to=2026-13-45", "to"],
    ["from=2026-12-02&to=2026-12-01", "from"],
    ["outcome=maybe", "outcome"],
    ["action=DROP%20TABLE", "action"],
    ["pageSize=0", "pageSize"],
    ["pageSize=5000", "pageSize"],
    ["cursor=not-a-cursor", "cursor"],
  ])("answers 400 naming the field for %s", async (query, field) => {
    const r = await http("GET", `/v1/audit?${query}`, { token: admin });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors ?? r.body)).toContain(field);
  });
});

describe("review feedback and detection statistics", () => {
  it("shows precision per label and per recogniser from the real reviews, and the term rejected in every job", async () => {
    const r = await http("GET", "/v1/detection-stats", { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.reviews).toBe(3);
    const ip = r.body.byLabel.find((x: Any) => x.key === "IP_ADDRESS");
    expect(ip).toEqual({ key: "IP_ADDRESS", accepted: 0, rejected: 3, precision: 0 });
    expect(r.body.byLabel.find((x: Any) => x.key === "EMAIL_ADDRESS")).toMatchObject({ rejected: 0, precision: 1 });
    expect(r.body.byRecognizer.length).toBeGreaterThan(1);
    expect(r.body.byRecognizer.reduce((n: number, x: Any) => n + x.accepted + x.rejected, 0)).toBe(r.body.findings);
    expect(r.body.rejected).toBe(3);
    expect(r.body.rejectedTerms).toEqual([expect.objectContaining({ term: ipText.toLowerCase(), labels: ["IP_ADDRESS"], rejections: 3, jobs: 3, accepted: 0, excluded: false })]);
  });

  it("is for admins only and refuses bad filters", async () => {
    expect((await http("GET", "/v1/detection-stats", { token: userToken })).status).toBe(403);
    expect((await http("POST", "/v1/detection-stats/exclusions", { token: userToken, json: { term: ipText } })).status).toBe(403);
    for (const q of ["from=soon", "minJobs=0", "maxTerms=abc", "label=%3Cscript%3E", "from=2026-12-02&to=2026-12-01"]) {
      expect({ q, status: (await http("GET", `/v1/detection-stats?${q}`, { token: admin })).status }).toEqual({ q, status: 400 });
    }
    expect((await http("POST", "/v1/detection-stats/exclusions", { token: admin, json: {} })).status).toBe(400);
    expect((await http("POST", "/v1/detection-stats/exclusions", { token: admin, json: { term: "x".repeat(201) } })).status).toBe(400);
    const never = await http("POST", "/v1/detection-stats/exclusions", { token: admin, json: { term: "a term nobody rejected" } });
    expect(never.status).toBe(400);
    expect(never.text).not.toContain("a term nobody rejected");
  });

  it("excludes the term in one call, and the next job no longer finds it", async () => {
    const r = await http("POST", "/v1/detection-stats/exclusions", { token: admin, json: { term: ipText } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ label: "IP_ADDRESS", rejections: 3, createdConfiguration: true, alreadyExcluded: false });
    const cfg = await http("GET", "/v1/detection-configurations/default", { token: admin });
    expect(cfg.body.configuration.keywordExclusions).toEqual([{ name: "review-feedback", excludedKeywords: [ipText.toLowerCase()], partialMatch: false }]);
    const again = await http("POST", "/v1/detection-stats/exclusions", { token: admin, json: { term: ipText.toUpperCase() } });
    expect(again.body).toMatchObject({ configurationId: r.body.configurationId, alreadyExcluded: true, createdConfiguration: false });
    expect((await http("GET", "/v1/detection-stats", { token: admin })).body.rejectedTerms[0].excluded).toBe(true);

    const job = await upload(await reviewDocument(), "record-after.pdf");
    await waitFor(job.id, "readyForReview");
    const found = await detections(job.id);
    expect(found.map((f) => f.label)).toContain("EMAIL_ADDRESS");
    expect(found.map((f) => f.label)).not.toContain("IP_ADDRESS");

    const audit = (await http("GET", "/v1/audit?action=detection_configuration.", { token: admin })).body.items;
    expect(audit.map((e: Any) => e.action).sort()).toEqual(["detection_configuration.created", "detection_configuration.exclusion_added", "detection_configuration.exclusion_added"]);
    expect(JSON.stringify(audit)).not.toContain(ipText);
  });
});

describe("deletion", () => {
  it("removes a deleted job's review (its rejected terms are document text) from the statistics", async () => {
    expect((await http("GET", "/v1/detection-stats", { token: admin })).body.reviews).toBe(3);
    expect((await http("DELETE", `/v1/jobs/${jobIds[2]}`, { apiKey: key1 })).status).toBe(204);
    let reviews = 3;
    for (let i = 0; i < 150 && reviews !== 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      reviews = (await http("GET", "/v1/detection-stats", { token: admin })).body.reviews;
    }
    expect(reviews).toBe(2);
    const ip = (await http("GET", "/v1/detection-stats", { token: admin })).body.byLabel.find((x: Any) => x.key === "IP_ADDRESS");
    expect(ip).toMatchObject({ rejected: 2 });
  });
});

describe("retention", () => {
  it("sweeps audit entries and review feedback older than their settings (no TTL index)", async () => {
    const before = (await http("GET", "/v1/audit?pageSize=200", { token: admin })).body.items.length;
    expect(before).toBeGreaterThan(10);
    expect(await stack.broker.call("audit.sweep", { now: new Date(Date.now() + 100 * 86400e3).toISOString() })).toBe(0);
    expect(await stack.broker.call("audit.sweep", { now: new Date(Date.now() + 366 * 86400e3).toISOString() })).toBeGreaterThanOrEqual(before);
    expect((await http("GET", "/v1/audit", { token: admin })).body.items.map((e: Any) => e.action)).toEqual([]);
    // Three reviews were recorded; the deleted job's went with it.
    expect(await stack.broker.call("feedback.sweep", { now: new Date(Date.now() + 181 * 86400e3).toISOString() })).toBe(2);
    expect((await http("GET", "/v1/detection-stats", { token: admin })).body.reviews).toBe(0);
  });
});
