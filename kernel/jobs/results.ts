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
import { randomBytes } from "node:crypto";
import type { mongo } from "mongoose";
import { LazyArray } from "../gateway/yielding-json";
import type { InputRef, JobDoc, JobModel, ResultRef } from "./model";
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
  /** A resume input's head (storeInput): the input with its big arrays' first PART_FINDINGS items. */
  input?: Record<string, unknown>;
  parts?: number;
  of?: string;
  k?: number;
  findings?: unknown[];
  /** A resume input's part: `items` continue the head input's array `field`. */
  field?: string;
  items?: unknown[];
  /**
   * A result's head and parts carry the same stamp, new at every write of the result: the key of a
   * part's cached bytes (a job re-created under a client-chosen id, or a finish written again, stores a
   * record under an id used before, never under a stamp used before). Records written before it: none.
   */
  stamp?: string;
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
  const stamp = randomBytes(9).toString("base64url");
  for (let k = 1; k <= parts; k++) {
    const part = { _id: `${record._id}#${k}`, jobId: record.jobId, of: record._id, k, findings: findings.slice(k * PART_FINDINGS, (k + 1) * PART_FINDINGS), stamp, createdAt: record.createdAt };
    await col.replaceOne({ _id: part._id }, part, { upsert: true });
  }
  const head = { ...record, result: { ...record.result, findings: findings.slice(0, PART_FINDINGS) }, parts, stamp };
  await col.replaceOne({ _id: record._id }, head, { upsert: true });
}

/**
 * The parts of a head record, in order, one query each: a cursor's batch size is only a hint
 * (mongo-java-server sent all 21 parts of a directory's result in one batch, decoded in one 225 ms step).
 * Null when one is missing (a purge between its steps).
 */
async function partsOf(Job: JobModel, head: StoredRecord): Promise<StoredRecord[] | null> {
  const parts: StoredRecord[] = [];
  for (let k = 1; k <= (head.parts ?? 0); k++) {
    const part = await resultsOf(Job).findOne({ _id: `${head._id}#${k}` });
    if (!part || part.of !== head._id) return null;
    parts.push(part);
  }
  return parts;
}

/** The whole result of a head record: its own findings, then each part's, in order. */
async function assemble(Job: JobModel, head: StoredRecord): Promise<Record<string, unknown> | undefined> {
  if (!head.result) return undefined;
  if (!head.parts) return head.result;
  const findings = [...((head.result.findings as unknown[] | undefined) ?? [])];
  const parts = await partsOf(Job, head);
  // A head whose parts are going (a purge between its steps) is a result no longer there.
  if (!parts) return undefined;
  for (const part of parts) for (const f of part.findings ?? []) findings.push(f);
  return { ...head.result, findings };
}

/**
 * Rebuilds of a record now under way, by record id: readers of the same result at the same time (five
 * review screens or dashboards opening one big job) wait for one rebuild instead of each decoding every
 * part into its own copy. Five copies of 58,717 findings alive at once (a million objects) made a 620 ms
 * garbage-collection pause of the loop the gateway shares in the embedded shape (issue 14's note); one
 * copy, shared, does not. An entry lives only while its rebuild runs: a later read decodes afresh, so a
 * result a finish replaced is never answered from memory.
 */
const rebuilding = new Map<string, Promise<Record<string, unknown> | undefined>>();

/** One rebuild of the record per moment, shared by the readers that ask while it runs. */
function assembleShared(Job: JobModel, head: StoredRecord): Promise<Record<string, unknown> | undefined> {
  // Keyed by database too: two jobs databases (tests, tenants) may hold the same record id.
  const key = `${Job.db.name}\u0000${head._id}`;
  const running = rebuilding.get(key);
  if (running) return running;
  const p = assemble(Job, head).finally(() => rebuilding.delete(key));
  rebuilding.set(key, p);
  return p;
}

/**
 * A reader's own result over a shared rebuild: its own result object and findings array (a caller that
 * reshapes its answer, e.g. filters or sorts the findings, does not change another reader's), the
 * findings themselves shared (read-only to every caller).
 */
function own(full: Record<string, unknown>): Record<string, unknown> {
  return Array.isArray(full.findings) ? { ...full, findings: full.findings.slice() } : { ...full };
}

