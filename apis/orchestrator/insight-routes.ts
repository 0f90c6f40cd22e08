/**
 * Operations insight for admins (issue 18): the audit log (`/v1/audit`, audit service) and the review
 * feedback statistics with the one-click exclusion (`/v1/detection-stats`, feedback service). Bearer
 * token of an admin only: API keys are refused, other users get 403.
 */
import type { RouteGroup } from "../../kernel/gateway/types";

const str = { type: "string" };
const nstr = { type: "string", nullable: true };
const json = (schema: unknown, description: string) => ({ description, content: { "application/json": { schema } } });
const auditEntry = {
  type: "object",
  properties: {
    id: str, at: { type: "string", format: "date-time" }, action: str, outcome: { type: "string", enum: ["success", "failure"] },
    actor: { type: "object", properties: { id: nstr, via: { type: "string", enum: ["jwt", "apiKey", "anonymous"] }, apiKeyId: nstr } },
    ip: nstr, requestId: nstr, target: { type: "object", properties: { type: str, id: nstr } }, error: nstr,
    details: { type: "object", description: "Counts and ids only (never document text)" },
  },
};
const precisionRow = { type: "object", properties: { key: str, accepted: { type: "integer" }, rejected: { type: "integer" }, precision: { type: "number", nullable: true } } };
const stats = {
  type: "object",
  properties: {
    reviews: { type: "integer" }, findings: { type: "integer" }, accepted: { type: "integer" }, rejected: { type: "integer" }, manualAreas: { type: "integer" },
    precision: { type: "number", nullable: true }, byLabel: { type: "array", items: precisionRow }, byRecognizer: { type: "array", items: precisionRow },
    rejectedTerms: {
      type: "array",
      items: {
        type: "object",
        properties: {
          term: str, labels: { type: "array", items: str }, recognizers: { type: "array", items: str }, rejections: { type: "integer" }, jobs: { type: "integer" },
          accepted: { type: "integer", description: "How often the same text was kept in other reviews" }, lastRejectedAt: { type: "string", format: "date-time" }, excluded: { type: "boolean" },
        },
      },
    },
    defaultConfigurationId: nstr,
  },
};
const tags = ["administration"];

export const insightRoutes: RouteGroup = {
  prefix: "/v1",
  routes: [
    {
      method: "GET", path: "/audit", access: "admin", action: "audit.list", tags,
      params: {
        action: { type: "string", optional: true }, actorId: { type: "string", optional: true }, targetId: { type: "string", optional: true }, targetType: { type: "string", optional: true },
        outcome: { type: "string", optional: true }, requestId: { type: "string", optional: true }, from: { type: "string", optional: true }, to: { type: "string", optional: true },
        pageSize: { type: "number", integer: true, min: 1, max: 200, optional: true }, cursor: { type: "string", optional: true },
      },
      responses: { "200": json({ type: "object", properties: { items: { type: "array", items: auditEntry }, nextCursor: nstr } }, "A page of entries, newest first"), "400": { description: "A bad filter, named in the body" }, "403": { description: "Not an admin" } },
      summary: "The audit log: `{items, nextCursor}`, newest first; filters action (name or prefix such as `user.`), actorId, targetId, targetType, outcome, requestId, from, to; pageSize 1-200 (50)",
      description: "Sign-ins (failed ones name the account as a hash, docs/audit.md), API keys created, used (first use per key per 10 minutes and node) and revoked, user changes, jobs created, reviews with their counts, downloads, deletions, detection configuration changes. Kept AUDIT_RETENTION_DAYS (365).",
    },
    {
      method: "GET", path: "/detection-stats", access: "admin", action: "feedback.stats", tags,
      params: {
        from: { type: "string", optional: true }, to: { type: "string", optional: true }, label: { type: "string", optional: true },
        minJobs: { type: "number", integer: true, min: 1, max: 1000, optional: true }, maxTerms: { type: "number", integer: true, min: 1, max: 500, optional: true },
      },
      responses: { "200": json(stats, "Precision from real reviews and the terms rejected again and again"), "400": { description: "A bad filter" }, "403": { description: "Not an admin" } },
      summary: "Review feedback: precision per label and per recogniser (accepted / reviewed findings), and the terms rejected in at least `minJobs` (2) jobs",
      description: "Rejected terms are document text: admins only, never logged. `excluded` says whether the default configuration already excludes the term.",
    },
    {
      method: "POST", path: "/detection-stats/exclusions", access: "admin", action: "feedback.addExclusion", tags,
      params: { term: { type: "string", min: 1, max: 200 } },
      responses: {
        "200": json({ type: "object", properties: { configurationId: str, label: str, rejections: { type: "integer" }, createdConfiguration: { type: "boolean" }, alreadyExcluded: { type: "boolean" } } }, "The term is excluded from now on"),
        "400": { description: "Missing term, or a term no review rejected" }, "403": { description: "Not an admin" },
      },
      summary: "Adds a rejected term to the default detection configuration's `review-feedback` exclusions (creates a default configuration if there is none)",
    },
  ],
};
