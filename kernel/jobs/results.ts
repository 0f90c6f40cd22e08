/**
 * A job's big result parts live outside the job document (issue 14): a paused job's result can carry
 * thousands of findings and the scans' OCR words (`scanWords`), megabytes for a big document, and the job
 * document is read by every claim, finish, publish, list and sweep, and broadcast on every change
 * (`job.updated`). So `finishJob` writes them ONCE into `job_results` (one record per job and attempt,
 * `_id` `<jobId>:<attempt>`), before the one conditional update of the transition, which then stores the
 * rest of the result and a small reference (`resultRef`: record id and counts). Readers that answer with the
 * result (jobs.get/getMany/list, resume, the worker's claim of a resumed job) put it back (`hydrate`), so
 * what clients read is unchanged. A record whose transition failed (an overtaken attempt) is removed at
 * once; one left by a crash in between is removed with the job (purge.ts, retention expiry), and one whose
 * job is gone altogether (a crash between a purge's steps) by the orphan sweep (`sweepOrphanResults`).
 *
 * The native collection, not a mongoose model: mongoose's casting of a big Mixed array was measured as
 * event-loop time (issue 14's profile). And a big result is stored in parts of PART_FINDINGS findings
 * (the head record `<jobId>:<attempt>` holds the first part and the rest of the result, the parts
 * `<jobId>:<attempt>#<k>` the others): the driver encodes and decodes a document in one synchronous
 * step, which for 50,000 findings held the loop the gateway shares in the embedded shape for seconds;
 * part by part, every step is a few milliseconds with I/O between them. The parts are written before
 * the head and the head before the transition references it, so a reader never sees half a result.
 */
import type { mongo } from "mongoose";
import type { JobDoc, JobModel, ResultRef } from "./model";
import { isFinal } from "./state";

export const RESULTS_COLLECTION = "job_results";

/** The parts of a result that can grow with the document: kept in the results record. */
const DETACHED = ["findings", "scanWords"] as const;

/** Findings per stored record: a few milliseconds of encoding or decoding on the event loop each. */
export const PART_FINDINGS = 1000;

/** A job's result as finishJob hands it over (one per job and attempt). */
interface ResultRecord {
  _id: string;
  jobId: string;
  result: Record<string, unknown>;
  createdAt: Date;
}

/**
 * What job_results holds: a record as above, whole (`parts` absent) or as the head of `parts` part
 * records (`of` its id, `k` from 1) that carry the rest of its findings in order.
 */
interface StoredRecord {
  _id: string;
  jobId: string;
  result?: Record<string, unknown>;
  parts?: number;
  of?: string;
  k?: number;
  findings?: unknown[];
  createdAt: Date;
}

export function resultsOf(Job: JobModel): mongo.Collection<StoredRecord> {
  return Job.db.collection<StoredRecord>(RESULTS_COLLECTION);
}

/**
 * Splits a result: what stays on the job document, and the record to write first (null when the result has
 * none of the big parts: a small result, a report, a failure).
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

/**
 * Writes the record, parts first and the head last (a retried finish of the same attempt writes the same
 * documents again: harmless).
 */
export async function storeResult(Job: JobModel, record: ResultRecord): Promise<void> {
  const col = resultsOf(Job);
  const findings = Array.isArray(record.result.findings) ? record.result.findings : [];
  if (findings.length <= PART_FINDINGS) {
    await col.replaceOne({ _id: record._id }, record, { upsert: true });
    return;
  }
  const parts = Math.ceil(findings.length / PART_FINDINGS) - 1;
  for (let k = 1; k <= parts; k++) {
    const part = { _id: `${record._id}#${k}`, jobId: record.jobId, of: record._id, k, findings: findings.slice(k * PART_FINDINGS, (k + 1) * PART_FINDINGS), createdAt: record.createdAt };
    await col.replaceOne({ _id: part._id }, part, { upsert: true });
  }
  const head = { ...record, result: { ...record.result, findings: findings.slice(0, PART_FINDINGS) }, parts };
  await col.replaceOne({ _id: record._id }, head, { upsert: true });
}

