/**
 * A job's big result parts live outside the job document (issue 14): a redaction detection result
 * carries every finding and the scans' OCR words (`scanWords`), megabytes for a big document, and the job
 * document is read by every claim, finish, publish, list and sweep, and broadcast on every change
 * (`job.updated`). So `finishJob` writes them ONCE into `job_results` (one record per job and attempt,
 * `_id` `<jobId>:<attempt>`), before the one conditional update of the transition, which then stores the
 * rest of the result and a small reference (`resultRef`: record id and counts). Readers that answer with the
 * result (jobs.get/getMany/list, resume, the worker's claim of a resumed job) put it back (`hydrate`), so
 * what clients read is unchanged. A record whose transition failed (an overtaken attempt) is removed at
 * once; one left by a crash in between is removed with the job (purge.ts, retention expiry).
 *
 * The native collection, not a mongoose model: the record is written and read whole, and mongoose's
 * casting of a big Mixed array was measured as event-loop time (issue 14's profile).
 */
import type { mongo } from "mongoose";
import type { JobDoc, JobModel, ResultRef } from "./model";

export const RESULTS_COLLECTION = "job_results";

/** The parts of a result that can grow with the document: kept in the results record. */
const DETACHED = ["findings", "scanWords"] as const;

interface ResultRecord {
  _id: string;
  jobId: string;
  result: Record<string, unknown>;
  createdAt: Date;
}

export function resultsOf(Job: JobModel): mongo.Collection<ResultRecord> {
  return Job.db.collection<ResultRecord>(RESULTS_COLLECTION);
}

/**
 * Splits a result: what stays on the job document, and the record to write first (null when the result has
 * none of the big parts: a tagging result, a redaction report, a failure).
 */
export function detach(jobId: string, attempt: number, result: unknown): { kept: unknown; ref: ResultRef | null; record: ResultRecord | null } {
  if (!result || typeof result !== "object" || Array.isArray(result)) return { kept: result ?? null, ref: null, record: null };
  const full = result as Record<string, unknown>;
  if (!DETACHED.some((k) => full[k] !== undefined)) return { kept: result, ref: null, record: null };
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) if (!(DETACHED as readonly string[]).includes(k)) kept[k] = v;
  const findings = Array.isArray(full.findings) ? full.findings : [];
  const labels: Record<string, number> = {};
  for (const f of findings) {
    const label = typeof (f as { label?: unknown })?.label === "string" ? (f as { label: string }).label : "unknown";
    labels[label] = (labels[label] ?? 0) + 1;
  }
  const id = `${jobId}:${attempt}`;
  return { kept, ref: { id, findings: findings.length, labels }, record: { _id: id, jobId, result: full, createdAt: new Date() } };
}

/** Writes the record (a retried finish of the same attempt writes the same record again: harmless). */
export async function storeResult(Job: JobModel, record: ResultRecord): Promise<void> {
  await resultsOf(Job).replaceOne({ _id: record._id }, record, { upsert: true });
}

/** Puts the detached parts back into the documents that reference a record (one query for all). */
export async function hydrate<T extends Pick<JobDoc, "result" | "resultRef">>(Job: JobModel, docs: T[]): Promise<T[]> {
  const ids = [...new Set(docs.map((d) => d.resultRef?.id).filter((id): id is string => !!id))];
  if (!ids.length) return docs;
  const records = new Map((await resultsOf(Job).find({ _id: { $in: ids } }).toArray()).map((r) => [r._id, r.result]));
  return docs.map((d) => {
    const full = d.resultRef ? records.get(d.resultRef.id) : undefined;
    return full ? { ...d, result: full } : d;
  });
}

export async function hydrateOne<T extends Pick<JobDoc, "result" | "resultRef">>(Job: JobModel, doc: T): Promise<T> {
  return (await hydrate(Job, [doc]))[0];
}

/** Removes the job's records, all of them or all but `keep` (the one its document references). */
export async function dropResults(Job: JobModel, jobId: string, keep?: string | null): Promise<void> {
  await resultsOf(Job).deleteMany(keep ? { jobId, _id: { $ne: keep } } : { jobId });
}
