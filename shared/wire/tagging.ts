/**
 * The tag generator API's history records on the wire (/api/history/*, docs/tagging.md; the reference's
 * JobSummary and DocumentSummary) and a vocabulary's summary (/api/vocabularies). Built by
 * apis/tagger/models.ts and apis/tagger/vocabularies.ts, read by web/src/api/tagging.ts and
 * web/src/api/vocabularies.ts. Declared once here; both sides import it. Types only.
 */

export type TagJobStatus = "pending" | "processing" | "paused" | "completed" | "failed" | "cancelled";
export type TagDocStatus = "pending" | "processing" | "success" | "failed";
export type SourceType = "upload" | "url" | "s3" | "local";

export interface JobSummary {
  id: string;
  job_type: "single" | "batch";
  status: TagJobStatus;
  total_documents: number;
  processed_count: number;
  failed_count: number;
  started_at: string | null;
  completed_at: string | null;
  created_at: string | null;
}

export interface DocumentSummary {
  id: string;
  title: string;
  file_path: string | null;
  file_source_type: SourceType | null;
  status: TagDocStatus;
  tags: string[];
  error_message: string | null;
  processed_at: string | null;
  created_at: string | null;
}

/** One document with what the summary leaves out (GET /api/history/documents/:id). */
export interface DocumentDetail extends DocumentSummary {
  job_id: string;
  file_size: number | null;
  mime_type: string | null;
  extracted_text: string | null;
  processing_metadata: Record<string, unknown> | null;
}

export type VocabularyScope = "instance" | "tenant";

/** What the API shows of a vocabulary without its concepts. */
export interface VocabularySummary {
  id: string;
  name: string;
  scope: VocabularyScope;
  concept_count: number;
  version: number;
  created_at: string;
  updated_at: string;
  /** In lists: whether the caller may change or delete it. */
  can_edit?: boolean;
}

/**
 * A batch's counts (GET /api/batch/jobs/:id/status, the WebSocket catch-up's `state`; /api/batch/active
 * lists them without `results_count`). A type, not an interface: the server publishes it as a plain record.
 */
export type BatchStatusView = {
  job_id: string;
  status: TagJobStatus;
  /** 0..1, three decimals. */
  progress: number;
  processed_count: number;
  failed_count: number;
  total: number;
  results_count?: number;
};

/** One row's message on the batch WebSocket (and in the catch-up's `results`): the result fields once it has one. */
export type BatchRowMessage = {
  job_id: string;
  row_id: number;
  row_number: number;
  title: string;
  status: TagDocStatus;
  progress: number;
  tags?: string[];
  error?: string | null;
  model_name?: string | null;
  metadata?: Record<string, unknown>;
  error_type?: string;
};

/**
 * The `config` JSON of a single, batch or re-run call, as a client sends it (apis/tagger/config.ts
 * `checkConfig` reads exactly these keys; web/src/api/tagging.ts sends them). Missing numbers take the
 * reference's defaults (3 pages, 8 tags); without `api_key` the local engine runs.
 */
export interface TaggingConfigBody {
  api_key?: string;
  model_name?: string | null;
  num_pages?: number;
  num_tags?: number;
  exclusion_words?: string[] | null;
  /** OCR languages: eng (default), deu, fra, spa or combinations such as eng+deu. */
  language?: string;
  /** A controlled vocabulary's id or name (GET /api/vocabularies). */
  vocabulary?: string;
}

/** A job's config as history shows it (GET /api/history/jobs/:id): everything but the key, the vocabulary resolved. */
export interface StoredTaggingConfig {
  model_name: string | null;
  num_pages: number;
  num_tags: number;
  exclusion_words: string[];
  language: string;
  engine: "llm" | "local";
  /** The controlled vocabulary the request named, as resolved when the job was created. */
  vocabulary?: { id: string; name: string; version: number } | null;
}

/** One tag job with its documents (GET /api/history/jobs/:id). */
export type JobDetail = JobSummary & { config: StoredTaggingConfig; error_message: string | null; documents: DocumentSummary[] };

/** The account's history counts (GET /api/history/stats). */
export interface HistoryStats {
  total_jobs: number;
  total_documents: number;
  documents_processed: number;
  documents_failed: number;
  jobs_by_status: Record<string, number>;
  recent_activity: JobSummary[];
}

