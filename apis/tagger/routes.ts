/**
 * The tag generator's API: /api/single/*, /api/batch/*, /api/history/*, as its clients know it
 * (../shared/reference/tag-generator-api.md); docs/tagging.md says where docmill differs. Uploads are raw
 * handlers that stream files into storage; everything else is an action of the tagger service.
 */
import type { Readable } from "node:stream";
import busboy from "busboy";
import { DocmillClientError, fail, isErrorType } from "../../kernel/errors";
import { checkContentLength, receiveUpload, sendStream } from "../../kernel/storage/upload";
import type { StoredFile } from "../../kernel/storage/store";
import { config } from "../../kernel/config";
import type { GatewayContext, RawHandler, RouteGroup } from "../../kernel/gateway/types";

import { callOf } from "../../kernel/call";
import type { FileIdParams, RemoveFileResult } from "../../kernel/storage/params";
import type { SingleAnswer, SingleInput } from "./single";
import type { BatchProcessCsvParams, BatchStartParams, BatchStartUploadsParams, BatchStarted } from "./batches";
import type { Unchecked } from "../../kernel/call";
import type { PutFileParams } from "../../kernel/storage/params";

function userOf(ctx: GatewayContext) {
  const user = ctx.meta.user;
  if (!user) fail("UNAUTHORIZED");
  return user;
}

function json(res: Parameters<RawHandler>[1], status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

/** The reference answers a wrong file type with 400, not 415. */
function as400(err: unknown): never {
  if (isErrorType(err, "UNSUPPORTED_MEDIA_TYPE")) throw new DocmillClientError("BAD_REQUEST", (err as Error).message);
  throw err;
}

const isMultipart = (req: Parameters<RawHandler>[0]) => /^multipart\/form-data/i.test(req.headers["content-type"] ?? "");

/** POST /api/single/process: multipart `pdf_file` or `pdf_url`, `config` JSON, optional `exclusion_file`. */
export const singleProcess: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const user = userOf(ctx);
  const call = callOf(ctx);
  if (!isMultipart(req)) fail("BAD_REQUEST", "Expected multipart/form-data with pdf_file or pdf_url and config");
  checkContentLength(req, config().files.maxBytes);
  const up = await receiveUpload(req, ctx, {
    owner: user.id,
    files: { pdf_file: { expect: ["application/pdf"] }, exclusion_file: { expect: ["text/plain", "application/pdf"], maxBytes: 2 * 1024 * 1024 } },
  }).catch(as400);
  const pdf = up.files.pdf_file;
  const cleanup = () => Promise.all(Object.values(up.files).map((f) => call<RemoveFileResult, FileIdParams>("storage.remove", { id: f.id }).catch(() => undefined)));
  try {
    const url = up.fields.pdf_url?.trim();
    if (pdf && url) fail("BAD_REQUEST", "Please provide either pdf_file or pdf_url, not both");
    if (!pdf && !url) fail("BAD_REQUEST", "Either pdf_file or pdf_url must be provided");
    if (pdf && !/\.pdf$/i.test(pdf.filename)) fail("BAD_REQUEST", "Only PDF files are supported");
    if (pdf && pdf.size === 0) fail("BAD_REQUEST", "The uploaded file is empty");
    if (up.fields.config === undefined) throw new DocmillClientError("VALIDATION_ERROR", "config: Field required", { fields: [{ field: "config", message: "Field required", kind: "missing" }] });
    const body = await call<SingleAnswer, SingleInput>("tagger.single", { inputFileId: pdf?.id, pdfUrl: pdf ? undefined : url, config: up.fields.config, exclusionFileId: up.files.exclusion_file?.id }, { timeout: 0 });
    json(res, 200, body);
  } catch (err) {
    // A failed call keeps nothing the caller sent, except what history recorded.
    if (!(err as { type?: string }).type || isErrorType(err, "BAD_REQUEST") || isErrorType(err, "VALIDATION_ERROR")) await cleanup();
    throw err;
  }
};

/** GET /api/single/preview?url=: the PDF at a URL, inline, through the SSRF guard (login required). */
export const singlePreview: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  userOf(ctx);
  const url = new URL(req.url ?? "/", "http://x").searchParams.get("url");
  if (!url) throw new DocmillClientError("VALIDATION_ERROR", "url: Field required", { fields: [{ field: "url", message: "Field required", kind: "missing" }] });
  const stream = await callOf(ctx)<Readable, { url: string }>("tagger.preview", { url }, { timeout: 0 });
  const name = decodeURIComponent(new URL(url).pathname.split("/").pop() || "document.pdf");
  await sendStream(res, stream, { contentType: "application/pdf", filename: name, disposition: "inline" });
};

/**
 * Stores every PDF part named `files` (or `pdf_files`); other fields come back as strings. Over a limit
 * (BATCH_MAX_FILES files, MAX_REQUEST_SIZE bytes together) the request is refused whole with 413 and
 * whatever was stored already is removed: a batch is never silently cut (issue 14: 500 of 1,000 kept).
 */
