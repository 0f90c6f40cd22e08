/**
 * The leak check after accept-all (bench/leak-check.ts) through the product as a client drives it: the
 * embedded stack (gateway, auth, keys, storage, jobs, the redaction worker and the orchestrator in one
 * process, on the bench's MongoDB-protocol server) started here, an API user with a key, then per
 * document the Smart Redact flow over HTTP: POST /v1/jobs (multipart, `detectionConfiguration` with the
 * document's languages, as a client who knows them sends it), poll GET /v1/jobs/{id} to readyForReview,
 * POST /v1/jobs/{id}/redaction `{}` (every finding accepted), poll to finished, GET
 * /v1/jobs/{id}/files/redactedPdf. The downloaded bytes are searched like the in-process check's
 * (searchOutput: text layer, 300-dpi OCR, metadata, raw and decompressed bytes).
 *
 * Differences from the in-process check it replaces in `--leaks-http` runs: detection runs with the
 * languages of the document (not every language), the review goes through the orchestrator's planning
 * (apis/orchestrator/review.ts), and the output is what the download route serves.
 */
import { randomBytes } from "node:crypto";
import type { PdfPool } from "../sdk/pdf/pool";
import type { GenDoc } from "../test/fixtures/pii-corpus";
import { startStack, uniqueMongoUrl, type Stack } from "../test/support/stack";
import { renderInput, searchOutput, type LeakReport } from "./leak-check";

type Fold = (s: string) => string;
type Within = (needle: string, hay: string) => boolean;

const LANGUAGE: Record<string, string> = { eng: "en", deu: "de", fra: "fr", spa: "es" };

/** A client of the embedded stack: its base URL and an API key of a plain user. */
export interface LeakClient {
  base: string;
  key: string;
  stack: Stack;
}

