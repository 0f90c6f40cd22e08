/**
 * The audit log: one document per security- or data-relevant action, written once and never updated
 * (the service has no update path; the retention sweep is the only delete). What is kept: who (user id,
 * how they authenticated, API key id), when, from where (client address), the request id the access log
 * and every service's log lines carry, the target (type + id) and a few counts. Never document text,
 * file names, finding texts, passwords, tokens or keys.
 */
import { Schema, type Connection, type Model } from "mongoose";
import type { AuditDetails, AuditEntry } from "../../shared/wire/audit";

// The entry's wire shape is shared with the web app (shared/wire/audit.ts).
export type { AuditActor, AuditDetails, AuditEntry, AuditOutcome, AuditTarget } from "../../shared/wire/audit";

export interface AuditDoc extends Omit<AuditEntry, "id" | "at"> {
  _id: string;
  at: Date;
}

const auditSchema = new Schema<AuditDoc>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    action: { type: String, required: true },
    outcome: { type: String, required: true },
    actor: { id: { type: String, default: null }, via: String, apiKeyId: { type: String, default: null } },
    ip: { type: String, default: null },
    requestId: { type: String, default: null },
    target: { type: { type: String }, id: { type: String, default: null } },
    error: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false, autoCreate: false, autoIndex: false },
);
// Newest first is how the log is read; filters narrow by action, actor and target.
auditSchema.index({ at: -1, _id: -1 });
auditSchema.index({ action: 1, at: -1 });
auditSchema.index({ "actor.id": 1, at: -1 });
auditSchema.index({ "target.id": 1, at: -1 });

export type AuditModel = Model<AuditDoc>;

export function defineAuditModel(conn: Connection): AuditModel {
  return conn.model<AuditDoc>("AuditEntry", auditSchema, "audit_log");
}

export function toAuditEntry(d: AuditDoc): AuditEntry {
  return {
    id: d._id,
    at: new Date(d.at).toISOString(),
    action: d.action,
    outcome: d.outcome,
    actor: { id: d.actor?.id ?? null, via: d.actor?.via ?? "anonymous", apiKeyId: d.actor?.apiKeyId ?? null },
    ip: d.ip ?? null,
    requestId: d.requestId ?? null,
    target: { type: d.target?.type ?? "none", id: d.target?.id ?? null },
    error: d.error ?? null,
    details: d.details ?? {},
  };
}

const MAX_DETAIL_STRING = 100;

/**
 * Keeps only short identifier-like strings, numbers, booleans and short lists of such strings: a
 * builder that passed anything longer (a text, a file name) loses it here rather than in the log.
 */
export function cleanDetails(d: Record<string, unknown> | undefined): AuditDetails {
  const out: AuditDetails = {};
  const idLike = (v: unknown): v is string => typeof v === "string" && v.length <= MAX_DETAIL_STRING && /^[\w.:+/-]*$/.test(v);
  for (const [k, v] of Object.entries(d ?? {})) {
    if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
    else if (typeof v === "boolean" || v === null) out[k] = v;
    else if (idLike(v)) out[k] = v;
    else if (Array.isArray(v) && v.length <= 20 && v.every(idLike)) out[k] = v;
  }
  return out;
}
