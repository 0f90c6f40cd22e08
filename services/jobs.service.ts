/**
 * jobs: the job records, their state machine (kernel/jobs/state.ts) and their dispatch to workers over
 * @moleculer/channels (NATS JetStream). This file only wires actions to the plain functions of
 * kernel/jobs/: the public API (api.ts), the worker protocol (worker-protocol.ts), dead letters,
 * recovery, expiry and deletion (recovery.ts), who may see a job (access.ts), and dispatching and
 * publishing changes through the outbox (host.ts). Progress is broadcast only (`job.progress`): it is
 * not a state.
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { callOf } from "../kernel/call";
import { config } from "../kernel/config";
import type { GatewayMeta } from "../kernel/gateway/types";
import { assertInternal } from "../kernel/jobs/access";
import * as api from "../kernel/jobs/api";
import { ensureChangesStream } from "../kernel/jobs/changes";
import { DEAD_LETTER_CHANNEL, DEAD_LETTER_GROUP, ensureDeadLetterConsumer, withJetStream } from "../kernel/jobs/dispatch";
import { channelsConnected, drainOutbox, knownPlugins, sleep, type JobsHost } from "../kernel/jobs/host";
import { resultsOf } from "../kernel/jobs/results";
import { defineJobModel, type JobModel, type JobView } from "../kernel/jobs/model";
import { expireJobsOfFiles, onDeadLetter, purgeJob, recover, recoveryIntervalMs, type DeadLetterMessage, type RecoveryResult } from "../kernel/jobs/recovery";
import * as wp from "../kernel/jobs/worker-protocol";
import { startJobGauges } from "../kernel/metrics/job-gauges";
import { modelOf, mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import type { PluginDescriptor } from "../sdk/manifest";

type This = MongoServiceThis &
  JobsHost & {
    Job: JobModel;
    sweeper?: NodeJS.Timeout;
    stopGauges?: () => void;
  };

type Ctx<P> = Context<P, GatewayMeta>;

/**
 * Whether this answer may carry a result still in its stored parts: the gateway asked for it on its
 * streamed routes (`$streamResult`), and the call came from this process (a LazyArray cannot travel over
 * the transporter: another node's gateway gets the whole result).
 */
function streamsHere(svc: This, ctx: Ctx<unknown>): boolean {
  return ctx.meta.$streamResult === true && ctx.nodeID === svc.broker.nodeID;
}