async function json(base: string, method: string, url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- responses read loosely, as a client would
  const r = await fetch(base + url, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const t = await r.text();
  return { status: r.status, body: t ? JSON.parse(t) : null };
}

/** The embedded stack on a fresh database, with a user and an API key made by the admin. Needs MONGO_URL. */
export async function startLeakStack(prefix = "leaks"): Promise<LeakClient> {
  const mongoUrl = uniqueMongoUrl(prefix);
  const stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "worker", "orchestrator"],
    mongoUrl,
    broker: { namespace: `${prefix}-${randomBytes(4).toString("hex")}` },
    mods: { orchestrator: { settings: { mongoUrl } } },
  });
  try {
    const base = stack.baseUrl;
    const login = await json(base, "POST", "/v1/auth/login", { login: process.env.ADMIN_EMAIL || "admin@example.com", password: process.env.ADMIN_INITIAL_PASSWORD || "Admin@1234!Tmp" }, {});
    if (login.status !== 200) throw new Error(`admin login answered ${login.status}`);
    const admin = { authorization: `Bearer ${login.body.token as string}` };
    const user = await json(base, "POST", "/v1/users", { email: `${prefix}@example.com`, password: "Leaks123!xyz", roles: ["User"] }, admin);
    const key = await json(base, "POST", "/v1/api-keys", { name: prefix, userId: user.body.userId, expiresAt: new Date(Date.now() + 86400e3).toISOString() }, admin);
    if (key.status !== 201) throw new Error(`API key creation answered ${key.status}`);
    // The worker registers its plugins through the registry: jobs must see "redaction" before uploads.
    for (let i = 0; i < 100; i++) {
      const plugins = await stack.broker.call<Array<{ id: string }>>("jobs.plugins");
      if (plugins.some((p) => p.id === "redaction")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return { base, key: key.body.key as string, stack };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/** Polls the job until it is in `wanted`; throws on failed/expired or after `timeoutMs`. */
async function waitFor(c: LeakClient, id: string, wanted: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await json(c.base, "GET", `/v1/jobs/${id}`, undefined, { "x-api-key": c.key });
    if (r.status !== 200) throw new Error(`GET /v1/jobs/${id} answered ${r.status}`);
    if (r.body.status === wanted) return;
    if (["failed", "expired"].includes(r.body.status)) throw new Error(`job ${r.body.status}: ${r.body.error?.code ?? r.body.error?.type ?? "no code"}`);
    if (Date.now() > until) throw new Error(`job still ${r.body.status} after ${timeoutMs / 1000} s`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** The detection languages of a corpus document (its OCR languages), as its owner would send them. */
export function languagesOf(doc: GenDoc): string[] {
  return [...new Set(doc.ocrLang.map((l) => LANGUAGE[l]).filter((l): l is string => Boolean(l)))];
}

/**
 * One PDF through the API with every finding accepted: the redacted PDF as downloaded, and the job's
 * findings (the detections file). `detection` is the multipart `detectionConfiguration`.
 */
export async function redactOverHttp(
  c: LeakClient, filename: string, input: Uint8Array, detection: Record<string, unknown> = {}, timeoutMs = 600_000,
): Promise<{ id: string; pdf: Uint8Array; findings: Array<{ label: string; text: string; page: number; recognizer: string; boxes: Array<{ x: number; y: number; width: number; height: number }> }> }> {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(input)], { type: "application/pdf" }), filename);
  form.append("detectionConfiguration", JSON.stringify(detection));
  const up = await fetch(`${c.base}/v1/jobs`, { method: "POST", headers: { "x-api-key": c.key }, body: form });
  const created = (await up.json()) as { id?: string };
  if (up.status !== 201 || !created.id) throw new Error(`upload answered ${up.status}`);
  const id = created.id;
  await waitFor(c, id, "readyForReview", timeoutMs);
  const det = await fetch(`${c.base}/v1/jobs/${id}/files/detections`, { headers: { "x-api-key": c.key } });
  if (det.status !== 200) throw new Error(`detections download answered ${det.status}`);
  const { findings } = (await det.json()) as { findings: Awaited<ReturnType<typeof redactOverHttp>>["findings"] };
  const review = await json(c.base, "POST", `/v1/jobs/${id}/redaction`, {}, { "x-api-key": c.key });
  if (review.status !== 202) throw new Error(`review answered ${review.status}`);
  await waitFor(c, id, "finished", timeoutMs);
  const file = await fetch(`${c.base}/v1/jobs/${id}/files/redactedPdf`, { headers: { "x-api-key": c.key } });
  if (file.status !== 200) throw new Error(`download answered ${file.status}`);
  return { id, pdf: new Uint8Array(await file.arrayBuffer()), findings };
}

/** The leak check over HTTP on `docs`, on a stack of its own (stopped at the end) unless `client` is given. */
export async function httpLeakCheck(
  docs: GenDoc[], pool: PdfPool, fold: Fold, within: Within,
  opts: { client?: LeakClient; detection?: Record<string, unknown> } = {},
): Promise<LeakReport> {
  const t0 = Date.now();
  const c = opts.client ?? (await startLeakStack());
  const report: LeakReport = { documents: 0, pages: 0, values: 0, leaks: [], failed: [], seconds: 0 };
  try {
    for (const doc of docs) {
      let out: Uint8Array;
      try {
        out = (await redactOverHttp(c, `${doc.name}.pdf`, await renderInput(doc), { languages: languagesOf(doc), ...opts.detection })).pdf;
      } catch (err) {
        report.failed.push({ doc: doc.name, reason: (err as Error).message.slice(0, 200) });
        continue;
      }
      report.documents++;
      report.pages += doc.pages.length;
      const found = await searchOutput(out, doc, pool, fold, within);
      report.values += found.values;
      report.leaks.push(...found.leaks);
    }
  } finally {
    if (!opts.client) await c.stack.stop();
  }
  report.seconds = (Date.now() - t0) / 1000;
  return report;
}