/** Cached part bytes at most (a 100-page directory's 58 parts are 14 MB): an LRU, by bytes. */
export const PART_CACHE_BYTES = 32 * 2 ** 20;

/**
 * Recently read parts as the JSON of their findings (without the brackets), by database, part id and
 * stamp: one Buffer each, one object for the garbage collector where the decoded part is thousands.
 */
const partCache = new Map<string, Buffer>();
let partCacheBytes = 0;

/** Part reads under way, by the same key: readers streaming one result at the same time read each part once. */
const partReads = new Map<string, Promise<Buffer>>();

/** Stored results being streamed now (a figure for tests: a reader gone mid-stream no longer counts). */
let streaming = 0;

export function resultStreamsOpen(): number {
  return streaming;
}

/** Parts read from the database for streamed answers so far (tests and the bench count shared reads by it). */
let partsReadCount = 0;

export function partsRead(): number {
  return partsReadCount;
}

/** Empties the part cache (tests; the cache never answers a replaced result, see `stamp`). */
export function clearPartCache(): void {
  partCache.clear();
  partCacheBytes = 0;
}

function cachePart(key: string, bytes: Buffer): void {
  if (bytes.length > PART_CACHE_BYTES || partCache.has(key)) return;
  partCache.set(key, bytes);
  partCacheBytes += bytes.length;
  for (const [k, b] of partCache) {
    if (partCacheBytes <= PART_CACHE_BYTES) break;
    partCache.delete(k);
    partCacheBytes -= b.length;
  }
}

/** A stored part (or record) gone between a head's read and its own: the result is no longer there. */
export class ResultGoneError extends Error {
  constructor() {
    super("A stored job result was removed or replaced while it was being sent");
    this.name = "ResultGoneError";
  }
}

/** The stamp a head and its parts share; for records stored before stamps, their common creation time. */
function stampOf(r: StoredRecord): string {
  return r.stamp ?? `@${new Date(r.createdAt).getTime()}`;
}

/** Part `k` of a head as the JSON of its findings without brackets: from the cache, a read under way, or the database. */
function partBytes(Job: JobModel, head: StoredRecord, k: number): Promise<Buffer> {
  const id = `${head._id}#${k}`;
  const stamp = stampOf(head);
  const key = `${Job.db.name}\u0000${id}\u0000${stamp}`;
  const cached = partCache.get(key);
  if (cached) {
    // Most recently used: to the end of the map's order.
    partCache.delete(key);
    partCache.set(key, cached);
    return Promise.resolve(cached);
  }
  const running = partReads.get(key);
  if (running) return running;
  const p = (async () => {
    partsReadCount++;
    const part = await resultsOf(Job).findOne({ _id: id });
    if (!part || part.of !== head._id || stampOf(part) !== stamp) throw new ResultGoneError();
    const json = Buffer.from(JSON.stringify(part.findings ?? []), "utf8");
    const bytes = json.subarray(1, json.length - 1);
    cachePart(key, bytes);
    return bytes;
  })().finally(() => partReads.delete(key));
  partReads.set(key, p);
  return p;
}

/**
 * A head record's findings, sent part by part (kernel/gateway/yielding-json.ts `streamJson`): the head's
 * own, then each part's bytes as they are read. The parts are read when the stream gets to them, once for
 * all the readers streaming the result at that moment, and kept a while in the part cache.
 */
class StoredFindings extends LazyArray {
  constructor(
    private readonly Job: JobModel,
    private readonly head: StoredRecord,
  ) {
    super();
  }

  async *chunks(): AsyncGenerator<Buffer> {
    streaming++;
    try {
      const own = JSON.stringify(this.head.result?.findings ?? []);
      yield Buffer.from(own.slice(1, -1), "utf8");
      for (let k = 1; k <= (this.head.parts ?? 0); k++) yield await partBytes(this.Job, this.head, k);
    } finally {
      streaming--;
    }
  }
}

