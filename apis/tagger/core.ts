/**
 * The tag generator's job logic, shared by single calls and batches: create the records, feed documents
 * to the runtime (each document is a `tagging` job, so a batch spreads over every worker), follow the
 * runtime's `job.updated` events into document and job states, and publish the WebSocket messages
 * (`tagger.batch.event`, broadcast so every gateway node can forward them).
 *
 * Several tagger instances may run: every step is an atomic update guarded by the expected state, and the
 * instance whose update wins publishes the message; the others do nothing.
 *
 * Runtime job changes arrive durably (the `job-changes` channel, lib/jobs/changes.ts) and are applied by
 * version (`applyChange`); `reconcile` compares every open record with the runtime and repairs what a
 * dropped change or a crash between two of our own writes left behind (see docs/plugins.md).
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { fail } from "../../kernel/errors";
import type { JobChange } from "../../kernel/jobs/changes";
import type { JobView } from "../../kernel/jobs/model";
import { isTransient } from "../../kernel/jobs/transient";
import { fetchUrl, UrlFetchError, type FetchUrlOptions } from "../../kernel/net/fetch-url";
import type { StoredFile } from "../../kernel/storage/store";
import type { BatchRowMessage, BatchStatusView } from "../../shared/wire/tagging";
import type { TaggingConfig } from "./config";
import { storedConfig } from "./config";
import { batchErrorType } from "./errors";
import { sealApiKey } from "./secret";
import { afterTagged, learnedOptions } from "./learning";
import { announceBatchEnd, drainBatchOutbox, type BatchOutboxDeps } from "./batch-outbox";
import type { SourceType, TagDocDoc, TagDocModel, TagJobDoc, TagJobModel } from "./models";

export type { Call } from "../../kernel/call";
import type { Call } from "../../kernel/call";
import type { JobIdParams } from "../../kernel/jobs/api";
import type { PutFileParams } from "../../kernel/storage/params";
import type { CreateJobParams, GetManyParams } from "../../kernel/jobs/api";

export interface Deps {
  Job: TagJobModel;
  Doc: TagDocModel;
  call: Call;
  broadcast(event: string, payload: unknown): void;
  urlFetch: Omit<FetchUrlOptions, "expect" | "headersOnly">;
  /** Documents of one batch on the runtime at once (the rest wait as `pending`). */
  window: number;
  /** Ended batches for webhooks (lib/webhooks/batch-outbox.ts); absent: nothing is announced. */
  batchOutbox?: BatchOutboxDeps;
}

export interface NewRow {
  title: string;
  description?: string | null;
  file_path: string;
  file_source_type: SourceType;
  input_file_id?: string | null;
  file_size?: number | null;
}

/** The tagger's consumer group of the durable job changes (each group gets every change once). */
export const TAGGER_CHANGES_GROUP = "docmill-tagger-job-changes";

export const END_TYPES = new Set(["completed", "failed", "cancelled", "error"]);

export async function createTagJob(d: Deps, owner: string, type: "single" | "batch", cfg: TaggingConfig, rows: NewRow[], id?: string): Promise<TagJobDoc> {
  const now = new Date();
  const job = (
    await d.Job.create({
      _id: id ?? randomUUID(),
      owner,
      job_type: type,
      status: "processing",
      total_documents: rows.length,
      config: storedConfig(cfg),
      sealed_key: cfg.apiKey ? sealApiKey(cfg.apiKey) : null,
      started_at: now,
      created_at: now,
    })
  ).toObject() as TagJobDoc;
  await d.Doc.insertMany(
    rows.map((r, row) => ({
      _id: randomUUID(),
      owner,
      job_id: job._id,
      row,
      title: r.title,
      description: r.description ?? null,
      file_path: r.file_path,
      file_source_type: r.file_source_type,
      status: "pending",
      dispatched: false,
      input_file_id: r.input_file_id ?? null,
      file_size: r.file_size ?? null,
      mime_type: r.input_file_id ? "application/pdf" : null,
      created_at: now,
    })),
  );
  return job;
}

function optionsOf(job: TagJobDoc): Record<string, unknown> {
  const c = job.config;
  return {
    ...(job.sealed_key ? { api_key_sealed: job.sealed_key, model_name: c.model_name ?? undefined } : {}),
    num_pages: c.num_pages,
    num_tags: c.num_tags,
    exclusion_words: c.exclusion_words,
    language: c.language,
  };
}

