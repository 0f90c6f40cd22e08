/**
 * A paused job whose detection result is stored as the worker stores a big one (kernel/jobs/results.ts:
 * `detach`, then `storeResult` into a head and parts), inserted straight into the jobs collection: the
 * readers' tests (shared rebuilds, streamed answers) need tens of thousands of findings without running
 * a detector for them.
 */
import { randomUUID } from "node:crypto";
import type { Connection } from "mongoose";
import type { JobModel } from "../../kernel/jobs/model";
import { detach, storeResult } from "../../kernel/jobs/results";

export interface StoredResultJob {
  id: string;
  result: { findings: unknown[] } & Record<string, unknown>;
}

/**
 * `n` findings shaped as the detector writes them, on 100 pages of fine print. `awkward`: texts with
 * quotes, a backslash, CJK and an emoji, and a null score every seventh (what a byte-exact writer must keep).
 */
export async function jobWithStoredResult(conn: Connection, Job: JobModel, n: number, opts: { awkward?: boolean } = {}): Promise<StoredResultJob> {
  const id = randomUUID();
  const findings = Array.from({ length: n }, (_, i) => ({
    id: `f${i}`, label: i % 3 === 2 ? "PHONE_NUMBER" : "EMAIL_ADDRESS",
    text: i % 3 === 2 ? `+1 415 555 ${1000 + i}` : `ann.lée${i}@example.org${opts.awkward ? ' "東京" \\ 😀' : ""}`,
    page: 1 + (i % 100), boxes: [{ x: 180.125 + (i % 3), y: 20 + (i % 180) * 4.2, width: 60.5, height: 4.4 }],
    score: opts.awkward && i % 7 === 0 ? null : 0.85, source: "pattern",
  }));
  const result = { phase: "detection", pageCount: 100, findings, labels: ["EMAIL_ADDRESS", "PHONE_NUMBER"], ...(opts.awkward ? { pages: [{ page: 1, width: 612 }] } : {}) };
  const { kept, ref, record } = detach(id, 1, result);
  await storeResult(Job, record!);
  const now = new Date();
  await conn.collection("jobs").insertOne({
    _id: id as never, processor: "redaction", status: "paused:readyForReview", owner: "u1", options: {}, progress: { percent: 50, message: "" },
    inputFileId: "f1", input: { filename: "a.pdf", contentType: "application/pdf", size: 1, sha256: "x" }, outputs: [], result: kept, resultRef: ref, error: null,
    meta: opts.awkward ? { n } : {}, pausePoints: ["readyForReview"], resume: null, attempts: 1, attemptBase: 0, lease: null, seq: 1, version: 1, outbox: false,
    dispatchedAt: now, deliveryFailures: 0, startedAt: now, finishedAt: null, expiresAt: new Date(now.getTime() + 86_400_000), createdAt: now, updatedAt: now,
  });
  return { id, result };
}
