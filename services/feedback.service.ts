/**
 * feedback: what reviewers did with each finding (apis/orchestrator/feedback/stats.ts). The orchestrator records
 * every submitted review (`record`, internal); admins read precision per label and recogniser and the
 * terms rejected again and again (`GET /v1/detection-stats`), and add such a term to the default
 * detection configuration's exclusions in one call (`POST /v1/detection-stats/exclusions`).
 *
 * Rejected terms are document text: kept only here, for REVIEW_FEEDBACK_RETENTION_DAYS (swept), shown
 * to admins only, never logged (not in errors, not in the audit log: the exclusion entry keeps the label
 * and the count).
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { Schema, type Connection, type Model } from "mongoose";
import { config } from "../kernel/config";
import { changesChannel, ensureChangesConsumer } from "../kernel/jobs/changes";
import { withJetStream } from "../kernel/jobs/dispatch";
import { validationError } from "../kernel/errors";
import { detectionStats, excludedTerms, normaliseTerm, type DetectionStats, type RecordFeedbackParams, type ReviewFeedback } from "../apis/orchestrator/feedback/stats";
import type { GatewayMeta } from "../kernel/gateway/types";
import { modelOf, mongoMixin, type MongoServiceThis, type MongoSettings } from "../kernel/mongo";
import type { ConfigBody } from "../apis/orchestrator/configs";

interface FeedbackDoc extends Omit<ReviewFeedback, "jobId"> {
  _id: string;
}

const feedbackSchema = new Schema<FeedbackDoc>(
  {
    _id: { type: String, required: true },
    reviewerId: { type: String, required: true },
    at: { type: Date, required: true },
    manualAreas: { type: Number, default: 0 },
    findings: {
      type: [{ _id: false, findingId: String, label: String, recognizer: String, accepted: Boolean, score: Number, term: { type: String, default: null }, termHash: { type: String, default: null } }],
      default: [],
    },
  },
  { versionKey: false, autoCreate: false, autoIndex: false },
);
feedbackSchema.index({ at: -1 });

function defineFeedbackModel(conn: Connection): Model<FeedbackDoc> {
  return conn.model<FeedbackDoc>("ReviewFeedback", feedbackSchema, "review_feedback");
}

interface FeedbackSettings extends MongoSettings {
  retentionDays: number;
  /** Reviews the statistics read at most (newest first). */
  maxReviews: number;
}
type This = MongoServiceThis & { settings: FeedbackSettings; Feedback: Model<FeedbackDoc>; sweeper?: NodeJS.Timeout; sweep(now: Date): Promise<number> };
type Ctx<P> = Context<P, GatewayMeta>;

/** The durable consumer group of job changes: a deleted job's review (document text) goes with it. */
export const FEEDBACK_CHANGES_GROUP = "docmill-feedback-job-changes";

/** The name of the exclusion list the one-click action maintains in the default configuration. */
export const FEEDBACK_EXCLUSION = "review-feedback";

interface ConfigView {
  id: string;
  configuration: Record<string, unknown>;
}

function dateParam(v: string | undefined, field: string): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw validationError([{ field, message: `${field} must be an ISO 8601 date or time`, kind: "date" }]);
  return d;
}

async function defaultConfiguration(ctx: Ctx<unknown>): Promise<ConfigView | null> {
  try {
    return await ctx.call<ConfigView>("orchestrator.configDefault");
  } catch (err) {
    if ((err as { type?: string }).type === "NOT_FOUND") return null;
    throw err;
  }
}

/** Findings per database write of a review's feedback (a few milliseconds of encoding each). */
const FEEDBACK_SLICE = 1000;