function receivePdfs(req: Parameters<RawHandler>[0], ctx: GatewayContext, owner: string): Promise<{ files: StoredFile[]; fields: Record<string, string> }> {
  const max = config().files.maxBytes;
  const { batchMaxFiles, maxRequestBytes } = config().http;
  checkContentLength(req, maxRequestBytes, "MAX_REQUEST_SIZE");
  const bb = busboy({ headers: req.headers, limits: { fileSize: max + 1, files: batchMaxFiles, fields: 20, fieldSize: 1024 * 1024 } });
  const call = callOf(ctx);
  return new Promise((resolve, reject) => {
    const puts: Promise<StoredFile>[] = [];
    const fields: Record<string, string> = {};
    const streams: Readable[] = [];
    let over: DocmillClientError | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      void Promise.allSettled(puts).then(async (all) => {
        const stored = all.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
        const bad = all.find((r) => r.status === "rejected");
        if (over || bad) {
          await Promise.all(stored.map((f) => call<RemoveFileResult, FileIdParams>("storage.remove", { id: f.id }).catch(() => undefined)));
          try {
            if (over) throw over;
            as400((bad as PromiseRejectedResult).reason);
          } catch (err) {
            reject(err);
          }
        } else resolve({ files: stored, fields });
      });
    };
    const refuse = (err: DocmillClientError) => {
      if (over) return;
      over = err;
      // Stop reading: the parts in flight fail, the rest of the body is discarded.
      req.unpipe(bb);
      req.resume();
      for (const s of streams) s.destroy(err);
      finish();
    };
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxRequestBytes + 1024 * 1024) {
        refuse(new DocmillClientError("PAYLOAD_TOO_LARGE", `The request is larger than the limit of ${Math.round(maxRequestBytes / 1048576)} MB for all files together (MAX_REQUEST_SIZE)`));
      }
    });
    bb.on("file", (name: string, stream: Readable, info: { filename: string; mimeType: string }) => {
      // A part cut short errors here as well as on busboy (see storage/upload.ts); storage sees it through its reader.
      stream.on("error", () => undefined);
      if (over || (name !== "files" && name !== "pdf_files")) return void stream.resume();
      streams.push(stream);
      const p = call<StoredFile, PutFileParams>("storage.put", { owner, filename: info.filename || "document.pdf", kind: "input", declaredType: info.mimeType, expect: ["application/pdf"], maxBytes: max }, { stream, timeout: 0 });
      p.catch(() => stream.resume());
      puts.push(p);
    });
    bb.on("filesLimit", () => refuse(new DocmillClientError("PAYLOAD_TOO_LARGE", `A batch takes at most ${batchMaxFiles} files (BATCH_MAX_FILES); this request has more`)));
    bb.on("field", (name: string, value: string) => void (fields[name] = value));
    bb.on("error", (err: Error) => {
      if (!over) over = new DocmillClientError("BAD_REQUEST", `Malformed multipart body: ${err.message}`);
      finish();
    });
    bb.on("close", finish);
    req.pipe(bb);
  });
}

/** POST /api/batch/start: JSON `{documents, config, column_mapping, job_id?}`, or multipart PDFs (`files`) + `config`. */
export const batchStart: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const user = userOf(ctx);
  const call = callOf(ctx);
  if (!isMultipart(req)) {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const max = config().http.batchMaxFiles;
    if (Array.isArray(b.documents) && b.documents.length > max) {
      fail("PAYLOAD_TOO_LARGE", `A batch takes at most ${max} documents (BATCH_MAX_FILES); this request has ${b.documents.length}`);
    }
    json(res, 200, await call<BatchStarted, Unchecked<BatchStartParams>>("tagger.batchStart", { documents: b.documents ?? [], config: b.config, column_mapping: b.column_mapping, job_id: b.job_id }));
    return;
  }
  const up = await receivePdfs(req, ctx, user.id);
  if (up.files.length === 0) fail("BAD_REQUEST", "No documents provided");
  try {
    json(res, 200, await call<BatchStarted, BatchStartUploadsParams>("tagger.batchStartUploads", { files: up.files, config: up.fields.config ?? "{}" }));
  } catch (err) {
    await Promise.all(up.files.map((f) => call<RemoveFileResult, FileIdParams>("storage.remove", { id: f.id }).catch(() => undefined)));
    throw err;
  }
};

/** POST /api/batch/process: multipart `csv_file`, `config`, optional `exclusion_file`; answers when done. */
export const batchProcessCsv: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const user = userOf(ctx);
  if (!isMultipart(req)) fail("BAD_REQUEST", "Expected multipart/form-data with csv_file and config");
  const up = await receiveUpload(req, ctx, {
    owner: user.id,
    files: { csv_file: { required: true, expect: ["text/plain"], maxBytes: 5 * 1024 * 1024 }, exclusion_file: { expect: ["text/plain", "application/pdf"], maxBytes: 2 * 1024 * 1024 } },
  }).catch(as400);
  const csv = up.files.csv_file!;
  if (!/\.csv$/i.test(csv.filename)) fail("BAD_REQUEST", "Only CSV files are supported");
  const body = await callOf(ctx)<{ output_csv_url: string }, BatchProcessCsvParams>("tagger.batchProcessCsv", { csvFileId: csv.id, config: up.fields.config ?? "{}", exclusionFileId: up.files.exclusion_file?.id }, { timeout: 0 });
  // The reference's clients download it as is, with their bearer token: an absolute URL, never built
  // from the Host header (a forged Host would send the token elsewhere; issue 14).
  json(res, 200, { ...body, output_csv_url: publicUrl(req, body.output_csv_url) });
};

