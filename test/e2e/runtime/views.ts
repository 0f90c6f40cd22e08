/**
 * What the convergence tests look at: every consumer's view of a job (the tagger's batch record, the
 * orchestrator's job record, WebSocket clients), the durable change stream, and a middleware that loses
 * job events on purpose. Waits are on states, polled; a wait gives up only after a generous cap, with
 * the last state seen in its message (no assertion depends on how fast something happened).
 */
import { randomBytes } from "node:crypto";
import type { Middleware, ServiceBroker } from "moleculer";
import WebSocket from "ws";
import { CHANGES_CHANNEL, ensureChangesConsumer, isJobChange, type JobChange } from "../../../kernel/jobs/changes";
import { withJetStream } from "../../../kernel/jobs/dispatch";
import type { JobView } from "../../../kernel/jobs/model";
import { reviewDocument } from "../../fixtures/redaction-corpus";
import { digitalGovernance, technicalManual } from "../../unit/plugins/tagging/tagger/fixtures/documents";
import { ADMIN } from "../../integration/auth/helpers";
import { textPdf } from "../tagging/helpers";
import { seededRandom } from "../../support/random";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read field by field, as a client would
export type Json = any;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** With VIEWS_DEBUG set, says where a convergence test is (jest shows console output only at the end). */
export function step(msg: string): void {
  if (process.env.VIEWS_DEBUG) process.stderr.write(`[step] ${new Date().toISOString()} ${msg}\n`);
}

/** Polls `read` until `done` holds; after `capMs` fails naming `what` and the last value read. */
export async function waitForState<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, capMs = 600_000, everyMs = 250): Promise<T> {
  const until = Date.now() + capMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err; // the service is away for a moment (an outage under test): read again
    }
    if (process.env.VIEWS_DEBUG && Math.random() < 0.02) process.stderr.write(`[waiting] ${what}: ${JSON.stringify(last ?? String(lastError)).slice(0, 300)}\n`);
    if (Date.now() > until) throw new Error(`${what}: never reached; last seen ${JSON.stringify(last ?? String(lastError)).slice(0, 2000)}`);
    await sleep(everyMs);
  }
}

export async function json(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const r = await fetch(baseUrl + path, { method, headers, body: payload });
  const text = await r.text();
  let parsed: Json = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed };
}

