import { mergeRow, mergeRows, mergeStatus, summarize, type Rows } from "../../../../web/src/batch/rows";
import type { BatchStatus } from "../../../../web/src/api/tagging";

const none: Rows = new Map();

describe("batch row merge", () => {
  it("a row's later message adds to what was known (a result keeps the title from 'processing')", () => {
    const m = mergeRows(none, [
      { row_id: 0, status: "processing", title: "Annual report" },
      { row_id: 0, status: "success", tags: ["finance", "audit"] },
    ]);
    expect(m.get(0)).toEqual({ row_id: 0, status: "success", title: "Annual report", tags: ["finance", "audit"] });
  });

  it("a late 'processing' never undoes a row's result, in either final state", () => {
    const done = mergeRows(none, [{ row_id: 1, status: "success", tags: ["x"] }, { row_id: 2, status: "failed", error: "timeout" }]);
    const after = mergeRows(done, [{ row_id: 1, status: "processing" }, { row_id: 2, status: "pending" }]);
    expect(after).toBe(done);
    expect(after.get(2)).toEqual({ row_id: 2, status: "failed", error: "timeout" });
  });

  it("a result may replace a result (a retried row), and the catch-up repeated on reconnect changes nothing", () => {
    const first = mergeRow(none, { row_id: 3, status: "failed", error: "fetch failed" });
    const retried = mergeRow(first, { row_id: 3, status: "success", tags: ["ok"] });
    expect(retried.get(3)?.status).toBe("success");
    const again = mergeRows(retried, [...retried.values()]);
    expect([...again.entries()]).toEqual([...retried.entries()]);
    expect(first.get(3)?.status).toBe("failed");
  });

  it("the catch-up state fills a status the page had not loaded yet, keeping the page's job id", () => {
    expect(mergeStatus(null, { status: "processing", total: 4, processed_count: 1, failed_count: 0, progress: 0.25, job_id: "other" }, "b-1")).toEqual({
      status: "processing",
      total: 4,
      processed_count: 1,
      failed_count: 0,
      progress: 0.25,
      job_id: "b-1",
    });
  });
});

describe("batch summary", () => {
  const rows = mergeRows(none, [
    { row_id: 2, status: "failed", error: "x" },
    { row_id: 0, status: "success" },
    { row_id: 1, status: "processing" },
  ]);

  it("without the server's counts, counts the rows seen, in row order", () => {
    const s = summarize(rows, null);
    expect(s.list.map((r) => r.row_id)).toEqual([0, 1, 2]);
    expect({ total: s.total, done: s.done, failed: s.failed, status: s.status, ended: s.ended }).toEqual({ total: 3, done: 2, failed: 1, status: "pending", ended: false });
    expect(s.progress).toBeCloseTo(2 / 3);
    expect(summarize(none, null).progress).toBe(0);
  });

  it("with them, the server's counts win over the rows the page happened to see", () => {
    const status: BatchStatus = { job_id: "b", status: "completed", progress: 1, processed_count: 9, failed_count: 1, total: 10 };
    const s = summarize(rows, status);
    expect({ total: s.total, done: s.done, failed: s.failed, progress: s.progress, ended: s.ended }).toEqual({ total: 10, done: 10, failed: 1, progress: 1, ended: true });
    expect(summarize(rows, { ...status, status: "paused" }).ended).toBe(false);
    expect(summarize(rows, { ...status, status: "cancelled" }).ended).toBe(true);
  });
});