const FeedbackService: ServiceSchema<ServiceSettingSchema & Record<string, unknown>, object, object, This> & { channels: Record<string, unknown> } = {
  name: "feedback",
  mixins: [mongoMixin(defineFeedbackModel)],
  settings: { retentionDays: config().audit.feedbackRetentionDays, maxReviews: 20_000 },

  channels: {
    /**
     * `DELETE /v1/jobs/{id}` removes the job's files and findings; its review's rejected terms are document
     * text too, so they go as well. Durable (a feedback service down at the time applies it later); a
     * change dropped after all retries is covered by the retention sweep.
     */
    "job-changes": changesChannel(FEEDBACK_CHANGES_GROUP, async function (this: This, change) {
      if (change.status === "deleted") await this.Feedback.deleteOne({ _id: change.id });
    }),
  },

  actions: {
    /** One submitted review (from orchestrator.submitRedaction). Internal; idempotent by job id. */
    record: {
      visibility: "public",
      params: { jobId: "string", reviewerId: "string", at: "string", manualAreas: { type: "number", optional: true }, findings: { type: "array", max: 100_000 } },
      async handler(this: This, ctx: Context<RecordFeedbackParams>) {
        const p = ctx.params;
        // The schema's shape, written through the driver: mongoose casting every finding of a big review
        // into a subdocument took most of a second of the event loop per 5,000 findings (issue 14).
        const shape = (f: RecordFeedbackParams["findings"][number]) => ({
          findingId: f.findingId === undefined ? undefined : String(f.findingId),
          label: f.label === undefined ? undefined : String(f.label),
          recognizer: f.recognizer === undefined ? undefined : String(f.recognizer),
          accepted: f.accepted === undefined ? undefined : Boolean(f.accepted),
          score: f.score === undefined ? undefined : Number(f.score),
          term: f.term ?? null,
          termHash: f.termHash ?? null,
        });
        // And in slices: the driver encodes an update in one synchronous step, and one update of a
        // directory's 21,600 findings held the loop for most of a second. The first slice creates the
        // record, each further one is appended only where `filled` says the one before it is in, so a
        // retried call (idempotent by job id) finishes an interrupted record instead of doubling it.
        const col = this.Feedback.db.collection<{ _id: string }>(this.Feedback.collection.collectionName);
        const slice = (k: number) => p.findings.slice(k * FEEDBACK_SLICE, (k + 1) * FEEDBACK_SLICE).map(shape);
        await col.updateOne(
          { _id: p.jobId },
          { $setOnInsert: { reviewerId: p.reviewerId, at: new Date(p.at), manualAreas: p.manualAreas ?? 0, findings: slice(0), filled: 1 } },
          { upsert: true, ignoreUndefined: true },
        );
        for (let k = 1; k * FEEDBACK_SLICE < p.findings.length; k++) {
          await col.updateOne({ _id: p.jobId, filled: k }, { $push: { findings: { $each: slice(k) } }, $inc: { filled: 1 } } as never, { ignoreUndefined: true });
        }
        return { ok: true };
      },
    },

    /** Precision per label and recogniser, and the terms rejected in at least `minJobs` jobs. Admins. */
    stats: {
      params: {
        from: { type: "string", optional: true, max: 40 },
        to: { type: "string", optional: true, max: 40 },
        label: { type: "string", optional: true, max: 100, pattern: /^[A-Za-z0-9_.-]+$/ },
        minJobs: { type: "number", integer: true, min: 1, max: 1000, optional: true, convert: true },
        maxTerms: { type: "number", integer: true, min: 1, max: 500, optional: true, convert: true },
      },
      async handler(this: This, ctx: Ctx<{ from?: string; to?: string; label?: string; minJobs?: number; maxTerms?: number }>): Promise<DetectionStats & { defaultConfigurationId: string | null }> {
        const from = dateParam(ctx.params.from, "from");
        const to = dateParam(ctx.params.to, "to");
        if (from && to && from > to) throw validationError([{ field: "from", message: "from must not be after to", kind: "range" }]);
        const at: Record<string, Date> = {};
        if (from) at.$gte = from;
        if (to) at.$lte = to;
        const docs = await this.Feedback.find(from || to ? { at } : {}).sort({ at: -1 }).limit(this.settings.maxReviews).lean<FeedbackDoc[]>();
        const cfg = await defaultConfiguration(ctx);
        const stats = detectionStats(
          docs.map((d) => ({ jobId: d._id, reviewerId: d.reviewerId, at: new Date(d.at), manualAreas: d.manualAreas ?? 0, findings: d.findings ?? [] })),
          { excluded: excludedTerms(cfg?.configuration), minJobs: ctx.params.minJobs, maxTerms: ctx.params.maxTerms, label: ctx.params.label },
        );
        return { ...stats, defaultConfigurationId: cfg?.id ?? null };
      },
    },

    /**
     * Adds a rejected term to the default configuration's `review-feedback` exclusion list (creating a
     * default configuration when there is none). Throws VALIDATION_ERROR for a term no review rejected.
     */
    addExclusion: {
      params: { term: { type: "string", min: 1, max: 200 } },
      async handler(this: This, ctx: Ctx<{ term: string }>) {
        const term = normaliseTerm(ctx.params.term);
        if (!term) throw validationError([{ field: "term", message: "term must not be blank", kind: "stringMin" }]);
        const docs = await this.Feedback.find({ "findings.term": term }, { findings: 1 }).limit(this.settings.maxReviews).lean<FeedbackDoc[]>();
        const rejected = docs.flatMap((d) => d.findings.filter((f) => !f.accepted && f.term === term));
        // Not echoing the term: error bodies can end up in client logs.
        if (!rejected.length) throw validationError([{ field: "term", message: "No review rejected this term: only rejected terms can be added here", kind: "unknown" }]);
        const labels = new Map<string, number>();
        for (const f of rejected) labels.set(f.label, (labels.get(f.label) ?? 0) + 1);
        const label = [...labels.entries()].sort((a, b) => b[1] - a[1])[0]![0];
        const cfg = await defaultConfiguration(ctx);
        const entry = { name: FEEDBACK_EXCLUSION, excludedKeywords: [term], partialMatch: false };
        let configurationId: string;
        let alreadyExcluded = false;
        if (!cfg) {
          const created = await ctx.call<ConfigView, Record<string, unknown>>("orchestrator.configCreate", {
            name: "Default", description: "Created by the review feedback exclusions", isDefault: true, configuration: { keywordExclusions: [entry] },
          });
          configurationId = created.id;
        } else {
          configurationId = cfg.id;
          alreadyExcluded = excludedTerms(cfg.configuration).has(term);
          if (!alreadyExcluded) {
            const list = Array.isArray(cfg.configuration.keywordExclusions) ? [...(cfg.configuration.keywordExclusions as Array<{ name: string; excludedKeywords: string[] }>)] : [];
            const i = list.findIndex((e) => e?.name === FEEDBACK_EXCLUSION);
            if (i >= 0) list[i] = { ...list[i]!, excludedKeywords: [...list[i]!.excludedKeywords, term] };
            else list.push(entry);
            await ctx.call<ConfigView, ConfigBody & { id: string }>("orchestrator.configUpdate", { id: cfg.id, configuration: { ...cfg.configuration, keywordExclusions: list } });
          }
        }
        // configCreate set 201 on the shared meta: this answer is about the term, not a new resource.
        ctx.meta.$statusCode = 200;
        return { configurationId, label, rejections: rejected.length, createdConfiguration: !cfg, alreadyExcluded };
      },
    },

    /** Deletes feedback older than the retention; `now` for tests and operators. Internal. */
    sweep: {
      visibility: "public",
      params: { now: { type: "string", optional: true } },
      handler(this: This, ctx: Context<{ now?: string }>): Promise<number> {
        return this.sweep(ctx.params.now ? new Date(ctx.params.now) : new Date());
      },
    },
  },

  methods: {
    async sweep(this: This, now: Date): Promise<number> {
      const r = await this.Feedback.deleteMany({ at: { $lt: new Date(now.getTime() - this.settings.retentionDays * 86400_000) } });
      return r.deletedCount ?? 0;
    },
  },

  async started(this: This) {
    this.Feedback = modelOf<Model<FeedbackDoc>>(this.db, "ReviewFeedback");
    await this.Feedback.createIndexes();
    const natsUrl = config().natsUrl;
    if (natsUrl) {
      // The consumer exists before the channels middleware subscribes (the start-up race, kernel/jobs/dispatch.ts).
      await withJetStream(natsUrl, (jsm) => ensureChangesConsumer(jsm, this.broker.namespace, FEEDBACK_CHANGES_GROUP)).catch((err: unknown) =>
        this.logger.warn(`feedback's job-changes consumer set-up deferred to the channels adapter: ${(err as Error).message}`),
      );
    }
    this.sweeper = setInterval(() => {
      this.sweep(new Date()).catch((err: unknown) => this.logger.warn(`review feedback retention sweep failed: ${(err as Error).message}`));
    }, config().audit.sweepIntervalSeconds * 1000);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default FeedbackService;
