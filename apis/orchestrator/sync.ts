/**
 * How a runtime job view becomes the orchestrator record's fields (pure), and the file types a job offers.
 */
import type { JobView } from "../../kernel/jobs/model";
import { wireStatus, type WireStatus } from "./status";

/** Wire fileType → the runtime job's output name (`originalPdf` is the job's input). */
export const FILE_TYPES = {
  originalPdf: { output: null, contentType: "application/pdf" },
  detections: { output: "detections", contentType: "application/json" },
  redactedPdf: { output: "redactedPdf", contentType: "application/pdf" },
  report: { output: "report", contentType: "application/json" },
  /** The signed redaction certificate alone (also inside the report), for `docmill verify-certificate`. */
  certificate: { output: "certificate", contentType: "application/json" },
} as const;
export type FileType = keyof typeof FILE_TYPES;

export function isFileType(v: string): v is FileType {
  return Object.prototype.hasOwnProperty.call(FILE_TYPES, v);
}

export interface SyncedFields {
  status: WireStatus;
  runtimeStatus: string;
  seq: number;
  pageCount?: number;
  findingsCount?: number;
  progress: { percent: number; message: string };
  error: { code: string; message: string } | null;
  verification?: Record<string, unknown>;
  files: string[];
  expiresAt: Date;
  updatedAt: Date;
}

export function syncedFields(view: JobView, reviewed: boolean): SyncedFields {
  const status = wireStatus(view.status, reviewed);
  const result = (view.result ?? {}) as { phase?: string; pageCount?: number; findings?: unknown[]; verification?: Record<string, unknown> };
  const names = new Set(view.outputs.map((o) => o.name));
  const files = status === "expired" ? [] : (Object.keys(FILE_TYPES) as FileType[]).filter((t) => {
    const out = FILE_TYPES[t].output;
    return out === null ? true : names.has(out);
  });
  return {
    status,
    runtimeStatus: view.status,
    seq: view.seq,
    ...(typeof result.pageCount === "number" ? { pageCount: result.pageCount } : {}),
    ...(result.phase === "detection" && Array.isArray(result.findings) ? { findingsCount: result.findings.length } : {}),
    // A summary view (kernel/jobs/model.ts toSummaryView) carries the count instead of the findings.
    ...(result.phase === "detection" && !Array.isArray(result.findings) && view.resultCounts ? { findingsCount: view.resultCounts.findings } : {}),
    progress: view.progress,
    error: view.error ? { code: view.error.type, message: view.error.message } : null,
    ...(result.phase === "redaction" && result.verification ? { verification: result.verification } : {}),
    files,
    expiresAt: new Date(view.expiresAt),
    updatedAt: new Date(view.updatedAt),
  };
}
