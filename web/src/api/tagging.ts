/**
 * Tag generator family: single document, batch, history (docs/tagging.md; the reference is
 * ../shared/reference/tag-generator-api.md). Errors are FastAPI's `{detail}` bodies, read by client.ts.
 */
import type {
  ActiveBatches,
  BatchRowMessage,
  BatchTemplate,
  BatchStartBody,
  BatchStarted,
  BatchStatusView,
  DocumentDetail,
  HistoryDocumentList,
  HistoryStats,
  JobDetail,
  HistoryJobPage,
  SingleResult,
  TaggingConfigBody,
} from "../../../shared/wire/tagging";
import { get, post, request } from "./client";

// The contract is the server's own (shared/wire/tagging.ts): declared once, for both sides.
export type { BatchStartBody, BatchStarted, ColumnRole, JobDetail, SingleResult, StoredTaggingConfig } from "../../../shared/wire/tagging";

/** The `config` JSON a call sends. */
export type TaggingConfig = TaggingConfigBody;

/** Config without empty optional fields (an empty api_key would be an invalid key, not "none"). */
function cleanConfig(config: TaggingConfig): TaggingConfig {
  const cfg: TaggingConfig = { ...config };
  if (!cfg.api_key) delete cfg.api_key;
  if (!cfg.model_name) delete cfg.model_name;
  if (!cfg.language) delete cfg.language;
  if (!cfg.vocabulary) delete cfg.vocabulary;
  return cfg;
}

export function processSingle(input: { file?: File | null; url?: string; config: TaggingConfig; exclusionFile?: File | null }, signal?: AbortSignal): Promise<SingleResult> {
  const form = new FormData();
  if (input.file) form.append("pdf_file", input.file, input.file.name);
  if (input.url) form.append("pdf_url", input.url);
  form.append("config", JSON.stringify(cleanConfig(input.config)));
  if (input.exclusionFile) form.append("exclusion_file", input.exclusionFile, input.exclusionFile.name);
  return request<SingleResult>("POST", "/api/single/process", { form, signal });
}

/** Tags a stored document again with another config (a new `single` job); 410 once its file expired. */
export const rerunDocument = (documentId: string, config: TaggingConfig) =>
  post<SingleResult>(`/api/history/documents/${encodeURIComponent(documentId)}/rerun`, { config: cleanConfig(config) });

// ---- batch ----

/** A batch's counts (shared/wire/tagging.ts). */
export type BatchStatus = BatchStatusView;

/** A row as the page knows it: messages before its result carry only some fields (shared/wire/tagging.ts). */
export type RowResult = Partial<BatchRowMessage> & Pick<BatchRowMessage, "row_id" | "status">;

export const startBatch = (body: BatchStartBody) => post<BatchStarted>("/api/batch/start", body);
export const batchStatus = (id: string) => get<BatchStatus>(`/api/batch/jobs/${encodeURIComponent(id)}/status`);
export const batchControl = (id: string, what: "pause" | "resume" | "cancel" | "retry") => post<{ message: string }>(`/api/batch/jobs/${encodeURIComponent(id)}/${what}`);
export const activeBatches = () => get<ActiveBatches>("/api/batch/active");
export const batchTemplate = () => get<BatchTemplate>("/api/batch/template");

/** Starts a batch of uploaded PDFs: multipart `files` (repeated) + `config` on the same route. */
export function startBatchUploads(files: File[], config: TaggingConfig): Promise<BatchStarted> {
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  form.append("config", JSON.stringify(cleanConfig(config)));
  return request<BatchStarted>("POST", "/api/batch/start", { form });
}

// ---- history ----

// The history records are the server's own (shared/wire/tagging.ts): declared once, for both sides.
export type { DocumentDetail, DocumentSummary, JobSummary } from "../../../shared/wire/tagging";

export type Stats = HistoryStats;

export const historyJobs = (q: { limit?: number; offset?: number; status?: string }) =>
  get<HistoryJobPage>("/api/history/jobs", q);
export const historyJob = (id: string) => get<JobDetail>(`/api/history/jobs/${encodeURIComponent(id)}`);
export const deleteHistoryJob = (id: string) => request<{ message: string }>("DELETE", `/api/history/jobs/${encodeURIComponent(id)}`);
export const historyDocuments = (limit = 50) => get<HistoryDocumentList>("/api/history/documents", { limit });
export const historyDocument = (id: string) => get<DocumentDetail>(`/api/history/documents/${encodeURIComponent(id)}`);
export const searchDocuments = (query: string, limit = 50) => get<HistoryDocumentList>("/api/history/documents/search", { query, limit });
export const historyStats = () => get<Stats>("/api/history/stats");
