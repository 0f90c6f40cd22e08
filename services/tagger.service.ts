/**
 * tagger: the tag generator's API (single, batch, history) on top of the job runtime. Every document is a
 * job of the `tagging` plugin, so work spreads over all workers; this service keeps the tag generator's
 * own records (tag jobs and their documents, apis/tagger/models.ts), follows the runtime's durable job
 * changes into them (the `job-changes` channel, applied by version), repairs what a lost change or a crash
 * left behind with a reconciliation sweep (at start-up and every JOB_RECONCILE_INTERVAL_SECONDS), and
 * broadcasts `tagger.batch.event` for the batch WebSocket (apis/tagger/ws-batch.ts).
 * Logic lives in apis/tagger/*; handlers validate, call, return. See docs/tagging.md.
 */
import { taggerAudited } from "../apis/tagger/audit";
import { registerAudited } from "../kernel/audit/catalog";
import type { Readable } from "node:stream";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { callOf } from "../kernel/call";
import { config } from "../kernel/config";
import { taggerDeps } from "../apis/tagger/deps";
import * as B from "../apis/tagger/batches";
import { fail } from "../kernel/errors";
import type { GatewayMeta } from "../kernel/gateway/types";
import type { JobView } from "../kernel/jobs/model";
import { modelOf, mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import { changesChannel, ensureChangesConsumer } from "../kernel/jobs/changes";
import { withJetStream } from "../kernel/jobs/dispatch";
import { applyChange, TAGGER_CHANGES_GROUP, cancelJob, ownJob, reconcile, pauseJob, resumeJob, statusView, watchState, type Call, type Deps } from "../apis/tagger/core";
import { resultsCsv, templateView } from "../apis/tagger/csv";
import * as history from "../apis/tagger/history";
import { defineTaggerModels, type TagDocDoc, type TagDocModel, type TagJobModel } from "../apis/tagger/models";
import { runSingle, type SingleInput } from "../apis/tagger/single";
import { defineLearningModels, editsOf, editTags, editView, learnedView } from "../apis/tagger/learning";
import { JobWaiters } from "../apis/tagger/waiters";
import { OnePass, PASS_OVERDUE_MS } from "../kernel/jobs/one-pass";

// The tag generator's audited actions (kernel/audit): registered before the broker wraps the actions.
registerAudited(taggerAudited);

type This = MongoServiceThis & {
  settings: MongoServiceThis["settings"] & { batchWindow: number; allowPrivateUrls?: boolean };
  Job: TagJobModel;
  Doc: TagDocModel;
  waiters: JobWaiters;
  sweeper?: NodeJS.Timeout;
  passes: OnePass<unknown>;
  deps(call?: Call): Deps;
  batchDeps(ctx: Context): B.BatchDeps;
  sweep(): Promise<unknown>;
};
type Ctx<P = Record<string, unknown>> = Context<P, GatewayMeta>;

const id = B.idSchema();
const page = { limit: { type: "number", integer: true, min: 1, max: 100, default: 50, convert: true }, offset: { type: "number", integer: true, min: 0, default: 0, convert: true } };

function owner(ctx: Context<unknown, GatewayMeta>): string {
  const user = ctx.meta.user;
  if (!user) fail("UNAUTHORIZED");
  return user.id;
}

interface Settings extends ServiceSettingSchema {
  batchWindow: number;
  allowPrivateUrls?: boolean;
}

const TaggerService: ServiceSchema<Settings, object, object, This> & { channels: Record<string, unknown> } = {
  name: "tagger",
  mixins: [mongoMixin((conn) => (defineTaggerModels(conn), defineLearningModels(conn)))],
  settings: {
    /** Documents of one batch on the runtime at once. */
    batchWindow: 8,
    /** Overrides URL_FETCH_ALLOW_PRIVATE (tests that fetch from a local server). */
    allowPrivateUrls: undefined,
  },

  channels: {
    /** Runtime job changes of the tagging plugin, one tagger instance per change, acked once applied. */
    "job-changes": changesChannel(TAGGER_CHANGES_GROUP, function (this: This, change) {
      return applyChange(this.deps(), change);
    }),
  },

  actions: {
    /** Runs one reconciliation pass now (the timer runs it too); internal, for operators and tests. */
    reconcile: {
      visibility: "public",
      handler(this: This) {
        return this.sweep();
      },
    },
    single: {
      visibility: "public",
      params: { inputFileId: { ...id, optional: true }, pdfUrl: { type: "string", optional: true, max: 4096 }, config: { type: "any" }, exclusionFileId: { ...id, optional: true } },
      handler(this: This, ctx: Ctx<SingleInput>) {
        return runSingle(this.deps(callOf(ctx)), owner(ctx), ctx.params, (rid, ms) => this.waiters.waitFor(rid, ms));
      },
    },
    /** Re-runs a document of the history with other options; answers like a single call. */
    rerun: {
      params: { doc_id: id, config: { type: "any", optional: true } },
      async handler(this: This, ctx: Ctx<{ doc_id: string; config?: unknown }>) {
        const d = this.deps(callOf(ctx));
        const doc = await history.documentOf(d, owner(ctx), ctx.params.doc_id);
        if (!doc.input_file_id) fail("GONE", "The document's file is no longer stored; submit it again");
        const src: SingleInput["sourceType"] = doc.file_source_type === "url" ? "url" : "upload";
        const input = { inputFileId: doc.input_file_id, config: ctx.params.config ?? {}, title: doc.title, filePath: doc.file_path, sourceType: src };
        const body = await runSingle(d, owner(ctx), input, (rid, ms) => this.waiters.waitFor(rid, ms));
        // jobs.create answered 201 into the shared meta; this call answers like /single/process.
        ctx.meta.$statusCode = 200;
        return body;
      },
    },
    preview: {
      visibility: "public",
      params: B.previewSchema,
      handler(this: This, ctx: Ctx<{ url: string }>): Promise<Readable> {
        owner(ctx);
        return B.previewUrl(this.deps(), ctx.params.url);
      },
    },

    batchStart: {
      params: B.batchStartSchema,
      handler(this: This, ctx: Ctx<B.BatchStartParams>) {
        return B.startJsonBatch(this.batchDeps(ctx), owner(ctx), ctx.params);
      },
    },
    /** Batch from PDFs uploaded in the request (the gateway stored them). */
    batchStartUploads: {
      visibility: "public",
      params: B.batchStartUploadsSchema,
      handler(this: This, ctx: Ctx<B.BatchStartUploadsParams>) {
        return B.startUploadBatch(this.batchDeps(ctx), owner(ctx), ctx.params);
      },
    },
    /** The reference's synchronous CSV batch: starts it and answers when every row is done. */
    batchProcessCsv: {
      visibility: "public",
      params: B.batchProcessCsvSchema,
      handler(this: This, ctx: Ctx<B.BatchProcessCsvParams>) {
        return B.processCsvBatch(this.batchDeps(ctx), owner(ctx), ctx.params);
      },
    },
    batchStatus: { params: { job_id: id }, async handler(this: This, ctx: Ctx<{ job_id: string }>) { return statusView(await ownJob(this.deps(), ctx.params.job_id, owner(ctx))); } },
    batchCancel: { params: { job_id: id }, async handler(this: This, ctx: Ctx<{ job_id: string }>) { await cancelJob(this.deps(callOf(ctx)), ctx.params.job_id, owner(ctx)); return { message: "Job cancelled" }; } },
    batchPause: { params: { job_id: id }, async handler(this: This, ctx: Ctx<{ job_id: string }>) { await pauseJob(this.deps(), ctx.params.job_id, owner(ctx)); return { message: "Job paused" }; } },
    batchResume: { params: { job_id: id }, async handler(this: This, ctx: Ctx<{ job_id: string }>) { await resumeJob(this.deps(callOf(ctx)), ctx.params.job_id, owner(ctx)); ctx.meta.$statusCode = 200; return { message: "Job resumed" }; } },
    batchActive: { handler(this: This, ctx: Ctx) { return B.activeBatches(this.deps(), owner(ctx)); } },
    batchTemplate: { handler: templateView },
    batchResultsCsv: {
      visibility: "public",
      params: { job_id: id },
      async handler(this: This, ctx: Ctx<{ job_id: string }>): Promise<string> {
        await ownJob(this.deps(), ctx.params.job_id, owner(ctx));
        return resultsCsv(await this.Doc.find({ job_id: ctx.params.job_id }).sort({ row: 1 }).lean<TagDocDoc[]>());
      },
    },
    validatePaths: {
      params: B.validatePathsSchema,
      handler(this: This, ctx: Ctx<B.ValidatePathsParams>) {
        owner(ctx);
        return B.validatePaths(this.deps(), ctx.params);
      },
    },
    /** The batch WebSocket's catch-up (the gateway checked the token; ownership is checked here). */
    batchWatch: {
      visibility: "public",
      params: { job_id: id, owner: { type: "string" } },
      handler(this: This, ctx: Context<{ job_id: string; owner: string }>) {
        return watchState(this.deps(), ctx.params.job_id, ctx.params.owner);
      },
    },

    historyJobs: { params: { ...page, status: { type: "string", optional: true } }, handler(this: This, ctx: Ctx<{ limit: number; offset: number; status?: string }>) { return history.listJobs(this.deps(), owner(ctx), ctx.params); } },
    historyJob: { params: { job_id: id }, handler(this: This, ctx: Ctx<{ job_id: string }>) { return history.jobDetail(this.deps(), owner(ctx), ctx.params.job_id); } },
    historyDeleteJob: { params: { job_id: id }, handler(this: This, ctx: Ctx<{ job_id: string }>) { return history.deleteJob(this.deps(callOf(ctx)), owner(ctx), ctx.params.job_id); } },
    historyDocuments: { params: { ...page, status: { type: "string", optional: true } }, handler(this: This, ctx: Ctx<{ limit: number; offset: number; status?: string }>) { return history.listDocuments(this.deps(), owner(ctx), ctx.params); } },
    historySearch: { params: { query: { type: "string", max: 200 }, limit: page.limit }, handler(this: This, ctx: Ctx<{ query: string; limit: number }>) { return history.searchDocuments(this.deps(), owner(ctx), ctx.params); } },
    historyDocument: {
      params: { doc_id: id },
      async handler(this: This, ctx: Ctx<{ doc_id: string }>) {
        const doc = await history.getDocument(this.deps(), owner(ctx), ctx.params.doc_id);
        return { ...doc, tag_edits: await editsOf(this.deps(), doc.id) };
      },
    },
    /** Learning from edits: the user's own tags for a document; stored, counted, offered to the curator. */
    historyEditTags: {
      params: { doc_id: id, tags: { type: "array", max: 200, items: "string" } },
      async handler(this: This, ctx: Ctx<{ doc_id: string; tags: string[] }>) {
        const d = this.deps(callOf(ctx));
        const { document, edit } = await editTags(d, owner(ctx), ctx.params.doc_id, ctx.params.tags);
        const doc = await history.getDocument(d, owner(ctx), document._id);
        return { ...doc, edit: edit ? editView(edit) : null, tag_edits: await editsOf(d, document._id) };
      },
    },
    historyLearned: { handler(this: This, ctx: Ctx) { return learnedView(this.deps(), owner(ctx)); } },
    historyStats: { handler(this: This, ctx: Ctx) { return history.stats(this.deps(), owner(ctx)); } },
  },

  events: {
    /**
     * The live broadcast only wakes single calls waiting on this node (they also poll); the records follow
     * the durable changes above.
     */
    "job.updated"(this: This, ctx: Context<{ job: JobView }>) {
      this.waiters.notify(ctx.params.job);
    },
  },

  methods: {
    /** One reconciliation pass at a time per instance; a pass stuck past 2 minutes no longer blocks the next. */
    sweep(this: This) {
      return this.passes.run(() =>
        reconcile(this.deps()).then((r) => {
          if (r.repaired || r.recounted) this.logger.info(`reconciliation: ${r.repaired} document(s) repaired, ${r.recounted} job count(s) corrected`);
          return r;
        }),
      );
    },

    deps(this: This, call?: Call): Deps {
      return taggerDeps(this, call);
    },

    /** A batch start's deps: this request's calls, and broker calls for the feeding that outlives it. */
    batchDeps(this: This, ctx: Context): B.BatchDeps {
      return { request: this.deps(callOf(ctx)), background: this.deps(), logger: this.logger };
    },
  },

  created(this: This) {
    this.waiters = new JobWaiters(this.broker);
    this.passes = new OnePass(PASS_OVERDUE_MS, (ms) => this.logger.warn(`a reconciliation pass has not settled after ${Math.round(ms / 1000)} s; starting a new one`));
  },

  async started(this: This) {
    this.Job = modelOf<TagJobModel>(this.db, "TagJob");
    this.Doc = modelOf<TagDocModel>(this.db, "TagDocument");
    const url = config().natsUrl;
    if (url) {
      // Created before the channels middleware subscribes (the start-up race, see kernel/jobs/dispatch.ts).
      await withJetStream(url, (jsm) => ensureChangesConsumer(jsm, this.broker.namespace, TAGGER_CHANGES_GROUP)).catch((err: unknown) =>
        this.logger.warn(`job-changes consumer set-up deferred to the channels adapter: ${(err as Error).message}`),
      );
    }
    const every = config().jobs.reconcileIntervalSeconds * 1000;
    const tick = () => void this.sweep().catch((err: unknown) => this.logger.warn(`reconciliation failed: ${(err as Error).message}`));
    // The start-up pass waits for the runtime (jobs service) to be reachable; then every interval.
    void this.broker.waitForServices(["jobs"], 60_000).then(tick, () => undefined);
    this.sweeper = setInterval(tick, every);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default TaggerService;
