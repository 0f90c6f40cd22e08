/**
 * Files in MongoDB GridFS, streamed end to end: an upload is hashed (SHA-256), counted and sniffed while
 * it flows into GridFS chunk by chunk, so no file is ever held whole in memory. Past the size limit the
 * partial file is deleted and PAYLOAD_TOO_LARGE thrown.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import mongoose, { type Connection } from "mongoose";
import { fail } from "../errors";
import { SNIFF_BYTES, accepted, refusalMessage, sniff } from "./sniff";

export const BUCKET = "files";
const { ObjectId, GridFSBucket } = mongoose.mongo;
type GridFSBucketT = InstanceType<typeof GridFSBucket>;

export type FileKind = "input" | "output";

export interface StoredFile {
  id: string;
  owner: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  kind: FileKind;
  jobId?: string;
  /** Output name ("redactedPdf", "report") for outputs. */
  name?: string;
  createdAt: string;
  expiresAt: string;
}

export interface PutMeta {
  owner: string;
  filename: string;
  kind: FileKind;
  /** The client's claim; kept for the record, never trusted for inputs. */
  declaredType?: string;
  /** Content types accepted for this upload (sniffed); empty or absent = anything. */
  expect?: string[];
  /** Outputs: the type the producing plugin states (trusted: plugins are our code). */
  contentType?: string;
  jobId?: string;
  name?: string;
  /** Attempt that produced an output: a later attempt's output replaces earlier ones of the same name. */
  attempt?: number;
  maxBytes: number;
  expiresAt: Date;
}

interface FileDoc {
  _id: InstanceType<typeof ObjectId>;
  length: number;
  filename: string;
  uploadDate: Date;
  metadata?: {
    owner: string;
    kind: FileKind;
    contentType: string;
    declaredType?: string;
    sha256?: string;
    jobId?: string;
    name?: string;
    attempt?: number;
    expiresAt: Date;
    complete?: boolean;
  };
}

export function bucketOf(conn: Connection): GridFSBucketT {
  if (!conn.db) fail("SERVICE_UNAVAILABLE", "The file store is not connected");
  return new GridFSBucket(conn.db, { bucketName: BUCKET, chunkSizeBytes: 255 * 1024 });
}

function filesCollection(conn: Connection) {
  if (!conn.db) fail("SERVICE_UNAVAILABLE", "The file store is not connected");
  return conn.db.collection<FileDoc>(`${BUCKET}.files`);
}

export function toObjectId(id: string): InstanceType<typeof ObjectId> | undefined {
  return typeof id === "string" && /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : undefined;
}

export function view(doc: FileDoc): StoredFile {
  const m = doc.metadata!;
  return {
    id: String(doc._id),
    owner: m.owner,
    filename: doc.filename,
    contentType: m.contentType,
    size: doc.length,
    sha256: m.sha256 ?? "",
    kind: m.kind,
    ...(m.jobId ? { jobId: m.jobId } : {}),
    ...(m.name ? { name: m.name } : {}),
    createdAt: doc.uploadDate.toISOString(),
    expiresAt: new Date(m.expiresAt).toISOString(),
  };
}

/** A safe file name to store and to send back in Content-Disposition. */
export function cleanFilename(name: string | undefined, fallback = "file"): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, 255);
  return clean || fallback;
}

function writeChunk(stream: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else stream.once("drain", resolve);
  });
}

