/**
 * The jobs gauges (jobs by plugin and status, queue depth per plugin) sampled from the jobs collection
 * by the jobs service, every JOB_GAUGE_INTERVAL_MS while metrics are on. One `$group` per sample.
 */
import type { Model } from "mongoose";
import { metricsActive, recordJobCounts } from "../../sdk/metrics";

export const JOB_GAUGE_INTERVAL_MS = 5_000;

interface Logger {
  debug(...args: unknown[]): void;
}

/** Samples once now and then on an interval; returns the stopper. Does nothing while metrics are off. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: only aggregate is used
export function startJobGauges(Job: Model<any>, logger: Logger): () => void {
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
      previous = recordJobCounts(rows.map((r) => ({ plugin: r._id.plugin, status: r._id.status, count: r.count })), previous);
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
