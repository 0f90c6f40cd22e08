/**
 * The storage service on real GridFS (the MongoDB-protocol server of the test run): byte-exact round
 * trips, ownership, the size limit enforced while the upload streams (nothing partial left behind),
 * idempotent outputs per job and name, and the retention sweep that expires the jobs of deleted files.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import mongoose, { type Connection } from "mongoose";
import type { JobModel, JobView } from "../../../kernel/jobs/model";
import type { StoredFile } from "../../../kernel/storage/store";
import { startStack, type Stack } from "../../support/stack";

let stack: Stack;
let conn: Connection;
const expiredEvents: string[][] = [];

beforeAll(async () => {
  stack = await startStack({ services: ["storage", "jobs"] });
  stack.broker.createService({
    name: "expiryWatch",
    events: {
      "storage.expired"(ctx: { params: { fileIds: string[] } }) {
        expiredEvents.push(ctx.params.fileIds);
      },
    },
  });
  conn = await mongoose.createConnection(stack.mongoUrl).asPromise();
});

afterAll(async () => {
  await conn?.close();
  await stack?.stop();
});

type Call = <T>(action: string, params?: unknown, opts?: Record<string, unknown>) => Promise<T>;
const call: Call = (action, params, opts) => stack.broker.call(action, params as never, opts as never) as never;

/** A PDF-looking body of `size` bytes, produced in 64 KiB chunks (never one big buffer in the stream). */
function pdfStream(size: number, seed = randomBytes(64 * 1024)): { stream: Readable; sha256: Promise<string> } {
  const hash = createHash("sha256");
  let resolveHash: (h: string) => void;
  const sha256 = new Promise<string>((r) => (resolveHash = r));
  async function* gen() {
    let sent = 0;
    const head = Buffer.from("%PDF-1.7\n");
    hash.update(head);
    sent += head.length;
    yield head;
    while (sent < size) {
      const chunk = seed.subarray(0, Math.min(seed.length, size - sent));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
    resolveHash(hash.digest("hex"));
  }
  return { stream: Readable.from(gen()), sha256 };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

const putInput = (owner: string, stream: Readable, extra: Record<string, unknown> = {}) =>
  call<StoredFile>("storage.put", { owner, filename: "doc.pdf", kind: "input", expect: ["application/pdf"], ...extra }, { stream, timeout: 0 });

describe("storage on GridFS", () => {
  it("returns exactly the bytes stored, with the SHA-256 computed while streaming", async () => {
    const { stream, sha256 } = pdfStream(3 * 1024 * 1024 + 17);
    const file = await putInput("alice", stream);
    expect(file).toMatchObject({ owner: "alice", kind: "input", contentType: "application/pdf", size: 3 * 1024 * 1024 + 17, filename: "doc.pdf" });
    expect(file.sha256).toBe(await sha256);
    const back = await readAll(await call<Readable>("storage.get", { id: file.id, owner: "alice" }));
    expect(back.length).toBe(file.size);
    expect(createHash("sha256").update(back).digest("hex")).toBe(file.sha256);
  });

  it("answers 404 to another owner, for stat, download and delete alike", async () => {
    const file = await putInput("alice", pdfStream(10_000).stream);
    for (const action of ["storage.stat", "storage.get", "storage.remove"]) {
      await expect(call(action, { id: file.id, owner: "bob" })).rejects.toMatchObject({ type: "NOT_FOUND", code: 404 });
    }
    // Still there for its owner: bob's delete did nothing.
    expect((await call<StoredFile>("storage.stat", { id: file.id, owner: "alice" })).id).toBe(file.id);
  });

  it("refuses an upload over the limit midway with 413 and leaves no partial file or chunk behind", async () => {
    const filesBefore = await conn.collection("files.files").countDocuments({ "metadata.owner": "carol" });
    const chunksBefore = await conn.collection("files.chunks").countDocuments({});
    const { stream } = pdfStream(5 * 1024 * 1024);
    await expect(putInput("carol", stream, { maxBytes: 2 * 1024 * 1024 })).rejects.toMatchObject({ type: "PAYLOAD_TOO_LARGE", code: 413 });
    expect(await conn.collection("files.files").countDocuments({ "metadata.owner": "carol" })).toBe(filesBefore);
    expect(await conn.collection("files.chunks").countDocuments({})).toBe(chunksBefore);
  });

  it("refuses a non-PDF with 415 and an empty upload with 400, storing neither", async () => {
    await expect(putInput("dave", Readable.from([Buffer.from("just some text, not a PDF at all")]))).rejects.toMatchObject({
      type: "UNSUPPORTED_MEDIA_TYPE",
      message: expect.stringMatching(/not a PDF/),
    });
    await expect(putInput("dave", Readable.from([]))).rejects.toMatchObject({ type: "BAD_REQUEST", message: expect.stringMatching(/empty/) });
    expect(await conn.collection("files.files").countDocuments({ "metadata.owner": "dave" })).toBe(0);
  });

  it("replaces an earlier attempt's output of the same job and name, and keeps other names", async () => {
    const jobId = randomUUID();
    const putOutput = (name: string, attempt: number, body: string) =>
      call<StoredFile>(
        "storage.put",
        { owner: "erin", filename: `${name}.json`, kind: "output", contentType: "application/json", jobId, name, attempt },
        { stream: Readable.from([Buffer.from(body)]), timeout: 0 },
      );
    const first = await putOutput("report", 1, '{"attempt":1}');
    const other = await putOutput("summary", 1, '{"s":1}');
    const second = await putOutput("report", 2, '{"attempt":2}');
    const files = await call<StoredFile[]>("storage.listForJob", { jobId });
    expect(files.map((f) => f.id).sort()).toEqual([other.id, second.id].sort());
    await expect(call("storage.stat", { id: first.id })).rejects.toMatchObject({ type: "NOT_FOUND" });
    expect((await readAll(await call<Readable>("storage.get", { id: second.id }))).toString()).toBe('{"attempt":2}');
    expect(second.contentType).toBe("application/json");
  });

  it("sweeps expired files, announces them with storage.expired and expires their jobs", async () => {
    const input = await putInput("frank", pdfStream(20_000).stream);
    const keep = await putInput("frank", pdfStream(20_000).stream);
    const Job = (stack.broker.getLocalService("jobs") as unknown as { Job: JobModel }).Job;
    const jobId = randomUUID();
    await Job.create({
      _id: jobId,
      owner: "frank",
      processor: "pdf-info",
      pipeline: ["pdf-info"],
      status: "completed",
      inputFileId: input.id,
      input: { filename: input.filename, contentType: input.contentType, size: input.size, sha256: input.sha256 },
      expiresAt: new Date(Date.now() + 3600_000),
    });
    // Retention ran out for the input (the sweeper compares against the stored expiry).
    await conn.collection("files.files").updateOne({ _id: new mongoose.Types.ObjectId(input.id) }, { $set: { "metadata.expiresAt": new Date(Date.now() - 1000) } });

    const { deleted } = await call<{ deleted: string[] }>("storage.sweep");
    expect(deleted).toEqual([input.id]);
    expect(expiredEvents).toContainEqual([input.id]);
    await expect(call("storage.stat", { id: input.id })).rejects.toMatchObject({ type: "NOT_FOUND" });
    expect((await call<StoredFile>("storage.stat", { id: keep.id })).id).toBe(keep.id);
    // The event is handled asynchronously by the jobs service.
    let job: JobView | undefined;
    for (let i = 0; i < 100 && job?.status !== "expired"; i++) {
      job = await call<JobView>("jobs.get", { id: jobId });
      if (job.status !== "expired") await new Promise((r) => setTimeout(r, 50));
    }
    expect(job!.status).toBe("expired");
  });
});
