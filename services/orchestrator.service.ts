/**
 * orchestrator: the Smart Redact Orchestrator's jobs API (smart-redact-api.md §2-5) on top of the job
 * runtime. A Smart Redact job is a runtime job of the `redaction` plugin; this service keeps its own
 * record per job (apis/orchestrator/records.ts: creator, reviewer, wire status, verification, kept in
 * step with the runtime), answers the jobs API (apis/orchestrator/jobs.ts) and owns the detection
 * configurations (apis/orchestrator/configs.ts). This file only wires actions to those functions.
 *
 * Visibility: a user sees the jobs they created (with a bearer token or an API key of theirs); admins see
 * every job. Someone else's job answers 404.
 */
import { orchestratorAudited } from "../apis/orchestrator/audit";
import { registerAudited } from "../kernel/audit/catalog";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { callOf } from "../kernel/call";
import { config } from "../kernel/config";
import { changesChannel, ensureChangesConsumer } from "../kernel/jobs/changes";
import { withJetStream } from "../kernel/jobs/dispatch";
import type { GatewayMeta } from "../kernel/gateway/types";
import { modelOf, mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import * as C from "../apis/orchestrator/configs";
import * as J from "../apis/orchestrator/jobs";
import { defineOrchestratorModels, toConfigurationView, type DetectionConfigurationModel, type JobResponse, type OrchestratorJobModel } from "../apis/orchestrator/model";
import { applyChange, ORCHESTRATOR_CHANGES_GROUP, reconcile, userOf, type OrchestratorHost, type ReconcileResult } from "../apis/orchestrator/records";
import { resumeLostReviews } from "../apis/orchestrator/lost-reviews";
import { OnePass, PASS_OVERDUE_MS } from "../kernel/jobs/one-pass";

// The orchestrator's audited actions (kernel/audit): registered before the broker wraps the actions.
registerAudited(orchestratorAudited);

type This = MongoServiceThis &
  OrchestratorHost & {
    Job: OrchestratorJobModel;
    Config: DetectionConfigurationModel;
    sweeper?: NodeJS.Timeout;
  };

type Ctx<P = Record<string, unknown>> = Context<P, GatewayMeta>;

const OrchestratorService: ServiceSchema<ServiceSettingSchema, object, object, This> & { channels: Record<string, unknown> } = {
  name: "orchestrator",
  mixins: [mongoMixin(defineOrchestratorModels)],

  channels: {
    /** Runtime job changes of our jobs, one orchestrator instance per change, acked once applied. */
    "job-changes": changesChannel(ORCHESTRATOR_CHANGES_GROUP, function (this: This, change) {
      return applyChange(this, change);
    }),
  },

  actions: {
    /** Runs one reconciliation pass now (the timer runs it too); internal, for operators and tests. */
    reconcile: {
      visibility: "public",
      async handler(this: This): Promise<ReconcileResult & { reviewsHandedOver: number }> {
        return { ...(await reconcile(this)), reviewsHandedOver: await resumeLostReviews(this) };
      },
    },

    /** Creates the job for an uploaded file. Throws PDF_INVALID / PDF_ENCRYPTED (400), VALIDATION_ERROR, SERVICE_UNAVAILABLE. */
    createJob: {
      visibility: "public",
      params: J.createJobSchema,
      handler(this: This, ctx: Ctx<J.CreateJobBody>): Promise<JobResponse> {
        return J.createJob(this, ctx, callOf(ctx), ctx.params);
      },
    },

    list: {
      params: J.listJobsSchema,
      handler(this: This, ctx: Ctx<J.ListJobsParams>): Promise<J.JobPage> {
        return J.listJobs(this, ctx, ctx.params);
      },
    },

    get: {
      params: J.jobIdSchema,
      handler(this: This, ctx: Ctx<{ id: string }>): Promise<JobResponse> {
        return J.getJob(this, ctx, ctx.params.id);
      },
    },

    /** The reviewer's list: 202 with the job. Throws JOB_STATE_CONFLICT (409) outside readyForReview, VALIDATION_ERROR (400). */
    submitRedaction: {
      params: J.jobIdSchema,
      async handler(this: This, ctx: Ctx<{ id: string } & Record<string, unknown>>): Promise<JobResponse> {
        const job = await J.submitRedaction(this, ctx, ctx.params);
        ctx.meta.$statusCode = 202;
        return job;
      },
    },

    /** Stops the job's detection or redaction; 200 with the job, `cancelled`. Throws NOT_FOUND, JOB_STATE_CONFLICT. */
    cancelJob: {
      params: J.jobIdSchema,
      handler(this: This, ctx: Ctx<{ id: string }>): Promise<JobResponse> {
        return J.cancelJob(this, ctx, ctx.params.id);
      },
    },

    /** Deletes the job, every file of it and its findings; 204, then 404. Throws NOT_FOUND. */
    deleteJob: {
      params: J.jobIdSchema,
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<null> {
        await J.deleteJob(this, ctx, ctx.params.id);
        ctx.meta.$statusCode = 204;
        return null;
      },
    },

    /** Which stored file a download of `fileType` serves. Throws NOT_FOUND, GONE (410), FILE_NOT_READY (409). */
    fileOf: {
      visibility: "public",
      params: J.fileOfSchema,
      handler(this: This, ctx: Ctx<J.FileOfParams>): Promise<J.FileRef> {
        return J.fileOf(this, ctx, ctx.params);
      },
    },

    configList: {
      handler(this: This) {
        return C.listConfigurations(this.Config);
      },
    },
    configDefault: {
      handler(this: This) {
        return C.getDefault(this.Config);
      },
    },
    configGet: {
      params: { id: "string" },
      async handler(this: This, ctx: Ctx<{ id: string }>) {
        return toConfigurationView(await C.getConfiguration(this.Config, ctx.params.id));
      },
    },
    configCreate: {
      params: C.configCreateSchema,
      handler(this: This, ctx: Ctx<C.ConfigBody>) {
        ctx.meta.$statusCode = 201;
        return C.createConfiguration(this.Config, ctx.params, userOf(ctx).id);
      },
    },
    configUpdate: {
      params: C.configUpdateSchema,
      handler(this: This, ctx: Ctx<C.ConfigBody & { id: string }>) {
        return C.updateConfiguration(this.Config, ctx.params.id, ctx.params);
      },
    },
    configSetDefault: {
      params: { id: "string" },
      handler(this: This, ctx: Ctx<{ id: string }>) {
        return C.setDefault(this.Config, ctx.params.id);
      },
    },
    configDelete: {
      params: { id: "string" },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<null> {
        await C.deleteConfiguration(this.Config, ctx.params.id);
        ctx.meta.$statusCode = 204;
        return null;
      },
    },
  },

  created(this: This) {
    this.passes = new OnePass(PASS_OVERDUE_MS, (ms) => this.logger.warn(`a reconciliation pass has not settled after ${Math.round(ms / 1000)} s; starting a new one`));
  },

  async started(this: This) {
    this.Job = modelOf<OrchestratorJobModel>(this.db, "OrchestratorJob");
    this.Config = modelOf<DetectionConfigurationModel>(this.db, "DetectionConfiguration");
    const url = config().natsUrl;
    if (url) {
      // Created before the channels middleware subscribes (the start-up race, see kernel/jobs/dispatch.ts).
      await withJetStream(url, (jsm) => ensureChangesConsumer(jsm, this.broker.namespace, ORCHESTRATOR_CHANGES_GROUP)).catch((err: unknown) =>
        this.logger.warn(`job-changes consumer set-up deferred to the channels adapter: ${(err as Error).message}`),
      );
    }
    const tick = () =>
      void reconcile(this)
        .then(() => resumeLostReviews(this))
        .catch((err: unknown) => this.logger.warn(`reconciliation failed: ${(err as Error).message}`));
    void this.broker.waitForServices(["jobs"], 60_000).then(tick, () => undefined);
    this.sweeper = setInterval(tick, config().jobs.reconcileIntervalSeconds * 1000);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default OrchestratorService;