/** Gets the document's PDF into storage (fetching URL rows through the SSRF guard). */
async function inputOf(d: Deps, doc: TagDocDoc): Promise<string> {
  if (doc.input_file_id) return doc.input_file_id;
  if (doc.file_source_type === "local") throw Object.assign(new Error("Local file paths are disabled on this server; upload the file or give a URL"), { type: "SOURCE_REFUSED" });
  if (doc.file_source_type === "s3") throw Object.assign(new Error("S3 sources are not supported by this server; give an http(s) URL"), { type: "SOURCE_REFUSED" });
  const got = await fetchUrl(doc.file_path, { ...d.urlFetch, expect: "pdf" });
  const file = await d.call<StoredFile, PutFileParams>("storage.put", { owner: doc.owner, filename: got.filename, kind: "input", expect: ["application/pdf"] }, { stream: Readable.from([got.bytes]), timeout: 0 });
  await d.Doc.updateOne({ _id: doc._id }, { $set: { input_file_id: file.id, file_size: file.size, mime_type: file.contentType } });
  return file.id;
}

/**
 * Puts one document on the runtime. A document that cannot start (bad URL, refused source) fails here.
 * The runtime job's id is the document's own id, so creating it again (a retry, a reconciliation after a
 * crash between the create and our record of it) finds the same job instead of starting a second one.
 * With `retryLater` (batches), a failure of our own infrastructure gives the row back for a later feed
 * instead of failing the document.
 */
export async function dispatchDoc(d: Deps, job: TagJobDoc, doc: TagDocDoc, retryLater = false): Promise<string | null> {
  dispatching.set(doc._id, Date.now());
  try {
    const inputFileId = await inputOf(d, doc);
    if (retryLater) {
      // Fetching a URL row takes a while: a pause or cancel that landed meanwhile gives the row back
      // (resume feeds it again) instead of starting it on a batch that is no longer running.
      const now = await d.Job.findById(job._id, { status: 1 }).lean<Pick<TagJobDoc, "status">>();
      if (now?.status !== "processing") {
        await d.Doc.updateOne({ _id: doc._id, status: "pending", runtime_job_id: null }, { $set: { dispatched: false, dispatched_at: null } });
        return null;
      }
    }
    const rt = await d.call<JobView, CreateJobParams>("jobs.create", {
      id: doc._id,
      processor: "tagging",
      inputFileId,
      options: { ...optionsOf(job), ...(await learnedOptions(d, job)) },
      meta: { tagJobId: job._id, tagDocId: doc._id, row: doc.row },
      owner: doc.owner,
    });
    await d.Doc.updateOne({ _id: doc._id }, { $set: { runtime_job_id: rt.id } });
    return rt.id;
  } catch (err) {
    if (retryLater && isTransient(err)) {
      await d.Doc.updateOne({ _id: doc._id, status: "pending", runtime_job_id: null }, { $set: { dispatched: false, dispatched_at: null } }).catch(() => undefined);
      throw err;
    }
    const e = err as { type?: string; message?: string };
    const type = err instanceof UrlFetchError ? "URL_FETCH" : (e.type ?? "DISPATCH");
    await finishDoc(d, doc._id, { ok: false, type, message: e.message ?? String(err) });
    return null;
  } finally {
    dispatching.delete(doc._id);
  }
}

/**
 * Rows this process is putting on the runtime right now, with when it started (reconciliation leaves
 * them alone). Only for a while: a dispatch whose promise never settles (a call lost in an outage) must
 * not keep its row from being given back forever.
 */
const dispatching = new Map<string, number>();
const DISPATCH_HELD_MS = 120_000;
const isDispatching = (id: string, now: number) => now - (dispatching.get(id) ?? -Infinity) < DISPATCH_HELD_MS;

