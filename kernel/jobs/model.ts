/** The job document. Status changes only through lib/jobs/repo.ts (one atomic update per transition). */
import { Schema, type Connection, type Model } from "mongoose";
import type { JobStatus } from "./state";

export interface JobOutput {
  name: string;
  fileId: string;
  contentType: string;
  filename: string;
  size: number;
  sha256: string;
}

/** What the job document keeps of a detached result (results.ts): where it is, and counts. */
/** Where a big resume input is stored (results.ts). */
export interface InputRef {
  id: string;
  items: number;
}

export interface ResultRef {
  id: string;
  findings: number;
  /** Findings per label (metrics count them on every published detection: sdk/metrics.ts). */
  labels: Record<string, number>;
}

/** Transitions kept on the job (and sent with each change): more than any job makes between two sweeps. */
export const TRANSITIONS_KEPT = 20;

export interface JobDoc {
  _id: string;
  owner: string;
  processor: string;
  /** Plugin ids in order; today one step (the processor). Kept as a list so chains need no migration. */
  pipeline: string[];
  options: Record<string, unknown>;
  status: JobStatus;
  progress: { percent: number; message: string };
  inputFileId: string;
  input: { filename: string; contentType: string; size: number; sha256: string };
  outputs: JobOutput[];
  result: unknown;
  /** Set when the result's big parts (findings, scanWords) are in `job_results` (results.ts). */
  resultRef?: ResultRef | null;
  /** `plugin` and `stage`: where a plugin's own code threw (kernel/plugins/runner.ts inStage). */
  error?: { type: string; message: string; plugin?: string; stage?: string } | null;
  /** Free data of the API layer that created the job (batch id, row number, title...). */
  meta: Record<string, unknown>;
  pausePoints: string[];
  /**
   * Set by jobs.resume: the pause point left and what the person sent; a big input (tens of thousands of
   * areas) is in job_results instead (`inputRef`, results.ts storeInput) and `input` is null.
   */
  resume?: { point: string; input: unknown; inputRef?: InputRef } | null;
  attempts: number;
  /**
   * `attempts` when the job last left a pause point (jobs.resume): each phase of a paused job (the run up to
   * the pause point, then the run after it) gets its own JOB_MAX_ATTEMPTS, counted from here. `attempts` itself
   * keeps growing across phases, so an outcome reported for an attempt of an earlier phase never matches.
   */
  attemptBase?: number;
  lease?: { workerId: string; until: Date } | null;
  /** Bumped on every change: clients drop events older than what they have seen. */
  seq: number;
  /**
   * Bumped on every state transition (not on progress), in the same update: consumers of job changes
   * (the API families' records, webhooks) keep the version they applied, so a duplicate or an old change is harmless.
   */
  version: number;
  /**
   * The transition outbox: set by the update that made the transition, cleared once the change was
   * published (durable channel + broadcast) for exactly that version. A process that dies in between,
   * or a publish lost with NATS, leaves it set and the jobs sweep publishes again (lib/jobs/changes.ts).
   */
  outbox: boolean;
  /**
   * The last TRANSITIONS_KEPT transitions, oldest first, pushed by the same update that makes each one.
   * The last entry is `version`, the one before it `version - 1`, and so on (creation is version 1).
   */
  transitions?: Array<{ status: string; at: Date }>;
  dispatchedAt?: Date | null;
  /**
   * Deliveries of the job's message that failed for a reason of the job's own (the jobs service refused
   * it), counted by the worker. JetStream's own delivery count also counts hand-backs (a busy worker, our
   * outage), so the dead-letter handler reads this one before it fails a job (jobs.service.ts).
   */
  deliveryFailures?: number;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  /**
   * Set by the one conditional update that deletes the job (kernel/jobs/purge.ts): from then on the job
   * answers 404 and makes no transition; while it is set the record is the purge's outbox (its files, the
   * deleted change and the record itself are removed by the purge, resumed by the sweep after a crash).
   */
  deletedAt?: Date | null;
  /**
   * Set by the one conditional update that expires the job (kernel/jobs/recovery.ts `expireJob`): while
   * it is set the purge of the expired job's files is owed, and the jobs sweep resumes it after a crash
   * or an outage of storage; cleared when the files are gone. The record itself stays, `expired`.
   */
  purgeAt?: Date | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const jobSchema = new Schema<JobDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true, index: true },
    processor: { type: String, required: true },
    pipeline: { type: [String], default: [] },
    options: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, required: true, index: true },
    progress: { percent: { type: Number, default: 0 }, message: { type: String, default: "" } },
    inputFileId: { type: String, required: true, index: true },
    input: { filename: String, contentType: String, size: Number, sha256: String },
    outputs: {
      type: [{ _id: false, name: String, fileId: String, contentType: String, filename: String, size: Number, sha256: String }],
      default: [],
    },
    result: { type: Schema.Types.Mixed, default: null },
    resultRef: { type: Schema.Types.Mixed, default: null },
    error: { type: Schema.Types.Mixed, default: null },
    meta: { type: Schema.Types.Mixed, default: {} },
    pausePoints: { type: [String], default: [] },
    resume: { type: Schema.Types.Mixed, default: null },
    attempts: { type: Number, default: 0 },
    attemptBase: { type: Number, default: 0 },
    lease: { type: Schema.Types.Mixed, default: null },
    seq: { type: Number, default: 0 },
    version: { type: Number, default: 0 },
    outbox: { type: Boolean, default: false },
    transitions: { type: [{ _id: false, status: String, at: Date }], default: undefined },
    dispatchedAt: { type: Date, default: null },
    deliveryFailures: { type: Number, default: 0 },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
    purgeAt: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  // Collections and indexes are created in started(), once connected (commands are not buffered).
  { timestamps: true, minimize: false, versionKey: false, autoCreate: false, autoIndex: false },
);
jobSchema.index({ owner: 1, createdAt: -1 });
jobSchema.index({ status: 1, expiresAt: 1 });
jobSchema.index({ outbox: 1 });
jobSchema.index({ deletedAt: 1 });
jobSchema.index({ purgeAt: 1 });

