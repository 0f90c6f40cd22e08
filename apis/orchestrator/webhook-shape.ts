/** How a Smart Redact job's webhook events look to orchestrator clients (docs/webhooks.md). */
import type { JobEventShape } from "../../kernel/webhooks/events";

/** The orchestrator's wire status for an event (smart-redact-api.md §2.1), `deleted` for a purge. */
const WIRE: Record<string, string> = {
  "job.readyForReview": "readyForReview",
  "job.finished": "finished",
  "job.failed": "failed",
  "job.cancelled": "cancelled",
  "job.expired": "expired",
  "job.deleted": "deleted",
};

export const orchestratorJobEvents: JobEventShape = {
  api: "orchestrator",
  owns: (meta) => meta.api === "orchestrator",
  status: (e) => WIRE[e.event],
  link: (id) => `/v1/jobs/${id}`,
};
