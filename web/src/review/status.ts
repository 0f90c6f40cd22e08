/** Job statuses during which the server is still working on a redaction job: the screen polls and waits. */
import type { JobStatus } from "../api/redaction";

export const BUSY: ReadonlySet<JobStatus> = new Set<JobStatus>(["created", "detectionInProgress", "redactionInProgress"]);

/** How often the review screen asks for a busy job (the job feed is the batch screen's; this is one job). */
export const POLL_MS = 1500;
