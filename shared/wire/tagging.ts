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