/** The seeded admin's bearer token of the Smart Redact API (the orchestrator's clients sign in so). */
export async function adminToken(baseUrl: string): Promise<string> {
  const r = await fetch(`${baseUrl}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: ADMIN.email, password: ADMIN.password }) });
  const body = (await r.json()) as { token?: string };
  if (!body.token) throw new Error(`v1 login: ${r.status} ${JSON.stringify(body)}`);
  return body.token;
}

/**
 * A 503 says "try again shortly", and a client does: the stack has just come up (a fresh core process
 * under CI load; one fresh-clone run met a 503 on the very first batch). Anything else is returned as is.
 */
async function retryUnavailable(send: () => Promise<{ status: number; body: Json }>, tries = 10): Promise<{ status: number; body: Json }> {
  for (let i = 1; ; i++) {
    const r = await send();
    if (r.status !== 503 || i >= tries) return r;
    process.stderr.write(`[views] 503 on try ${i} (${JSON.stringify(r.body).slice(0, 200)}); trying again in 2 s\n`);
    await sleep(2000);
  }
}

// ---- tagging batches --------------------------------------------------------------------------------

let taggingPdfs: Uint8Array[] | undefined;

/** Starts a batch of `n` uploaded text PDFs (two different documents, alternating). */
export async function startBatch(baseUrl: string, token: string, n: number): Promise<string> {
  taggingPdfs ??= [await textPdf(digitalGovernance.text.split("\n"), digitalGovernance.title), await textPdf(technicalManual.text.split("\n"), technicalManual.title)];
  const form = new FormData();
  for (let i = 0; i < n; i++) form.append("files", new Blob([Buffer.from(taggingPdfs[i % 2]!)], { type: "application/pdf" }), `doc-${i + 1}.pdf`);
  form.append("config", JSON.stringify({ num_tags: 5 }));
  const r = await retryUnavailable(() => json(baseUrl, token, "POST", "/api/batch/start", form));
  if (r.status !== 200) throw new Error(`batch start: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.job_id as string;
}

/** The tagger's own record of the batch (no refresh from the runtime: this is the consumer's view). */
export async function batchStatus(baseUrl: string, token: string, id: string): Promise<Json> {
  const r = await json(baseUrl, token, "GET", `/api/batch/jobs/${id}/status`);
  if (r.status !== 200) throw new Error(`batch status: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

// ---- Smart Redact jobs ------------------------------------------------------------------------------

let redactionPdf: Uint8Array | undefined;

export async function createRedaction(baseUrl: string, token: string, name: string): Promise<string> {
  redactionPdf ??= await reviewDocument();
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(redactionPdf)], { type: "application/pdf" }), name);
  const r = await retryUnavailable(() => json(baseUrl, token, "POST", "/v1/jobs", form));
  if (r.status !== 201) throw new Error(`redaction create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

/** The orchestrator's stored record, read without the refresh its HTTP reads do (the consumer's own view). */
export async function orchestratorRecord(broker: ServiceBroker, id: string): Promise<Json> {
  const svc = broker.getLocalService("orchestrator") as unknown as { Job: { findById(id: string): { lean(): Promise<Json> } } };
  return svc.Job.findById(id).lean();
}

/** Submits the review (every finding accepted) once the job waits for it; 202 or a 409 after a retry. */
export async function reviewWhenReady(baseUrl: string, token: string, id: string): Promise<void> {
  const ready = await waitForState(
    `redaction ${id} readyForReview`,
    () => json(baseUrl, token, "GET", `/v1/jobs/${id}`),
    (r) => ["readyForReview", "redactionInProgress", "finished", "failed", "cancelled", "expired"].includes(r.body?.status),
  );
  if (!["readyForReview", "redactionInProgress"].includes(ready.body.status)) throw new Error(`redaction ${id} ended ${ready.body.status} before its review: ${JSON.stringify(ready.body.error)}`);
  await waitForState(
    `review of ${id} accepted`,
    () => json(baseUrl, token, "POST", `/v1/jobs/${id}/redaction`, {}),
    // A 409 naming redactionInProgress or finished: an earlier try was recorded but its answer was lost
    // in an outage (a job leaves readyForReview only through an accepted review), and by the time the
    // retry lands the redaction may already be done.
    (r) => r.status === 202 || (r.status === 409 && /'(redactionInProgress|finished)'/.test(String(r.body?.detail ?? ""))),
  );
}

// ---- WebSocket clients ------------------------------------------------------------------------------

export interface WsClient {
  messages: Json[];
  closed: Promise<{ code: number }>;
  close(): void;
}

function connect(url: string): WsClient {
  const ws = new WebSocket(url);
  const messages: Json[] = [];
  ws.on("message", (data) => messages.push(JSON.parse(String(data))));
  ws.on("error", () => undefined); // a refused connection shows as a close
  const closed = new Promise<{ code: number }>((resolve) => ws.on("close", (code) => resolve({ code })));
  return { messages, closed, close: () => ws.close() };
}

export function watchBatchWs(baseUrl: string, id: string, token: string): WsClient {
  return connect(`${baseUrl.replace(/^http/, "ws")}/api/batch/ws/${id}?token=${encodeURIComponent(token)}`);
}

export function watchJobWs(baseUrl: string, id: string, token: string): WsClient {
  return connect(`${baseUrl.replace(/^http/, "ws")}/api/jobs/ws/${id}?token=${encodeURIComponent(token)}`);
}

// ---- the durable change stream, as a consumer group of its own ---------------------------------------

export interface ChangeLog {
  /** Per job: the versions of every `completed` change delivered (duplicates included). */
  completed: Map<string, number[]>;
  /** Per job: the seq of every `completed` broadcast seen. */
  broadcastCompleted: Map<string, number[]>;
}

/** Joins the job-changes stream as its own consumer group, and listens to the broadcasts. */
export async function watchChanges(broker: ServiceBroker, natsUrl?: string): Promise<ChangeLog> {
  const group = `test-watch-${randomBytes(3).toString("hex")}`;
  if (natsUrl) await withJetStream(natsUrl, (jsm) => ensureChangesConsumer(jsm, broker.namespace, group));
  const log: ChangeLog = { completed: new Map(), broadcastCompleted: new Map() };
  const add = (m: Map<string, number[]>, id: string, v: number) => m.set(id, [...(m.get(id) ?? []), v]);
  await broker.createService({
    name: group,
    channels: {
      [CHANGES_CHANNEL]: {
        group,
        deadLettering: { enabled: false },
        handler(ctx: { params: unknown }) {
          const c = ctx.params as JobChange;
          if (isJobChange(c) && c.status === "completed") add(log.completed, c.id, c.version);
        },
      },
    },
    events: {
      "job.updated"(ctx: { params: { job: JobView } }) {
        const j = ctx.params.job;
        if (j.status === "completed") add(log.broadcastCompleted, j.id, j.seq);
      },
    },
  } as never);
  return log;
}

/**
 * Every job completed exactly once: at least one completion was delivered durably and broadcast, and
 * every delivery names the same version (one transition; a redelivery of it is at-least-once, not twice).
 */
export function completionsOf(log: ChangeLog, id: string): { durable: number[]; broadcast: number[] } {
  return { durable: [...new Set(log.completed.get(id) ?? [])], broadcast: [...new Set(log.broadcastCompleted.get(id) ?? [])] };
}

// ---- losing events on purpose ----------------------------------------------------------------------

/** A seeded generator (mulberry32): the same run drops the same events. */
const seeded = seededRandom;

export interface Lossy extends Middleware {
  dropped: { changes: number; broadcasts: number };
}

/**
 * Swallows a fraction of the job events this broker's services receive: durable job changes (the message
 * is acked as if applied, so it is gone for good), `job.updated` and `tagger.batch.event` broadcasts.
 * Services named `test-*` (the tests' own watchers) see everything.
 */
export function lossyMiddleware(fraction: number, seed = 15): Lossy {
  const rand = seeded(seed);
  const dropped = { changes: 0, broadcasts: 0 };
  const spared = (svc: { name?: string } | undefined) => (svc?.name ?? "").startsWith("test-");
  return {
    name: "Lossy",
    dropped,
    localChannel(next: (msg: unknown, raw: unknown) => Promise<unknown>, chan: { name: string; group: string }) {
      if (!chan.name.endsWith(CHANGES_CHANNEL) || chan.group.startsWith("test-")) return next;
      return async (msg: unknown, raw: unknown) => {
        if (rand() < fraction) {
          dropped.changes++;
          return;
        }
        return next(msg, raw);
      };
    },
    localEvent(next: (ctx: unknown) => unknown, event: { name: string; service?: { name?: string } }) {
      if ((event.name !== "job.updated" && event.name !== "tagger.batch.event") || spared(event.service)) return next;
      // Moleculer expects a promise from an event handler.
      return (ctx: unknown) => {
        if (rand() < fraction) {
          dropped.broadcasts++;
          return Promise.resolve();
        }
        return next(ctx);
      };
    },
  } as unknown as Lossy;
}
