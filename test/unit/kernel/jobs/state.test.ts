import { allowedFrom, canTransition, conflictMessage, isFinal, pausePointOf, targetOf, type JobEvent } from "../../../../kernel/jobs/state";

const STATUSES = ["queued", "running", "paused:readyForReview", "paused:other", "completed", "failed", "cancelled", "expired"];
const POINTS = ["readyForReview"];

// The whole table: event → statuses it may start from (for a processor declaring "readyForReview").
const LEGAL: Record<JobEvent, string[]> = {
  claim: ["queued"],
  takeover: ["running"],
  pause: ["running"],
  resume: ["paused:readyForReview"],
  requeue: ["running"],
  complete: ["running"],
  fail: ["running"],
  cancel: ["queued", "running", "paused:readyForReview"],
  expire: ["queued", "running", "paused:readyForReview", "completed", "failed", "cancelled"],
  abandon: ["queued", "running"],
};

describe("job state machine", () => {
  for (const [event, legal] of Object.entries(LEGAL) as Array<[JobEvent, string[]]>) {
    for (const from of STATUSES) {
      const ok = legal.includes(from);
      it(`${ok ? "allows" : "refuses"} ${event} from ${from}`, () => {
        expect(canTransition(from, event, POINTS, event === "pause" ? "readyForReview" : undefined)).toBe(ok);
      });
    }
  }

  it("refuses a pause at a point the processor does not declare", () => {
    expect(allowedFrom("pause", POINTS, "elsewhere")).toEqual([]);
    expect(allowedFrom("resume", POINTS, "elsewhere")).toEqual([]);
  });

  it("never leaves a final state except to expire", () => {
    for (const final of ["completed", "failed", "cancelled"]) {
      const events = (Object.keys(LEGAL) as JobEvent[]).filter((e) => canTransition(final, e, POINTS, "readyForReview"));
      expect(events).toEqual(["expire"]);
    }
    expect((Object.keys(LEGAL) as JobEvent[]).filter((e) => canTransition("expired", e, POINTS, "readyForReview"))).toEqual([]);
  });

  it("names targets and pause points", () => {
    expect(targetOf("pause", "readyForReview")).toBe("paused:readyForReview");
    expect(targetOf("resume")).toBe("queued");
    expect(targetOf("abandon")).toBe("failed");
    expect(pausePointOf("paused:readyForReview")).toBe("readyForReview");
    expect(pausePointOf("running")).toBeUndefined();
    expect(isFinal("cancelled")).toBe(true);
    expect(isFinal("paused:readyForReview")).toBe(false);
  });

  it("says what the job currently is when refusing", () => {
    expect(conflictMessage("cancel", "completed")).toBe("Cannot cancel the job: it is completed");
  });
});
