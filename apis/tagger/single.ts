/**
 * One document, synchronously for the caller but as a job on the runtime (so it runs on whichever worker is
 * free): store the PDF, record a `single` tag job, create the `tagging` job, wait for its end, answer the
 * reference's response. Failures answer the reference's errors (apis/tagger/errors.ts) and are
 * kept in history too.
 */
import { Readable } from "node:stream";
import { fail } from "../../kernel/errors";
import type { JobView } from "../../kernel/jobs/model";
import { fetchUrl, UrlFetchError } from "../../kernel/net/fetch-url";
import { pdfPool } from "../../sdk/pdf/pool";
import type { StoredFile } from "../../kernel/storage/store";
import { parseExclusionFile, mergeExclusions, type TaggingResult } from "../../plugins/tagging/contract";
import type { SingleResult } from "../../shared/wire/tagging";
import { checkConfig, checkExclusionCount, parseConfigJson, type TaggingConfig } from "./config";
import { createTagJob, dispatchDoc, onRuntimeJob, type Deps } from "./core";
import { apiErrorOf } from "./errors";
import { resolveVocabulary } from "./learning";
import type { TagDocDoc } from "./models";
import type { FileIdParams, RemoveFileResult } from "../../kernel/storage/params";
import type { JobIdParams } from "../../kernel/jobs/api";
import type { PutFileParams } from "../../kernel/storage/params";

export const SINGLE_TIMEOUT_MS = 5 * 60_000;

export interface SingleInput {
  inputFileId?: string;
  pdfUrl?: string;
  config: unknown;
  exclusionFileId?: string;
  /** Re-run: the title and source of the original document. */
  title?: string;
  filePath?: string;
  sourceType?: "upload" | "url";
}

export type WaitFor = (runtimeJobId: string, timeoutMs: number) => Promise<JobView>;

async function readFile(d: Deps, id: string, owner: string): Promise<{ file: StoredFile; bytes: Buffer }> {
  const file = await d.call<StoredFile, FileIdParams>("storage.stat", { id, owner });
  const chunks: Buffer[] = [];
  for await (const c of await d.call<Readable, FileIdParams>("storage.get", { id, owner }, { timeout: 0 })) chunks.push(Buffer.from(c as Uint8Array));
  return { file, bytes: Buffer.concat(chunks) };
}

/** Terms of an exclusion file (.txt one per line or comma-separated, `#` comments; or a PDF's text). */
export async function exclusionTerms(d: Deps, id: string, owner: string): Promise<string[]> {
  const { file, bytes } = await readFile(d, id, owner);
  await d.call<RemoveFileResult, FileIdParams>("storage.remove", { id }).catch(() => undefined);
  if (file.contentType === "application/pdf") {
    const ex = await pdfPool.extract(bytes);
    return parseExclusionFile(ex.pages.map((p) => p.text).join("\n"));
  }
  return parseExclusionFile(bytes.toString("utf8"));
}

/** What `tagger.single` answers: the tag generator's single-document response (shared/wire/tagging.ts). */
export type SingleAnswer = SingleResult;

export async function runSingle(d: Deps, owner: string, input: SingleInput, wait: WaitFor): Promise<SingleResult> {
  const cfg: TaggingConfig = await resolveVocabulary(d, owner, checkConfig(parseConfigJson(input.config)));
  if (input.exclusionFileId) cfg.exclusion_words = [...checkExclusionCount(mergeExclusions(cfg.exclusion_words, await exclusionTerms(d, input.exclusionFileId, owner)))];
  let file: StoredFile;
  let source: "upload" | "url" = input.sourceType ?? "upload";
  let filePath = input.filePath;
  if (input.inputFileId) {
    file = await d.call<StoredFile, FileIdParams>("storage.stat", { id: input.inputFileId, owner });
    filePath ??= file.filename;
  } else if (input.pdfUrl) {
    source = "url";
    filePath = input.pdfUrl;
    let got;
    try {
      got = await fetchUrl(input.pdfUrl, { ...d.urlFetch, expect: "pdf" });
    } catch (err) {
      if (err instanceof UrlFetchError) fail("BAD_REQUEST", err.reason === "scheme" ? "URL must start with http:// or https://" : `Failed to download PDF from URL: ${err.message}`, { reason: err.reason });
      throw err;
    }
    file = await d.call<StoredFile, PutFileParams>("storage.put", { owner, filename: got.filename, kind: "input", expect: ["application/pdf"] }, { stream: Readable.from([got.bytes]), timeout: 0 });
  } else fail("BAD_REQUEST", "Either pdf_file or pdf_url must be provided");

  const started = Date.now();
  const job = await createTagJob(d, owner, "single", cfg, [
    { title: input.title ?? file.filename, file_path: filePath ?? file.filename, file_source_type: source, input_file_id: file.id, file_size: file.size },
  ]);
  const doc = (await d.Doc.findOneAndUpdate({ job_id: job._id, row: 0 }, { $set: { dispatched: true, dispatched_at: new Date() } }, { returnDocument: "after" }).lean<TagDocDoc>())!;
  const runtimeId = await dispatchDoc(d, job, doc);
  if (!runtimeId) {
    const failed = await d.Doc.findById(doc._id).lean<TagDocDoc>();
    throw apiErrorOf({ type: failed?.error_type ?? "DISPATCH", message: failed?.error_message ?? "The job could not start" });
  }
  let view: JobView;
  try {
    view = await wait(runtimeId, SINGLE_TIMEOUT_MS);
  } catch (err) {
    await d.call<JobView, JobIdParams>("jobs.cancel", { id: runtimeId }).catch(() => undefined);
    throw err;
  }
  // The event handler may not have run yet on this node: record the outcome now (idempotent).
  await onRuntimeJob(d, view);
  if (view.status !== "completed") throw apiErrorOf(view.error ?? { type: view.status === "cancelled" ? "CANCELLED" : "FAILED", message: `The job was ${view.status}` });
  const r = view.result as TaggingResult;
  return {
    success: true,
    document_title: r.document_title,
    tags: r.tags,
    extracted_text_preview: r.extracted_text_preview,
    processing_time: Math.round((Date.now() - started) / 10) / 100,
    is_scanned: r.is_scanned,
    extraction_method: r.extraction_method,
    ocr_confidence: r.ocr_confidence,
    raw_ai_response: r.raw_ai_response,
    error: null,
    page_count: r.page_count,
    pages_read: r.pages_read,
    ocr_pages: r.ocr_pages,
    language: r.language,
    engine: r.engine,
    model_name: r.model_name,
    ...(r.vocabulary !== undefined ? { vocabulary: r.vocabulary, suggested_new_tags: r.suggested_new_tags ?? [] } : {}),
    job_id: job._id,
    document_id: doc._id,
  };
}
