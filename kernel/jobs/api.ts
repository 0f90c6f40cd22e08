/**
 * The jobs service's public API (what the gateway and the API families call): create, read, list,
 * cancel, resume, delete. Each action's validator schema, params and result types live here together, so
 * a caller types its call once: `ctx.call<JobView, CreateJobParams>("jobs.create", …)`.
 */
import { randomUUID } from "node:crypto";
import type { ActionParams, Context } from "moleculer";
import { fail, validationError } from "../errors";
import type { GatewayMeta } from "../gateway/types";
import { validateOptions } from "../plugins/options";
import { refusalMessage } from "../storage/sniff";
import type { StoredFile } from "../storage/store";
import { actorOf, visibleJob } from "./access";
import { dispatchOrDefer, knownPlugins, publish, type Call, type JobsHost } from "./host";
import { toSummaryView, toView, type JobDoc, type JobView } from "./model";
import { hydrate, hydrateOne, removeResult, storeInput } from "./results";
import { purgeJob } from "./recovery";
import { transition } from "./repo";
import { isKnownStatus, pausePointOf } from "./state";
import type { FileIdParams } from "../storage/params";

type Meta = Pick<Context<unknown, GatewayMeta>, "meta">;

const id64 = () => ({ type: "string", min: 1, max: 64 });

export const createJobSchema: ActionParams = {
  processor: { type: "string", min: 1, max: 64 },
  options: { type: "object", optional: true },
  inputFileId: id64(),
  meta: { type: "object", optional: true },
  owner: { type: "string", optional: true },
  id: { type: "string", optional: true, min: 1, max: 64 },
};