/** The whole result of a head record: its own findings, then each part's, in order (read a few parts per round trip). */
async function assemble(Job: JobModel, head: StoredRecord): Promise<Record<string, unknown> | undefined> {
  if (!head.result) return undefined;
  if (!head.parts) return head.result;
  const findings = [...((head.result.findings as unknown[] | undefined) ?? [])];
  let seen = 0;
  for await (const part of resultsOf(Job).find({ of: head._id }).sort({ k: 1 }).batchSize(2)) {
    for (const f of part.findings ?? []) findings.push(f);
    seen++;
  }
  // A head whose parts are going (a purge between its steps) is a result no longer there.
  return seen === head.parts ? { ...head.result, findings } : undefined;
}

/** Puts the detached parts back into the documents that reference a record (one query for the heads). */
export async function hydrate<T extends Pick<JobDoc, "result" | "resultRef">>(Job: JobModel, docs: T[]): Promise<T[]> {
  const ids = [...new Set(docs.map((d) => d.resultRef?.id).filter((id): id is string => !!id))];
  if (!ids.length) return docs;
  const records = new Map<string, Record<string, unknown>>();
  for (const head of await resultsOf(Job).find({ _id: { $in: ids } }).batchSize(2).toArray()) {
    const full = await assemble(Job, head);
    if (full) records.set(head._id, full);
  }
  return docs.map((d) => {
    const full = d.resultRef ? records.get(d.resultRef.id) : undefined;
    return full ? { ...d, result: full } : d;
  });
}

export async function hydrateOne<T extends Pick<JobDoc, "result" | "resultRef">>(Job: JobModel, doc: T): Promise<T> {
  return (await hydrate(Job, [doc]))[0];
}

/** Removes the job's records, all of them or all but `keep` (the one its document references) and its parts. */
export async function dropResults(Job: JobModel, jobId: string, keep?: string | null): Promise<void> {
  await resultsOf(Job).deleteMany(keep ? { jobId, _id: { $ne: keep }, of: { $ne: keep } } : { jobId });
}

/** Removes one record and its parts (an overtaken attempt's). */
export async function removeResult(Job: JobModel, id: string): Promise<void> {
  await resultsOf(Job).deleteMany({ $or: [{ _id: id }, { of: id }] });
}

/** A record younger than this is never swept: its finish may still be between its writes. */
export const ORPHAN_GRACE_MS = 10 * 60_000;

/** Where each jobs database's sweep goes on (it pages through the collection by id, a batch a round). */
const sweepFrom = new WeakMap<JobModel, string>();

/**
 * The orphan sweep (the recovery timer runs it; no TTL indexes on this database): removes records, heads
 * and parts, whose job is gone (a crash between a purge's steps, a late finish after a job's removal) or
 * whose job is final and references another record or none (a crash between a finish's record write and
 * its transition, the job then failed or cancelled another way). A live job's records stay: its next
 * finish drops what it does not reference. Returns how many documents were removed.
 */
export async function sweepOrphanResults(Job: JobModel, opts: { graceMs?: number; batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 500;
  const from = sweepFrom.get(Job) ?? "";
  const before = new Date(Date.now() - (opts.graceMs ?? ORPHAN_GRACE_MS));
  const rows = await resultsOf(Job)
    .find({ _id: { $gt: from }, createdAt: { $lt: before } }, { projection: { _id: 1, jobId: 1, of: 1 } })
    .sort({ _id: 1 })
    .limit(batch)
    .toArray();
  sweepFrom.set(Job, rows.length === batch ? rows[rows.length - 1]!._id : "");
  if (!rows.length) return 0;
  const jobs = await Job.find({ _id: { $in: [...new Set(rows.map((r) => r.jobId))] } }, { _id: 1, status: 1, resultRef: 1 })
    .lean<Array<Pick<JobDoc, "_id" | "status" | "resultRef">>>();
  const byId = new Map(jobs.map((j) => [j._id, j]));
  const gone = rows.filter((r) => {
    const job = byId.get(r.jobId);
    return !job || (isFinal(job.status) && (job.resultRef?.id ?? null) !== (r.of ?? r._id));
  });
  if (!gone.length) return 0;
  return (await resultsOf(Job).deleteMany({ _id: { $in: gone.map((r) => r._id) } })).deletedCount;
}
