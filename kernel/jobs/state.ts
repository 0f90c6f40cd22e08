/**
 * The job state machine, in one place. Every status change in docmill goes through `allowedFrom` so an
 * illegal transition is refused (JOB_STATE_CONFLICT) instead of silently overwriting a final state.
 *
 *   queued ──► running ──► completed | failed
 *     │          │  ▲
 *     │          ▼  │ (resume: paused:<point> ──► queued ──► running)
 *     │      paused:<point>
 *     ▼
 *   cancelled (from queued, running or a pause)      expired (from any state but expired)
 *   failed also from queued: `abandon`, when the job's message went to the dead-letter queue
 *
 * `running → running` is a takeover: the previous worker's lease ran out (it died) and another worker
 * claims the job again. A paused job is resumed by queueing it again with the person's input.
 * Pure module: no I/O, no clock.
 */

export const FINAL_STATUSES = ["completed", "failed", "cancelled", "expired"] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export type PauseStatus = `paused:${string}`;
export type JobStatus = "queued" | "running" | FinalStatus | PauseStatus;

/** What a caller asks the machine to do; each names the statuses it may start from. */
export type JobEvent = "claim" | "takeover" | "pause" | "resume" | "complete" | "fail" | "cancel" | "expire" | "requeue" | "abandon";

const PAUSE_PREFIX = "paused:";

export function pauseStatus(point: string): PauseStatus {
  return `${PAUSE_PREFIX}${point}`;
}

export function isPaused(status: string): status is PauseStatus {
  return status.startsWith(PAUSE_PREFIX) && status.length > PAUSE_PREFIX.length;
}

/** The pause point of a paused status (`paused:readyForReview` → `readyForReview`). */
export function pausePointOf(status: string): string | undefined {
  return isPaused(status) ? status.slice(PAUSE_PREFIX.length) : undefined;
}

export function isFinal(status: string): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export function isKnownStatus(status: string): status is JobStatus {
  return status === "queued" || status === "running" || isFinal(status) || isPaused(status);
}

/** Target status of an event (pause needs its point). */
export function targetOf(event: JobEvent, point?: string): JobStatus {
  switch (event) {
    case "claim":
    case "takeover":
      return "running";
    case "pause":
      if (!point) throw new Error("pause needs a pause point");
      return pauseStatus(point);
    case "resume":
    case "requeue":
      return "queued";
    case "complete":
      return "completed";
    case "fail":
    case "abandon":
      return "failed";
    case "cancel":
      return "cancelled";
    case "expire":
      return "expired";
  }
}

/**
 * Statuses an event may start from. `pausePoints` are the points the job's processor declares: only
 * those can be paused at or resumed from. The result feeds the `{status: {$in: ...}}` filter of the
 * one atomic update that performs the transition.
 */
export function allowedFrom(event: JobEvent, pausePoints: readonly string[] = [], point?: string): JobStatus[] {
  const paused = pausePoints.map(pauseStatus);
  switch (event) {
    case "claim":
      return ["queued"];
    case "takeover":
      // Only together with an expired lease (the caller adds that condition to the filter).
      return ["running"];
    case "pause":
      return point && pausePoints.includes(point) ? ["running"] : [];
    case "resume":
      return point ? (pausePoints.includes(point) ? [pauseStatus(point)] : []) : paused;
    case "requeue":
      // A worker gives a job back (it is shutting down) so another can take it at once.
      return ["running"];
    case "complete":
    case "fail":
      return ["running"];
    case "abandon":
      // The runtime gives up on a job no worker could take (its message went to the dead-letter queue);
      // for a running job only together with a lapsed lease (the caller adds that condition).
      return ["queued", "running"];
    case "cancel":
      return ["queued", "running", ...paused];
    case "expire":
      return ["queued", "running", "completed", "failed", "cancelled", ...paused];
  }
}

/** True when `event` may move a job from `from` (pure check, for tests and error messages). */
export function canTransition(from: string, event: JobEvent, pausePoints: readonly string[] = [], point?: string): boolean {
  return (allowedFrom(event, pausePoints, point) as string[]).includes(from);
}

/** Human message for a refused transition, naming the current status. */
export function conflictMessage(event: JobEvent, current: string): string {
  const verb: Record<JobEvent, string> = {
    claim: "start",
    takeover: "take over",
    pause: "pause",
    resume: "resume",
    requeue: "requeue",
    complete: "complete",
    fail: "fail",
    cancel: "cancel",
    expire: "expire",
    abandon: "give up on",
  };
  return `Cannot ${verb[event]} the job: it is ${current}`;
}
