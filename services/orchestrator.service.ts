/**
 * orchestrator: the Smart Redact Orchestrator's jobs API (smart-redact-api.md §2-5) on top of the job
 * runtime. A Smart Redact job is a runtime job of the `redaction` plugin; this service keeps its own
 * record per job (creator, reviewer, wire status, verification), in step with the runtime through the
 * durable job changes (the `job-changes` channel), a refresh on every read and a reconciliation sweep of
 * the records not yet final (at start-up and every JOB_RECONCILE_INTERVAL_SECONDS), and owns the
 * detection configurations.
 *
 * Visibility: a user sees the jobs they created (with a bearer token or an API key of theirs); admins see
 * every job. Someone else's job answers 404.
 */
import type { Readable } from "node:stream";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../kernel/config";
import { fail, isErrorType, validationError } from "../kernel/errors";
import { changesChannel, ensureChangesConsumer, ORCHESTRATOR_CHANGES_GROUP, type JobChange } from "../kernel/jobs/changes";
import { withJetStream } from "../kernel/jobs/dispatch";
import type { GatewayMeta, Principal } from "../kernel/gateway/types";
import type { JobView } from "../kernel/jobs/model";
import { mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import * as C from "../apis/orchestrator/configs";
import {
  defineOrchestratorModels, toConfigurationView, toJobResponse,
  type DetectionConfigurationDoc, type DetectionConfigurationModel, type JobResponse, type OrchestratorJobDoc, type OrchestratorJobModel,
} from "../apis/orchestrator/model";
import { assertReadablePdf, scanPdf } from "../apis/orchestrator/pdf-check";
import { planReview, type DetectionView } from "../apis/orchestrator/review";
import { parseWireStatus, TERMINAL } from "../apis/orchestrator/status";
import { FILE_TYPES, isFileType, syncedFields } from "../apis/orchestrator/sync";
import type { StoredFile } from "../kernel/storage/store";
import { MANUAL_LABEL } from "../plugins/redaction/contract";
import { OnePass, PASS_OVERDUE_MS } from "../kernel/jobs/one-pass";
import { recordReviewFeedback } from "../apis/orchestrator/feedback/record";

type This = MongoServiceThis & {
  Job: OrchestratorJobModel;
  Config: DetectionConfigurationModel;
  visible(ctx: Context<unknown, GatewayMeta>, id: string): Promise<OrchestratorJobDoc>;
  refresh(id: string): Promise<{ rec: OrchestratorJobDoc; view: JobView }>;
  sync(view: JobView): Promise<OrchestratorJobDoc | null>;
  applyChange(change: JobChange): Promise<void>;
  reconcile(): Promise<{ checked: number; repaired: number }>;
  sweeper?: NodeJS.Timeout;
  passes: OnePass<{ checked: number; repaired: number }>;
};

/** Runtime statuses after which a record changes no more (but for expiry, which the read path applies). */
const SETTLED = new Set(["completed", "failed", "cancelled", "expired"]);
type Ctx<P = Record<string, unknown>> = Context<P, GatewayMeta>;
type Call = <T>(action: string, params?: unknown, opts?: Record<string, unknown>) => Promise<T>;

function userOf(ctx: Context<unknown, GatewayMeta>): Principal {
  const u = ctx.meta.user;
  if (!u) fail("UNAUTHORIZED");
  return u;
}

const OCR_LANGS: Record<string, string> = { en: "eng", de: "deu", fr: "fra", es: "spa" };

/** Tesseract languages for the detection languages asked for (English always, it is the fallback). */
function ocrLanguagesFor(languages: unknown): string[] {
  const list = Array.isArray(languages) ? languages : [];
  return [...new Set(["eng", ...list.map((l) => OCR_LANGS[String(l)]).filter((l): l is string => Boolean(l))])];
}

function parseJsonObject(raw: string | undefined, field: string): Record<string, unknown> | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw validationError([{ field, message: `${field} must be a JSON object`, kind: "json" }]);
}

