/**
 * The tag generator's own records: a tag job (one `single` call or one batch) and its documents (rows).
 * Each document maps to one runtime job (services/jobs.service.ts) of the `tagging` plugin. Every state
 * change is one atomic findOneAndUpdate with the expected state in the filter (no transactions).
 */
import { Schema, type Connection, type Model } from "mongoose";
import type { DocumentDetail, DocumentSummary, JobSummary, SourceType, StoredTaggingConfig, TagDocStatus, TagJobStatus } from "../../shared/wire/tagging";

// The statuses and the summaries below are the wire contract, shared with the web app (shared/wire/tagging.ts).
export type { DocumentDetail, DocumentSummary, JobSummary, SourceType, TagDocStatus, TagJobStatus };

/** What was asked, without the key (the key is sealed in `sealed_key` while the job runs, then removed). */
/** A job's config as stored and shown (shared/wire/tagging.ts). */
export type StoredConfig = StoredTaggingConfig;

export interface TagJobDoc {
  _id: string;
  owner: string;
  job_type: "single" | "batch";
  status: TagJobStatus;
  total_documents: number;
  processed_count: number;
  failed_count: number;
  config: StoredConfig;
  sealed_key?: string | null;
  error_message: string | null;
  /** Bumped with every event published for this job: WebSocket clients drop what they saw in the catch-up. */
  seq: number;
  /** Set by the update that ends a batch, cleared once its end went out on `batch-changes` (webhooks). */
  webhook_outbox?: boolean;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
}

export interface TagDocDoc {
  _id: string;
  owner: string;
  job_id: string;
  row: number;
  title: string;
  description: string | null;
  file_path: string;
  file_source_type: SourceType;
  status: TagDocStatus;
  dispatched: boolean;
  /** When the feed claimed the row (reconciliation gives back a claim its process never finished). */
  dispatched_at?: Date | null;
  runtime_job_id: string | null;
  /** The runtime job's version last applied to this row (job changes older than it are ignored). */
  runtime_version?: number;
  input_file_id: string | null;
  file_size: number | null;
  mime_type: string | null;
  tags: string[];
  error_message: string | null;
  error_type: string | null;
  extracted_text: string | null;
  processing_metadata: Record<string, unknown> | null;
  model_name: string | null;
  processed_at: Date | null;
  created_at: Date;
}

const jobSchema = new Schema<TagJobDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true, index: true },
    job_type: { type: String, required: true },
    status: { type: String, required: true, index: true },
    total_documents: { type: Number, default: 0 },
    processed_count: { type: Number, default: 0 },
    failed_count: { type: Number, default: 0 },
    config: { type: Schema.Types.Mixed, default: {} },
    sealed_key: { type: String, default: null },
    error_message: { type: String, default: null },
    seq: { type: Number, default: 0 },
    webhook_outbox: { type: Boolean, default: false },
    started_at: { type: Date, default: null },
    completed_at: { type: Date, default: null },
    created_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false, minimize: false },
);
jobSchema.index({ owner: 1, created_at: -1 });

const docSchema = new Schema<TagDocDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true, index: true },
    job_id: { type: String, required: true, index: true },
    row: { type: Number, required: true },
    title: { type: String, default: "" },
    description: { type: String, default: null },
    file_path: { type: String, default: "" },
    file_source_type: { type: String, default: "upload" },
    status: { type: String, required: true },
    dispatched: { type: Boolean, default: false },
    dispatched_at: { type: Date, default: null },
    runtime_job_id: { type: String, default: null, index: true },
    runtime_version: { type: Number, default: 0 },
    input_file_id: { type: String, default: null },
    file_size: { type: Number, default: null },
    mime_type: { type: String, default: null },
    tags: { type: [String], default: [] },
    error_message: { type: String, default: null },
    error_type: { type: String, default: null },
    extracted_text: { type: String, default: null },
    processing_metadata: { type: Schema.Types.Mixed, default: null },
    model_name: { type: String, default: null },
    processed_at: { type: Date, default: null },
    created_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false, minimize: false },
);
docSchema.index({ job_id: 1, row: 1 });
docSchema.index({ status: 1 });

export type TagJobModel = Model<TagJobDoc>;
export type TagDocModel = Model<TagDocDoc>;

export function defineTaggerModels(conn: Connection): void {
  conn.model<TagJobDoc>("TagJob", jobSchema, "tagger_jobs");
  conn.model<TagDocDoc>("TagDocument", docSchema, "tagger_documents");
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The reference's JobSummary. */
export function jobSummary(j: TagJobDoc): JobSummary {
  return {
    id: j._id,
    job_type: j.job_type,
    status: j.status,
    total_documents: j.total_documents,
    processed_count: j.processed_count,
    failed_count: j.failed_count,
    started_at: iso(j.started_at),
    completed_at: iso(j.completed_at),
    created_at: iso(j.created_at),
  };
}

/** The reference's DocumentSummary. */
export function documentSummary(d: TagDocDoc): DocumentSummary {
  return {
    id: d._id,
    title: d.title,
    file_path: d.file_path,
    file_source_type: d.file_source_type,
    status: d.status,
    tags: d.tags ?? [],
    error_message: d.error_message,
    processed_at: iso(d.processed_at),
    created_at: iso(d.created_at),
  };
}

export function documentDetail(d: TagDocDoc): DocumentDetail {
  return {
    ...documentSummary(d),
    job_id: d.job_id,
    file_size: d.file_size,
    mime_type: d.mime_type,
    extracted_text: d.extracted_text,
    processing_metadata: d.processing_metadata,
  };
}
