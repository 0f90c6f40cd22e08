/**
 * The tag generator's batch actions that are more than one call into core.ts: starting a batch (from JSON
 * rows, uploads or a CSV), the reference's synchronous CSV batch, the list of active batches, and the
 * URL checks (`/batch/validate-paths`, the PDF preview). Each action's validator schema lives here too.
 */
import type { ActiveBatches, BatchStarted } from "../../shared/wire/tagging";
import { Readable } from "node:stream";
import type { ActionParams, Logger } from "moleculer";
import { fail } from "../../kernel/errors";
import { checkUrl, fetchUrl, UrlFetchError } from "../../kernel/net/fetch-url";
import type { StoredFile } from "../../kernel/storage/store";
import { mergeExclusions } from "../../plugins/tagging/contract";
import { checkConfig, checkExclusionCount, parseConfigJson } from "./config";
import { createTagJob, feed, statusView, type Deps, type NewRow } from "./core";
import { parseCsv, rowsFromDocuments } from "./csv";
import { resolveVocabulary } from "./learning";
import type { TagDocDoc, TagJobDoc } from "./models";
import { exclusionTerms } from "./single";
import type { FileIdParams, RemoveFileResult } from "../../kernel/storage/params";

export const idSchema = () => ({ type: "string", min: 1, max: 64 });
/** A client-chosen batch id: letters, digits, `.`, `_`, `-` (it appears in URLs, file names and logs). */
const clientJobId = {
  type: "string",
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  messages: { stringPattern: "job_id may only contain letters, digits, '.', '_' and '-' (at most 64)" },
};

/** The deps of this request (calls carry its context) and the deps for work that outlives it (feeding). */
export interface BatchDeps {
  request: Deps;
  background: Deps;
  logger: Logger;
}

export type { BatchStarted };
const started = (job: TagJobDoc): BatchStarted => ({ job_id: job._id, total_documents: job.total_documents, message: `Batch started with ${job.total_documents} documents` });

/**
 * `refuseLocal`: `/batch/start` refuses a batch with `local` rows outright (the caller fixes the rows and
 * starts again); the synchronous CSV batch instead fails those rows one by one, so its output sheet says
 * which rows were refused next to the tags of the others.
 */
export async function startBatch(b: BatchDeps, me: string, rows: NewRow[], rawConfig: unknown, jobId?: string, refuseLocal = true): Promise<TagJobDoc> {
  if (rows.length === 0) fail("BAD_REQUEST", "No documents provided");
  const cfg = await resolveVocabulary(b.request, me, checkConfig(parseConfigJson(rawConfig ?? {})));
  const local = rows.map((r, i) => (r.file_source_type === "local" ? i + 1 : 0)).filter(Boolean);
  if (refuseLocal && local.length) fail("BAD_REQUEST", `Local file paths are disabled on this server (rows ${local.join(", ")}); upload the files or give http(s) URLs`);
  if (jobId) {
    // A client-chosen id is the client's own name for the batch: a clash with another user's batch must
    // neither refuse this one (409 named someone else's job) nor share it, so the server picks a fresh id.
    const taken = await b.request.Job.findById(jobId, { owner: 1 }).lean<{ owner: string }>();
    if (taken?.owner === me) fail("CONFLICT", "A job with this job_id already exists");
    if (taken) jobId = undefined;
  }
  const job = await createTagJob(b.request, me, "batch", cfg, rows, jobId);
  // Feeding runs outside the request: URL rows are fetched as the batch goes.
  void feed(b.background, job._id).catch((err: unknown) => b.logger.warn(`batch ${job._id}: feeding failed: ${(err as Error).message}`));
  return job;
}

export const batchStartSchema: ActionParams = {
  documents: { type: "array", items: "object", max: 10000 },
  config: { type: "any", optional: true },
  column_mapping: { type: "object", optional: true },
  job_id: { ...clientJobId, optional: true },
};
export interface BatchStartParams {
  documents: Record<string, unknown>[];
  config?: unknown;
  column_mapping?: Record<string, string>;
  job_id?: string;
}

export async function startJsonBatch(b: BatchDeps, me: string, p: BatchStartParams): Promise<BatchStarted> {
  return started(await startBatch(b, me, rowsFromDocuments(p.documents, p.column_mapping), p.config, p.job_id));
}

export const batchStartUploadsSchema: ActionParams = { files: { type: "array", items: "object", min: 1 }, config: { type: "any", optional: true } };
export interface BatchStartUploadsParams {
  files: StoredFile[];
  config?: unknown;
}

/** Batch from PDFs uploaded in the request (the gateway stored them). */
export async function startUploadBatch(b: BatchDeps, me: string, p: BatchStartUploadsParams): Promise<BatchStarted> {
  const rows = p.files.map((f) => ({ title: f.filename.replace(/\.pdf$/i, ""), file_path: f.filename, file_source_type: "upload" as const, input_file_id: f.id, file_size: f.size }));
  return started(await startBatch(b, me, rows, p.config));
}

