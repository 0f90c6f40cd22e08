/** History of the tag generator: the caller's tag jobs and documents, search and statistics. */
import { fail, validationError } from "../../kernel/errors";
import type { Deps } from "./core";
import { ownJob } from "./core";
import { documentDetail, documentSummary, jobSummary, type TagDocDoc, type TagJobDoc } from "./models";
import type { JobIdParams } from "../../kernel/jobs/api";
import type { DocumentDetail, HistoryDocumentList, HistoryStats, JobDetail, HistoryJobPage } from "../../shared/wire/tagging";

const STATUSES = ["pending", "processing", "paused", "completed", "failed", "cancelled"];

export async function listJobs(d: Deps, owner: string, p: { limit: number; offset: number; status?: string }): Promise<HistoryJobPage> {
  const filter: Record<string, unknown> = { owner };
  if (p.status) {
    if (!STATUSES.includes(p.status)) throw validationError([{ field: "status", message: `status must be one of ${STATUSES.join(", ")}`, kind: "enum" }]);
    filter.status = p.status;
  }
  const [jobs, total] = await Promise.all([
    d.Job.find(filter).sort({ created_at: -1, _id: -1 }).skip(p.offset).limit(p.limit).lean<TagJobDoc[]>(),
    d.Job.countDocuments(filter),
  ]);
  return { jobs: jobs.map(jobSummary), total, limit: p.limit, offset: p.offset };
}

export async function jobDetail(d: Deps, owner: string, id: string): Promise<JobDetail> {
  const job = await ownJob(d, id, owner);
  const docs = await d.Doc.find({ job_id: id }).sort({ row: 1 }).lean<TagDocDoc[]>();
  return { ...jobSummary(job), config: job.config, error_message: job.error_message, documents: docs.map(documentSummary) };
}

export async function deleteJob(d: Deps, owner: string, id: string) {
  const job = await ownJob(d, id, owner);
  if (["pending", "processing", "paused"].includes(job.status)) fail("JOB_STATE_CONFLICT", "The job is still running; cancel it first");
  const docs = await d.Doc.find({ job_id: id }, { runtime_job_id: 1 }).lean<TagDocDoc[]>();
  // The runtime jobs go too, and with them the stored PDFs.
  await Promise.all(docs.filter((x) => x.runtime_job_id).map((x) => d.call<{ removed: true }, JobIdParams>("jobs.remove", { id: x.runtime_job_id! }).catch(() => undefined)));
  await d.Doc.deleteMany({ job_id: id });
  await d.Job.deleteOne({ _id: id });
  return { message: "Job deleted successfully", job_id: id };
}

export async function listDocuments(d: Deps, owner: string, p: { limit: number; offset?: number; status?: string }): Promise<HistoryDocumentList> {
  const filter: Record<string, unknown> = { owner };
  if (p.status) filter.status = p.status;
  const [docs, total] = await Promise.all([
    d.Doc.find(filter).sort({ created_at: -1, _id: -1 }).skip(p.offset ?? 0).limit(p.limit).lean<TagDocDoc[]>(),
    d.Doc.countDocuments(filter),
  ]);
  return { documents: docs.map(documentSummary), total };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Documents whose title or one of whose tags contains the query (case-insensitive). */
export async function searchDocuments(d: Deps, owner: string, p: { query: string; limit: number }): Promise<HistoryDocumentList> {
  const q = p.query.trim();
  if (!q) throw validationError([{ field: "query", message: "query must not be empty", kind: "missing" }]);
  const re = new RegExp(escapeRegex(q), "i");
  const filter: Record<string, unknown> = { owner, $or: [{ title: re }, { tags: re }] };
  const [docs, total] = await Promise.all([d.Doc.find(filter).sort({ created_at: -1 }).limit(p.limit).lean<TagDocDoc[]>(), d.Doc.countDocuments(filter)]);
  return { documents: docs.map(documentSummary), total };
}

export async function documentOf(d: Deps, owner: string, id: string): Promise<TagDocDoc> {
  const doc = await d.Doc.findById(id).lean<TagDocDoc>();
  if (!doc || doc.owner !== owner) fail("NOT_FOUND", "Document not found");
  return doc;
}

export async function getDocument(d: Deps, owner: string, id: string): Promise<DocumentDetail> {
  return documentDetail(await documentOf(d, owner, id));
}

export async function stats(d: Deps, owner: string): Promise<HistoryStats> {
  const counts = await Promise.all(STATUSES.map((s) => d.Job.countDocuments({ owner, status: s as TagJobDoc["status"] })));
  const jobs_by_status = Object.fromEntries(STATUSES.map((s, i) => [s, counts[i]!]).filter(([, n]) => (n as number) > 0));
  const [total_documents, documents_processed, documents_failed, recent] = await Promise.all([
    d.Doc.countDocuments({ owner }),
    d.Doc.countDocuments({ owner, status: "success" }),
    d.Doc.countDocuments({ owner, status: "failed" }),
    d.Job.find({ owner }).sort({ created_at: -1, _id: -1 }).limit(5).lean<TagJobDoc[]>(),
  ]);
  return {
    total_jobs: counts.reduce((a, b) => a + b, 0),
    total_documents,
    documents_processed,
    documents_failed,
    jobs_by_status,
    recent_activity: recent.map(jobSummary),
  };
}
