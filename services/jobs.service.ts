/**
 * jobs: the job records, their state machine (lib/jobs/state.ts) and their dispatch to workers over
 * @moleculer/channels (NATS JetStream). Workers talk to this service to claim, heartbeat and finish
 * jobs; every change is one atomic update. A state transition bumps the job's `version` and sets its
 * outbox flag in that same update, and is then published durably on the `job-changes` channel (and
 * broadcast as `job.updated` for live views); the sweep publishes whatever a crash or outage left in the
 * outbox (lib/jobs/changes.ts). Progress is broadcast only (`job.progress`): it is not a state.
 *
 * A recovery sweep re-publishes jobs that no worker holds (a lost message, NATS away during create, a
 * worker killed mid-job whose lease ran out); handlers are idempotent, so a duplicate message is harmless.
 */
import { randomUUID } from "node:crypto";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { QueryFilter } from "mongoose";
import { config } from "../kernel/config";
import { fail, validationError } from "../kernel/errors";
import type { GatewayMeta, Principal } from "../kernel/gateway/types";
import {
  channelName,
  DEAD_LETTER_CHANNEL,
  DEAD_LETTER_GROUP,
  ensureDeadLetterConsumer,
  ensureStream,
  MAX_DELIVER_RETRIES,
  streamOf,
  subjectOf,
  withJetStream,
} from "../kernel/jobs/dispatch";
import { CHANGES_CHANNEL, changeOf, ensureChangesStream, type JobChange } from "../kernel/jobs/changes";
import { CLEARED, deleteJob, pendingPurges, purgeFiles, purgeMarked, type PurgeDeps } from "../kernel/jobs/purge";
import { defineJobModel, toView, type JobDoc, type JobModel, type JobOutput, type JobView } from "../kernel/jobs/model";
import { transition, tryTransition } from "../kernel/jobs/repo";
import { isFinal, isKnownStatus, pausePointOf } from "../kernel/jobs/state";
import { isTransient } from "../kernel/jobs/transient";
import { mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import type { PluginDescriptor } from "../sdk/manifest";
import { validateOptions } from "../kernel/plugins/options";
import { refusalMessage } from "../kernel/storage/sniff";
import type { StoredFile } from "../kernel/storage/store";
import { recordJobChange } from "../sdk/metrics";
import { startJobGauges } from "../kernel/metrics/job-gauges";

type This = MongoServiceThis & {
  Job: JobModel;
  sweeper?: NodeJS.Timeout;
  streamsReady: Set<string>;
  knownPlugins(): Map<string, PluginDescriptor>;
  dispatch(job: JobDoc): Promise<void>;
  publish(job: JobDoc | null, kind?: "status"): JobView | null;
  sendChange(job: JobDoc): Promise<boolean>;
  drainOutbox(): Promise<number>;
  changesReady?: boolean;
  stopGauges?: () => void;
  startedAtMs: number;
  recover(): Promise<{ redispatched: number; expired: number; failed: number; republished: number; purged: number }>;
  expireJob(id: string): Promise<boolean>;
  purge(id: string): Promise<boolean>;
  purgeDeps(): PurgeDeps;
  sendChangeMessage(change: JobChange): Promise<boolean>;
  deadLettered(jobId: string, channel: string | undefined): Promise<JobDoc | null>;
};

/** The part of a JetStream message the dead-letter handler reads (headers the channels adapter sets). */
interface DeadLetterMessage {
  headers?: { get(key: string): string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A deletion's purge younger than this is still being run by its DELETE request; the sweep leaves it. */
const PURGE_GRACE_MS = 5_000;

type Ctx<P = Record<string, unknown>> = Context<P, GatewayMeta>;

interface Actor {
  /** The user acting; undefined for a trusted internal caller (another service, a sweeper). */
  userId?: string;
  admin: boolean;
}

/**
 * Who is acting. A request that came through the gateway always carries `meta.user` (the gateway sets
 * `meta.family` on every request); calls from other services without a user are trusted system calls.
 */
function actorOf(ctx: Context<unknown, GatewayMeta>): Actor {
  const user = ctx.meta.user as Principal | null | undefined;
  if (user) return { userId: user.id, admin: user.isAdmin };
  if (ctx.meta.family) fail("UNAUTHORIZED");
  return { admin: true };
}

function canSee(actor: Actor, job: Pick<JobDoc, "owner">): boolean {
  return actor.admin || job.owner === actor.userId;
}

async function visibleJob(svc: This, ctx: Context<unknown, GatewayMeta>, id: string): Promise<JobDoc> {
  const job = await svc.Job.findById(id).lean<JobDoc>();
  // Someone else's job is "not found": its existence is not ours to reveal. A deleted one is gone.
  if (!job || job.deletedAt || !canSee(actorOf(ctx), job)) fail("NOT_FOUND", "Job not found");
  return job;
}

const leaseMs = () => config().jobs.leaseSeconds * 1000;

interface CreateParams {
  processor: string;
  options?: Record<string, unknown>;
  inputFileId: string;
  meta?: Record<string, unknown>;
  /** Internal callers only: create on behalf of this user (ignored when a user is signed in). */
  owner?: string;
  /**
   * Internal callers only: the job's id, making the create idempotent (a caller that died or lost the
   * answer creates again with the same id and gets the same job, never a second one).
   */
  id?: string;
}

interface ListParams {
  status?: string | string[];
  processor?: string;
  createdFrom?: string;
  createdTo?: string;
  owner?: string;
  meta?: Record<string, string | number | boolean>;
  limit?: number;
  offset?: number;
  cursor?: string;
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
     * Messages no worker could handle after MAX_DELIVER_RETRIES deliveries (see lib/jobs/dispatch.ts):
     * the job fails with DISPATCH_FAILED instead of waiting forever (and being re-dispatched by the
     * recovery sweep into the same dead end). Shared by every jobs node as one consumer group.
     */
    [DEAD_LETTER_CHANNEL]: {
      group: DEAD_LETTER_GROUP,
      // Never dead-letter the dead-letter queue itself; transient errors are retried inside the handler.
      deadLettering: { enabled: false },
      maxRetries: 3,
      async handler(this: This, ctx: Context<{ jobId?: unknown }>, raw?: DeadLetterMessage) {
        const jobId = ctx.params?.jobId;
        const channel = raw?.headers?.get("x-original-channel") || undefined;
        if (typeof jobId !== "string" || !jobId) {
          this.logger.warn(`dead letter without a job id from ${channel ?? "an unknown channel"}: dropped`);
          return;
        }
        const job = await this.deadLettered(jobId, channel);
        if (job) this.logger.warn(`job ${jobId}: its message went to the dead-letter queue; failed with DISPATCH_FAILED`);
      },
    },
  },

  actions: {
    /** Plugins hosted by the running workers (what `processor` may name). */
    plugins: {
      visibility: "published",
      handler(this: This): PluginDescriptor[] {
        return [...this.knownPlugins().values()].sort((a, b) => a.id.localeCompare(b.id));
      },
    },

    create: {
      visibility: "published",
      params: {
        processor: { type: "string", min: 1, max: 64 },
        options: { type: "object", optional: true },
        inputFileId: { type: "string", min: 1, max: 64 },
        meta: { type: "object", optional: true },
        owner: { type: "string", optional: true },
        id: { type: "string", optional: true, min: 1, max: 64 },
      },
      async handler(this: This, ctx: Ctx<CreateParams>): Promise<JobView> {
        const actor = actorOf(ctx);
        const owner = actor.userId ?? ctx.params.owner;
        if (!owner) fail("BAD_REQUEST", "jobs.create needs an owner");
        const givenId = actor.userId ? undefined : ctx.params.id;
        if (givenId) {
          const existing = await this.Job.findById(givenId).lean<JobDoc>();
          if (existing) {
            if (existing.owner !== owner || existing.inputFileId !== ctx.params.inputFileId) fail("CONFLICT", "A job with this id already exists");
            ctx.meta.$statusCode = 201;
            return toView(existing);
          }
        }
        const plugin = this.knownPlugins().get(ctx.params.processor);
        if (!plugin) {
          const known = [...this.knownPlugins().keys()].sort();
          throw validationError(
            [{ field: "processor", message: `Unknown processor "${ctx.params.processor}". Available: ${known.join(", ") || "none (no worker is running)"}`, kind: "enum" }],
          );
        }
        const options = validateOptions(plugin.optionsSchema, ctx.params.options ?? {}, plugin.id);
        const file = await ctx.call<StoredFile, { id: string; owner: string }>("storage.stat", { id: ctx.params.inputFileId, owner });
        if (!plugin.accepts.includes(file.contentType)) {
          fail("UNSUPPORTED_MEDIA_TYPE", `${plugin.id}: ${refusalMessage(file.contentType, plugin.accepts, file.filename)}`);
        }
        const now = new Date();
        let doc;
        try {
          doc = await this.Job.create({
            _id: givenId ?? randomUUID(),
            owner,
            processor: plugin.id,
            pipeline: [plugin.id],
            options,
            status: "queued",
            progress: { percent: 0, message: "Queued" },
            inputFileId: file.id,
            input: { filename: file.filename, contentType: file.contentType, size: file.size, sha256: file.sha256 },
            meta: ctx.params.meta ?? {},
            pausePoints: plugin.pausePoints,
            attempts: 0,
            seq: 0,
            // Creation is the first change: version 1, published through the outbox like every other.
            version: 1,
            outbox: true,
            transitions: [{ status: "queued", at: now }],
            // The job lives as long as its input.
            expiresAt: new Date(Math.max(new Date(file.expiresAt).getTime(), now.getTime() + 60_000)),
          });
        } catch (err) {
          // The same idempotent create racing itself: the other one made the job.
          const dup = givenId && (err as { code?: number }).code === 11000 ? await this.Job.findById(givenId).lean<JobDoc>() : null;
          if (!dup) throw err;
          ctx.meta.$statusCode = 201;
          return toView(dup);
        }
        const job = doc.toObject() as JobDoc;
        this.publish(job);
        // Stored first, dispatched second: if NATS is away the recovery sweep dispatches it later.
        await this.dispatch(job).catch((err: unknown) => this.logger.warn(`dispatch of job ${job._id} deferred: ${(err as Error).message}`));
        ctx.meta.$statusCode = 201;
        return toView(job);
      },
    },

    get: {
      visibility: "published",
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<JobView> {
        return toView(await visibleJob(this, ctx, ctx.params.id));
      },
    },

    /** Internal (reconciliation sweeps): the current views of many jobs at once; unknown ids are left out. */
    getMany: {
      visibility: "public",
      params: { ids: { type: "array", items: "string", max: 500 } },
      async handler(this: This, ctx: Ctx<{ ids: string[] }>): Promise<JobView[]> {
        if (ctx.meta.user || ctx.meta.family) fail("FORBIDDEN", "jobs.getMany is internal");
        if (!ctx.params.ids.length) return [];
        return (await this.Job.find({ _id: { $in: ctx.params.ids }, deletedAt: null }).lean<JobDoc[]>()).map(toView);
      },
    },

    list: {
      visibility: "published",
      params: {
        status: [{ type: "string", optional: true }, { type: "array", items: "string", optional: true }],
        processor: { type: "string", optional: true },
        createdFrom: { type: "string", optional: true },
        createdTo: { type: "string", optional: true },
        owner: { type: "string", optional: true },
        meta: { type: "object", optional: true },
        limit: { type: "number", integer: true, min: 1, max: 500, default: 50, convert: true },
        offset: { type: "number", integer: true, min: 0, optional: true, convert: true },
        cursor: { type: "string", optional: true },
      },
      async handler(this: This, ctx: Ctx<ListParams>): Promise<{ items: JobView[]; total: number; nextCursor: string | null }> {
        const actor = actorOf(ctx);
        const p = ctx.params;
        const filter: Record<string, unknown> = { deletedAt: null };
        if (!actor.admin) filter.owner = actor.userId;
        else if (p.owner) filter.owner = p.owner;
        const statuses = p.status === undefined ? [] : Array.isArray(p.status) ? p.status : p.status.split(",");
        for (const s of statuses) if (!isKnownStatus(s)) throw validationError([{ field: "status", message: `Unknown status "${s}"`, kind: "enum" }]);
        if (statuses.length) filter.status = { $in: statuses };
        if (p.processor) filter.processor = p.processor;
        const created: Record<string, Date> = {};
        for (const [k, op] of [["createdFrom", "$gte"], ["createdTo", "$lte"]] as const) {
          if (p[k]) {
            const d = new Date(p[k]!);
            if (Number.isNaN(d.getTime())) throw validationError([{ field: k, message: `${k} is not a date`, kind: "date" }]);
            created[op] = d;
          }
        }
        for (const [k, v] of Object.entries(p.meta ?? {})) {
          if (!/^[A-Za-z0-9_]{1,64}$/.test(k)) throw validationError([{ field: `meta.${k}`, message: "Invalid meta key", kind: "string" }]);
          // Scalars only: `?meta[x][$ne]=` arrives as an object and must never reach the query as an operator.
          if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
            throw validationError([{ field: `meta.${k}`, message: `meta.${k} must be a single value (operators such as $ne, $regex or $where are not accepted)`, kind: "type" }]);
          }
          filter[`meta.${k}`] = { $eq: v };
        }
        const base = { ...filter, ...(Object.keys(created).length ? { createdAt: { ...created } } : {}) };
        const total = await this.Job.countDocuments(base);
        // Cursor paging: newest first, the cursor is "<createdAt ms>_<id>" of the last item returned.
        let query: Record<string, unknown> = base;
        if (p.cursor) {
          const m = /^(\d{1,15})_([A-Za-z0-9-]{1,64})$/.exec(p.cursor);
          const at = m ? new Date(Number(m[1])) : undefined;
          if (!m || !at || Number.isNaN(at.getTime())) throw validationError([{ field: "cursor", message: "Invalid cursor", kind: "string" }]);
          query = { $and: [base, { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: m[2] } }] }] };
        }
        const docs = await this.Job.find(query)
          .sort({ createdAt: -1, _id: -1 })
          .skip(p.cursor ? 0 : (p.offset ?? 0))
          .limit(p.limit!)
          .lean<JobDoc[]>();
        const last = docs[docs.length - 1];
        const more = docs.length === p.limit && (p.cursor ? true : (p.offset ?? 0) + docs.length < total);
        return { items: docs.map(toView), total, nextCursor: more && last ? `${new Date(last.createdAt).getTime()}_${last._id}` : null };
      },
    },

    cancel: {
      visibility: "published",
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<JobView> {
        await visibleJob(this, ctx, ctx.params.id);
        const job = await transition(this.Job, ctx.params.id, "cancel", {
          set: { finishedAt: new Date(), lease: null, "progress.message": "Cancelled" },
        });
        return this.publish(job)!;
      },
    },

    /** Continues a job waiting at a pause point with the person's input (e.g. the redactions to apply). */
    resume: {
      visibility: "published",
      params: { id: { type: "string", min: 1, max: 64 }, input: { type: "any", optional: true }, point: { type: "string", optional: true } },
      async handler(this: This, ctx: Ctx<{ id: string; input?: unknown; point?: string }>): Promise<JobView> {
        const current = await visibleJob(this, ctx, ctx.params.id);
        const point = ctx.params.point ?? pausePointOf(current.status);
        const job = await transition(this.Job, ctx.params.id, "resume", {
          point,
          set: { resume: { point, input: ctx.params.input ?? null }, dispatchedAt: null, "progress.message": "Resumed" },
        });
        this.publish(job);
        await this.dispatch(job).catch((err: unknown) => this.logger.warn(`dispatch of job ${job._id} deferred: ${(err as Error).message}`));
        return toView(job);
      },
    },

    /**
     * Deletes a job and everything it holds (files, GridFS chunks, findings; kernel/jobs/purge.ts),
     * cancelling it in the same update if it is still at work. The deletion is one database update; the
     * purge that follows finishes later (the sweep) if storage or NATS is away. Throws NOT_FOUND.
     */
    remove: {
      visibility: "published",
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<{ removed: true }> {
        const job = await visibleJob(this, ctx, ctx.params.id);
        await this.purge(job._id);
        return { removed: true };
      },
    },

    /** Internal (the orchestrator's DELETE /v1/jobs/{id}): deletes and purges; `{removed: false}` if already gone. */
    purge: {
      visibility: "public",
      params: { id: { type: "string", min: 1, max: 64 } },
      async handler(this: This, ctx: Ctx<{ id: string }>): Promise<{ removed: boolean }> {
        if (ctx.meta.user || ctx.meta.family) fail("FORBIDDEN", "jobs.purge is internal");
        return { removed: await this.purge(ctx.params.id) };
      },
    },

    // ---- worker protocol (internal) --------------------------------------------------------------

    /**
     * A worker takes a job: queued → running, or a takeover of a running job whose lease expired (its
     * worker died). Returns `{job}` to run, or `{job: null, reason}` when there is nothing to do (final,
     * paused, or held by a live worker): the worker then acks the message without work.
     */
    claim: {
      visibility: "public",
      params: { id: { type: "string" }, workerId: { type: "string" } },
      async handler(this: This, ctx: Context<{ id: string; workerId: string }>): Promise<{ job: JobView & { resume: JobDoc["resume"] } | null; reason?: string }> {
        const { id, workerId } = ctx.params;
        const now = new Date();
        const max = config().jobs.maxAttempts;
        const set = { lease: { workerId, until: new Date(now.getTime() + leaseMs()) }, startedAt: now, "progress.message": "Running", error: null };
        // The same worker claiming a job it already holds: its first claim was recorded but the answer
        // was lost in an outage (or it handed the message back and got it again). The same attempt goes
        // on; counting a new one would let outages use up JOB_MAX_ATTEMPTS and end the job WORKER_LOST.
        const held = await this.Job.findOneAndUpdate(
          { _id: id, status: "running", "lease.workerId": workerId },
          { $set: { "lease.until": set.lease.until } },
          { returnDocument: "after" },
        ).lean<JobDoc>();
        if (held) return { job: { ...toView(held), resume: held.resume ?? null } };
        const job =
          (await tryTransition(this.Job, id, "claim", { where: { attempts: { $lt: max } }, set, inc: { attempts: 1 } })) ??
          (await tryTransition(this.Job, id, "takeover", {
            where: { attempts: { $lt: max }, $or: [{ "lease.until": { $lt: now } }, { "lease.workerId": workerId }, { lease: null }] },
            set,
            inc: { attempts: 1 },
          }));
        if (!job) {
          const cur = await this.Job.findById(id).lean<JobDoc>();
          if (!cur) return { job: null, reason: "not found" };
          const leaseGone = !cur.lease || new Date(cur.lease.until) < now;
          if ((cur.status === "queued" || (cur.status === "running" && leaseGone)) && cur.attempts >= max) {
            // Every attempt died with its worker (a document that crashes workers, or repeated kills).
            const failed = await tryTransition(this.Job, id, cur.status === "queued" ? "claim" : "takeover", {
              where: { attempts: { $gte: max } },
              set: { lease: null },
            });
            if (failed) {
              const f = await tryTransition(this.Job, id, "fail", {
                set: { finishedAt: now, error: { type: "WORKER_LOST", message: `The job was interrupted ${cur.attempts} times (its worker stopped); giving up` } },
              });
              this.publish(f);
            }
            return { job: null, reason: "too many attempts" };
          }
          return { job: null, reason: cur.status };
        }
        this.publish(job);
        return { job: { ...toView(job), resume: job.resume ?? null } };
      },
    },

    /** Progress from the worker holding the job; renews its lease. `ok: false` tells the worker to stop. */
    progress: {
      visibility: "public",
      params: {
        id: { type: "string" },
        workerId: { type: "string" },
        percent: { type: "number", min: 0, max: 100, optional: true },
        message: { type: "string", optional: true, max: 500 },
      },
      async handler(this: This, ctx: Context<{ id: string; workerId: string; percent?: number; message?: string }>): Promise<{ ok: boolean; status?: string }> {
        const { id, workerId, percent, message } = ctx.params;
        const set: Record<string, unknown> = { "lease.until": new Date(Date.now() + leaseMs()) };
        if (percent !== undefined) set["progress.percent"] = percent;
        if (message !== undefined) set["progress.message"] = message;
        const job = await this.Job.findOneAndUpdate(
          { _id: id, status: "running", "lease.workerId": workerId },
          { $set: set, ...(percent !== undefined || message !== undefined ? { $inc: { seq: 1 } } : {}) },
          // Only what the broadcast needs: a paused-then-resumed redaction job carries its whole detection
          // result (thousands of findings, megabytes), and deserialising it on every progress report and
          // lease renewal is event-loop time the gateway shares in the embedded shape.
          { returnDocument: "after", projection: { owner: 1, progress: 1, seq: 1 } },
        ).lean<Pick<JobDoc, "owner" | "progress" | "seq">>();
        if (!job) {
          const cur = await this.Job.findById(id, { status: 1 }).lean();
          return { ok: false, status: cur?.status };
        }
        if (percent !== undefined || message !== undefined) {
          this.broker.broadcast("job.progress", { jobId: id, owner: job.owner, percent: job.progress.percent, message: job.progress.message, seq: job.seq });
        }
        return { ok: true };
      },
    },

    /** The worker's outcome, recorded atomically with the outputs, only if it still holds the job. */
    finish: {
      visibility: "public",
      params: {
        id: { type: "string" },
        workerId: { type: "string" },
        attempt: { type: "number", integer: true },
        status: { type: "enum", values: ["completed", "paused", "failed"] },
        point: { type: "string", optional: true },
        result: { type: "any", optional: true },
        outputs: { type: "array", optional: true, items: "object" },
        error: { type: "object", optional: true, props: { type: "string", message: "string" } },
      },
      async handler(
        this: This,
        ctx: Context<{ id: string; workerId: string; attempt: number; status: "completed" | "paused" | "failed"; point?: string; result?: unknown; outputs?: JobOutput[]; error?: { type: string; message: string } }>,
      ): Promise<{ ok: boolean; status?: string }> {
        const p = ctx.params;
        const now = new Date();
        const where = { "lease.workerId": p.workerId, attempts: p.attempt };
        const fresh = (p.outputs ?? []).map((o) => ({ name: o.name, fileId: o.fileId, contentType: o.contentType, filename: o.filename, size: o.size, sha256: o.sha256 }));
        // A run after a pause point adds to what the job already produced (the detections stay next to
        // the redacted PDF); an output of the same name replaces the earlier one.
        const prev = await this.Job.findById(p.id, { outputs: 1 }).lean<Pick<JobDoc, "outputs">>();
        const byName = new Map((prev?.outputs ?? []).map((o) => [o.name, o]));
        for (const o of fresh) byName.set(o.name, o);
        const outputs = [...byName.values()];
        let job: JobDoc | null;
        if (p.status === "completed") {
          job = await tryTransition(this.Job, p.id, "complete", {
            where,
            set: { result: p.result ?? null, outputs, finishedAt: now, lease: null, progress: { percent: 100, message: "Completed" } },
          });
        } else if (p.status === "paused") {
          job = await tryTransition(this.Job, p.id, "pause", {
            point: p.point,
            where,
            set: { result: p.result ?? null, outputs, lease: null, "progress.message": `Waiting: ${p.point}` },
          });
        } else {
          job = await tryTransition(this.Job, p.id, "fail", {
            where,
            set: { error: p.error ?? { type: "INTERNAL", message: "The job failed" }, finishedAt: now, lease: null, "progress.message": "Failed" },
          });
        }
        if (!job) {
          const cur = await this.Job.findById(p.id, { status: 1, attempts: 1, outputs: 1 }).lean<Pick<JobDoc, "status" | "attempts" | "outputs">>();
          // A retried finish whose first try was recorded but whose answer was lost (NATS went away):
          // the same attempt (attempts only grow, one per claim) already has this very outcome.
          const target = p.status === "paused" ? `paused:${p.point}` : p.status;
          const sameOutputs = (cur?.outputs ?? []).map((o) => o.fileId).join() === outputs.map((o) => o.fileId).join();
          if (cur && cur.status === target && cur.attempts === p.attempt && sameOutputs) {
            // The first try's change may not have been published (its process lost the database or NATS
            // right after the write): publish it now if it is still in the outbox; the sweep would too.
            const full = await this.Job.findOne({ _id: p.id, outbox: true }).lean<JobDoc>();
            if (full) this.publish(full);
            return { ok: true, status: cur.status };
          }
          if (cur && isFinal(cur.status)) {
            // The job ended without this attempt (taken over after its lease ran out in an outage,
            // cancelled): files it or an aborted attempt stored after the winner's finish must not
            // linger as a second output. Only once the job is final: a live attempt's files are its own.
            const keep = (cur.outputs ?? []).map((o) => o.fileId);
            await ctx
              .call("storage.removeForJob", { jobId: p.id, keep, kind: "output" })
              .catch((err: unknown) => this.logger.warn({ msg: "could not remove an overtaken attempt's outputs", jobId: p.id, error: (err as Error).message }));
          }
          return { ok: false, status: cur?.status };
        }
        // The recorded outputs are the job's outputs: files an overtaken attempt wrote under the same
        // names (its worker lost the lease, or the message came back while NATS was away) go now.
        const keep = (job.outputs ?? []).map((o) => o.fileId);
        await ctx
          .call("storage.removeForJob", { jobId: p.id, keep, kind: "output" })
          .catch((err: unknown) => this.logger.warn({ msg: "could not remove superseded outputs", jobId: p.id, error: (err as Error).message }));
        this.publish(job);
        return { ok: true, status: job.status };
      },
    },

    /**
     * A worker's delivery of the job's message failed for a reason of the job's own (not our outage):
     * counted, so the dead-letter handler can tell real failures from hand-backs.
     */
    deliveryFailed: {
      visibility: "public",
      params: { id: { type: "string" } },
      async handler(this: This, ctx: Context<{ id: string }>): Promise<{ failures: number }> {
        const job = await this.Job.findOneAndUpdate(
          { _id: ctx.params.id },
          { $inc: { deliveryFailures: 1 } },
          { returnDocument: "after", timestamps: false, projection: { deliveryFailures: 1 } },
        ).lean<Pick<JobDoc, "deliveryFailures">>();
        return { failures: job?.deliveryFailures ?? 0 };
      },
    },

    /** A worker gives a job back without counting the attempt (it is stopping, or storage was away). */
    release: {
      visibility: "public",
      params: { id: { type: "string" }, workerId: { type: "string" }, attempt: { type: "number", integer: true } },
      async handler(this: This, ctx: Context<{ id: string; workerId: string; attempt: number }>): Promise<{ ok: boolean }> {
        const { id, workerId, attempt } = ctx.params;
        const job = await tryTransition(this.Job, id, "requeue", {
          where: { "lease.workerId": workerId, attempts: attempt },
          set: { lease: null, dispatchedAt: null, "progress.message": "Queued again" },
          inc: { attempts: -1 },
        });
        if (!job) return { ok: false };
        this.publish(job);
        await this.dispatch(job).catch(() => undefined);
        return { ok: true };
      },
    },

    /** Runs the recovery and expiry sweep now (the timer calls it too). */
    recover: {
      visibility: "public",
      handler(this: This) {
        return this.recover();
      },
    },
  },

  events: {
    /** Files deleted by retention: their jobs are expired. */
    async "storage.expired"(this: This, ctx: Context<{ fileIds: string[] }>) {
      const jobs = await this.Job.find({ $or: [{ inputFileId: { $in: ctx.params.fileIds } }, { "outputs.fileId": { $in: ctx.params.fileIds } }], status: { $ne: "expired" } }, { _id: 1 }).lean();
      for (const j of jobs) await this.expireJob(j._id);
    },
  },

  methods: {
    knownPlugins(this: This): Map<string, PluginDescriptor> {
      const out = new Map<string, PluginDescriptor>();
      const services = this.broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as Array<{ name: string; metadata?: { plugins?: PluginDescriptor[] } }>;
      for (const s of services) {
        if (s.name !== "worker") continue;
        for (const p of s.metadata?.plugins ?? []) if (!out.has(p.id)) out.set(p.id, p);
      }
      return out;
    },

    async dispatch(this: This, job: JobDoc): Promise<void> {
      const cfg = config();
      const adapter = (this.broker as unknown as { channelAdapter?: { manager?: import("nats").JetStreamManager } }).channelAdapter;
      if (cfg.natsUrl && adapter?.manager && !this.streamsReady.has(job.processor)) {
        // Publishing needs the stream; it may not exist yet when no worker of this processor has started.
        await ensureStream(adapter.manager, streamOf(this.broker.namespace, job.processor), [subjectOf(this.broker.namespace, job.processor)]);
        this.streamsReady.add(job.processor);
      }
      const sendToChannel = (this.broker as unknown as { sendToChannel: (name: string, payload: unknown, opts?: unknown) => Promise<void> }).sendToChannel;
      await sendToChannel.call(this.broker, channelName(job.processor), { jobId: job._id });
      await this.Job.updateOne({ _id: job._id }, { $set: { dispatchedAt: new Date() } });
    },

    /**
     * Publishes the job's new state: broadcast for live views (every gateway node forwards it to its
     * WebSocket clients) and, for a change still in the outbox, durably on the job-changes channel. Not
     * awaited by the caller: a publish that fails leaves the outbox set, and the sweep sends it again.
     */
    publish(this: This, job: JobDoc | null): JobView | null {
      if (!job) return null;
      const view = toView(job);
      if (job.outbox) recordJobChange(job);
      this.broker.broadcast("job.updated", { job: view });
      if (job.outbox) void this.sendChange(job);
      return view;
    },

    /** Sends one change message on the durable channel; false when it could not be sent. */
    async sendChangeMessage(this: This, change: JobChange): Promise<boolean> {
      try {
        const url = config().natsUrl;
        const adapter = (this.broker as unknown as { channelAdapter?: { manager?: import("nats").JetStreamManager } }).channelAdapter;
        if (url && adapter?.manager && !this.changesReady) {
          await ensureChangesStream(adapter.manager, this.broker.namespace);
          this.changesReady = true;
        }
        const send = (this.broker as unknown as { sendToChannel: (name: string, payload: unknown) => Promise<void> }).sendToChannel;
        await send.call(this.broker, CHANGES_CHANNEL, change);
        return true;
      } catch (err) {
        this.logger.debug(`job ${change.id} v${change.version}: change not published (${(err as Error).message})`);
        return false;
      }
    },

    /** Sends one change on the durable channel, then clears the outbox for exactly that version. */
    async sendChange(this: This, job: JobDoc): Promise<boolean> {
      try {
        if (!(await this.sendChangeMessage(changeOf(job)))) throw new Error("the channel is not reachable");
        // A newer transition since (another version) keeps the flag: its own publish clears it.
        await this.Job.updateOne({ _id: job._id, version: job.version, outbox: true }, { $set: { outbox: false } }, { timestamps: false });
        return true;
      } catch (err) {
        this.logger.debug(`job ${job._id} v${job.version}: change not published yet (${(err as Error).message}); the sweep retries`);
        return false;
      }
    },

    /**
     * Publishes the changes a crash or an outage left in the outbox. Only changes older than a moment:
     * a fresh one is being published by the request that made it (a duplicate would be harmless).
     */
    async drainOutbox(this: This): Promise<number> {
      const before = new Date(Date.now() - 1000);
      const pending = await this.Job.find({ outbox: true, updatedAt: { $lt: before } }, null, { limit: 500, sort: { updatedAt: 1 } }).lean<JobDoc[]>();
      let sent = 0;
      for (const job of pending) {
        this.broker.broadcast("job.updated", { job: toView(job) });
        if (!(await this.sendChange(job))) break; // NATS is away: next round
        sent++;
      }
      return sent;
    },

    /** Retention: the same purge as a deletion (files and findings), but the record stays, `expired`. */
    async expireJob(this: This, id: string): Promise<boolean> {
      const job = await tryTransition(this.Job, id, "expire", { set: { lease: null, "progress.message": "Expired", ...CLEARED } });
      if (!job) return false;
      this.publish(job);
      // Best effort: files storage could not remove now are removed by its own retention sweep.
      await purgeFiles(this.broker.call.bind(this.broker) as never, job).catch((err: unknown) => this.logger.warn(`job ${id}: files not all removed at expiry (${(err as Error).message})`));
      return true;
    },

    purge(this: This, id: string): Promise<boolean> {
      return deleteJob(this.purgeDeps(), id, (err) => this.logger.warn(`job ${id} deleted; the purge of its files finishes later (${err.message})`));
    },

    purgeDeps(this: This): PurgeDeps {
      return {
        Job: this.Job,
        call: this.broker.call.bind(this.broker) as never,
        publish: (job) => void this.publish(job),
        sendChange: async (change) => {
          if (!(await this.sendChangeMessage(change))) fail("SERVICE_UNAVAILABLE", "The deletion could not be announced (the message bus is away)");
        },
      };
    },

    /**
     * Fails a dead-lettered job that no worker holds; retries while the database is away. JetStream's
     * delivery count, which sent the message here, also counts deliveries handed back by a busy worker or
     * during our own outage: unless the workers recorded MAX_DELIVER_RETRIES real failures for the job,
     * it is dispatched again on a fresh message instead (infrastructure never uses up a job's deliveries).
     */
    async deadLettered(this: This, jobId: string, channel: string | undefined): Promise<JobDoc | null> {
      const processor = channel?.split(".").pop();
      for (let attempt = 0; ; attempt++) {
        try {
          const cur = await this.Job.findById(jobId).lean<JobDoc>();
          if (cur && !isFinal(cur.status) && (cur.deliveryFailures ?? 0) < MAX_DELIVER_RETRIES) {
            if (cur.status === "queued" || cur.status === "running") {
              await this.dispatch(cur);
              this.logger.info(`job ${jobId}: dead-lettered after ${cur.deliveryFailures ?? 0} real failure(s) (the other deliveries were handed back); dispatched again`);
            }
            return null;
          }
          const now = new Date();
          const job = await tryTransition(this.Job, jobId, "abandon", {
            // A live lease means a worker is running it after all: leave the job to that worker.
            where: { $or: [{ status: "queued" }, { lease: null }, { "lease.until": { $lt: now } }] },
            set: {
              finishedAt: now,
              lease: null,
              "progress.message": "Failed",
              error: {
                type: "DISPATCH_FAILED",
                message: `No worker could take the job${processor ? ` (${processor})` : ""}: its message failed ${MAX_DELIVER_RETRIES} deliveries and was moved to the dead-letter queue. Submit it again; if it keeps failing, the workers' logs say why.`,
              },
            },
          });
          this.publish(job);
          return job;
        } catch (err) {
          if (!isTransient(err) || attempt >= 12) throw err;
          await sleep(Math.min(5000, 250 * 2 ** attempt));
        }
      }
    },

    async recover(this: This) {
      const now = new Date();
      const stale = new Date(now.getTime() - leaseMs());
      let redispatched = 0;
      let expired = 0;
      // A lease that ran out while this jobs service was down is no sign its worker died: the worker's
      // heartbeats had nowhere to go. Give running jobs one lease after start-up to be heard from before
      // they are taken over (each takeover counts an attempt, and JOB_MAX_ATTEMPTS ends the job).
      const heard = now.getTime() - this.startedAtMs > leaseMs();
      const undelivered: Record<string, unknown>[] = [{ status: "queued", $or: [{ dispatchedAt: null }, { dispatchedAt: { $lt: stale } }] }];
      if (heard) undelivered.push({ status: "running", "lease.until": { $lt: now }, $or: [{ dispatchedAt: null }, { dispatchedAt: { $lt: stale } }] });
      const lost = await this.Job.find(
        { $or: undelivered } as QueryFilter<JobDoc>,
        null,
        { limit: 500 },
      ).lean<JobDoc[]>();
      for (const job of lost) {
        try {
          await this.dispatch(job);
          redispatched++;
        } catch (err) {
          this.logger.warn(`recovery dispatch of ${job._id} failed: ${(err as Error).message}`);
          break; // NATS is away: try again next round
        }
      }
      const old = await this.Job.find({ expiresAt: { $lt: now }, status: { $ne: "expired" }, deletedAt: null }, { _id: 1 }, { limit: 500 }).lean();
      for (const j of old) if (await this.expireJob(j._id)) expired++;
      const republished = await this.drainOutbox();
      if (republished) this.logger.info(`published ${republished} job change(s) left in the outbox`);
      let purged = 0;
      for (const job of await pendingPurges(this.Job, PURGE_GRACE_MS)) {
        try {
          await purgeMarked(this.purgeDeps(), job);
          purged++;
        } catch (err) {
          this.logger.warn(`purge of deleted job ${job._id} deferred: ${(err as Error).message}`);
          break; // storage or NATS is away: next round
        }
      }
      if (purged) this.logger.info(`finished the purge of ${purged} deleted job(s)`);
      return { redispatched, expired, failed: 0, republished, purged };
    },
  },

  created(this: This) {
    this.streamsReady = new Set();
    this.startedAtMs = Date.now();
  },

  async started(this: This) {
    this.startedAtMs = Date.now();
    this.Job = this.db.model("Job") as unknown as JobModel;
    await this.Job.createIndexes();
    const url = config().natsUrl;
    if (url) {
      // Created before the channels middleware subscribes, like the workers' consumers (the start-up race).
      await withJetStream(url, (jsm) => ensureDeadLetterConsumer(jsm, this.broker.namespace)).catch((err: unknown) =>
        this.logger.warn(`dead-letter consumer set-up deferred to the channels adapter: ${(err as Error).message}`),
      );
    }
    if (url) {
      await withJetStream(url, (jsm) => ensureChangesStream(jsm, this.broker.namespace))
        .then(() => (this.changesReady = true))
        .catch((err: unknown) => this.logger.warn(`job-changes stream set-up deferred to the first publish: ${(err as Error).message}`));
    }
    // Changes a previous run wrote but never published (it was killed in between) go out as soon as the
    // channel adapter is connected (the channels middleware connects after the services started).
    void (async () => {
      const adapter = () => (this.broker as unknown as { channelAdapter?: { connected?: boolean } }).channelAdapter;
      for (let i = 0; i < 300 && !adapter()?.connected; i++) await sleep(100);
      const n = await this.drainOutbox();
      if (n) this.logger.info(`published ${n} job change(s) a previous run left in the outbox`);
    })().catch((err: unknown) => this.logger.warn(`outbox drain at start failed: ${(err as Error).message}`));
    const every = config().jobs.recoveryIntervalSeconds * 1000;
    this.sweeper = setInterval(() => {
      this.recover().catch((err: unknown) => this.logger.warn(`job recovery sweep failed: ${(err as Error).message}`));
    }, every);
    this.sweeper.unref();
    this.stopGauges = startJobGauges(
      this.Job,
      this.logger,
      url ? { namespace: this.broker.namespace, manager: () => (this.broker as unknown as { channelAdapter?: { manager?: import("nats").JetStreamManager } }).channelAdapter?.manager } : null,
    );
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
    this.stopGauges?.();
  },
};

export default JobsService as unknown as ServiceSchema;