/** Starts pending documents of a running batch while fewer than `window` are on the runtime. */
export async function feed(d: Deps, jobId: string): Promise<void> {
  for (;;) {
    const job = await d.Job.findById(jobId).lean<TagJobDoc>();
    if (!job || job.status !== "processing") return;
    const inFlight = await d.Doc.countDocuments({ job_id: jobId, dispatched: true, status: { $in: ["pending", "processing"] } });
    if (inFlight >= d.window) return;
    const doc = await d.Doc.findOneAndUpdate({ job_id: jobId, status: "pending", dispatched: false }, { $set: { dispatched: true, dispatched_at: new Date() } }, { returnDocument: "after", sort: { row: 1 } }).lean<TagDocDoc>();
    if (!doc) return;
    // A pause or cancel may have landed between the state check and the claim: give the row back, so a
    // paused batch starts nothing new (resume feeds it again).
    const now = await d.Job.findById(jobId, { status: 1 }).lean<Pick<TagJobDoc, "status">>();
    if (now?.status !== "processing") {
      await d.Doc.updateOne({ _id: doc._id, status: "pending", runtime_job_id: null }, { $set: { dispatched: false } });
      return;
    }
    await dispatchDoc(d, job, doc, true);
  }
}

type Outcome = { ok: true; result: Record<string, unknown> } | { ok: false; type: string; message: string };

async function bump(d: Deps, jobId: string): Promise<TagJobDoc | null> {
  return d.Job.findOneAndUpdate({ _id: jobId }, { $inc: { seq: 1 } }, { returnDocument: "after" }).lean<TagJobDoc>();
}

/**
 * Counts the job's finished documents into its record. The counts are recomputed from the documents
 * (and only ever raised, `$max`), not incremented: a process that died between a document's update and
 * its count, or two instances counting the same document, cannot leave the batch one short or one over.
 */
async function recount(d: Deps, jobId: string): Promise<TagJobDoc | null> {
  const [ok, bad] = await Promise.all([d.Doc.countDocuments({ job_id: jobId, status: "success" }), d.Doc.countDocuments({ job_id: jobId, status: "failed" })]);
  return d.Job.findOneAndUpdate({ _id: jobId }, { $max: { processed_count: ok, failed_count: bad }, $inc: { seq: 1 } }, { returnDocument: "after" }).lean<TagJobDoc>();
}

/** Ends the job once every document is counted (the first caller wins and publishes the end message). */
async function maybeEnd(d: Deps, job: TagJobDoc, lastError: string | null): Promise<void> {
  if (job.processed_count + job.failed_count < job.total_documents) return;
  const status = job.job_type === "single" && job.failed_count > 0 ? "failed" : "completed";
  const done = await d.Job.findOneAndUpdate(
    { _id: job._id, status: { $in: ["processing", "paused"] } },
    {
      $set: { status, completed_at: new Date(), sealed_key: null, ...(status === "failed" ? { error_message: lastError } : {}), ...(job.job_type === "batch" && d.batchOutbox ? { webhook_outbox: true } : {}) },
      $inc: { seq: 1 },
    },
    { returnDocument: "after" },
  ).lean<TagJobDoc>();
  if (done && done.job_type === "batch") publish(d, done, endMessage(done));
  if (done?.webhook_outbox && d.batchOutbox) await announceBatchEnd(d.batchOutbox, done);
}

function progressOf(j: TagJobDoc): number {
  return j.total_documents ? Math.round(((j.processed_count + j.failed_count) / j.total_documents) * 1000) / 1000 : 1;
}

/** The reference's per-document message. */
export function docMessage(job: TagJobDoc, doc: TagDocDoc): BatchRowMessage {
  const base = { job_id: job._id, row_id: doc.row, row_number: doc.row + 1, title: doc.title, status: doc.status, progress: progressOf(job) };
  if (doc.status === "pending" || doc.status === "processing") return base;
  const errorType = batchErrorType(doc.error_type);
  return { ...base, tags: doc.tags ?? [], error: doc.error_message, model_name: doc.model_name, metadata: doc.processing_metadata ?? {}, ...(errorType ? { error_type: errorType } : {}) };
}

/** The reference's end message of a finished job. */
export function endMessage(job: TagJobDoc): Record<string, unknown> {
  const secs = job.completed_at && job.started_at ? Math.round((new Date(job.completed_at).getTime() - new Date(job.started_at).getTime()) / 10) / 100 : null;
  const message =
    job.status === "cancelled" ? `Job cancelled after ${job.processed_count + job.failed_count} of ${job.total_documents} documents` :
    `Processed ${job.processed_count} of ${job.total_documents} documents (${job.failed_count} failed)`;
  return { type: job.status === "completed" ? "completed" : job.status, job_id: job._id, total_documents: job.total_documents, processed_count: job.processed_count, failed_count: job.failed_count, processing_time: secs, message };
}

