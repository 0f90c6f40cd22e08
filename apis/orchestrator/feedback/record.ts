/**
 * Hands a submitted review to the feedback service. Called by the orchestrator once the review was
 * accepted; a feedback service that is away costs the statistics one review, never the review itself.
 */
import type { ServiceBroker } from "moleculer";
import { setImmediate as nextTurn } from "node:timers/promises";
import { acceptedIds, feedbackOfReview, type RecordFeedbackParams } from "./stats";
import { callOf } from "../../../kernel/call";

/** Findings turned into feedback between two turns of the event loop. */
const SLICE = 2000;

interface Plan {
  areas: Array<{ source: string; findingId?: string }>;
  manualAreas: number;
}

export async function recordReviewFeedback(broker: ServiceBroker, r: { jobId: string; reviewerId: string; at: Date; result: unknown; plan: Plan }): Promise<void> {
  const findings = (r.result as { findings?: Array<{ id: string; label: string; recognizer?: string; score?: number; text?: string }> } | null)?.findings ?? [];
  try {
    // A few thousand findings per turn of the event loop (a hash and a normalised text each): a
    // directory's 58,717 in one go held the loop the gateway shares for a quarter of a second (issue 14).
    const kept = acceptedIds(r.plan.areas);
    const feedback: RecordFeedbackParams["findings"] = [];
    for (let i = 0; i < findings.length; i += SLICE) {
      if (i) await nextTurn();
      for (const f of feedbackOfReview(findings.slice(i, i + SLICE), kept)) feedback.push(f);
    }
    await callOf(broker)<unknown, RecordFeedbackParams>("feedback.record", { jobId: r.jobId, reviewerId: r.reviewerId, at: r.at.toISOString(), manualAreas: r.plan.manualAreas, findings: feedback }, { timeout: 10_000 });
  } catch (err) {
    // The message only: the params hold the rejected texts.
    broker.logger.warn(`review feedback of job ${r.jobId} not recorded: ${(err as Error).message}`);
  }
}
