/** How the tag generator's documents and batches look in webhook events (docs/webhooks.md). */
import type { BatchEventShape, JobEventShape } from "../../kernel/webhooks/events";

export const taggerJobEvents: JobEventShape = {
  api: "tagger",
  owns: (meta) => Boolean(meta.tagJobId),
  link: (id) => `/api/jobs/${id}`,
  extra: (meta) => ({ batchId: meta.tagJobId }),
};

export const taggerBatchEvents: BatchEventShape = {
  api: "tagger",
  link: (id) => `/api/batch/jobs/${id}/status`,
};
