/**
 * The jobs gauges, sampled by the jobs service every JOB_GAUGE_INTERVAL_MS while metrics are on:
 * - jobs by plugin and status: one `$group` over the jobs collection;
 * - the queue of each plugin seen there, from its JetStream consumer (the durable group its workers
 *   share): num_pending (waiting for a worker), num_ack_pending (delivered, not yet acknowledged) and
 *   num_redelivered (delivered more than once, not yet acknowledged). That is the queue the workers
 *   actually read, including messages handed back or waiting out a lost worker's ack deadline.
 * Without NATS (`docmill run`: the in-memory channel has no consumer to ask) the queue depth falls back
 * to the jobs `queued` in the database, labelled source="database", and the two JetStream-only gauges
 * are not reported. With NATS configured but away, the queue gauges keep their last sample.
 */
import type { JetStreamManager } from "nats";
import type { Model } from "mongoose";
import { metricsActive, recordJobCounts, recordQueue } from "../../sdk/metrics";
import { groupName, streamOf } from "../jobs/dispatch";

export const JOB_GAUGE_INTERVAL_MS = 5_000;

interface Logger {
  debug(...args: unknown[]): void;
}

export interface QueueSource {
  namespace: string;
  /** The channel adapter's JetStream manager once connected; undefined while not (yet). */
  manager(): JetStreamManager | undefined;
}

/** Reads every plugin's consumer info; a plugin whose stream or consumer does not exist yet has an empty queue. */
export async function sampleQueues(q: QueueSource, plugins: Iterable<string>): Promise<number> {
  const jsm = q.manager();
  if (!jsm) return 0;
  let sampled = 0;
  for (const plugin of plugins) {
    try {
      const info = await jsm.consumers.info(streamOf(q.namespace, plugin), groupName(plugin));
      recordQueue(plugin, { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered });
    } catch (err) {
      if (!/not found/i.test((err as Error).message)) throw err;
      recordQueue(plugin, { pending: 0, ackPending: 0, redelivered: 0 });
    }
    sampled++;
  }
  return sampled;
}

/**
 * Samples once now and then on an interval; returns the stopper. Does nothing while metrics are off.
 * `queues`: the JetStream consumers to read (NATS configured); null falls back to the database.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: only aggregate is used
export function startJobGauges(Job: Model<any>, logger: Logger, queues: QueueSource | null = null): () => void {
  if (!metricsActive()) return () => undefined;
  let previous = new Set<string>();
  let running = false;
  const sample = async () => {
    if (running) return;
    running = true;
    try {
      const rows = await Job.aggregate<{ _id: { plugin: string; status: string }; count: number }>([
        { $group: { _id: { plugin: "$processor", status: "$status" }, count: { $sum: 1 } } },
      ]);
      previous = recordJobCounts(rows.map((r) => ({ plugin: r._id.plugin, status: r._id.status, count: r.count })), previous, queues === null);
      if (queues) await sampleQueues(queues, new Set(rows.map((r) => r._id.plugin)));
    } catch (err) {
      logger.debug(`job gauges not sampled: ${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), JOB_GAUGE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
