/**
 * Which actions the audit log records and what it keeps of each: one line per action. The audit
 * middleware wraps exactly these actions where they run and writes the entry after the action answered
 * (or failed, for the `failures` listed). A builder sees the params, the result or the error, and picks
 * ids and counts only: `cleanDetails` drops anything that is not identifier-like anyway.
 *
 * Adding a kernel action is one entry here; a family's actions are one entry in apis/<family>/audit.ts.
 */
import { createHash } from "node:crypto";
import type { AuditDetails } from "./model";

type Obj = Record<string, unknown>;
export interface AuditInput {
  params: Obj;
  result: unknown;
  /** The catalogued error type when the action failed. */
  error?: string;
  /** The calling service (`gateway` for a request from outside), to skip internal calls. */
  caller: string | null;
  family?: string;
  /** Set by a family route whose own action already recorded this call (meta.auditedBy). */
  auditedBy?: string;
}

export interface AuditSpec {
  action: string;
  /** Error types that are themselves worth recording (a refused sign-in); other failures are not logged. */
  failures?: string[];
  /** Target of the action. */
  target(i: AuditInput): { type: string; id: string | null };
  details?(i: AuditInput): Obj;
  /** False: this call is not one to record (an internal call of the same action). */
  when?(i: AuditInput): boolean;
  /** The actor is the action's result (a sign-in), not the caller. */
  actorFromResult?(i: AuditInput): string | null;
  /** The target is the caller's own account (their password), when the result does not name it. */
  targetSelf?: boolean;
  /** Record at most once per this key per KEY_USED_EVERY_MS on a node (API key use). */
  dedupeKey?(i: AuditInput): string | null;
}

export const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
export const str = (v: unknown): string | null => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : null);

/**
 * A failed sign-in names the account tried as a hash: the login field sometimes holds a mistyped
 * password, which must not land in the log. An admin finds the attempts on an account by hashing its
 * login (docs/audit.md shows how), and the successful sign-ins carry the user id.
 */
export function loginHash(login: unknown): string | null {
  if (typeof login !== "string" || !login.trim()) return null;
  return createHash("sha256").update(login.trim().toLowerCase()).digest("hex").slice(0, 16);
}

/** A sign-in action's entry; `field` is the login field of the family's body, `api` the family id. */
export const loginAudit = (field: string, api: string): AuditSpec => ({
  action: "auth.login",
  failures: ["INVALID_CREDENTIALS", "TOO_MANY_REQUESTS", "ACCOUNT_DISABLED"],
  target: (i) => (i.error ? { type: "account", id: loginHash(i.params[field]) } : { type: "user", id: str(obj(obj(i.result).user).id) }),
  actorFromResult: (i) => str(obj(obj(i.result).user).id),
  details: () => ({ api }),
});
export const userTarget = (i: AuditInput) => ({ type: "user", id: str(i.params.id) ?? str(obj(i.result).id) });
export const fromGateway = (i: AuditInput) => i.caller === "gateway";

/**
 * The kernel's own audited actions. An API family's actions (sign-in, users, its jobs API) are registered
 * by its entry point (`registerAudited`, services/<family>.service.ts and services/auth.service.ts) when
 * the service file loads, before the broker wraps the actions.
 */
export const AUDITED: Record<string, AuditSpec> = {
  // API keys
  "keys.create": { action: "key.created", target: (i) => ({ type: "apiKey", id: str(obj(i.result).id) }), details: (i) => ({ userId: str(i.params.userId), expiresAt: str(obj(i.result).expiresAt) }) },
  "keys.revoke": { action: "key.revoked", target: (i) => ({ type: "apiKey", id: str(i.params.id) }) },
  "keys.resolve": {
    action: "key.used",
    target: (i) => ({ type: "apiKey", id: str(obj(i.result).apiKeyId) }),
    actorFromResult: (i) => str(obj(i.result).id),
    dedupeKey: (i) => str(obj(i.result).apiKeyId),
  },
  // jobs
  "jobs.create": {
    action: "job.created",
    when: fromGateway,
    target: (i) => ({ type: "job", id: str(obj(i.result).id) }),
    details: (i) => ({ api: "jobs", plugin: str(obj(i.result).processor) }),
  },
  // A download through a family action that records its own entry (auditedBy in meta) is not counted twice.
  "storage.get": { action: "file.downloaded", when: (i) => fromGateway(i) && !i.auditedBy, target: (i) => ({ type: "file", id: str(i.params.id) }) },
  "jobs.cancel": { action: "job.cancelled", when: fromGateway, target: (i) => ({ type: "job", id: str(i.params.id) }) },
  "jobs.remove": { action: "job.deleted", when: fromGateway, target: (i) => ({ type: "job", id: str(i.params.id) }) },
  // webhook endpoints (never their URL's query or the secret)
  "webhooks.create": { action: "webhook.created", target: (i) => ({ type: "webhook", id: str(obj(i.result).id) }) },
  "webhooks.remove": { action: "webhook.deleted", target: (i) => ({ type: "webhook", id: str(i.params.id) }) },
  "webhooks.redeliver": { action: "webhook.redelivered", target: (i) => ({ type: "webhook", id: str(i.params.id) }), details: (i) => ({ deliveryId: str(i.params.deliveryId) }) },
  "feedback.addExclusion": {
    action: "detection_configuration.exclusion_added",
    target: (i) => ({ type: "detectionConfiguration", id: str(obj(i.result).configurationId) }),
    // The term is document text: only its label and how often it was rejected are kept.
    details: (i) => ({ label: str(obj(i.result).label), rejections: obj(i.result).rejections as number, created: obj(i.result).createdConfiguration as boolean }),
  },
};

/** Adds a family's audited actions; an action audited twice is a programming error. */
export function registerAudited(specs: Record<string, AuditSpec>): void {
  for (const [name, spec] of Object.entries(specs)) {
    if (AUDITED[name] && AUDITED[name] !== spec) throw new Error(`The audit entry of ${name} is registered twice: one entry per action`);
    AUDITED[name] = spec;
  }
}

export type { AuditDetails };
