/**
 * Review feedback statistics on the wire (GET /v1/detection-stats, docs/redaction.md "Review feedback"):
 * computed by apis/orchestrator/feedback/stats.ts, shown by web/src/screens/AdminDetectionStats.tsx.
 * Declared once here; both sides import it. Types only.
 */

export interface PrecisionRow {
  key: string;
  accepted: number;
  rejected: number;
  /** null when nothing was reviewed under this key. */
  precision: number | null;
}

export interface RejectedTerm {
  term: string;
  /** Labels the term was found as, most frequent first. */
  labels: string[];
  recognizers: string[];
  rejections: number;
  jobs: number;
  accepted: number;
  lastRejectedAt: string;
  /** Already in the default configuration's exclusions. */
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
}

/** The body of GET /v1/detection-stats: the statistics and the configuration an exclusion would go to. */
export type DetectionStatsResponse = DetectionStats & { defaultConfigurationId: string | null };