export type JobModel = Model<JobDoc>;

export function defineJobModel(conn: Connection): JobModel {
  return conn.model<JobDoc>("Job", jobSchema, "jobs");
}

/** The job as actions and events show it. */
export interface JobView {
  id: string;
  owner: string;
  processor: string;
  pipeline: string[];
  options: Record<string, unknown>;
  status: JobStatus;
  progress: { percent: number; message: string };
  inputFileId: string;
  input: JobDoc["input"];
  outputs: JobOutput[];
  result: unknown;
  /**
   * `type` is a code of the one error catalog (docs/errors.md); `plugin` and `stage` name where a plugin
   * failed. The runtime's own API (/api/jobs) shows them; each API family picks what its documented shape has.
   */
  error: { type: string; message: string; plugin?: string; stage?: string } | null;
  meta: Record<string, unknown>;
  attempts: number;
  seq: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string;
  /** Summary views only (toSummaryView): counts of the result's parts left out of `result`. */
  resultCounts?: { findings: number };
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * The view without the result's detached parts (results.ts), with their counts: what internal readers
 * that only need the state read (an API family's record sync on every client poll), so a big result is not
 * read back from job_results for them.
 */
export function toSummaryView(d: JobDoc): JobView {
  const view = toView(d);
  return d.resultRef ? { ...view, resultCounts: { findings: d.resultRef.findings } } : view;
}

export function toView(d: JobDoc): JobView {
  return {
    id: d._id,
    owner: d.owner,
    processor: d.processor,
    pipeline: d.pipeline,
    options: d.options ?? {},
    status: d.status,
    progress: { percent: d.progress?.percent ?? 0, message: d.progress?.message ?? "" },
    inputFileId: d.inputFileId,
    input: d.input,
    outputs: (d.outputs ?? []).map((o) => ({ name: o.name, fileId: o.fileId, contentType: o.contentType, filename: o.filename, size: o.size, sha256: o.sha256 })),
    result: d.result ?? null,
    error: d.error?.type ? { type: d.error.type, message: d.error.message, ...(d.error.plugin ? { plugin: d.error.plugin, ...(d.error.stage ? { stage: d.error.stage } : {}) } : {}) } : null,
    meta: d.meta ?? {},
    attempts: d.attempts ?? 0,
    seq: d.seq ?? 0,
    version: d.version ?? 0,
    createdAt: iso(d.createdAt)!,
    updatedAt: iso(d.updatedAt)!,
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    expiresAt: iso(d.expiresAt)!,
  };
}
