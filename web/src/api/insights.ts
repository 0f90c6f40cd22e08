/** Administration insight: the audit log (/v1/audit) and review feedback statistics (/v1/detection-stats). */
import { get, post } from "./client";

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  outcome: "success" | "failure";
  actor: { id: string | null; via: string; apiKeyId?: string | null };
  ip: string | null;
  requestId: string | null;
  target: { type: string; id: string | null };
  error?: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilters {
  action?: string;
  actorId?: string;
  targetId?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export const listAudit = (filters: AuditFilters, cursor?: string | null) => {
  const query: Record<string, string> = { pageSize: "50" };
  for (const [k, v] of Object.entries(filters)) if (v) query[k] = v;
  if (cursor) query.cursor = cursor;
  return get<{ items: AuditEntry[]; nextCursor: string | null }>("/v1/audit", query);
};

export interface PrecisionRow {
  key: string;
  accepted: number;
  rejected: number;
  precision: number | null;
}

export interface RejectedTerm {
  term: string;
  labels: string[];
  recognizers: string[];
  rejections: number;
  jobs: number;
  accepted: number;
  lastRejectedAt: string;
  excluded: boolean;
}

export interface DetectionStats {
  reviews: number;
  findings: number;
  accepted: number;
  rejected: number;
  manualAreas: number;
  precision: number | null;
  byLabel: PrecisionRow[];
  byRecognizer: PrecisionRow[];
  rejectedTerms: RejectedTerm[];
  defaultConfigurationId: string | null;
}

export const detectionStats = (minJobs = 2) => get<DetectionStats>("/v1/detection-stats", { minJobs: String(minJobs) });
export const excludeTerm = (term: string) => post<{ configurationId: string; label: string; rejections: number; createdConfiguration: boolean; alreadyExcluded: boolean }>("/v1/detection-stats/exclusions", { term });