export interface CreateJobParams {
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

export const jobIdSchema: ActionParams = { id: id64() };
export interface JobIdParams {
  id: string;
}

export const getManySchema: ActionParams = { ids: { type: "array", items: "string", max: 500 }, summary: { type: "boolean", optional: true } };
export interface GetManyParams {
  ids: string[];
  /** Summary views (model.ts toSummaryView): without the result's detached parts, with their counts. */
  summary?: boolean;
}

export const listJobsSchema: ActionParams = {
  status: [{ type: "string", optional: true }, { type: "array", items: "string", optional: true }],
  processor: { type: "string", optional: true },
  createdFrom: { type: "string", optional: true },
  createdTo: { type: "string", optional: true },
  owner: { type: "string", optional: true },
  meta: { type: "object", optional: true },
  limit: { type: "number", integer: true, min: 1, max: 500, default: 50, convert: true },
  offset: { type: "number", integer: true, min: 0, optional: true, convert: true },
  cursor: { type: "string", optional: true },
};

export interface ListJobsParams {
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

export interface JobList {
  items: JobView[];
  total: number;
  nextCursor: string | null;
}

export const resumeJobSchema: ActionParams = { id: id64(), input: { type: "any", optional: true }, point: { type: "string", optional: true }, summary: { type: "boolean", optional: true } };
export interface ResumeJobParams {
  id: string;
  input?: unknown;
  point?: string;
  /**
   * Internal callers only (a client's is ignored): answer the summary view, the result without its
   * detached parts. A family that only counts the result (an API's review step) reads none of them, and
   * putting 58,717 findings back together only to drop them was whole-result work on the loop (issue 14).
   */
  summary?: boolean;
}

/**
 * Creates a job for a stored input file and dispatches it. Idempotent for an internal caller giving an
 * `id`: the same id answers the job made before (CONFLICT if that one is for another owner or file).
 */
export async function createJob(h: JobsHost, ctx: Meta, call: Call, params: CreateJobParams): Promise<JobView> {
  const actor = actorOf(ctx);
  const owner = actor.userId ?? params.owner;
  if (!owner) fail("BAD_REQUEST", "jobs.create needs an owner");
  const givenId = actor.userId ? undefined : params.id;
  if (givenId) {
    const existing = await h.Job.findById(givenId).lean<JobDoc>();
    if (existing) {
      if (existing.owner !== owner || existing.inputFileId !== params.inputFileId) fail("CONFLICT", "A job with this id already exists");
      return toView(await hydrateOne(h.Job, existing));
    }
  }
  const plugins = knownPlugins(h);
  const plugin = plugins.get(params.processor);
  if (!plugin) {
    // No worker known at all is our outage, not the caller's mistake: a core just (re)started has not yet
    // heard the workers announce themselves, or every worker is down. 503 lets a batch give its row back
    // and a client retry; a 400 would fail the documents for good (chaos.e2e saw ten fail so).
    if (plugins.size === 0) fail("SERVICE_UNAVAILABLE", `No worker is running yet, so no processor can take the job ("${params.processor}"); try again shortly`);
    const known = [...plugins.keys()].sort();
    throw validationError([
      { field: "processor", message: `Unknown processor "${params.processor}". Available: ${known.join(", ") || "none (no worker is running)"}`, kind: "enum" },
    ]);
  }
  const options = validateOptions(plugin.optionsSchema, params.options ?? {}, plugin.id);
  const file = await call<StoredFile, FileIdParams>("storage.stat", { id: params.inputFileId, owner });
  if (!plugin.accepts.includes(file.contentType)) {
    fail("UNSUPPORTED_MEDIA_TYPE", `${plugin.id}: ${refusalMessage(file.contentType, plugin.accepts, file.filename)}`);
  }
  const now = new Date();
  let doc;
  try {
    doc = await h.Job.create({
      _id: givenId ?? randomUUID(),
      owner,
      processor: plugin.id,
      pipeline: [plugin.id],
      options,
      status: "queued",
      progress: { percent: 0, message: "Queued" },
      inputFileId: file.id,
      input: { filename: file.filename, contentType: file.contentType, size: file.size, sha256: file.sha256 },
      meta: params.meta ?? {},
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
    const dup = givenId && (err as { code?: number }).code === 11000 ? await h.Job.findById(givenId).lean<JobDoc>() : null;
    if (!dup) throw err;
    return toView(dup);
  }
  const job = doc.toObject() as JobDoc;
  publish(h, job);
  // Stored first, dispatched second: if NATS is away the recovery sweep dispatches it later.
  await dispatchOrDefer(h, job);
  return toView(job);
}

/**
 * `stream`: the answer goes to the gateway in this process, which streams it (kernel/gateway/yielding-json.ts
 * `streamJson`): a result stored in parts keeps them stored until they are sent, read once for the readers
 * of that moment (results.ts `hydrate`'s `lazy`). Otherwise concurrent readers share one rebuild.
 */
export async function getJob(h: JobsHost, ctx: Meta, id: string, opts: { summary?: boolean; stream?: boolean } = {}): Promise<JobView> {
  // A summary leaves the reviewer's input out too (no view shows it): a big review's areas are megabytes.
  const doc = await visibleJob(h.Job, ctx, id, opts.summary ? { resume: 0 } : undefined);
  return opts.summary ? toSummaryView(doc) : toView(await hydrateOne(h.Job, doc, opts.stream ? { lazy: true } : { shared: true }));
}

/** Internal (reconciliation sweeps): the current views of many jobs at once; unknown ids are left out. */
export async function getManyJobs(h: JobsHost, ids: string[], opts: { summary?: boolean } = {}): Promise<JobView[]> {
  if (!ids.length) return [];
  const docs = await h.Job.find({ _id: { $in: ids }, deletedAt: null }, opts.summary ? { resume: 0 } : undefined).lean<JobDoc[]>();
  return opts.summary ? docs.map(toSummaryView) : (await hydrate(h.Job, docs)).map(toView);
}

/** The jobs the actor may see, newest first, filtered; offset or cursor paging. */
export async function listJobs(h: JobsHost, ctx: Meta, p: ListJobsParams, opts: { stream?: boolean } = {}): Promise<JobList> {
  const actor = actorOf(ctx);
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
      throw validationError([
        { field: `meta.${k}`, message: `meta.${k} must be a single value (operators such as $ne, $regex or $where are not accepted)`, kind: "type" },
      ]);
    }
    filter[`meta.${k}`] = { $eq: v };
  }
  const base = { ...filter, ...(Object.keys(created).length ? { createdAt: { ...created } } : {}) };
  const total = await h.Job.countDocuments(base);
  // Cursor paging: newest first, the cursor is "<createdAt ms>_<id>" of the last item returned.
  let query: Record<string, unknown> = base;
  if (p.cursor) {
    const m = /^(\d{1,15})_([A-Za-z0-9-]{1,64})$/.exec(p.cursor);
    const at = m ? new Date(Number(m[1])) : undefined;
    if (!m || !at || Number.isNaN(at.getTime())) throw validationError([{ field: "cursor", message: "Invalid cursor", kind: "string" }]);
    query = { $and: [base, { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: m[2] } }] }] };
  }
  const docs = await h.Job.find(query)
    .sort({ createdAt: -1, _id: -1 })
    .skip(p.cursor ? 0 : (p.offset ?? 0))
    .limit(p.limit!)
    .lean<JobDoc[]>();
  const last = docs[docs.length - 1];
  const more = docs.length === p.limit && (p.cursor ? true : (p.offset ?? 0) + docs.length < total);
  return { items: (await hydrate(h.Job, docs, opts.stream ? { lazy: true } : { shared: true })).map(toView), total, nextCursor: more && last ? `${new Date(last.createdAt).getTime()}_${last._id}` : null };
}

