/**
 * What every part of the jobs service shares: the job model, the broker it dispatches and publishes on,
 * and the two "is the stream there yet" flags. The service object itself is the host (its `this` has
 * these fields), so the plain functions of kernel/jobs/{api,worker-protocol,recovery}.ts take it as their
 * first argument and stay testable without a service around them.
 *
 * Publishing: a state transition bumps the job's `version` and sets its outbox flag in that same update
 * (repo.ts); `publish` then broadcasts it for live views (`job.updated`) and sends it durably on the
 * `job-changes` channel; whatever a crash or outage left in the outbox the sweep sends (`drainOutbox`).
 */
import type { Logger, ServiceBroker } from "moleculer";
import { channelsOf } from "../channels";
import { config } from "../config";
import type { PluginDescriptor } from "../../sdk/manifest";
import { recordJobChange } from "../../sdk/metrics";
import { CHANGES_CHANNEL, changeOf, ensureChangesStream, type JobChange } from "./changes";
import { channelName, ensureStream, streamOf, subjectOf } from "./dispatch";
import { toView, type JobDoc, type JobModel, type JobView } from "./model";

export interface JobsHost {
  Job: JobModel;
  broker: ServiceBroker;
  logger: Logger;
  /** Processors whose work stream this node has made sure of. */
  streamsReady: Set<string>;
  /** The job-changes stream exists (made at start, or by the first publish). */
  changesReady?: boolean;
  /** When this jobs service started (a lease that ran out while it was down is no sign of a dead worker). */
  startedAtMs: number;
}

/** A moleculer call bound to the caller's context (so tracing and meta follow the request). */
export type { Call } from "../call";


export const leaseMs = () => config().jobs.leaseSeconds * 1000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Plugins hosted by the running workers (what `processor` may name), from the service registry. */
export function knownPlugins(h: Pick<JobsHost, "broker">): Map<string, PluginDescriptor> {
  const out = new Map<string, PluginDescriptor>();
  const services = h.broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as Array<{ name: string; metadata?: { plugins?: PluginDescriptor[] } }>;
  for (const s of services) {
    if (s.name !== "worker") continue;
    for (const p of s.metadata?.plugins ?? []) if (!out.has(p.id)) out.set(p.id, p);
  }
  return out;
}

/** The channels adapter is connected (the channels middleware connects after the services started). */
export function channelsConnected(h: Pick<JobsHost, "broker">): boolean {
  return !!channelsOf(h.broker).channelAdapter?.connected;
}

/** Sends the job's message to its processor's work channel (JetStream), making the stream if needed. */
export async function dispatch(h: JobsHost, job: JobDoc): Promise<void> {
  const cfg = config();
  const adapter = channelsOf(h.broker).channelAdapter;
  if (cfg.natsUrl && adapter?.manager && !h.streamsReady.has(job.processor)) {
    // Publishing needs the stream; it may not exist yet when no worker of this processor has started.
    await ensureStream(adapter.manager, streamOf(h.broker.namespace, job.processor), [subjectOf(h.broker.namespace, job.processor)]);
    h.streamsReady.add(job.processor);
  }
  await channelsOf(h.broker).sendToChannel.call(h.broker, channelName(job.processor), { jobId: job._id });
  await h.Job.updateOne({ _id: job._id }, { $set: { dispatchedAt: new Date() } });
}

/** Dispatches now; a failure (NATS away) is only logged: the recovery sweep dispatches it later. */
export async function dispatchOrDefer(h: JobsHost, job: JobDoc): Promise<void> {
  await dispatch(h, job).catch((err: unknown) => h.logger.warn(`dispatch of job ${job._id} deferred: ${(err as Error).message}`));
}

/**
 * Publishes the job's new state: broadcast for live views (every gateway node forwards it to its
 * WebSocket clients) and, for a change still in the outbox, durably on the job-changes channel. Not
 * awaited by the caller: a publish that fails leaves the outbox set, and the sweep sends it again.
 */
export function publish(h: JobsHost, job: JobDoc | null): JobView | null {
  if (!job) return null;
  const view = toView(job);
  if (job.outbox) recordJobChange(job);
  h.broker.broadcast("job.updated", { job: view });
  if (job.outbox) void sendChange(h, job);
  return view;
}

/** Sends one change message on the durable channel; false when it could not be sent. */
export async function sendChangeMessage(h: JobsHost, change: JobChange): Promise<boolean> {
  try {
    const url = config().natsUrl;
    const adapter = channelsOf(h.broker).channelAdapter;
    if (url && adapter?.manager && !h.changesReady) {
      await ensureChangesStream(adapter.manager, h.broker.namespace);
      h.changesReady = true;
    }
    await channelsOf(h.broker).sendToChannel.call(h.broker, CHANGES_CHANNEL, change);
    return true;
  } catch (err) {
    h.logger.debug(`job ${change.id} v${change.version}: change not published (${(err as Error).message})`);
    return false;
  }
}

/** Sends one change on the durable channel, then clears the outbox for exactly that version. */
export async function sendChange(h: JobsHost, job: JobDoc): Promise<boolean> {
  try {
    if (!(await sendChangeMessage(h, changeOf(job)))) throw new Error("the channel is not reachable");
    // A newer transition since (another version) keeps the flag: its own publish clears it.
    await h.Job.updateOne({ _id: job._id, version: job.version, outbox: true }, { $set: { outbox: false } }, { timestamps: false });
    return true;
  } catch (err) {
    h.logger.debug(`job ${job._id} v${job.version}: change not published yet (${(err as Error).message}); the sweep retries`);
    return false;
  }
}

/**
 * Publishes the changes a crash or an outage left in the outbox. Only changes older than a moment:
 * a fresh one is being published by the request that made it (a duplicate would be harmless).
 */
export async function drainOutbox(h: JobsHost): Promise<number> {
  const before = new Date(Date.now() - 1000);
  const pending = await h.Job.find({ outbox: true, updatedAt: { $lt: before } }, null, { limit: 500, sort: { updatedAt: 1 } }).lean<JobDoc[]>();
  let sent = 0;
  for (const job of pending) {
    h.broker.broadcast("job.updated", { job: toView(job) });
    if (!(await sendChange(h, job))) break; // NATS is away: next round
    sent++;
  }
  return sent;
}
