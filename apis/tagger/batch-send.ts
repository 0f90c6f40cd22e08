/** Publishing on `batch-changes` from the tagger: the stream is created first (a publish to a subject without one is lost). */
import type { ServiceBroker } from "moleculer";
import { channelsOf } from "../../kernel/channels";
import { config } from "../../kernel/config";
import { ensureStream } from "../../kernel/jobs/dispatch";
import { BATCH_CHANGES_CHANNEL } from "./batch-outbox";

/** Kept a week, as the deliveries: the webhooks service may be down for a while. */
export const BATCH_STREAM_EXTRA = { max_age: 7 * 24 * 3600 * 1_000_000_000 };

const streamReady = new Set<string>();

export async function sendBatchEnd(broker: ServiceBroker, payload: unknown): Promise<void> {
  const adapter = channelsOf(broker).channelAdapter;
  if (config().natsUrl && adapter?.manager && !streamReady.has(broker.namespace)) {
    const subject = broker.namespace ? `${broker.namespace}.${BATCH_CHANGES_CHANNEL}` : BATCH_CHANGES_CHANNEL;
    await ensureStream(adapter.manager, subject.split(".").join("_"), [subject], BATCH_STREAM_EXTRA);
    streamReady.add(broker.namespace);
  }
  await channelsOf(broker).sendToChannel(BATCH_CHANGES_CHANNEL, payload);
}
