/** The tag generator's audited actions (kernel/audit/catalog.ts registers them; see docs/audit.md). */
import { loginAudit, obj, str, type AuditSpec } from "../../kernel/audit/catalog";

const batchCreated: AuditSpec = { action: "batch.created", target: (i) => ({ type: "batch", id: str(obj(i.result).job_id) }), details: (i) => ({ documents: obj(i.result).total_documents as number }) };

export const taggerAudited: Record<string, AuditSpec> = {
  "auth.login": loginAudit("email", "tagger"),
  "auth.register": {
    action: "user.registered",
    target: (i) => ({ type: "user", id: str(obj(obj(i.result).user).id) ?? str(obj(i.result).id) }),
    actorFromResult: (i) => str(obj(obj(i.result).user).id) ?? str(obj(i.result).id),
  },
  "tagger.single": {
    action: "job.created",
    target: (i) => ({ type: "tagDocument", id: str(obj(i.result).document_id) ?? str(obj(i.result).id) }),
    details: () => ({ api: "tagger", plugin: "tagging", kind: "single" }),
  },
  "tagger.batchStart": batchCreated,
  "tagger.batchStartUploads": batchCreated,
  "tagger.batchProcessCsv": batchCreated,
  "tagger.batchResultsCsv": { action: "file.downloaded", target: (i) => ({ type: "batch", id: str(i.params.job_id) }), details: () => ({ fileType: "results.csv" }) },
  "tagger.historyDeleteJob": { action: "job.deleted", target: (i) => ({ type: "batch", id: str(i.params.job_id) }) },
};