interface ListParams {
  status?: string;
  pageSize: number;
  cursor?: string;
  createdBy?: string;
  reviewedBy?: string;
  sortBy?: string;
  sortDirection?: string;
}

const OrchestratorService: ServiceSchema<ServiceSettingSchema, object, object, This> & { channels: Record<string, unknown> } = {
  name: "orchestrator",
  mixins: [mongoMixin(defineOrchestratorModels)],

  channels: {
    /** Runtime job changes of our jobs, one orchestrator instance per change, acked once applied. */
    "job-changes": changesChannel(ORCHESTRATOR_CHANGES_GROUP, function (this: This, change) {
      return this.applyChange(change);
    }),
  },

  actions: {
    /** Runs one reconciliation pass now (the timer runs it too); internal, for operators and tests. */
    reconcile: {
      visibility: "public",
      handler(this: This) {
        return this.reconcile();
      },
    },

    /** Creates the job for an uploaded file. Throws PDF_INVALID / PDF_ENCRYPTED (400), VALIDATION_ERROR, SERVICE_UNAVAILABLE. */
    createJob: {
      visibility: "public",
      params: { fileId: "string", fields: { type: "object", optional: true } },
      async handler(this: This, ctx: Ctx<{ fileId: string; fields?: Record<string, string> }>): Promise<JobResponse> {
        const user = userOf(ctx);
        const fields = ctx.params.fields ?? {};
        const call = ctx.call.bind(ctx) as unknown as Call;
        const file = await call<StoredFile>("storage.stat", { id: ctx.params.fileId, owner: user.id });
        assertReadablePdf(await scanPdf(await call<Readable>("storage.get", { id: file.id, owner: user.id }, { timeout: 0 })));
        const override = parseJsonObject(fields.detectionConfiguration, "detectionConfiguration");
        const configurationId = fields.configurationId?.trim() || null;
        let base: DetectionConfigurationDoc | null;
        if (configurationId) {
          base = await this.Config.findById(configurationId).lean<DetectionConfigurationDoc>();
          if (!base) throw validationError([{ field: "configurationId", message: `Unknown detection configuration "${configurationId}"`, kind: "unknown" }]);
        } else base = await C.findDefault(this.Config);
        const detection = C.mergeConfigurations(base?.configuration, override);
        C.checkConfiguration(detection, override ? "detectionConfiguration" : "configurationId");
        const externalId = fields.externalId?.slice(0, 200) || null;
        let view: JobView;
        try {
          view = await call<JobView>("jobs.create", {
            processor: "redaction",
            inputFileId: file.id,
            // `searchable=false` leaves rebuilt pages without the invisible text layer.
            options: { detection, ocrLanguages: ocrLanguagesFor(detection.languages), searchable: !/^(false|0|no)$/i.test(fields.searchable ?? "") },
            meta: { api: "orchestrator", ...(externalId ? { externalId } : {}) },
          });
        } catch (err) {
          if (isErrorType(err, "VALIDATION_ERROR") && JSON.stringify((err as { data?: unknown }).data ?? "").includes("processor")) {
            fail("SERVICE_UNAVAILABLE", "No redaction worker is running; try again later");
          }
          throw err;
        }
        const now = new Date();
        await this.Job.create({
          _id: view.id,
          createdBy: user.id,
          reviewedBy: null,
          reviewedAt: null,
          fileName: file.filename,
          externalId,
          configurationId: configurationId ?? base?._id ?? null,
          createdAt: new Date(view.createdAt),
          ...syncedFields(view, false),
          seq: -1,
          updatedAt: now,
        });
        // Events of the first moments may have come before the record existed: catch up once.
        return toJobResponse((await this.refresh(view.id)).rec);
      },
    },

    list: {
      params: {
        status: { type: "string", optional: true },
        pageSize: { type: "number", integer: true, min: 1, max: 100, default: 20, convert: true },
        cursor: { type: "string", optional: true, max: 500 },
        createdBy: { type: "string", optional: true },
        reviewedBy: { type: "string", optional: true },
        sortBy: { type: "string", optional: true },
        sortDirection: { type: "string", optional: true },
      },
      async handler(this: This, ctx: Ctx<ListParams>): Promise<{ items: JobResponse[]; nextCursor: string | null }> {
        const user = userOf(ctx);
        const p = ctx.params;
        const filter: Record<string, unknown> = {};
        if (!user.isAdmin) filter.createdBy = user.id;
        if (p.createdBy && (user.isAdmin || p.createdBy === user.id)) filter.createdBy = p.createdBy;
        else if (p.createdBy) return { items: [], nextCursor: null };
        if (p.reviewedBy) filter.reviewedBy = p.reviewedBy;
        if (p.status) {
          const statuses = p.status.split(",").map((s) => {
            const w = parseWireStatus(s);
            if (!w) throw validationError([{ field: "status", message: `Unknown status "${s}"`, kind: "enum" }]);
            return w;
          });
          filter.status = { $in: statuses };
        }
        if (p.sortBy && !/^createdat$/i.test(p.sortBy)) throw validationError([{ field: "sortBy", message: "sortBy must be CreatedAt", kind: "enum" }]);
        const dir = (p.sortDirection ?? "desc").toLowerCase();
        if (dir !== "asc" && dir !== "desc") throw validationError([{ field: "sortDirection", message: "sortDirection must be Asc or Desc", kind: "enum" }]);
        const asc = dir === "asc";
        let query: Record<string, unknown> = filter;
        if (p.cursor) {
          let c: { t: number; id: string };
          try {
            c = JSON.parse(Buffer.from(p.cursor, "base64url").toString()) as { t: number; id: string };
            if (typeof c.t !== "number" || typeof c.id !== "string") throw new Error("shape");
          } catch {
            throw validationError([{ field: "cursor", message: "Invalid cursor: pass nextCursor of the previous page", kind: "string" }]);
          }
          const at = new Date(c.t);
          const op = asc ? "$gt" : "$lt";
          query = { $and: [filter, { $or: [{ createdAt: { [op]: at } }, { createdAt: at, _id: { [op]: c.id } }] }] };
        }
        const docs = await this.Job.find(query).sort({ createdAt: asc ? 1 : -1, _id: asc ? 1 : -1 }).limit(p.pageSize + 1).lean<OrchestratorJobDoc[]>();
        const page = docs.slice(0, p.pageSize);
        const last = page[page.length - 1];
        const nextCursor = docs.length > p.pageSize && last ? Buffer.from(JSON.stringify({ t: new Date(last.createdAt).getTime(), id: last._id })).toString("base64url") : null;
        return { items: page.map(toJobResponse), nextCursor };
      },
    },

    get: {
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<JobResponse> {
        await this.visible(ctx, ctx.params.id);
        return toJobResponse((await this.refresh(ctx.params.id)).rec);
      },
    },

    /** The reviewer's list. Throws JOB_STATE_CONFLICT (409) outside readyForReview, VALIDATION_ERROR (400) naming the field. */
    submitRedaction: {
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string } & Record<string, unknown>>): Promise<JobResponse> {
        const user = userOf(ctx);
        await this.visible(ctx, ctx.params.id);
        const { rec, view } = await this.refresh(ctx.params.id);
        const conflict = (status: string) =>
          fail("JOB_STATE_CONFLICT", `Job ${rec._id} is in status '${status}'; a redaction list is accepted only in 'readyForReview'.`, { status });
        if (rec.status !== "readyForReview" || rec.reviewedAt) conflict(rec.reviewedAt && rec.status === "readyForReview" ? "redactionInProgress" : rec.status);
        const { id, ...body } = ctx.params;
        const plan = planReview(body, view.result as DetectionView, MANUAL_LABEL);
        const review = { acceptedFindings: plan.acceptedFindings, rejectedFindings: plan.rejectedFindings, manualAreas: plan.manualAreas };
        // The record is marked first, atomically: of two submissions only one gets past this line.
        const claimed = await this.Job.findOneAndUpdate(
          { _id: id, status: "readyForReview", reviewedAt: null },
          { $set: { reviewedAt: new Date(), reviewedBy: user.id, review } },
          { returnDocument: "after" },
        );
        if (!claimed) conflict("redactionInProgress");
        let resumed: JobView;
        try {
          resumed = await this.broker.call<JobView, unknown>("jobs.resume", { id, point: "readyForReview", input: { areas: plan.areas, reviewer: { id: user.id, at: (claimed?.reviewedAt ?? new Date()).toISOString() } } });
        } catch (err) {
          await this.Job.updateOne({ _id: id, reviewedBy: user.id }, { $set: { reviewedAt: null, reviewedBy: null, review: null } });
          throw err;
        }
        await recordReviewFeedback(this.broker, { jobId: id, reviewerId: user.id, at: claimed?.reviewedAt ?? new Date(), result: view.result, plan });
        const synced = await this.sync(resumed);
        ctx.meta.$statusCode = 202;
        return toJobResponse(synced ?? (await this.refresh(id)).rec);
      },
    },

    /**
     * Stops the job's detection or redaction (its worker aborts at once). 200 with the job, `cancelled`.
     * Throws NOT_FOUND, JOB_STATE_CONFLICT (409) once it is finished, failed, expired or already cancelled.
     */
    cancelJob: {
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<JobResponse> {
        await this.visible(ctx, ctx.params.id);
        const { rec } = await this.refresh(ctx.params.id);
        const conflict = (status: string) => fail("JOB_STATE_CONFLICT", `Job ${rec._id} is already ${status}; only a job still in progress or waiting for review can be cancelled.`, { status });
        if (TERMINAL.includes(rec.status)) conflict(rec.status);
        let view: JobView;
        try {
          view = await this.broker.call<JobView, { id: string }>("jobs.cancel", { id: rec._id });
        } catch (err) {
          // It ended between our read and the cancel.
          if (isErrorType(err, "JOB_STATE_CONFLICT")) conflict((await this.refresh(rec._id)).rec.status);
          throw err;
        }
        return toJobResponse((await this.sync(view)) ?? (await this.refresh(rec._id)).rec);
      },
    },

    /** Deletes the job, every file of it (GridFS chunks included) and its findings; 204, then 404. Throws NOT_FOUND. */
    deleteJob: {
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<null> {
        const rec = await this.visible(ctx, ctx.params.id);
        // The runtime job first (one update: 404 from then on; its purge is durable work of the jobs
        // service); if it fails, our record stays and the client's retry finds the job again. Should our
        // own delete fail after it, the job already answers 404 and the `deleted` change removes our record.
        await this.broker.call("jobs.purge", { id: rec._id });
        await this.Job.deleteOne({ _id: rec._id });
        ctx.meta.$statusCode = 204;
        return null;
      },
    },

    /** Which stored file a download of `fileType` serves. Throws NOT_FOUND, GONE (410), FILE_NOT_READY (409). */
    fileOf: {
      visibility: "public",
      params: { id: "string", fileType: "string" },
      async handler(this: This, ctx: Ctx<{ id: string; fileType: string }>): Promise<{ fileId: string; owner: string; contentType: string }> {
        await this.visible(ctx, ctx.params.id);
        const t = ctx.params.fileType;
        if (!isFileType(t)) fail("NOT_FOUND", `Unknown file type "${t}": use one of ${Object.keys(FILE_TYPES).join(", ")}`);
        const { rec, view } = await this.refresh(ctx.params.id);
        if (rec.status === "expired") fail("GONE", `Job ${rec._id} has expired; its files were deleted`);
        const name = FILE_TYPES[t].output;
        const fileId = name === null ? view.inputFileId : view.outputs.find((o) => o.name === name)?.fileId;
        if (!fileId) {
          if (["failed", "cancelled"].includes(rec.status)) fail("NOT_FOUND", `Job ${rec._id} is ${rec.status}; it has no ${t}`);
          fail("FILE_NOT_READY", `The ${t} of job ${rec._id} is not available yet (status '${rec.status}')`, { status: rec.status });
        }
        return { fileId, owner: view.owner, contentType: FILE_TYPES[t].contentType };
      },
    },

    configList: {
      async handler(this: This) {
        return (await this.Config.find({}).sort({ createdAt: 1 }).lean<DetectionConfigurationDoc[]>()).map(toConfigurationView);
      },
    },
    configDefault: {
      async handler(this: This) {
        const d = await C.findDefault(this.Config);
        if (!d) fail("NOT_FOUND", "No default detection configuration is set: jobs use the built-in defaults");
        return toConfigurationView(d);
      },
    },
    configGet: {
      params: { id: "string" },
      async handler(this: This, ctx: Ctx<{ id: string }>) {
        return toConfigurationView(await C.getConfiguration(this.Config, ctx.params.id));
      },
    },
    configCreate: {
      params: { name: { type: "string", min: 1, max: 200 }, description: { type: "string", optional: true, max: 2000 }, isDefault: { type: "boolean", optional: true }, configuration: { type: "object", optional: true } },
      async handler(this: This, ctx: Ctx<C.ConfigBody>) {
        ctx.meta.$statusCode = 201;
        return C.createConfiguration(this.Config, ctx.params, userOf(ctx).id);
      },
    },
    configUpdate: {
      params: { id: "string", name: { type: "string", min: 1, max: 200, optional: true }, description: { type: "string", optional: true, max: 2000 }, configuration: { type: "object", optional: true } },
      async handler(this: This, ctx: Ctx<C.ConfigBody & { id: string }>) {
        return C.updateConfiguration(this.Config, ctx.params.id, ctx.params);
      },
    },
    configSetDefault: {
      params: { id: "string" },
      async handler(this: This, ctx: Ctx<{ id: string }>) {
        return C.setDefault(this.Config, ctx.params.id);
      },
    },
    configDelete: {
      params: { id: "string" },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<null> {
        const r = await this.Config.deleteOne({ _id: ctx.params.id });
        if (r.deletedCount !== 1) fail("NOT_FOUND", `Detection configuration ${ctx.params.id} not found`);
        ctx.meta.$statusCode = 204;
        return null;
      },
    },
  },

  methods: {
    /**
     * One durable change: applied from the job's current state unless the record is already at that
     * version or newer (`seq` grows with every runtime change, so the record's seq covers the version).
     */
    async applyChange(this: This, change: JobChange): Promise<void> {
      if (change.processor !== "redaction" || change.meta.api !== "orchestrator") return;
      // A deletion: our record normally went with the DELETE that made it (deleteJob); this is for the
      // record a crash or an outage left behind after the runtime job was marked deleted.
      if (change.status === "deleted") {
        await this.Job.deleteOne({ _id: change.id });
        return;
      }
      const rec = await this.Job.findById(change.id, { runtimeVersion: 1 }).lean<Pick<OrchestratorJobDoc, "runtimeVersion">>();
      // No record: createJob has not written it yet and reads the job itself once it has.
      if (!rec || (rec.runtimeVersion ?? 0) >= change.version) return;
      await this.sync(await this.broker.call<JobView, { id: string }>("jobs.get", { id: change.id }));
    },

    /** Compares every record not yet final with its runtime job and applies what it missed. */
    async reconcile(this: This) {
      return this.passes.run(async () => {
        const open = await this.Job.find({ runtimeStatus: { $nin: [...SETTLED] } }, { _id: 1, seq: 1, runtimeVersion: 1 })
          .limit(500)
          .lean<Array<Pick<OrchestratorJobDoc, "_id" | "seq" | "runtimeVersion">>>();
        if (!open.length) return { checked: 0, repaired: 0 };
        const views = await this.broker.call<JobView[], { ids: string[] }>("jobs.getMany", { ids: open.map((r) => r._id) });
        let repaired = 0;
        for (const view of views) {
          const rec = open.find((r) => r._id === view.id);
          if (!rec || rec.seq >= view.seq) continue;
          await this.sync(view);
          // Progress moves seq without a durable change; a state change the record missed is a repair.
          if ((rec.runtimeVersion ?? 0) < view.version) repaired++;
        }
        if (repaired) this.logger.info(`reconciliation: ${repaired} job record(s) brought in step with the runtime`);
        return { checked: open.length, repaired };
      });
    },

    async visible(this: This, ctx: Context<unknown, GatewayMeta>, id: string): Promise<OrchestratorJobDoc> {
      const user = userOf(ctx);
      const rec = await this.Job.findById(id).lean<OrchestratorJobDoc>();
      // Someone else's job is "not found": its existence is not ours to reveal.
      if (!rec || (!user.isAdmin && rec.createdBy !== user.id)) fail("NOT_FOUND", `Job ${id} not found`);
      return rec;
    },

    async refresh(this: This, id: string) {
      // A trusted internal call (no user in meta): visibility was checked on our own record.
      const view = await this.broker.call<JobView, { id: string }>("jobs.get", { id });
      const rec = (await this.sync(view)) ?? (await this.Job.findById(id).lean<OrchestratorJobDoc>());
      if (!rec) fail("NOT_FOUND", `Job ${id} not found`);
      return { rec, view };
    },

    /** Applies a runtime view to the record unless the record has already seen a newer one. */
    async sync(this: This, view: JobView): Promise<OrchestratorJobDoc | null> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const rec = await this.Job.findById(view.id).lean<OrchestratorJobDoc>();
        if (!rec || rec.seq >= view.seq) return rec;
        const next = await this.Job.findOneAndUpdate(
          { _id: view.id, seq: rec.seq, reviewedAt: rec.reviewedAt },
          { $set: { ...syncedFields(view, rec.reviewedAt !== null), runtimeVersion: view.version ?? 0 } },
          { returnDocument: "after" },
        ).lean<OrchestratorJobDoc>();
        if (next) return next;
      }
      return this.Job.findById(view.id).lean<OrchestratorJobDoc>();
    },
  },

  created(this: This) {
    this.passes = new OnePass(PASS_OVERDUE_MS, (ms) => this.logger.warn(`a reconciliation pass has not settled after ${Math.round(ms / 1000)} s; starting a new one`));
  },

  async started(this: This) {
    this.Job = this.db.model("OrchestratorJob") as unknown as OrchestratorJobModel;
    this.Config = this.db.model("DetectionConfiguration") as unknown as DetectionConfigurationModel;
    const url = config().natsUrl;
    if (url) {
      // Created before the channels middleware subscribes (the start-up race, see lib/jobs/dispatch.ts).
      await withJetStream(url, (jsm) => ensureChangesConsumer(jsm, this.broker.namespace, ORCHESTRATOR_CHANGES_GROUP)).catch((err: unknown) =>
        this.logger.warn(`job-changes consumer set-up deferred to the channels adapter: ${(err as Error).message}`),
      );
    }
    const tick = () => void this.reconcile().catch((err: unknown) => this.logger.warn(`reconciliation failed: ${(err as Error).message}`));
    void this.broker.waitForServices(["jobs"], 60_000).then(tick, () => undefined);
    this.sweeper = setInterval(tick, config().jobs.reconcileIntervalSeconds * 1000);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default OrchestratorService as unknown as ServiceSchema;