function publish(d: Deps, job: TagJobDoc, message: Record<string, unknown>): void {
  d.broadcast("tagger.batch.event", { jobId: job._id, owner: job.owner, seq: job.seq, message });
}

/** Records a document's outcome once (the first caller wins), then counts it and maybe ends the job. */
export async function finishDoc(d: Deps, docId: string, o: Outcome): Promise<void> {
  const now = new Date();
  const set: Record<string, unknown> = o.ok
    ? {
        status: "success",
        tags: o.result.tags,
        error_message: null,
        extracted_text: o.result.extracted_text ?? null,
        model_name: o.result.model_name ?? null,
        processing_metadata: metadataOf(o.result),
        processed_at: now,
      }
    : { status: "failed", error_message: o.message, error_type: o.type, processed_at: now };
  const doc = await d.Doc.findOneAndUpdate({ _id: docId, status: { $in: ["pending", "processing"] } }, { $set: set }, { returnDocument: "after" }).lean<TagDocDoc>();
  if (!doc) return;
  const job = await recount(d, doc.job_id);
  if (!job) return;
  // Best effort: a curator's suggestion list is no reason to hold up or fail the document.
  if (o.ok) await afterTagged(d, job, doc, o.result).catch(() => undefined);
  if (job.job_type === "batch") publish(d, job, docMessage(job, doc));
  await maybeEnd(d, job, doc.error_message);
}

function metadataOf(r: Record<string, unknown>): Record<string, unknown> {
  const keys = ["document_title", "extraction_method", "is_scanned", "ocr_confidence", "ocr_pages", "page_count", "pages_read", "language", "engine", "processing_time", "processed_by", "vocabulary", "suggested_new_tags"];
  return Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k]]));
}

/** Follows a runtime job of the tagging plugin into its document. */
export async function onRuntimeJob(d: Deps, job: JobView): Promise<void> {
  const docId = job.meta?.tagDocId;
  if (typeof docId !== "string") return;
  if (job.status === "running") {
    const doc = await d.Doc.findOneAndUpdate({ _id: docId, status: "pending" }, { $set: { status: "processing" } }, { returnDocument: "after" }).lean<TagDocDoc>();
    if (!doc) return;
    const tj = await bump(d, doc.job_id);
    if (tj?.job_type === "batch") publish(d, tj, docMessage(tj, doc));
    return;
  }
  if (job.status === "completed") await finishDoc(d, docId, { ok: true, result: (job.result ?? {}) as Record<string, unknown> });
  else if (["failed", "cancelled", "expired"].includes(job.status)) {
    await finishDoc(d, docId, { ok: false, type: job.error?.type ?? (job.status === "cancelled" ? "CANCELLED" : "FAILED"), message: job.error?.message ?? `The job was ${job.status}` });
  } else return;
  const jobId = job.meta?.tagJobId;
  if (typeof jobId === "string") await feed(d, jobId);
}

const OPEN_DOC: TagDocDoc["status"][] = ["pending", "processing"];

/**
 * Applies one durable job change to the row it belongs to, by version: a change at or below the version
 * the row has applied is a duplicate or overtaken (ignored); anything newer is applied from the job's
 * current state, read from the runtime, so a change missing before it (a gap) is covered by that read.
 */
export async function applyChange(d: Deps, change: JobChange): Promise<void> {
  const docId = change.meta.tagDocId;
  // A deleted runtime job (DELETE /api/jobs/{id}) has no state left to apply.
  if (change.processor !== "tagging" || typeof docId !== "string" || change.status === "deleted") return;
  const doc = await d.Doc.findById(docId, { status: 1, runtime_version: 1 }).lean<Pick<TagDocDoc, "status" | "runtime_version">>();
  if (!doc || !OPEN_DOC.includes(doc.status) || (doc.runtime_version ?? 0) >= change.version) return;
  // "running" needs nothing but the status; an end needs the result (and may have been overtaken).
  const view = change.status === "running" && change.version === (doc.runtime_version ?? 0) + 1 ? null : await d.call<JobView, JobIdParams>("jobs.get", { id: change.id });
  await onRuntimeJob(d, view ?? ({ id: change.id, status: "running", meta: change.meta } as unknown as JobView));
  const version = view?.version ?? change.version;
  await d.Doc.updateOne({ _id: docId, runtime_version: { $lt: version } }, { $set: { runtime_version: version } });
}

