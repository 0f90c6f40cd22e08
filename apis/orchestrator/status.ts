/**
 * The one mapping from the job runtime's generic statuses to the orchestrator's wire values
 * (smart-redact-api.md §2.1). The runtime knows only queued/running/paused/final; the phase comes from
 * whether the job was resumed from its "readyForReview" pause. Pure.
 */
import type { JobStatus } from "../../kernel/jobs/state";

import { WIRE_STATUSES, type WireStatus } from "../../shared/wire/redaction";

export { WIRE_STATUSES, type WireStatus } from "../../shared/wire/redaction";

export const TERMINAL: readonly WireStatus[] = ["finished", "failed", "expired", "cancelled"];

/**
 * @param status the runtime status
 * @param reviewed true once the reviewer's list was submitted (the job left its readyForReview pause)
 */
export function wireStatus(status: JobStatus | string, reviewed: boolean): WireStatus {
  switch (status) {
    case "queued":
      return reviewed ? "redactionInProgress" : "created";
    case "running":
      return reviewed ? "redactionInProgress" : "detectionInProgress";
    case "paused:readyForReview":
      // Reviewed but not yet taken by the runtime (the hand-over under way, or cut and kept for the
      // reconciliation, lost-reviews.ts): the review is accepted, the redaction is what comes next.
      return reviewed ? "redactionInProgress" : "readyForReview";
    case "completed":
      return "finished";
    case "failed":
      return "failed";
    case "cancelled":
      return "cancelled";
    case "expired":
      return "expired";
    default:
      // Another pause point would be a plugin change this API does not know: show it as in progress.
      return reviewed ? "redactionInProgress" : "detectionInProgress";
  }
}

/** A status filter value, accepted case-insensitively (the pre-release collection used PascalCase). */
export function parseWireStatus(value: string): WireStatus | undefined {
  const v = value.trim().toLowerCase();
  return WIRE_STATUSES.find((s) => s.toLowerCase() === v);
}