/** Streams `source` into GridFS. Throws PAYLOAD_TOO_LARGE (413), UNSUPPORTED_MEDIA_TYPE (415), BAD_REQUEST (empty). */
export async function putStream(conn: Connection, source: Readable, meta: PutMeta): Promise<StoredFile> {
  const bucket = bucketOf(conn);
  const hash = createHash("sha256");
  const head: Buffer[] = [];
  let headLen = 0;
  let size = 0;
  let upload: ReturnType<GridFSBucketT["openUploadStream"]> | undefined;
  const filename = cleanFilename(meta.filename, meta.kind === "output" ? `${meta.name ?? "output"}` : "upload");

  const open = (detected: string) => {
    if (meta.kind === "input" && meta.expect?.length && !accepted(detected, meta.expect)) {
      fail("UNSUPPORTED_MEDIA_TYPE", refusalMessage(detected, meta.expect, filename), { detected, expected: meta.expect });
    }
    const contentType = meta.kind === "output" && meta.contentType ? meta.contentType : detected;
    upload = bucket.openUploadStream(filename, {
      metadata: {
        owner: meta.owner,
        kind: meta.kind,
        contentType,
        declaredType: meta.declaredType,
        jobId: meta.jobId,
        name: meta.name,
        attempt: meta.attempt,
        expiresAt: meta.expiresAt,
        complete: false,
      },
    });
    // Failures surface through the write callbacks and end(); abort() also emits 'error' ("Stream has
    // been aborted"), which without a listener would be thrown and take the process down (issue 14).
    upload.on("error", () => undefined);
    for (const c of head) upload.write(c);
    head.length = 0;
  };

  try {
    for await (const raw of source) {
      const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
      size += chunk.length;
      if (size > meta.maxBytes) {
        fail("PAYLOAD_TOO_LARGE", `The file is larger than the limit of ${formatBytes(meta.maxBytes)}`, { maxBytes: meta.maxBytes });
      }
      hash.update(chunk);
      if (!upload) {
        head.push(chunk);
        headLen += chunk.length;
        if (headLen >= SNIFF_BYTES) open(sniff(Buffer.concat(head)));
      } else {
        await writeChunk(upload, chunk);
      }
    }
    if (size === 0) fail("BAD_REQUEST", `"${filename}" is empty`, { reason: "empty" });
    if (!upload) open(sniff(Buffer.concat(head)));
    const up = upload!;
    await new Promise<void>((resolve, reject) => {
      up.once("error", reject);
      up.end(() => resolve());
    });
  } catch (err) {
    if (upload) await upload.abort().catch(() => undefined);
    source.destroy();
    throw err;
  }
  const sha256 = hash.digest("hex");
  const id = upload!.id as InstanceType<typeof ObjectId>;
  await filesCollection(conn).updateOne({ _id: id }, { $set: { "metadata.sha256": sha256, "metadata.complete": true } });
  if (meta.kind === "output" && meta.jobId && meta.name) {
    // Idempotent outputs: an earlier attempt's file of the same name (a worker died after writing it)
    // is replaced. Only earlier attempts: a slow older attempt must not delete the newer one's output.
    const older = await filesCollection(conn)
      .find({ _id: { $ne: id }, "metadata.jobId": meta.jobId, "metadata.name": meta.name, "metadata.attempt": { $lt: meta.attempt ?? 0 } })
      .project<{ _id: InstanceType<typeof ObjectId> }>({ _id: 1 })
      .toArray();
    for (const o of older) await bucket.delete(o._id).catch(() => undefined);
  }
  const doc = await filesCollection(conn).findOne({ _id: id });
  return view(doc!);
}

export async function statFile(conn: Connection, id: string): Promise<StoredFile | undefined> {
  const oid = toObjectId(id);
  if (!oid) return undefined;
  const doc = await filesCollection(conn).findOne({ _id: oid });
  if (!doc?.metadata || doc.metadata.complete === false) return undefined;
  return view(doc);
}

export function openDownload(conn: Connection, id: string): Readable {
  return bucketOf(conn).openDownloadStream(toObjectId(id)!);
}

export async function removeFile(conn: Connection, id: string): Promise<boolean> {
  const oid = toObjectId(id);
  if (!oid) return false;
  try {
    await bucketOf(conn).delete(oid);
    return true;
  } catch (err) {
    if (/not found|FileNotFound/i.test((err as Error).message)) return false;
    throw err;
  }
}

/** Files owned by a job (all attempts): for clean-up when a job is removed or its attempt lost. */
export async function filesOfJob(conn: Connection, jobId: string): Promise<StoredFile[]> {
  const docs = await filesCollection(conn).find({ "metadata.jobId": jobId }).toArray();
  return docs.filter((d) => d.metadata).map(view);
}

/**
 * Deletes files whose expiry has passed, and uploads left incomplete for over an hour (a crashed
 * upload). Returns the ids deleted.
 */
export async function sweepExpired(conn: Connection, now: Date): Promise<string[]> {
  const stale = new Date(now.getTime() - 3600_000);
  const docs = await filesCollection(conn)
    .find({ $or: [{ "metadata.expiresAt": { $lt: now } }, { "metadata.complete": false, uploadDate: { $lt: stale } }] })
    .project<{ _id: InstanceType<typeof ObjectId> }>({ _id: 1 })
    .limit(1000)
    .toArray();
  const deleted: string[] = [];
  const bucket = bucketOf(conn);
  for (const d of docs) {
    try {
      await bucket.delete(d._id);
      deleted.push(String(d._id));
    } catch {
      // gone already (another storage node swept it)
    }
  }
  return deleted;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}
