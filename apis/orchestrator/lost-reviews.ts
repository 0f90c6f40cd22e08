/**
 * Reviews whose hand-over to the runtime was cut. submitRedaction claims the record (reviewedAt, the
 * list in reviewRequest) and then resumes the runtime job; an outage or a crash between the two left the
 * job waiting at its review pause while the record refused every retry as "in progress", for good (a
 * chaos run found it: the database restarted under a review). Each reconciliation pass hands such a
 * review over again, once the claim is older than any hand-over still under way could be, and drops the
 * kept list of a job that has moved on.
 */
import { isErrorType } from "../../kernel/errors";
import type { JobIdParams } from "../../kernel/jobs/api";
import type { JobView } from "../../kernel/jobs/model";
import { MANUAL_LABEL } from "../../plugins/redaction/contract";
import { resumeWithReview, settleReview } from "./jobs";
import type { OrchestratorJobDoc } from "./model";
import { syncRecord, type OrchestratorHost } from "./records";
import { planReview, type DetectionView } from "./review";

/**
 * How old a claim must be before it counts as lost: longer than the hand-over call may take (the
 * broker's 30 s request timeout) with a margin, so a slow hand-over is never done twice.
 */
export const LOST_REVIEW_AFTER_MS = 45_000;

const WAITING = "paused:readyForReview";

/** What a pass reads of a record with a kept review. */
type Kept = Pick<OrchestratorJobDoc, "_id" | "reviewedAt" | "reviewedBy" | "reviewRequest">;

/** Hands over the reviews cut off before the runtime took them; returns how many. */
export async function resumeLostReviews(h: OrchestratorHost, now = new Date()): Promise<number> {
  const lost = await h.Job.find(
    { reviewRequest: { $type: "object" }, reviewedAt: { $lt: new Date(now.getTime() - LOST_REVIEW_AFTER_MS) } },
    { _id: 1, reviewedAt: 1, reviewedBy: 1, reviewRequest: 1 },
  )
    .limit(100)
    .lean<Kept[]>();
  let resumed = 0;
  for (const rec of lost) {
    try {
      if (await handOver(h, rec)) resumed++;
    } catch (err) {
      // The message only (a list may name findings); the next pass tries again.
      h.logger.warn(`job ${rec._id}: handing over a cut-off review failed (${(err as Error).message}); retrying on the next pass`);
    }
  }
  return resumed;
}

/** One kept review handed over; false when the runtime job no longer waits for it (the list is dropped). */
async function handOver(h: OrchestratorHost, rec: Kept): Promise<boolean> {
  const reviewedAt = rec.reviewedAt!;
  const drop = async () => {
    await h.Job.updateOne({ _id: rec._id, reviewedAt }, { $set: { reviewRequest: null } });
    return false;
  };
  let view: JobView;
  try {
    // Taken already (what got lost was the answer to the claimant), or ended otherwise: nothing to redo.
    if ((await h.broker.call<JobView, JobIdParams>("jobs.summary", { id: rec._id })).status !== WAITING) return drop();
    view = await h.broker.call<JobView, JobIdParams>("jobs.get", { id: rec._id });
  } catch (err) {
    if (isErrorType(err, "NOT_FOUND")) return drop();
    throw err;
  }
  const plan = await planReview(rec.reviewRequest, view.result as DetectionView, MANUAL_LABEL);
  let after: JobView;
  try {
    after = await resumeWithReview(h, rec._id, plan, { id: rec.reviewedBy ?? "", at: reviewedAt });
  } catch (err) {
    // Another pass or a cancel came first: the runtime job no longer waits for this review.
    if (isErrorType(err, "JOB_STATE_CONFLICT") || isErrorType(err, "NOT_FOUND")) return drop();
    throw err;
  }
  h.logger.info(`job ${rec._id}: a review cut off before the runtime took it was handed over again`);
  await settleReview(h, rec._id, reviewedAt, view.result, plan, rec.reviewedBy ?? "");
  await syncRecord(h, after);
  return true;
}