export async function cancelJob(h: JobsHost, ctx: Meta, id: string): Promise<JobView> {
  await visibleJob(h.Job, ctx, id);
  const job = await transition(h.Job, id, "cancel", {
    set: { finishedAt: new Date(), lease: null, "progress.message": "Cancelled" },
  });
  publish(h, job);
  return toView(await hydrateOne(h.Job, job));
}

/** Continues a job waiting at a pause point with the person's input (e.g. what a reviewer chose). */
export async function resumeJob(h: JobsHost, ctx: Meta, p: ResumeJobParams): Promise<JobView> {
  const current = await visibleJob(h.Job, ctx, p.id);
  const point = p.point ?? pausePointOf(current.status);
  // A big input (a directory's areas) goes to job_results first; the document keeps where it is.
  const inputRef = await storeInput(h.Job, p.id, p.input ?? null);
  const resume = inputRef ? { point, input: null, inputRef } : { point, input: p.input ?? null };
  let job: JobDoc;
  try {
    job = await transition(h.Job, p.id, "resume", {
      point,
      // A new phase starts with the whole attempt budget (attemptBase, model.ts): the phase after a review
      // must not inherit the attempts the phase before it used.
      set: { resume, dispatchedAt: null, "progress.message": "Resumed", attemptBase: current.attempts ?? 0 },
    });
  } catch (err) {
    // Not resumed (another resume or a cancel came first): this call's input record is nobody's.
    if (inputRef) await removeResult(h.Job, inputRef.id).catch(() => undefined);
    throw err;
  }
  publish(h, job);
  await dispatchOrDefer(h, job);
  if (p.summary && !ctx.meta.user && !ctx.meta.family) return toSummaryView(job);
  return toView(await hydrateOne(h.Job, job));
}

/**
 * Deletes a job the caller may see and everything it holds (files, GridFS chunks, findings;
 * purge.ts), cancelling it first if it is still at work. NOT_FOUND; SERVICE_UNAVAILABLE when storage or
 * NATS is away.
 */
export async function removeJob(h: JobsHost, ctx: Meta, id: string): Promise<{ removed: true }> {
  const job = await visibleJob(h.Job, ctx, id);
  await purgeJob(h, job._id);
  return { removed: true };
}
