/**
 * `GET /v1/audit` filters and paging, turned into one Mongo query. Pure: every bad filter is a
 * VALIDATION_ERROR naming the field. Newest first; the cursor is the last entry's (time, id).
 */
import { decodeCursor, encodeCursor } from "../cursor";
import { validationError, type FieldError } from "../errors";

export interface AuditQueryParams {
  action?: string;
  actorId?: string;
  targetId?: string;
  targetType?: string;
  outcome?: string;
  requestId?: string;
  from?: string;
  to?: string;
  pageSize?: number;
  cursor?: string;
}

/** Action names and prefixes: `user.created`, or `user.` for every user action. */
const ACTION = /^[a-z_]+(\.[a-z_]*)?$/;

function date(v: string | undefined, field: string, errors: FieldError[]): Date | undefined {
  if (v === undefined || v === "") return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) {
    errors.push({ field, message: `${field} must be an ISO 8601 date or time, such as 2026-12-01 or 2026-12-01T12:00:00Z`, kind: "date" });
    return undefined;
  }
  return d;
}

export { encodeCursor };

export function auditQuery(p: AuditQueryParams): { filter: Record<string, unknown>; pageSize: number } {
  const errors: FieldError[] = [];
  const and: Record<string, unknown>[] = [];
  if (p.action !== undefined && p.action !== "") {
    if (!ACTION.test(p.action)) errors.push({ field: "action", message: "action must be an action name such as user.created, or a prefix such as user.", kind: "pattern" });
    else and.push(p.action.endsWith(".") ? { action: { $regex: `^${p.action.replace(/\./g, "\\.")}` } } : { action: p.action });
  }
  if (p.outcome !== undefined && p.outcome !== "") {
    if (p.outcome !== "success" && p.outcome !== "failure") errors.push({ field: "outcome", message: "outcome must be success or failure", kind: "enum" });
    else and.push({ outcome: p.outcome });
  }
  if (p.actorId) and.push({ "actor.id": p.actorId });
  if (p.targetId) and.push({ "target.id": p.targetId });
  if (p.targetType) and.push({ "target.type": p.targetType });
  if (p.requestId) and.push({ requestId: p.requestId });
  const from = date(p.from, "from", errors);
  const to = date(p.to, "to", errors);
  if (from && to && from > to) errors.push({ field: "from", message: "from must not be after to", kind: "range" });
  if (from) and.push({ at: { $gte: from } });
  if (to) and.push({ at: { $lte: to } });
  const pageSize = p.pageSize ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) errors.push({ field: "pageSize", message: "pageSize must be a whole number from 1 to 200", kind: "range" });
  if (p.cursor) {
    const c = decodeCursor(p.cursor);
    if (c) and.push({ $or: [{ at: { $lt: c.at } }, { at: c.at, _id: { $lt: c.id } }] });
    else errors.push({ field: "cursor", message: "Invalid cursor: pass nextCursor of the previous page", kind: "string" });
  }
  if (errors.length) throw validationError(errors);
  return { filter: and.length ? { $and: and } : {}, pageSize };
}