/**
 * A claimed row with no runtime job, not being dispatched by this process and claimed longer ago than
 * this, was left by a process that died (or by another instance still at it: giving it back is safe,
 * the runtime job's id is the row's, so a second dispatch finds the same job).
 */
const STALE_CLAIM_MS = 15_000;

/**
 * A single call's document with no runtime job this long after it was recorded: the call's process died
 * before the document reached the runtime (nobody else feeds a single call's row, so giving it back, as
 * for a batch, would leave it pending forever). It fails with INTERRUPTED, which the caller's history
 * shows. Longer than STALE_CLAIM_MS: a live call on another instance is given every chance to create it.
 */
export const SINGLE_STALE_MS = 60_000;

export const INTERRUPTED_MESSAGE = "The request that started this document ended before the document reached a worker (the server stopped); submit it again";

export interface ReconcileReport {
  checked: number;
  repaired: number;
  recounted: number;
  fed: number;
}

/**
 * One reconciliation pass: every open document is compared with its runtime job and repaired (an end
 * the tagger never heard of is applied; a runtime job that was never created is created, idempotently),
 * and every open tag job is recounted from its documents, ended when all are done, and fed when it has
 * room. Safe to run on several instances at once: each repair is the same guarded update as the live path.
 */
export async function reconcile(d: Deps, now = new Date()): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, repaired: 0, recounted: 0, fed: 0 };
  const open = await d.Doc.find({ status: { $in: OPEN_DOC }, dispatched: true }).limit(500).lean<TagDocDoc[]>();
  report.checked = open.length;
  const ids = open.map((x) => x.runtime_job_id ?? x._id);
  const views = new Map((ids.length ? await d.call<JobView[], GetManyParams>("jobs.getMany", { ids }) : []).map((v) => [v.id, v]));
  const parents = [...new Set(open.filter((x) => !views.has(x.runtime_job_id ?? x._id)).map((x) => x.job_id))];
  const singles = new Set(parents.length ? (await d.Job.find({ _id: { $in: parents }, job_type: "single" }, { _id: 1 }).lean<Pick<TagJobDoc, "_id">[]>()).map((j) => j._id) : []);
  for (const doc of open) {
    const view = views.get(doc.runtime_job_id ?? doc._id);
    if (view) {
      const behind = (doc.runtime_version ?? 0) < view.version;
      if (!behind && doc.runtime_job_id) continue;
      if (!doc.runtime_job_id) await d.Doc.updateOne({ _id: doc._id, runtime_job_id: null }, { $set: { runtime_job_id: view.id } });
      if (view.status === "running" || ["completed", "failed", "cancelled", "expired"].includes(view.status)) {
        await applyChange(d, { id: view.id, version: view.version, status: view.status, processor: view.processor, owner: view.owner, meta: view.meta as JobChange["meta"] });
        report.repaired++;
        if (typeof view.meta?.tagJobId === "string") await feed(d, view.meta.tagJobId);
      }
      continue;
    }
    // No runtime job: the process that claimed the row died before creating it (or before recording it).
    if (isDispatching(doc._id, now.getTime())) continue;
    const claimed = doc.dispatched_at ? new Date(doc.dispatched_at).getTime() : 0;
    if (singles.has(doc.job_id)) {
      if (now.getTime() - claimed < SINGLE_STALE_MS) continue;
      await finishDoc(d, doc._id, { ok: false, type: "INTERRUPTED", message: INTERRUPTED_MESSAGE });
      report.repaired++;
      continue;
    }
    if (now.getTime() - claimed < STALE_CLAIM_MS) continue;
    const given = await d.Doc.updateOne({ _id: doc._id, status: "pending", runtime_job_id: null, dispatched_at: doc.dispatched_at ?? null }, { $set: { dispatched: false, dispatched_at: null, runtime_job_id: null } });
    if (given.modifiedCount) report.repaired++;
  }
  // A single call that died between recording its document and claiming it left a row nobody claims.
  const unclaimed = await d.Job.find({ job_type: "single", status: "processing", created_at: { $lt: new Date(now.getTime() - SINGLE_STALE_MS) } }, { _id: 1 }).limit(500).lean<Pick<TagJobDoc, "_id">[]>();
  if (unclaimed.length) {
    for (const row of await d.Doc.find({ job_id: { $in: unclaimed.map((j) => j._id) }, status: "pending", dispatched: false }, { _id: 1 }).lean<Pick<TagDocDoc, "_id">[]>()) {
      await finishDoc(d, row._id, { ok: false, type: "INTERRUPTED", message: INTERRUPTED_MESSAGE });
      report.repaired++;
    }
  }
  if (d.batchOutbox) await drainBatchOutbox(d.batchOutbox, now);
  const jobs = await d.Job.find({ status: { $in: ["processing", "paused"] } }).limit(500).lean<TagJobDoc[]>();
  for (const j of jobs) {
    const [ok, bad] = await Promise.all([d.Doc.countDocuments({ job_id: j._id, status: "success" }), d.Doc.countDocuments({ job_id: j._id, status: "failed" })]);
    let cur: TagJobDoc | null = j;
    if (ok > j.processed_count || bad > j.failed_count) {
      cur = await recount(d, j._id);
      report.recounted++;
    }
    if (!cur) continue;
    await maybeEnd(d, cur, null);
    if (cur.status === "processing" && cur.job_type === "batch") {
      const waiting = await d.Doc.countDocuments({ job_id: j._id, status: "pending", dispatched: false });
      if (waiting) {
        await feed(d, j._id).catch((err: unknown) => {
          if (!isTransient(err)) throw err;
        });
        report.fed++;
      }
    }
  }
  return report;
}