/**
 * `path` on PUBLIC_BASE_URL; without that setting, on the address and port this connection arrived on
 * (the socket's own side, which the client cannot choose).
 */
export function publicUrl(req: Parameters<RawHandler>[0], path: string): string {
  const base = config().publicBaseUrl;
  if (base) return base + path;
  const addr = (req.socket.localAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
  const host = addr.includes(":") ? `[${addr}]` : addr;
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  return `${secure ? "https" : "http"}://${host}:${req.socket.localPort ?? (secure ? 443 : 80)}${path}`;
}

/** GET /api/batch/jobs/:job_id/results.csv */
export const batchResultsCsv: RawHandler = async (req, res) => {
  const text = await callOf(req.$ctx)<string, { job_id: string }>("tagger.batchResultsCsv", { job_id: String(req.$params.job_id) });
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/csv; charset=utf-8");
  res.setHeader("Content-Disposition", `attachment; filename="batch-${String(req.$params.job_id).replace(/[^\w-]/g, "")}.csv"`);
  res.end(text);
};

const T = ["tag generator"];
export const taggerRoutes: RouteGroup = {
  prefix: "/api",
  routes: [
    { method: "POST", path: "/single/process", access: "user", handler: singleProcess, body: "multipart", summary: "Tag one PDF (multipart pdf_file or pdf_url, config JSON, exclusion_file)", tags: T },
    { method: "GET", path: "/single/preview", access: "user", handler: singlePreview, summary: "A PDF at a URL, inline (SSRF-guarded)", tags: T },
    { method: "POST", path: "/batch/validate-paths", access: "user", action: "tagger.validatePaths", summary: "Check batch paths (URLs through the SSRF guard)", tags: T },
    { method: "POST", path: "/batch/start", access: "user", handler: batchStart, summary: "Start a batch: JSON {documents, config, column_mapping} or multipart PDFs `files` + config", tags: T },
    { method: "POST", path: "/batch/process", access: "user", handler: batchProcessCsv, body: "multipart", summary: "Process a CSV batch synchronously", tags: T },
    { method: "GET", path: "/batch/template", access: "user", action: "tagger.batchTemplate", summary: "The batch CSV template", tags: T },
    { method: "GET", path: "/batch/active", access: "user", action: "tagger.batchActive", summary: "Your running batches", tags: T },
    { method: "GET", path: "/batch/jobs/:job_id/status", access: "user", action: "tagger.batchStatus", summary: "A batch's status", tags: T },
    { method: "GET", path: "/batch/jobs/:job_id/results.csv", access: "user", handler: batchResultsCsv, summary: "A batch's results as CSV", tags: T },
    { method: "POST", path: "/batch/jobs/:job_id/cancel", access: "user", action: "tagger.batchCancel", summary: "Cancel a batch", tags: T },
    { method: "POST", path: "/batch/jobs/:job_id/pause", access: "user", action: "tagger.batchPause", summary: "Pause a batch (running documents finish)", tags: T },
    { method: "POST", path: "/batch/jobs/:job_id/resume", access: "user", action: "tagger.batchResume", summary: "Resume a paused batch", tags: T },
    { method: "GET", path: "/history/jobs", access: "user", action: "tagger.historyJobs", summary: "Your tag jobs", tags: T },
    { method: "GET", path: "/history/jobs/:job_id", access: "user", action: "tagger.historyJob", summary: "One tag job with its documents", tags: T },
    { method: "DELETE", path: "/history/jobs/:job_id", access: "user", action: "tagger.historyDeleteJob", summary: "Delete a finished tag job", tags: T },
    { method: "GET", path: "/history/documents", access: "user", action: "tagger.historyDocuments", summary: "Your documents", tags: T },
    // Declared before /documents/:doc_id so that "search" is never read as a document id.
    { method: "GET", path: "/history/documents/search", access: "user", action: "tagger.historySearch", summary: "Search your documents by title or tag", tags: T },
    { method: "GET", path: "/history/documents/:doc_id", access: "user", action: "tagger.historyDocument", summary: "One document with its text and metadata", tags: T },
    { method: "PUT", path: "/history/documents/:doc_id", access: "user", action: "tagger.historyEditTags", summary: "Edit a document's tags (stored; tags you keep removing are demoted, tags you add go to the vocabulary's curator)", tags: T },
    { method: "GET", path: "/history/learned", access: "user", action: "tagger.historyLearned", summary: "What docmill learned from your tag edits (demoted tags)", tags: T },
    { method: "POST", path: "/history/documents/:doc_id/rerun", access: "user", action: "tagger.rerun", summary: "Tag a stored document again with another config", tags: T },
    { method: "GET", path: "/history/stats", access: "user", action: "tagger.historyStats", summary: "Your statistics", tags: T },
  ],
};