/**
 * Puts the detached parts back into the documents that reference a record (one query for the heads).
 * `shared`: concurrent readers of the same record share one rebuild (the internal readers that hand a
 * result on to be worked on keep their own rebuild). `lazy`: a result stored in parts gets its findings as
 * a LazyArray, for an answer the gateway streams (get, list in the embedded shape): nothing is rebuilt.
 */
export async function hydrate<T extends Pick<JobDoc, "result" | "resultRef">>(Job: JobModel, docs: T[], opts: { shared?: boolean; lazy?: boolean } = {}): Promise<T[]> {
  const ids = [...new Set(docs.map((d) => d.resultRef?.id).filter((id): id is string => !!id))];
  if (!ids.length) return docs;
  const records = new Map<string, Record<string, unknown>>();
  for (const head of await resultsOf(Job).find({ _id: { $in: ids } }).batchSize(2).toArray()) {
    if (opts.lazy && head.result && head.parts) {
      // The key stays where it was: the bytes are those of the rebuilt result.
      records.set(head._id, { ...head.result, findings: new StoredFindings(Job, head) });
      continue;
    }
    const full = opts.shared ? await assembleShared(Job, head) : await assemble(Job, head);
    if (full) records.set(head._id, full);
  }
  return docs.map((d) => {
    const full = d.resultRef ? records.get(d.resultRef.id) : undefined;
    return full ? { ...d, result: opts.shared ? own(full) : full } : d;
  });
}

export async function hydrateOne<T extends Pick<JobDoc, "result" | "resultRef">>(Job: JobModel, doc: T, opts: { shared?: boolean; lazy?: boolean } = {}): Promise<T> {
  return (await hydrate(Job, [doc], opts))[0];
}

/**
 * A resume's input (a reviewer's areas: one per finding, tens of thousands for a directory) stored like
 * a big result, when its arrays hold more than PART_FINDINGS items: on the job document it would be
 * encoded by the resume's transition and decoded by every later one (claim, progress, finish, the
 * change feed) in one step each, 0.25 to 0.8 s of the loop apiece at 21,600 areas. The head
 * `<jobId>:input:<nonce>` holds the input with each array's first PART_FINDINGS items, parts
 * `<head>#k` the rest (`field`, `items`); parts first, head last, then the transition references it.
 * The nonce keeps two racing resumes of one job apart (the loser removes its own). Null: small enough
 * to stay on the document. The job's finish drops the record with the others it no longer references.
 */
export async function storeInput(Job: JobModel, jobId: string, input: unknown): Promise<InputRef | null> {
  if (!input || typeof input !== "object" || Array.isArray(input)) return null;
  const full = input as Record<string, unknown>;
  const arrays = Object.entries(full).filter((e): e is [string, unknown[]] => Array.isArray(e[1]));
  const items = arrays.reduce((n, [, a]) => n + a.length, 0);
  if (items <= PART_FINDINGS) return null;
  const id = `${jobId}:input:${randomBytes(6).toString("hex")}`;
  const col = resultsOf(Job);
  const createdAt = new Date();
  const head: Record<string, unknown> = { ...full };
  let k = 0;
  for (const [field, list] of arrays) {
    head[field] = list.slice(0, PART_FINDINGS);
    for (let from = PART_FINDINGS; from < list.length; from += PART_FINDINGS) {
      k++;
      await col.insertOne({ _id: `${id}#${k}`, jobId, of: id, k, field, items: list.slice(from, from + PART_FINDINGS), createdAt });
    }
  }
  await col.insertOne({ _id: id, jobId, input: head, parts: k, createdAt });
  return { id, items };
}

/** A stored resume input, whole; undefined when its record or one of its parts is gone. */
export async function readInput(Job: JobModel, ref: InputRef): Promise<Record<string, unknown> | undefined> {
  const head = await resultsOf(Job).findOne({ _id: ref.id });
  if (!head?.input) return undefined;
  const parts = await partsOf(Job, head);
  if (!parts) return undefined;
  const input: Record<string, unknown> = { ...head.input };
  for (const [field, v] of Object.entries(input)) if (Array.isArray(v)) input[field] = [...v];
  for (const part of parts) {
    const list = input[part.field ?? ""];
    if (!Array.isArray(list)) return undefined;
    for (const item of part.items ?? []) list.push(item);
  }
  return input;
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
