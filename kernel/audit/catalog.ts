/**
 * Which actions the audit log records and what it keeps of each: one line per action. The audit
 * middleware wraps exactly these actions where they run and writes the entry after the action answered
 * (or failed, for the `failures` listed). A builder sees the params, the result or the error, and picks
 * ids and counts only: `cleanDetails` drops anything that is not identifier-like anyway.
 *
 * Adding an action (issue 18 part A: cancel/delete on /v1/jobs, webhooks) is one entry here.
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

const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : null);

/**
 * A failed sign-in names the account tried as a hash: the login field sometimes holds a mistyped
 * password, which must not land in the log. An admin finds the attempts on an account by hashing its
 * login (docs/audit.md shows how), and the successful sign-ins carry the user id.
 */
export function loginHash(login: unknown): string | null {
  if (typeof login !== "string" || !login.trim()) return null;
  return createHash("sha256").update(login.trim().toLowerCase()).digest("hex").slice(0, 16);
}

const login = (field: "email" | "login"): AuditSpec => ({
  action: "auth.login",
  failures: ["INVALID_CREDENTIALS", "TOO_MANY_REQUESTS", "ACCOUNT_DISABLED"],
  target: (i) => (i.error ? { type: "account", id: loginHash(i.params[field]) } : { type: "user", id: str(obj(obj(i.result).user).id) }),
  actorFromResult: (i) => str(obj(obj(i.result).user).id),
  details: () => ({ api: field === "email" ? "tagger" : "orchestrator" }),
});
const userTarget = (i: AuditInput) => ({ type: "user", id: str(i.params.id) ?? str(obj(i.result).id) });
const fromGateway = (i: AuditInput) => i.caller === "gateway";