/** The CSV batch's report: its end state, and why each failed row failed. */
async function csvSummary(d: Deps, job: TagJobDoc) {
  const failed = await d.Doc.find({ job_id: job._id, status: "failed" }).sort({ row: 1 }).lean<TagDocDoc[]>();
  return {
    status: job.status,
    succeeded: job.processed_count,
    failed: job.failed_count,
    errors: failed.map((doc) => ({ row_number: doc.row + 1, title: doc.title, file_path: doc.file_path, error: doc.error_message })),
  };
}

export const batchProcessCsvSchema: ActionParams = { csvFileId: idSchema(), config: { type: "any" }, exclusionFileId: { ...idSchema(), optional: true } };
export interface BatchProcessCsvParams {
  csvFileId: string;
  config: unknown;
  exclusionFileId?: string;
}

/** The reference's synchronous CSV batch: starts it and answers when every row is done. */
export async function processCsvBatch(b: BatchDeps, me: string, p: BatchProcessCsvParams) {
  const d = b.request;
  const chunks: Buffer[] = [];
  for await (const c of await d.call<Readable, FileIdParams>("storage.get", { id: p.csvFileId, owner: me }, { timeout: 0 })) chunks.push(Buffer.from(c as Uint8Array));
  await d.call<RemoveFileResult, FileIdParams>("storage.remove", { id: p.csvFileId }).catch(() => undefined);
  const cfg = parseConfigJson(p.config);
  if (p.exclusionFileId) {
    cfg.exclusion_words = checkExclusionCount(mergeExclusions(checkConfig(cfg).exclusion_words, await exclusionTerms(d, p.exclusionFileId, me)));
  }
  const startedAt = Date.now();
  const job = await startBatch(b, me, rowsFromDocuments(parseCsv(Buffer.concat(chunks).toString("utf8")), undefined), cfg, undefined, false);
  let cur: TagJobDoc | null = job;
  while (cur && ["pending", "processing", "paused"].includes(cur.status)) {
    await new Promise((r) => setTimeout(r, 500));
    cur = await d.Job.findById(job._id).lean<TagJobDoc>();
  }
  const done = cur ?? job;
  return {
    success: done.status === "completed",
    job_id: job._id,
    total_documents: done.total_documents,
    processed_count: done.processed_count,
    failed_count: done.failed_count,
    output_csv_url: `/api/batch/jobs/${job._id}/results.csv`,
    summary_report: await csvSummary(d, done),
    processing_time: Math.round((Date.now() - startedAt) / 10) / 100,
  };
}

/** The user's batches still at work (pending, processing or paused), newest first. */
export async function activeBatches(d: Deps, me: string): Promise<ActiveBatches> {
  const jobs = await d.Job.find({ owner: me, job_type: "batch", status: { $in: ["pending", "processing", "paused"] } })
    .sort({ created_at: -1 })
    .lean<TagJobDoc[]>();
  return {
    jobs: jobs.map((j) => {
      const { results_count: _, ...v } = statusView(j);
      return v;
    }),
  };
}

export const previewSchema: ActionParams = { url: { type: "string", min: 1, max: 4096 } };

/** The PDF behind a URL, for the web app's preview (the same SSRF rules as a batch row's fetch). */
export async function previewUrl(d: Deps, url: string): Promise<Readable> {
  try {
    const got = await fetchUrl(url, { ...d.urlFetch, expect: "pdf" });
    return Readable.from([got.bytes]);
  } catch (err) {
    if (err instanceof UrlFetchError) fail("BAD_REQUEST", `Failed to fetch PDF: ${err.message}`, { reason: err.reason });
    throw err;
  }
}

export const validatePathsSchema: ActionParams = {
  paths: {
    type: "array",
    max: 500,
    items: { type: "object", props: { path: { type: "string", max: 4096 }, type: { type: "enum", values: ["url", "s3", "local"], default: "url" } } },
  },
};
export interface ValidatePathsParams {
  paths: Array<{ path: string; type: string }>;
}

/** Checks each path a batch would fetch (URL rules, then a HEAD-like fetch) without fetching the PDFs. */
export async function validatePaths(d: Deps, p: ValidatePathsParams) {
  const opts = d.urlFetch;
  const results = await Promise.all(
    p.paths.map(async ({ path, type }) => {
      const base = { path, valid: false, error: null as string | null, content_type: null as string | null, size: null as number | null };
      if (type === "local") return { ...base, error: "Local file paths are disabled on this server" };
      if (type === "s3") return { ...base, error: "S3 sources are not supported by this server" };
      try {
        await checkUrl(path, opts);
        const got = await fetchUrl(path, { ...opts, timeoutMs: Math.min(opts.timeoutMs, 15_000), expect: "pdf", headersOnly: true });
        return { ...base, valid: true, content_type: got.contentType || null, size: got.size ?? null };
      } catch (err) {
        return { ...base, error: err instanceof UrlFetchError ? err.message : "Could not check the URL" };
      }
    }),
  );
  const valid = results.filter((r) => r.valid).length;
  return { results, total: results.length, valid_count: valid, invalid_count: results.length - valid };
}
