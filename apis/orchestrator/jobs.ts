/**
 * The Smart Redact Orchestrator's jobs API (smart-redact-api.md §2-5) on top of the job runtime: create,
 * list, read, review (submit the redaction list), cancel, delete, and which stored file a download
 * serves. A Smart Redact job is a runtime job of the `redaction` plugin plus the orchestrator's own record
 * (records.ts). Each action's validator schema and params type live here together.
 */
import type { Readable } from "node:stream";
import type { ActionParams, Context } from "moleculer";
import { decodeCursor, encodeCursor } from "../../kernel/cursor";
import { fail, isErrorType, validationError } from "../../kernel/errors";
import type { GatewayMeta } from "../../kernel/gateway/types";
import type { CreateJobParams, GetManyParams, JobIdParams, ResumeJobParams } from "../../kernel/jobs/api";
import type { JobView } from "../../kernel/jobs/model";
import { isTransient } from "../../kernel/jobs/transient";
import type { StoredFile } from "../../kernel/storage/store";
import { MANUAL_LABEL } from "../../plugins/redaction/contract";
import * as C from "./configs";
import { recordReviewFeedback } from "./feedback/record";
import { toJobResponse, type DetectionConfigurationDoc, type JobResponse, type OrchestratorJobDoc } from "./model";
import { assertReadablePdf, scanPdf } from "./pdf-check";
import { refreshRecord, syncRecord, userOf, visibleRecord, type OrchestratorHost } from "./records";
import { planReview, type DetectionView, type ReviewPlan } from "./review";
import { parseWireStatus, TERMINAL } from "./status";
import { FILE_TYPES, isFileType, syncedFields } from "./sync";

type Meta = Pick<Context<unknown, GatewayMeta>, "meta">;
/** A moleculer call bound to the caller's context. */
export type { Call } from "../../kernel/call";
import type { Call } from "../../kernel/call";
import type { FileIdParams } from "../../kernel/storage/params";

const OCR_LANGS: Record<string, string> = { en: "eng", de: "deu", fr: "fra", es: "spa" };