/**
 * The answer of POST /api/single/process and of a re-run (the reference's single-document response).
 * Failures are HTTP errors, so `success` is always true and `error` null here.
 */
export interface SingleResult {
  success: true;
  document_title: string;
  tags: string[];
  extracted_text_preview: string;
  /** Seconds, two decimals. */
  processing_time: number;
  is_scanned: boolean;
  extraction_method: "pdfjs_text" | "tesseract_ocr" | "mixed";
  ocr_confidence: number | null;
  raw_ai_response: string | null;
  error: null;
  page_count: number;
  pages_read: number;
  ocr_pages: number[];
  language: string;
  engine: "llm" | "local";
  model_name: string | null;
  /** With a vocabulary: its name, and strong candidates no concept matched (for its curator). */
  vocabulary?: string;
  suggested_new_tags?: string[];
  job_id: string;
  /** The history document: re-runs tag its stored PDF again. */
  document_id: string;
}

/** The column roles of a batch's rows (`column_mapping`: the sheet's column -> its role). */
export type ColumnRole = "title" | "file_path" | "file_source_type" | "description";

/** POST /api/batch/start with JSON rows. */
export interface BatchStartBody {
  documents: Array<Record<string, string>>;
  config?: TaggingConfigBody;
  column_mapping?: Record<string, ColumnRole>;
  /** A client-chosen batch id (letters, digits, `.`, `_`, `-`; at most 64). */
  job_id?: string;
}

/** What starting a batch answers (JSON rows or uploads). */
export interface BatchStarted {
  job_id: string;
  total_documents: number;
  message: string;
}

/** One concept of a controlled vocabulary, as browsing shows it. */
export interface ConceptView {
  id: string;
  prefLabel: string;
  altLabels: string[];
  broader: string | null;
}

/** GET /api/vocabularies/:id: the summary and a page of its concepts. */
export type VocabularyPage = VocabularySummary & { concepts: ConceptView[]; concepts_total: number; limit: number; offset: number };

/** A tag a curator may want to add (GET /api/vocabularies/:id/suggestions). */
export interface SuggestionView {
  id: string;
  tag: string;
  added_count: number;
  suggested_count: number;
  /** Ids of the documents it was added to or suggested for. */
  documents: string[];
  first_at: string;
  last_at: string;
}

/** One edit of a document's tags (PUT /api/history/documents/:id, and the document's `tag_edits`). */
export interface TagEdit {
  id: string;
  at: string;
  before: string[];
  after: string[];
  added: string[];
  removed: string[];
}

/** A document after an edit of its tags: the edit, and every edit newest first. */
export type EditedDocument = DocumentDetail & { edit: TagEdit | null; tag_edits: TagEdit[] };

/** GET /api/history/learned: tags this account keeps removing, and the counts behind them. */
export interface LearnedTags {
  demote_after: number;
  tags: Array<{ tag: string; removed_count: number; added_count: number; demoted: boolean }>;
}

/** GET /api/history/jobs: a page of the account's tag jobs, newest first. */
export interface HistoryJobPage {
  jobs: JobSummary[];
  total: number;
  limit: number;
  offset: number;
}

/** GET /api/history/documents and /api/history/documents/search. */
export interface HistoryDocumentList {
  documents: DocumentSummary[];
  total: number;
}

/** GET /api/vocabularies: the vocabularies the caller can read, each saying whether it may edit it. */
export interface VocabularyList {
  vocabularies: VocabularySummary[];
  total: number;
}

/** GET /api/vocabularies/:id/suggestions. */
export interface SuggestionList {
  vocabulary_id: string;
  suggestions: SuggestionView[];
}

/** POST /api/vocabularies/:id/suggestions/:sid: what the curator's answer did, and the vocabulary after it. */
export interface SuggestionDecision {
  message: string;
  vocabulary: VocabularySummary;
}

/** GET /api/batch/active: the account's unfinished batches (their counts without `results_count`). */
export interface ActiveBatches {
  jobs: Array<Omit<BatchStatusView, "results_count">>;
}

/** GET /api/batch/template: the CSV template and what each of its columns means. */
export interface BatchTemplate {
  template: string;
  columns: Array<{ name: string; required: boolean; description: string }>;
}