export const AUDITED: Record<string, AuditSpec> = {
  // sign-in and accounts
  "auth.login": login("email"),
  "auth.v1Login": login("login"),
  "auth.register": { action: "user.registered", target: (i) => ({ type: "user", id: str(obj(obj(i.result).user).id) ?? str(obj(i.result).id) }), actorFromResult: (i) => str(obj(obj(i.result).user).id) ?? str(obj(i.result).id) },
  "auth.v1ResetPassword": { action: "user.password_changed", targetSelf: true, target: (i) => ({ type: "user", id: str(obj(obj(i.result).user).id) }), details: () => ({ forced: true }) },
  "auth.v1ChangePassword": { action: "user.password_changed", targetSelf: true, target: (i) => ({ type: "user", id: str(obj(obj(i.result).user).id) }) },
  "auth.usersCreate": { action: "user.created", target: userTarget, details: (i) => ({ roles: obj(i.result).roles as string[] }) },
  "auth.usersUpdate": {
    action: "user.updated",
    target: userTarget,
    details: (i) => ({ fields: ["fullName", "roles", "role", "isActive"].filter((k) => i.params[k] !== undefined), roles: obj(i.result).roles as string[], isActive: obj(i.result).isActive as boolean }),
  },
  "auth.usersDeactivate": { action: "user.deactivated", target: userTarget },
  "auth.usersActivate": { action: "user.activated", target: userTarget },
  "auth.usersSetRoles": { action: "user.roles_changed", target: userTarget, details: (i) => ({ roles: obj(i.result).roles as string[] }) },
  "auth.usersResetPassword": { action: "user.password_reset", target: userTarget },
  "auth.usersDelete": { action: "user.deleted", target: userTarget },
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
  "orchestrator.createJob": { action: "job.created", target: (i) => ({ type: "job", id: str(obj(i.result).id) }), details: () => ({ api: "orchestrator", plugin: "redaction" }) },
  "jobs.create": {
    action: "job.created",
    when: fromGateway,
    target: (i) => ({ type: "job", id: str(obj(i.result).id) }),
    details: (i) => ({ api: "jobs", plugin: str(obj(i.result).processor) }),
  },
  "tagger.single": { action: "job.created", target: (i) => ({ type: "tagDocument", id: str(obj(i.result).document_id) ?? str(obj(i.result).id) }), details: () => ({ api: "tagger", plugin: "tagging", kind: "single" }) },
  "tagger.batchStart": { action: "batch.created", target: (i) => ({ type: "batch", id: str(obj(i.result).job_id) }), details: (i) => ({ documents: obj(i.result).total_documents as number }) },
  "tagger.batchStartUploads": { action: "batch.created", target: (i) => ({ type: "batch", id: str(obj(i.result).job_id) }), details: (i) => ({ documents: obj(i.result).total_documents as number }) },
  "tagger.batchProcessCsv": { action: "batch.created", target: (i) => ({ type: "batch", id: str(obj(i.result).job_id) }), details: (i) => ({ documents: obj(i.result).total_documents as number }) },
  "orchestrator.submitRedaction": {
    action: "review.submitted",
    target: (i) => ({ type: "job", id: str(i.params.id) }),
    details: (i) => {
      const r = obj(obj(i.result).review);
      return { acceptedFindings: r.acceptedFindings as number, rejectedFindings: r.rejectedFindings as number, manualAreas: r.manualAreas as number };
    },
  },
  "orchestrator.fileOf": { action: "file.downloaded", when: fromGateway, target: (i) => ({ type: "job", id: str(i.params.id) }), details: (i) => ({ fileType: str(i.params.fileType) }) },
  // /api/jobs downloads read the file straight from storage; /v1 downloads are recorded by fileOf above.
  "storage.get": { action: "file.downloaded", when: (i) => fromGateway(i) && i.family !== "orchestrator", target: (i) => ({ type: "file", id: str(i.params.id) }) },
  "tagger.batchResultsCsv": { action: "file.downloaded", target: (i) => ({ type: "batch", id: str(i.params.job_id) }), details: () => ({ fileType: "results.csv" }) },
  "jobs.cancel": { action: "job.cancelled", when: fromGateway, target: (i) => ({ type: "job", id: str(i.params.id) }) },
  "jobs.remove": { action: "job.deleted", when: fromGateway, target: (i) => ({ type: "job", id: str(i.params.id) }) },
  "tagger.historyDeleteJob": { action: "job.deleted", target: (i) => ({ type: "batch", id: str(i.params.job_id) }) },
  // issue 18 part A: withdrawing a Smart Redact job, and webhook endpoints (never their URL's query or the secret)
  "orchestrator.cancelJob": { action: "job.cancelled", target: (i) => ({ type: "job", id: str(i.params.id) }) },
  "orchestrator.deleteJob": { action: "job.deleted", target: (i) => ({ type: "job", id: str(i.params.id) }) },
  "webhooks.create": { action: "webhook.created", target: (i) => ({ type: "webhook", id: str(obj(i.result).id) }) },
  "webhooks.remove": { action: "webhook.deleted", target: (i) => ({ type: "webhook", id: str(i.params.id) }) },
  "webhooks.redeliver": { action: "webhook.redelivered", target: (i) => ({ type: "webhook", id: str(i.params.id) }), details: (i) => ({ deliveryId: str(i.params.deliveryId) }) },
  // detection settings
  "orchestrator.configCreate": { action: "detection_configuration.created", target: (i) => ({ type: "detectionConfiguration", id: str(obj(i.result).id) }) },
  "orchestrator.configUpdate": { action: "detection_configuration.updated", when: fromGateway, target: (i) => ({ type: "detectionConfiguration", id: str(i.params.id) }) },
  "orchestrator.configSetDefault": { action: "detection_configuration.set_default", target: (i) => ({ type: "detectionConfiguration", id: str(i.params.id) }) },
  "orchestrator.configDelete": { action: "detection_configuration.deleted", target: (i) => ({ type: "detectionConfiguration", id: str(i.params.id) }) },
  "feedback.addExclusion": {
    action: "detection_configuration.exclusion_added",
    target: (i) => ({ type: "detectionConfiguration", id: str(obj(i.result).configurationId) }),
    // The term is document text: only its label and how often it was rejected are kept.
    details: (i) => ({ label: str(obj(i.result).label), rejections: obj(i.result).rejections as number, created: obj(i.result).createdConfiguration as boolean }),
  },
};

export type { AuditDetails };
