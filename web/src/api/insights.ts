/** Administration insight: the audit log (/v1/audit) and review feedback statistics (/v1/detection-stats). */
import type { AuditPage } from "../../../shared/wire/audit";
import type { DetectionStatsResponse } from "../../../shared/wire/feedback";
import { get, post } from "./client";

// The wire shapes are the server's own (shared/wire): declared once, for both sides.
export type { AuditEntry } from "../../../shared/wire/audit";
export type { PrecisionRow, RejectedTerm } from "../../../shared/wire/feedback";
export type DetectionStats = DetectionStatsResponse;

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
  return get<AuditPage>("/v1/audit", query);
};

export const detectionStats = (minJobs = 2) => get<DetectionStatsResponse>("/v1/detection-stats", { minJobs: String(minJobs) });
export const excludeTerm = (term: string) => post<{ configurationId: string; label: string; rejections: number; createdConfiguration: boolean; alreadyExcluded: boolean }>("/v1/detection-stats/exclusions", { term });
