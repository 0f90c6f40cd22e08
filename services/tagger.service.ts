/**
 * tagger: the tag generator's API (single, batch, history) on top of the job runtime. Every document is a
 * job of the `tagging` plugin, so work spreads over all workers; this service keeps the tag generator's
 * own records (tag jobs and their documents, lib/tagger/models.ts), follows the runtime's durable job
 * changes into them (the `job-changes` channel, applied by version), repairs what a lost change or a crash
 * left behind with a reconciliation sweep (at start-up and every JOB_RECONCILE_INTERVAL_SECONDS), and
 * broadcasts `tagger.batch.event` for the batch WebSocket (lib/gateway/ws-batch.ts).
 * Logic lives in lib/tagger/*; handlers validate, call, return. See docs/tagging.md.
 */
import { Readable } from "node:stream";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../kernel/config";
import { sendBatchEnd } from "../apis/tagger/batch-send";
import { fail } from "../kernel/errors";
import type { GatewayMeta } from "../kernel/gateway/types";
import type { JobView } from "../kernel/jobs/model";
import { mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import { fetchUrl, checkUrl, UrlFetchError } from "../kernel/net/fetch-url";
import type { StoredFile } from "../kernel/storage/store";
import { checkConfig, checkExclusionCount, parseConfigJson } from "../apis/tagger/config";
import { changesChannel, ensureChangesConsumer, TAGGER_CHANGES_GROUP } from "../kernel/jobs/changes";
import { withJetStream } from "../kernel/jobs/dispatch";
import { applyChange, cancelJob, createTagJob, feed, ownJob, reconcile, pauseJob, resumeJob, statusView, watchState, type Call, type Deps, type NewRow } from "../apis/tagger/core";
import { parseCsv, resultsCsv, rowsFromDocuments, TEMPLATE_COLUMNS, templateCsv } from "../apis/tagger/csv";
import * as history from "../apis/tagger/history";
import { defineTaggerModels, type TagDocDoc, type TagDocModel, type TagJobDoc, type TagJobModel } from "../apis/tagger/models";
import { exclusionTerms, runSingle, type SingleInput } from "../apis/tagger/single";
import { mergeExclusions } from "../plugins/tagging/contract";
import { defineLearningModels, editsOf, editTags, editView, learnedView, resolveVocabulary } from "../apis/tagger/learning";
import { OnePass, PASS_OVERDUE_MS } from "../kernel/jobs/one-pass";

type This = MongoServiceThis & {
  settings: MongoServiceThis["settings"] & { batchWindow: number; allowPrivateUrls?: boolean };
  Job: TagJobModel;
  Doc: TagDocModel;
  waiters: Map<string, Set<(job: JobView) => void>>;
  sweeper?: NodeJS.Timeout;
  passes: OnePass<unknown>;
  deps(call?: Call): Deps;
  sweep(): Promise<unknown>;
  waitFor(id: string, timeoutMs: number): Promise<JobView>;
};
type Ctx<P = Record<string, unknown>> = Context<P, GatewayMeta>;

const FINAL = new Set(["completed", "failed", "cancelled", "expired"]);
const id = { type: "string", min: 1, max: 64 };
/** A client-chosen batch id: letters, digits, `.`, `_`, `-` (it appears in URLs, file names and logs). */
const clientJobId = { type: "string", pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, messages: { stringPattern: "job_id may only contain letters, digits, '.', '_' and '-' (at most 64)" } };
const page = { limit: { type: "number", integer: true, min: 1, max: 100, default: 50, convert: true }, offset: { type: "number", integer: true, min: 0, default: 0, convert: true } };

function owner(ctx: Context<unknown, GatewayMeta>): string {
  const user = ctx.meta.user;
  if (!user) fail("UNAUTHORIZED");
  return user.id;
}
const callOf = (ctx: Context<unknown, GatewayMeta>): Call => ctx.call.bind(ctx) as unknown as Call;

/**
 * `refuseLocal`: `/batch/start` refuses a batch with `local` rows outright (the caller fixes the rows and
 * starts again); the synchronous CSV batch instead fails those rows one by one, so its output sheet says
 * which rows were refused next to the tags of the others.
 */
async function startBatch(svc: This, ctx: Ctx, rows: NewRow[], rawConfig: unknown, jobId?: string, refuseLocal = true): Promise<TagJobDoc> {
  if (rows.length === 0) fail("BAD_REQUEST", "No documents provided");
  const cfg = await resolveVocabulary(svc.deps(callOf(ctx)), owner(ctx), checkConfig(parseConfigJson(rawConfig ?? {})));
  const local = rows.map((r, i) => (r.file_source_type === "local" ? i + 1 : 0)).filter(Boolean);
  if (refuseLocal && local.length) fail("BAD_REQUEST", `Local file paths are disabled on this server (rows ${local.join(", ")}); upload the files or give http(s) URLs`);
  if (jobId) {
    // A client-chosen id is the client's own name for the batch: a clash with another user's batch must
    // neither refuse this one (409 named someone else's job) nor share it, so the server picks a fresh id.
    const taken = await svc.Job.findById(jobId, { owner: 1 }).lean<{ owner: string }>();
    if (taken?.owner === owner(ctx)) fail("CONFLICT", "A job with this job_id already exists");
    if (taken) jobId = undefined;
  }
  const d = svc.deps(callOf(ctx));
  const job = await createTagJob(d, owner(ctx), "batch", cfg, rows, jobId);
  // Feeding runs outside the request: URL rows are fetched as the batch goes.
  void feed(svc.deps(), job._id).catch((err: unknown) => svc.logger.warn(`batch ${job._id}: feeding failed: ${(err as Error).message}`));
  return job;
}

/** The CSV batch's report: its end state, and why each failed row failed. */
async function csvSummary(svc: This, job: TagJobDoc) {
  const failed = await svc.Doc.find({ job_id: job._id, status: "failed" }).sort({ row: 1 }).lean<TagDocDoc[]>();
  return {
    status: job.status,
    succeeded: job.processed_count,
    failed: job.failed_count,
    errors: failed.map((d) => ({ row_number: d.row + 1, title: d.title, file_path: d.file_path, error: d.error_message })),
  };
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
        return runSingle(this.deps(callOf(ctx)), owner(ctx), ctx.params, (rid, ms) => this.waitFor(rid, ms));
      },
    },
    /** Re-runs a document of the history with other options; answers like a single call. */
    rerun: {
      params: { doc_id: id, config: { type: "any", optional: true } },
      async handler(this: This, ctx: Ctx<{ doc_id: string; config?: unknown }>) {
        const d = this.deps(callOf(ctx));
        const doc = await history.documentOf(d, owner(ctx), ctx.params.doc_id);
        if (!doc.input_file_id) fail("GONE", "The document's file is no longer stored; submit it again");
        const src = doc.file_source_type === "url" ? "url" : "upload";
        const body = await runSingle(d, owner(ctx), { inputFileId: doc.input_file_id, config: ctx.params.config ?? {}, title: doc.title, filePath: doc.file_path, sourceType: src }, (rid, ms) => this.waitFor(rid, ms));
        // jobs.create answered 201 into the shared meta; this call answers like /single/process.
        ctx.meta.$statusCode = 200;
        return body;
      },
    },
    preview: {
      visibility: "public",
      params: { url: { type: "string", min: 1, max: 4096 } },
      async handler(this: This, ctx: Ctx<{ url: string }>): Promise<Readable> {
        owner(ctx);
        try {
          const got = await fetchUrl(ctx.params.url, { ...this.deps().urlFetch, expect: "pdf" });
          return Readable.from([got.bytes]);
        } catch (err) {
          if (err instanceof UrlFetchError) fail("BAD_REQUEST", `Failed to fetch PDF: ${err.message}`, { reason: err.reason });
          throw err;
        }
      },
    },

    batchStart: {
      params: { documents: { type: "array", items: "object", max: 10000 }, config: { type: "any", optional: true }, column_mapping: { type: "object", optional: true }, job_id: { ...clientJobId, optional: true } },
      async handler(this: This, ctx: Ctx<{ documents: Record<string, unknown>[]; config?: unknown; column_mapping?: Record<string, string>; job_id?: string }>) {
        const job = await startBatch(this, ctx, rowsFromDocuments(ctx.params.documents, ctx.params.column_mapping), ctx.params.config, ctx.params.job_id);
        return { job_id: job._id, total_documents: job.total_documents, message: `Batch started with ${job.total_documents} documents` };
      },
    },
    /** Batch from PDFs uploaded in the request (the gateway stored them). */
    batchStartUploads: {
      visibility: "public",
      params: { files: { type: "array", items: "object", min: 1 }, config: { type: "any", optional: true } },
      async handler(this: This, ctx: Ctx<{ files: StoredFile[]; config?: unknown }>) {
        const rows = ctx.params.files.map((f) => ({ title: f.filename.replace(/\.pdf$/i, ""), file_path: f.filename, file_source_type: "upload" as const, input_file_id: f.id, file_size: f.size }));
        const job = await startBatch(this, ctx, rows, ctx.params.config);
        return { job_id: job._id, total_documents: job.total_documents, message: `Batch started with ${job.total_documents} documents` };
      },
    },
    /** The reference's synchronous CSV batch: starts it and answers when every row is done. */
    batchProcessCsv: {
      visibility: "public",
      params: { csvFileId: id, config: { type: "any" }, exclusionFileId: { ...id, optional: true } },
      async handler(this: This, ctx: Ctx<{ csvFileId: string; config: unknown; exclusionFileId?: string }>) {
        const d = this.deps(callOf(ctx));
        const me = owner(ctx);
        const chunks: Buffer[] = [];
        for await (const c of await d.call<Readable>("storage.get", { id: ctx.params.csvFileId, owner: me }, { timeout: 0 })) chunks.push(Buffer.from(c as Uint8Array));
        await ctx.call("storage.remove", { id: ctx.params.csvFileId }).catch(() => undefined);
        const cfg = parseConfigJson(ctx.params.config);
        if (ctx.params.exclusionFileId) {
          cfg.exclusion_words = checkExclusionCount(mergeExclusions(checkConfig(cfg).exclusion_words, await exclusionTerms(d, ctx.params.exclusionFileId, me)));
        }
        const started = Date.now();
        const job = await startBatch(this, ctx, rowsFromDocuments(parseCsv(Buffer.concat(chunks).toString("utf8")), undefined), cfg, undefined, false);
        let cur: TagJobDoc | null = job;
        while (cur && ["pending", "processing", "paused"].includes(cur.status)) {
          await new Promise((r) => setTimeout(r, 500));
          cur = await this.Job.findById(job._id).lean<TagJobDoc>();
        }
        const done = cur ?? job;
        return {
          success: done.status === "completed",
          job_id: job._id,
          total_documents: done.total_documents,
          processed_count: done.processed_count,
          failed_count: done.failed_count,
          output_csv_url: `/api/batch/jobs/${job._id}/results.csv`,
          summary_report: await csvSummary(this, done),
          processing_time: Math.round((Date.now() - started) / 10) / 100,
        };
      },
    },
    batchStatus: { params: { job_id: id }, async handler(this: This, ctx: Ctx<{ job_id: string }>) { return statusView(await ownJob(this.deps(), ctx.params.job_id, owner(ctx))); } },
    batchCancel: { params: { job_id: id }, async handler(this: This, ctx: Ctx<{ job_id: string }>) { await cancelJob(this.deps(callOf(ctx)), ctx.params.job_id, owner(ctx)); return { message: "Job cancelled" }; } },
    batchPause: { params: { job_id: id }, async handler(this: This, ctx: Ctx<{ job_id: string }>) { await pauseJob(this.deps(), ctx.params.job_id, owner(ctx)); return { message: "Job paused" }; } },
    batchResume: { params: { job_id: id }, async handler(this: This, ctx: Ctx<{ job_id: string }>) { await resumeJob(this.deps(callOf(ctx)), ctx.params.job_id, owner(ctx)); ctx.meta.$statusCode = 200; return { message: "Job resumed" }; } },
    batchActive: {
      async handler(this: This, ctx: Ctx) {
        const jobs = await this.Job.find({ owner: owner(ctx), job_type: "batch", status: { $in: ["pending", "processing", "paused"] } }).sort({ created_at: -1 }).lean<TagJobDoc[]>();
        return { jobs: jobs.map((j) => { const { results_count: _, ...v } = statusView(j); return v; }) };
      },
    },
    batchTemplate: { handler() { return { template: templateCsv(), columns: TEMPLATE_COLUMNS }; } },
    batchResultsCsv: {
      visibility: "public",
      params: { job_id: id },
      async handler(this: This, ctx: Ctx<{ job_id: string }>): Promise<string> {
        await ownJob(this.deps(), ctx.params.job_id, owner(ctx));
        return resultsCsv(await this.Doc.find({ job_id: ctx.params.job_id }).sort({ row: 1 }).lean<TagDocDoc[]>());
      },
    },
    validatePaths: {
      params: { paths: { type: "array", max: 500, items: { type: "object", props: { path: { type: "string", max: 4096 }, type: { type: "enum", values: ["url", "s3", "local"], default: "url" } } } } },
      async handler(this: This, ctx: Ctx<{ paths: Array<{ path: string; type: string }> }>) {
        owner(ctx);
        const opts = this.deps().urlFetch;
        const results = await Promise.all(
          ctx.params.paths.map(async ({ path, type }) => {
            const base = { path, valid: false, error: null as string | null, content_type: null as string | null, size: null as number | null };
            if (type === "local") return { ...base, error: "Local file paths are disabled on this server" };
            if (type === "s3") return { ...base, error: "S3 sources are not supported by this server" };
            try {
              await checkUrl(path, opts);
              const got = await fetchUrl(path, { ...opts, timeoutMs: Math.min(opts.timeoutMs, 15_000), expect: "pdf", headersOnly: true });
              return { ...base, valid: true, content_type: got.contentType || null, size: got.size ?? null };
            } catch (err) {
              return { ...base, error: err instanceof UrlFetchError ? err.message : "Could not check the URL" };
            }
          }),
        );
        const valid = results.filter((r) => r.valid).length;
        return { results, total: results.length, valid_count: valid, invalid_count: results.length - valid };
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
      const job = ctx.params.job;
      if (job.processor !== "tagging" || typeof job.meta?.tagDocId !== "string") return;
      if (FINAL.has(job.status)) for (const w of this.waiters.get(job.id) ?? []) w(job);
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
      const cfg = config().urlFetch;
      const allow = this.settings.allowPrivateUrls;
      return {
        Job: this.Job,
        Doc: this.Doc,
        call: call ?? (this.broker.call.bind(this.broker) as unknown as Call),
        broadcast: (event, payload) => void this.broker.broadcast(event, payload),
        urlFetch: { allowPrivate: allow ?? cfg.allowPrivate, timeoutMs: cfg.timeoutMs, maxBytes: cfg.maxBytes },
        window: this.settings.batchWindow,
        batchOutbox: { Job: this.Job, send: (payload) => sendBatchEnd(this.broker, payload) },
      };
    },

    /** Resolves when the runtime job ends: on its event, or a poll in case an event was missed. */
    waitFor(this: This, jobId: string, timeoutMs: number): Promise<JobView> {
      return new Promise<JobView>((resolve, reject) => {
        const set = this.waiters.get(jobId) ?? new Set();
        this.waiters.set(jobId, set);
        const done = (job: JobView) => {
          clearInterval(poll);
          clearTimeout(timer);
          set.delete(done);
          if (set.size === 0) this.waiters.delete(jobId);
          resolve(job);
        };
        set.add(done);
        const poll = setInterval(() => {
          this.broker.call<JobView, { id: string }>("jobs.get", { id: jobId }).then((j) => FINAL.has(j.status) && done(j), () => undefined);
        }, 2000);
        const timer = setTimeout(() => {
          clearInterval(poll);
          set.delete(done);
          reject(Object.assign(new Error("timeout"), { type: "SERVICE_UNAVAILABLE" }));
        }, timeoutMs);
        // The job may have ended before we subscribed.
        this.broker.call<JobView, { id: string }>("jobs.get", { id: jobId }).then((j) => FINAL.has(j.status) && done(j), () => undefined);
      }).catch((err: unknown) => {
        if ((err as { type?: string }).type === "SERVICE_UNAVAILABLE") fail("SERVICE_UNAVAILABLE", `The document was not processed within ${Math.round(timeoutMs / 60000)} minutes`);
        throw err;
      });
    },
  },

  created(this: This) {
    this.waiters = new Map();
    this.passes = new OnePass(PASS_OVERDUE_MS, (ms) => this.logger.warn(`a reconciliation pass has not settled after ${Math.round(ms / 1000)} s; starting a new one`));
  },

  async started(this: This) {
    this.Job = this.db.model("TagJob") as unknown as TagJobModel;
    this.Doc = this.db.model("TagDocument") as unknown as TagDocModel;
    const url = config().natsUrl;
    if (url) {
      // Created before the channels middleware subscribes (the start-up race, see lib/jobs/dispatch.ts).
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

export default TaggerService as unknown as ServiceSchema;
