/**
 * Hands a submitted review to the feedback service. Called by the orchestrator once the review was
 * accepted; a feedback service that is away costs the statistics one review, never the review itself.
 */
import type { ServiceBroker } from "moleculer";
import { feedbackOfReview, type RecordFeedbackParams } from "./stats";
import { callOf } from "../../../kernel/call";

interface Plan {
  areas: Array<{ source: string; findingId?: string }>;
  manualAreas: number;
}

export async function recordReviewFeedback(broker: ServiceBroker, r: { jobId: string; reviewerId: string; at: Date; result: unknown; plan: Plan }): Promise<void> {
  const findings = (r.result as { findings?: Array<{ id: string; label: string; recognizer?: string; score?: number; text?: string }> } | null)?.findings ?? [];
  try {
    await callOf(broker)<unknown, RecordFeedbackParams>("feedback.record", { jobId: r.jobId, reviewerId: r.reviewerId, at: r.at.toISOString(), manualAreas: r.plan.manualAreas, findings: feedbackOfReview(findings, r.plan.areas) }, { timeout: 10_000 });
  } catch (err) {
    // The message only: the params hold the rejected texts.
    broker.logger.warn(`review feedback of job ${r.jobId} not recorded: ${(err as Error).message}`);
  }
}
