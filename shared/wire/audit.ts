/**
 * The audit log's entry on the wire (GET /v1/audit, docs/audit.md): built by kernel/audit/model.ts,
 * listed by web/src/screens/AdminAudit.tsx. Declared once here; both sides import it. Types only.
 */

export type AuditOutcome = "success" | "failure";

export interface AuditActor {
  id: string | null;
  via: "jwt" | "apiKey" | "anonymous";
  apiKeyId?: string | null;
}

export interface AuditTarget {
  type: string;
  id: string | null;
}

/** Counts, ids, enum-like names: what `details` may hold (checked by `cleanDetails`). */
export type AuditDetails = Record<string, string | number | boolean | string[] | null>;

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  outcome: AuditOutcome;
  actor: AuditActor;
  ip: string | null;
  requestId: string | null;
  target: AuditTarget;
  /** The catalogued error type of a failure (INVALID_CREDENTIALS, ...). */
  error?: string | null;
  details: AuditDetails;
}

/** One page of GET /v1/audit, newest first. */
export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}