const JobsService: ServiceSchema<ServiceSettingSchema, object, object, This> & { channels: Record<string, unknown> } = {
  name: "jobs",
  mixins: [
    mongoMixin((conn) => {
      defineJobModel(conn);
    }),
  ],

  channels: {
    /**
     * Messages no worker could handle after MAX_DELIVER_RETRIES deliveries (see kernel/jobs/dispatch.ts):
     * the job fails with DISPATCH_FAILED instead of waiting forever (and being re-dispatched by the
     * recovery sweep into the same dead end). Shared by every jobs node as one consumer group.
     */
    [DEAD_LETTER_CHANNEL]: {
      group: DEAD_LETTER_GROUP,
      // Never dead-letter the dead-letter queue itself; transient errors are retried inside the handler.
      deadLettering: { enabled: false },
      maxRetries: 3,
      handler(this: This, ctx: Context<{ jobId?: unknown }>, raw?: DeadLetterMessage) {
        return onDeadLetter(this, ctx.params, raw);
      },
    },
  },

  actions: {
    /** Plugins hosted by the running workers (what `processor` may name). */
    plugins: {
      visibility: "published",
      handler(this: This): PluginDescriptor[] {
        return [...knownPlugins(this).values()].sort((a, b) => a.id.localeCompare(b.id));
      },
    },

    create: {
      visibility: "published",
      params: api.createJobSchema,
      async handler(this: This, ctx: Ctx<api.CreateJobParams>): Promise<JobView> {
        const view = await api.createJob(this, ctx, callOf(ctx), ctx.params);
        ctx.meta.$statusCode = 201;
        return view;
      },
    },

    get: {
      visibility: "published",
      params: api.jobIdSchema,
      handler(this: This, ctx: Ctx<api.JobIdParams>): Promise<JobView> {
        // A raw download handler needs the outputs only: the summary, whatever the result's size.
        if (ctx.meta.$jobView === "summary") return api.getJob(this, ctx, ctx.params.id, { summary: true });
        return api.getJob(this, ctx, ctx.params.id, { stream: streamsHere(this, ctx) });
      },
    },

    /** Internal: one job's summary view (the result without its detached parts, with their counts). */
    summary: {
      visibility: "public",
      params: api.jobIdSchema,
      handler(this: This, ctx: Ctx<api.JobIdParams>): Promise<JobView> {
        assertInternal(ctx, "jobs.summary");
        return api.getJob(this, ctx, ctx.params.id, { summary: true });
      },
    },

    /** Internal (reconciliation sweeps): the current views of many jobs at once; unknown ids are left out. */
    getMany: {
      visibility: "public",
      params: api.getManySchema,
      handler(this: This, ctx: Ctx<api.GetManyParams>): Promise<JobView[]> {
        assertInternal(ctx, "jobs.getMany");
        return api.getManyJobs(this, ctx.params.ids, { summary: ctx.params.summary });
      },
    },

    list: {
      visibility: "published",
      params: api.listJobsSchema,
      handler(this: This, ctx: Ctx<api.ListJobsParams>): Promise<api.JobList> {
        return api.listJobs(this, ctx, ctx.params, { stream: streamsHere(this, ctx) });
      },
    },

    cancel: {
      visibility: "published",
      params: api.jobIdSchema,
      handler(this: This, ctx: Ctx<api.JobIdParams>): Promise<JobView> {
        return api.cancelJob(this, ctx, ctx.params.id);
      },
    },

    /** Continues a job waiting at a pause point with the person's input (e.g. the redactions to apply). */
    resume: {
      visibility: "published",
      params: api.resumeJobSchema,
      handler(this: This, ctx: Ctx<api.ResumeJobParams>): Promise<JobView> {
        return api.resumeJob(this, ctx, ctx.params);
      },
    },

    /** Deletes a job and everything it holds, cancelling it first if it is still at work. */
    remove: {
      visibility: "published",
      params: api.jobIdSchema,
      handler(this: This, ctx: Ctx<api.JobIdParams>): Promise<{ removed: true }> {
        return api.removeJob(this, ctx, ctx.params.id);
      },
    },

    /** Internal (the orchestrator's DELETE /v1/jobs/{id}): deletes and purges; `{removed: false}` if already gone. */
    purge: {
      visibility: "public",
      params: api.jobIdSchema,
      async handler(this: This, ctx: Ctx<api.JobIdParams>): Promise<{ removed: boolean }> {
        assertInternal(ctx, "jobs.purge");
        return { removed: await purgeJob(this, ctx.params.id) };
      },
    },

    // ---- worker protocol (internal; kernel/jobs/worker-protocol.ts) ----------------------------------

    claim: {
      visibility: "public",
      params: wp.claimSchema,
      handler(this: This, ctx: Context<wp.ClaimParams>): Promise<wp.ClaimResult> {
        return wp.claimJob(this, ctx.params);
      },
    },

    progress: {
      visibility: "public",
      params: wp.progressSchema,
      handler(this: This, ctx: Context<wp.ProgressParams>): Promise<wp.HoldResult> {
        return wp.reportProgress(this, ctx.params);
      },
    },

    finish: {
      visibility: "public",
      params: wp.finishSchema,
      handler(this: This, ctx: Context<wp.FinishParams>): Promise<wp.HoldResult> {
        return wp.finishJob(this, callOf(ctx), ctx.params);
      },
    },

    deliveryFailed: {
      visibility: "public",
      params: wp.deliveryFailedSchema,
      handler(this: This, ctx: Context<wp.DeliveryFailedParams>): Promise<{ failures: number }> {
        return wp.countDeliveryFailure(this, ctx.params.id);
      },
    },

    release: {
      visibility: "public",
      params: wp.releaseSchema,
      handler(this: This, ctx: Context<wp.ReleaseParams>): Promise<{ ok: boolean }> {
        return wp.releaseJob(this, ctx.params);
      },
    },

    /** Runs the recovery and expiry sweep now (the timer calls it too). */
    recover: {
      visibility: "public",
      handler(this: This): Promise<RecoveryResult> {
        return recover(this);
      },
    },
  },

  events: {
    /** Files deleted by retention: their jobs are expired. */
    async "storage.expired"(this: This, ctx: Context<{ fileIds: string[] }>) {
      await expireJobsOfFiles(this, ctx.params.fileIds);
    },
  },

  created(this: This) {
    this.streamsReady = new Set();
    this.startedAtMs = Date.now();
  },

  async started(this: This) {
    this.startedAtMs = Date.now();
    this.Job = modelOf<JobModel>(this.db, "Job");
    await this.Job.createIndexes();
    await resultsOf(this.Job).createIndex({ jobId: 1 }); // purge and finish remove a job's result records by jobId
    await resultsOf(this.Job).createIndex({ of: 1, k: 1 }); // a big result's parts, read in order (results.ts)
    const url = config().natsUrl;
    if (url) {
      // Created before the channels middleware subscribes, like the workers' consumers (the start-up race).
      await withJetStream(url, (jsm) => ensureDeadLetterConsumer(jsm, this.broker.namespace)).catch((err: unknown) =>
        this.logger.warn(`dead-letter consumer set-up deferred to the channels adapter: ${(err as Error).message}`),
      );
      await withJetStream(url, (jsm) => ensureChangesStream(jsm, this.broker.namespace))
        .then(() => (this.changesReady = true))
        .catch((err: unknown) => this.logger.warn(`job-changes stream set-up deferred to the first publish: ${(err as Error).message}`));
    }
    // Changes a previous run wrote but never published (it was killed in between) go out as soon as the
    // channel adapter is connected (the channels middleware connects after the services started).
    void (async () => {
      for (let i = 0; i < 300 && !channelsConnected(this); i++) await sleep(100);
      const n = await drainOutbox(this);
      if (n) this.logger.info(`published ${n} job change(s) a previous run left in the outbox`);
    })().catch((err: unknown) => this.logger.warn(`outbox drain at start failed: ${(err as Error).message}`));
    this.sweeper = setInterval(() => {
      recover(this).catch((err: unknown) => this.logger.warn(`job recovery sweep failed: ${(err as Error).message}`));
    }, recoveryIntervalMs());
    this.sweeper.unref();
    const natsUrl = config().natsUrl;
    this.stopGauges = startJobGauges(
      this.Job,
      this.logger,
      natsUrl ? { namespace: this.broker.namespace, manager: () => (this.broker as unknown as { channelAdapter?: { manager?: import("nats").JetStreamManager } }).channelAdapter?.manager } : null,
    );
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
    this.stopGauges?.();
  },
};

export default JobsService;
