/** Which transition raises which event, what the body holds (and never holds), and the retry schedule. */
import { batchEventBody, eventOfStatus, isWebhookEvent, jobEventBody, registerBatchEventShape, registerJobEventShape, retryDelayMs, WEBHOOK_EVENTS } from "../../../../kernel/webhooks/events";
import { orchestratorJobEvents } from "../../../../apis/orchestrator/webhook-shape";
import { taggerBatchEvents, taggerJobEvents } from "../../../../apis/tagger/webhook-shape";

// As services/webhooks.service.ts registers them.
registerJobEventShape(orchestratorJobEvents);
registerJobEventShape(taggerJobEvents);
registerBatchEventShape(taggerBatchEvents);

describe("eventOfStatus", () => {
  it.each([
    ["paused:readyForReview", "job.readyForReview"],
    ["completed", "job.finished"],
    ["failed", "job.failed"],
    ["cancelled", "job.cancelled"],
    ["expired", "job.expired"],
    ["deleted", "job.deleted"],
    ["queued", null],
    ["running", null],
    ["paused:somethingElse", null],
  ])("%s raises %s", (status, event) => expect(eventOfStatus(status)).toBe(event));

  it("raises only events a webhook can subscribe to", () => {
    for (const s of ["paused:readyForReview", "completed", "failed", "cancelled", "expired", "deleted"]) expect(isWebhookEvent(eventOfStatus(s))).toBe(true);
    expect(WEBHOOK_EVENTS).toContain("batch.completed");
    expect(isWebhookEvent("job.exploded")).toBe(false);
  });
});

describe("bodies", () => {
  it("speaks the orchestrator's wire statuses for its jobs and links the API the client uses", () => {
    const b = JSON.parse(jobEventBody({ event: "job.readyForReview", jobId: "j1", processor: "redaction", status: "paused:readyForReview", version: 3, at: "2026-01-02T03:04:05.000Z", meta: { api: "orchestrator" } }));
    expect(b).toEqual({ type: "job.readyForReview", timestamp: "2026-01-02T03:04:05.000Z", data: { id: "j1", api: "orchestrator", processor: "redaction", status: "readyForReview", version: 3, links: { job: "/v1/jobs/j1" } } });
    const g = JSON.parse(jobEventBody({ event: "job.finished", jobId: "j2", processor: "tagging", status: "completed", version: 4, at: "2026-01-02T03:04:05.000Z", meta: { tagJobId: "b1", tagDocId: "d1" } }));
    expect(g.data).toEqual({ id: "j2", api: "tagger", processor: "tagging", status: "completed", version: 4, batchId: "b1", links: { job: "/api/jobs/j2" } });
    const gone = JSON.parse(jobEventBody({ event: "job.deleted", jobId: "j3", processor: "redaction", status: "deleted", version: 9, at: "2026-01-02T03:04:05.000Z", meta: { api: "orchestrator" } }));
    expect(gone.data.links).toBeUndefined();
    expect(gone.data.status).toBe("deleted");
  });

  it("counts a batch without naming its documents", () => {
    expect(JSON.parse(batchEventBody({ batchId: "b1", status: "completed", total: 10, processed: 9, failed: 1, at: "2026-01-02T03:04:05.000Z" }))).toEqual({
      type: "batch.completed",
      timestamp: "2026-01-02T03:04:05.000Z",
      data: { id: "b1", api: "tagger", status: "completed", total_documents: 10, processed_count: 9, failed_count: 1, links: { batch: "/api/batch/jobs/b1/status" } },
    });
  });
});

describe("retryDelayMs", () => {
  it("grows 4x per attempt from the base, capped, with at most 20 % jitter", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 10_000, 3_600_000, 0))).toEqual([10_000, 40_000, 160_000, 640_000]);
    expect(retryDelayMs(12, 10_000, 3_600_000, 0)).toBe(3_600_000);
    expect(retryDelayMs(1, 10_000, 3_600_000, 1)).toBe(12_000);
    expect(retryDelayMs(1, 10_000, 3_600_000, 7)).toBe(12_000);
  });
});