/** Tesseract languages for the detection languages asked for (English always, it is the fallback). */
export function ocrLanguagesFor(languages: unknown): string[] {
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

export const createJobSchema: ActionParams = { fileId: "string", fields: { type: "object", optional: true } };
export interface CreateJobBody {
  fileId: string;
  /** The multipart form's text fields (configurationId, detectionConfiguration, externalId, searchable). */
  fields?: Record<string, string>;
}

/** Creates the job for an uploaded file. Throws PDF_INVALID / PDF_ENCRYPTED (400), VALIDATION_ERROR, SERVICE_UNAVAILABLE. */
export async function createJob(h: OrchestratorHost, ctx: Meta, call: Call, params: CreateJobBody): Promise<JobResponse> {
  const user = userOf(ctx);
  const fields = params.fields ?? {};
  const file = await call<StoredFile, FileIdParams>("storage.stat", { id: params.fileId, owner: user.id });
  assertReadablePdf(await scanPdf(await call<Readable, FileIdParams>("storage.get", { id: file.id, owner: user.id }, { timeout: 0 })));
  const override = parseJsonObject(fields.detectionConfiguration, "detectionConfiguration");
  const configurationId = fields.configurationId?.trim() || null;
  let base: DetectionConfigurationDoc | null;
  if (configurationId) {
    base = await h.Config.findById(configurationId).lean<DetectionConfigurationDoc>();
    if (!base) throw validationError([{ field: "configurationId", message: `Unknown detection configuration "${configurationId}"`, kind: "unknown" }]);
  } else base = await C.findDefault(h.Config);
  const detection = C.mergeConfigurations(base?.configuration, override);
  C.checkConfiguration(detection, override ? "detectionConfiguration" : "configurationId");
  const externalId = fields.externalId?.slice(0, 200) || null;
  let view: JobView;
  try {
    const create: CreateJobParams = {
      processor: "redaction",
      inputFileId: file.id,
      // `searchable=false` leaves rebuilt pages without the invisible text layer.
      options: { detection, ocrLanguages: ocrLanguagesFor(detection.languages), searchable: !/^(false|0|no)$/i.test(fields.searchable ?? "") },
      meta: { api: "orchestrator", ...(externalId ? { externalId } : {}) },
    };
    view = await call<JobView, CreateJobParams>("jobs.create", create);
  } catch (err) {
    if (isErrorType(err, "VALIDATION_ERROR") && JSON.stringify((err as { data?: unknown }).data ?? "").includes("processor")) {
      fail("SERVICE_UNAVAILABLE", "No redaction worker is running; try again later");
    }
    throw err;
  }
  const now = new Date();
  await h.Job.create({
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
  return toJobResponse((await refreshRecord(h, view.id)).rec);
}

export const listJobsSchema: ActionParams = {
  status: { type: "string", optional: true },
  pageSize: { type: "number", integer: true, min: 1, max: 100, default: 20, convert: true },
  cursor: { type: "string", optional: true, max: 500 },
  createdBy: { type: "string", optional: true },
  reviewedBy: { type: "string", optional: true },
  sortBy: { type: "string", optional: true },
  sortDirection: { type: "string", optional: true },
};
export interface ListJobsParams {
  status?: string;
  pageSize: number;
  cursor?: string;
  createdBy?: string;
  reviewedBy?: string;
  sortBy?: string;
  sortDirection?: string;
}
export interface JobPage {
  items: JobResponse[];
  nextCursor: string | null;
}

export async function listJobs(h: OrchestratorHost, ctx: Meta, p: ListJobsParams): Promise<JobPage> {
  const user = userOf(ctx);
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
    const c = decodeCursor(p.cursor);
    if (!c) throw validationError([{ field: "cursor", message: "Invalid cursor: pass nextCursor of the previous page", kind: "string" }]);
    const op = asc ? "$gt" : "$lt";
    query = { $and: [filter, { $or: [{ createdAt: { [op]: c.at } }, { createdAt: c.at, _id: { [op]: c.id } }] }] };
  }
  const docs = await h.Job.find(query).sort({ createdAt: asc ? 1 : -1, _id: asc ? 1 : -1 }).limit(p.pageSize + 1).lean<OrchestratorJobDoc[]>();
  const page = docs.slice(0, p.pageSize);
  const last = page[page.length - 1];
  const nextCursor = docs.length > p.pageSize && last ? encodeCursor(last.createdAt, last._id) : null;
  // A record can outlive its job's deletion for a moment (the runtime job is marked deleted first, and
  // our own delete or the durable `deleted` change that repeats it may not have run yet): keep only the
  // records whose runtime job is still visible, as GET by id does. The cursor still moves past the
  // dropped ones, so a page may hold fewer than pageSize items.
  const live = page.length ? new Set((await h.broker.call<JobView[], GetManyParams>("jobs.getMany", { ids: page.map((d) => d._id) })).map((v) => v.id)) : new Set<string>();
  return { items: page.filter((d) => live.has(d._id)).map(toJobResponse), nextCursor };
}

export const jobIdSchema: ActionParams = { id: { type: "string", min: 1, max: 64 } };

export async function getJob(h: OrchestratorHost, ctx: Meta, id: string): Promise<JobResponse> {
  await visibleRecord(h, ctx, id);
  return toJobResponse((await refreshRecord(h, id)).rec);
}

/** The reviewer's list. Throws JOB_STATE_CONFLICT (409) outside readyForReview, VALIDATION_ERROR (400) naming the field. */
export async function submitRedaction(h: OrchestratorHost, ctx: Meta, params: { id: string } & Record<string, unknown>): Promise<JobResponse> {
  const user = userOf(ctx);
  await visibleRecord(h, ctx, params.id);
  const { rec, view } = await refreshRecord(h, params.id, { full: true });
  const conflict = (status: string) =>
    fail("JOB_STATE_CONFLICT", `Job ${rec._id} is in status '${status}'; a redaction list is accepted only in 'readyForReview'.`, { status });
  if (rec.status !== "readyForReview" || rec.reviewedAt) conflict(rec.reviewedAt && rec.status === "readyForReview" ? "redactionInProgress" : rec.status);
  const { id, ...body } = params;
  const plan = await planReview(body, view.result as DetectionView, MANUAL_LABEL);
  const review = { acceptedFindings: plan.acceptedFindings, rejectedFindings: plan.rejectedFindings, manualAreas: plan.manualAreas };
  // The record is marked first, atomically: of two submissions only one gets past this line.
  // The list itself goes with the claim: if the hand-over below is cut (an outage, a crash), the
  // reconciliation hands it over later (lost-reviews.ts), and the job does not wait forever for a review
  // that a retry would now refuse as "in progress".
  const claimed = await h.Job.findOneAndUpdate(
    { _id: id, status: "readyForReview", reviewedAt: null },
    { $set: { reviewedAt: new Date(), reviewedBy: user.id, review, reviewRequest: body, status: "redactionInProgress" } },
    { returnDocument: "after" },
  ).lean<OrchestratorJobDoc>();
  if (!claimed) conflict("redactionInProgress");
  const reviewedAt = claimed!.reviewedAt!;
  let resumed: JobView;
  try {
    resumed = await resumeWithReview(h, id, plan, { id: user.id, at: reviewedAt });
  } catch (err) {
    // Refused (cancelled or expired meanwhile): the review did not happen, the record says so. Our
    // infrastructure being away: the claim stays and the reconciliation finishes the hand-over.
    if (!isTransient(err)) await h.Job.updateOne({ _id: id, reviewedAt }, { $set: { reviewedAt: null, reviewedBy: null, review: null, reviewRequest: null, status: "readyForReview" } });
    throw err;
  }
  await settleReview(h, id, reviewedAt, view.result, plan, user.id);
  const synced = await syncRecord(h, resumed);
  return toJobResponse(synced ?? (await refreshRecord(h, id)).rec);
}

/** Hands the reviewer's areas to the runtime job waiting at its review pause. */
export function resumeWithReview(h: OrchestratorHost, id: string, plan: ReviewPlan, reviewer: { id: string; at: Date }): Promise<JobView> {
  return h.broker.call<JobView, ResumeJobParams>("jobs.resume", {
    id,
    point: "readyForReview",
    input: { areas: plan.areas, reviewer: { id: reviewer.id, at: reviewer.at.toISOString() } },
    // The record's sync needs the counts only (syncedFields), not the findings put back together.
    summary: true,
  });
}

/** After the runtime took the review: the feedback recorded, the kept request dropped. */
export async function settleReview(h: OrchestratorHost, id: string, reviewedAt: Date, result: unknown, plan: ReviewPlan, reviewerId: string): Promise<void> {
  await recordReviewFeedback(h.broker, { jobId: id, reviewerId, at: reviewedAt, result, plan });
  // If this write is lost, the reconciliation finds the job past its pause and drops it then.
  await h.Job.updateOne({ _id: id, reviewedAt }, { $set: { reviewRequest: null } }).catch(() => undefined);
}

/**
 * Stops the job's detection or redaction (its worker aborts at once). 200 with the job, `cancelled`.
 * Throws NOT_FOUND, JOB_STATE_CONFLICT (409) once it is finished, failed, expired or already cancelled.
 */
export async function cancelJob(h: OrchestratorHost, ctx: Meta, id: string): Promise<JobResponse> {
  await visibleRecord(h, ctx, id);
  const { rec } = await refreshRecord(h, id);
  const conflict = (status: string) => fail("JOB_STATE_CONFLICT", `Job ${rec._id} is already ${status}; only a job still in progress or waiting for review can be cancelled.`, { status });
  if (TERMINAL.includes(rec.status)) conflict(rec.status);
  let view: JobView;
  try {
    view = await h.broker.call<JobView, JobIdParams>("jobs.cancel", { id: rec._id });
  } catch (err) {
    // It ended between our read and the cancel.
    if (isErrorType(err, "JOB_STATE_CONFLICT")) conflict((await refreshRecord(h, rec._id)).rec.status);
    throw err;
  }
  return toJobResponse((await syncRecord(h, view)) ?? (await refreshRecord(h, rec._id)).rec);
}

/** Deletes the job, every file of it (GridFS chunks included) and its findings. Throws NOT_FOUND. */
export async function deleteJob(h: OrchestratorHost, ctx: Meta, id: string): Promise<void> {
  const rec = await visibleRecord(h, ctx, id);
  // The runtime job first (one update: 404 from then on; its purge is durable work of the jobs
  // service); if it fails, our record stays and the client's retry finds the job again. Should our
  // own delete fail after it, the job already answers 404 and the `deleted` change removes our record.
  await h.broker.call<{ removed: boolean }, JobIdParams>("jobs.purge", { id: rec._id });
  await h.Job.deleteOne({ _id: rec._id });
}

export const fileOfSchema: ActionParams = { id: "string", fileType: "string" };
export interface FileOfParams {
  id: string;
  fileType: string;
}
export interface FileRef {
  fileId: string;
  owner: string;
  contentType: string;
}

/** Which stored file a download of `fileType` serves. Throws NOT_FOUND, GONE (410), FILE_NOT_READY (409). */
export async function fileOf(h: OrchestratorHost, ctx: Meta, { id, fileType: t }: FileOfParams): Promise<FileRef> {
  await visibleRecord(h, ctx, id);
  if (!isFileType(t)) fail("NOT_FOUND", `Unknown file type "${t}": use one of ${Object.keys(FILE_TYPES).join(", ")}`);
  const { rec, view } = await refreshRecord(h, id);
  if (rec.status === "expired") fail("GONE", `Job ${rec._id} has expired; its files were deleted`);
  const name = FILE_TYPES[t].output;
  const fileId = name === null ? view.inputFileId : view.outputs.find((o) => o.name === name)?.fileId;
  if (!fileId) {
    if (["failed", "cancelled"].includes(rec.status)) fail("NOT_FOUND", `Job ${rec._id} is ${rec.status}; it has no ${t}`);
    fail("FILE_NOT_READY", `The ${t} of job ${rec._id} is not available yet (status '${rec.status}')`, { status: rec.status });
  }
  return { fileId, owner: view.owner, contentType: FILE_TYPES[t].contentType };
}
