/**
 * The orchestrator's own records (its connection, its collections): one per Smart Redact job, kept in step
 * with the runtime job by `job.updated` events (the wire status is stored so lists filter and page on
 * it), and the detection configurations (smart-redact-api.md §5).
 */
import { Schema, type Connection, type Model } from "mongoose";
import type { DetectionConfigurationView, JobResponse } from "../../shared/wire/redaction";
import type { WireStatus } from "./status";

export interface OrchestratorJobDoc {
  _id: string;
  createdBy: string;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  status: WireStatus;
  /** Runtime status and sequence number last applied (older events are ignored). */
  runtimeStatus: string;
  seq: number;
  /** The runtime job's version (state transitions) last applied: durable changes at or below it are ignored. */
  runtimeVersion?: number;
  fileName: string;
  pageCount: number | null;
  findingsCount: number | null;
  externalId: string | null;
  configurationId: string | null;
  progress: { percent: number; message: string };
  error: { code: string; message: string } | null;
  verification: Record<string, unknown> | null;
  review: { acceptedFindings: number; rejectedFindings: number; manualAreas: number } | null;
  /**
   * The reviewer's list as submitted, kept from the moment the review is claimed until the runtime job
   * has taken it (lost-reviews.ts): a review whose hand-over to the runtime was cut by an outage or a
   * crash is handed over again instead of leaving the job waiting for a review it already got.
   */
  reviewRequest?: Record<string, unknown> | null;
  files: string[];
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const jobSchema = new Schema<OrchestratorJobDoc>(
  {
    _id: { type: String, required: true },
    createdBy: { type: String, required: true },
    reviewedBy: { type: String, default: null },
    reviewedAt: { type: Date, default: null },
    status: { type: String, required: true },
    runtimeStatus: { type: String, required: true },
    seq: { type: Number, default: 0 },
    runtimeVersion: { type: Number, default: 0 },
    fileName: { type: String, default: "" },
    pageCount: { type: Number, default: null },
    findingsCount: { type: Number, default: null },
    externalId: { type: String, default: null },
    configurationId: { type: String, default: null },
    progress: { percent: { type: Number, default: 0 }, message: { type: String, default: "" } },
    error: { type: Schema.Types.Mixed, default: null },
    verification: { type: Schema.Types.Mixed, default: null },
    review: { type: Schema.Types.Mixed, default: null },
    reviewRequest: { type: Schema.Types.Mixed, default: null },
    files: { type: [String], default: [] },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { minimize: false, versionKey: false },
);
jobSchema.index({ createdBy: 1, createdAt: -1 });
jobSchema.index({ status: 1, createdAt: -1 });
jobSchema.index({ reviewedAt: 1 }, { partialFilterExpression: { reviewRequest: { $type: "object" } } });

export type OrchestratorJobModel = Model<OrchestratorJobDoc>;

export interface DetectionConfigurationDoc {
  _id: string;
  name: string;
  description: string;
  isDefault: boolean;
  configuration: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const configSchema = new Schema<DetectionConfigurationDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: "" },
    isDefault: { type: Boolean, default: false, index: true },
    configuration: { type: Schema.Types.Mixed, default: {} },
    createdBy: { type: String, required: true },
  },
  { timestamps: true, minimize: false, versionKey: false },
);

export type DetectionConfigurationModel = Model<DetectionConfigurationDoc>;

export function defineOrchestratorModels(conn: Connection): void {
  conn.model<OrchestratorJobDoc>("OrchestratorJob", jobSchema, "orchestrator_jobs");
  conn.model<DetectionConfigurationDoc>("DetectionConfiguration", configSchema, "detection_configurations");
}

export type { DetectionConfigurationView, JobResponse } from "../../shared/wire/redaction";

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toJobResponse(d: OrchestratorJobDoc): JobResponse {
  return {
    id: d._id,
    status: d.status,
    fileName: d.fileName,
    pageCount: d.pageCount ?? null,
    findingsCount: d.findingsCount ?? null,
    createdAt: iso(d.createdAt)!,
    updatedAt: iso(d.updatedAt)!,
    createdBy: d.createdBy,
    reviewedBy: d.reviewedBy ?? null,
    reviewedAt: iso(d.reviewedAt),
    expiresAt: iso(d.expiresAt)!,
    externalId: d.externalId ?? null,
    configurationId: d.configurationId ?? null,
    progress: { percent: d.progress?.percent ?? 0, message: d.progress?.message ?? "" },
    files: d.files ?? [],
    ...(d.error ? { error: d.error } : {}),
    ...(d.verification ? { verification: d.verification } : {}),
    ...(d.review ? { review: d.review } : {}),
  };
}

export function toConfigurationView(d: DetectionConfigurationDoc): DetectionConfigurationView {
  return {
    id: d._id,
    name: d.name,
    description: d.description ?? "",
    isDefault: Boolean(d.isDefault),
    configuration: d.configuration ?? {},
    createdBy: d.createdBy,
    createdAt: iso(d.createdAt)!,
    updatedAt: iso(d.updatedAt)!,
  };
}
