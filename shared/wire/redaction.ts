/**
 * The orchestrator API's job on the wire, declared once for the server (apis/orchestrator/model.ts
 * builds it), the web app (web/src/api/redaction.ts reads it) and the OpenAPI document. It was declared
 * three times before issue 16 and the copies drifted. Types only, plus the status list. A detection
 * configuration's view is here too (the admin screen edits it).
 */

/** Job statuses of the orchestrator API (smart-redact-api.md §2.1), in lifecycle order. */
export const WIRE_STATUSES = [
  "created",
  "detectionInProgress",
  "readyForReview",
  "redactionInProgress",
  "finished",
  "failed",
  "expired",
  "cancelled",
] as const;
export type WireStatus = (typeof WIRE_STATUSES)[number];

/** The wire `JobResponse`. Fields beyond the reference's are additive. `V` is the verification record's type. */
export interface JobResponse<V = Record<string, unknown>> {
  id: string;
  status: WireStatus;
  fileName: string;
  pageCount: number | null;
  findingsCount: number | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  expiresAt: string;
  externalId: string | null;
  configurationId: string | null;
  progress: { percent: number; message: string };
  /** File types that can be downloaded now. */
  files: string[];
  error?: { code: string; message: string };
  verification?: V;
  review?: { acceptedFindings: number; rejectedFindings: number; manualAreas: number };
}

/** A detection configuration as GET /v1/detection-configurations lists it (apis/orchestrator/model.ts builds it). */
export interface DetectionConfigurationView {
  id: string;
  name: string;
  description: string;
  isDefault: boolean;
  configuration: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What creating (POST) or replacing (PUT, without isDefault) a detection configuration sends. */
export interface DetectionConfigurationBody {
  name: string;
  description?: string;
  isDefault?: boolean;
  configuration: Record<string, unknown>;
}

/** One area a reviewer drew: PDF points, top-left origin on the page as displayed, pages 1-based. */
export interface ManualAreaBody {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Defaults to MANUAL. */
  label?: string;
}

/**
 * POST /v1/jobs/:id/redaction (apis/orchestrator/review.ts `planReview` checks it; the web review screen
 * sends it). Without `accept`, every finding not rejected is redacted. The vendor's `{redactions: [...]}`
 * is accepted too.
 */
export interface RedactionRequest {
  accept?: string[];
  reject?: string[];
  areas?: ManualAreaBody[];
}