export async function ownJob(d: Deps, id: string, owner: string): Promise<TagJobDoc> {
  const job = await d.Job.findById(id).lean<TagJobDoc>();
  // Someone else's job does not exist for this caller.
  if (!job || job.owner !== owner) fail("NOT_FOUND", "Job not found");
  return job;
}

/** Cancels a batch: no new documents start, running ones are cancelled on the runtime. */
export async function cancelJob(d: Deps, id: string, owner: string): Promise<TagJobDoc> {
  await ownJob(d, id, owner);
  const job = await d.Job.findOneAndUpdate(
    { _id: id, status: { $in: ["pending", "processing", "paused"] } },
    { $set: { status: "cancelled", completed_at: new Date(), sealed_key: null }, $inc: { seq: 1 } },
    { returnDocument: "after" },
  ).lean<TagJobDoc>();
  if (!job) fail("JOB_STATE_CONFLICT", "Job is not running");
  publish(d, job, endMessage(job));
  const running = await d.Doc.find({ job_id: id, runtime_job_id: { $ne: null }, status: { $in: ["pending", "processing"] } }).lean<TagDocDoc[]>();
  await Promise.all(running.map((doc) => d.call<JobView, JobIdParams>("jobs.cancel", { id: doc.runtime_job_id! }).catch(() => undefined)));
  return job;
}

export async function pauseJob(d: Deps, id: string, owner: string): Promise<void> {
  await ownJob(d, id, owner);
  const job = await d.Job.findOneAndUpdate({ _id: id, status: "processing" }, { $set: { status: "paused" }, $inc: { seq: 1 } }, { returnDocument: "after" }).lean();
  if (!job) fail("JOB_STATE_CONFLICT", "Job is not running");
}

export async function resumeJob(d: Deps, id: string, owner: string): Promise<void> {
  await ownJob(d, id, owner);
  const job = await d.Job.findOneAndUpdate({ _id: id, status: "paused" }, { $set: { status: "processing" }, $inc: { seq: 1 } }, { returnDocument: "after" }).lean();
  if (!job) fail("JOB_STATE_CONFLICT", "Job is not paused");
  await feed(d, id);
}

/** What a WebSocket client gets first: the job state and every finished document so far. */
export async function watchState(d: Deps, id: string, owner: string) {
  const job = await ownJob(d, id, owner);
  const docs = await d.Doc.find({ job_id: id, status: { $in: ["success", "failed"] } }).sort({ row: 1 }).lean<TagDocDoc[]>();
  return {
    seq: job.seq,
    state: statusView(job),
    results: docs.map((doc) => docMessage(job, doc)),
    end: ["completed", "failed", "cancelled"].includes(job.status) ? endMessage(job) : null,
  };
}

/** The reference's batch status body. */
export function statusView(j: TagJobDoc): BatchStatusView & { results_count: number } {
  return {
    job_id: j._id,
    status: j.status,
    progress: progressOf(j),
    processed_count: j.processed_count,
    failed_count: j.failed_count,
    total: j.total_documents,
    results_count: j.processed_count + j.failed_count,
  };
}
