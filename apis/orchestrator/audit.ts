/** The Smart Redact orchestrator's audited actions (kernel/audit/catalog.ts registers them; see docs/audit.md). */
import { fromGateway, loginAudit, obj, str, userTarget, type AuditSpec } from "../../kernel/audit/catalog";

/** What an orchestrator download sets in meta so storage.get does not record the same download again. */
export const FILE_OF_AUDIT = "orchestrator.fileOf";

export const orchestratorAudited: Record<string, AuditSpec> = {
  // sign-in and accounts
  "auth.v1Login": loginAudit("login", "orchestrator"),
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
  // jobs
  "orchestrator.createJob": { action: "job.created", target: (i) => ({ type: "job", id: str(obj(i.result).id) }), details: () => ({ api: "orchestrator", plugin: "redaction" }) },
  "orchestrator.submitRedaction": {
    action: "review.submitted",
    target: (i) => ({ type: "job", id: str(i.params.id) }),
    details: (i) => {
      const r = obj(obj(i.result).review);
      return { acceptedFindings: r.acceptedFindings as number, rejectedFindings: r.rejectedFindings as number, manualAreas: r.manualAreas as number };
    },
  },
  // /v1 downloads are recorded here; the storage.get that follows carries meta.auditedBy.
  [FILE_OF_AUDIT]: { action: "file.downloaded", when: fromGateway, target: (i) => ({ type: "job", id: str(i.params.id) }), details: (i) => ({ fileType: str(i.params.fileType) }) },
  "orchestrator.cancelJob": { action: "job.cancelled", target: (i) => ({ type: "job", id: str(i.params.id) }) },
  "orchestrator.deleteJob": { action: "job.deleted", target: (i) => ({ type: "job", id: str(i.params.id) }) },
  // detection settings
  "orchestrator.configCreate": { action: "detection_configuration.created", target: (i) => ({ type: "detectionConfiguration", id: str(obj(i.result).id) }) },
  "orchestrator.configUpdate": { action: "detection_configuration.updated", when: fromGateway, target: (i) => ({ type: "detectionConfiguration", id: str(i.params.id) }) },
  "orchestrator.configSetDefault": { action: "detection_configuration.set_default", target: (i) => ({ type: "detectionConfiguration", id: str(i.params.id) }) },
  "orchestrator.configDelete": { action: "detection_configuration.deleted", target: (i) => ({ type: "detectionConfiguration", id: str(i.params.id) }) },
};
