/**
 * Inputs at the limits, over HTTP with a worker process: a 10,000-page PDF gets a clear answer and the
 * service keeps serving others; a 200 MB upload (streamed from a generator, never held by the test) is
 * refused with 413 at the default 50 MB limit without the gateway/storage process growing anywhere near
 * 200 MB, and nothing partial stays in GridFS.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import mongoose, { type Connection } from "mongoose";
import { multiPagePdf } from "../../support/pdf-fixtures";
import { blankPagesPdf, form, signUp, startRuntime, waitForJob, waitForPlugin, type JobBody, type Runtime } from "./support";

jest.setTimeout(180_000);

let rt: Runtime;
let token: string;
let conn: Connection;

beforeAll(async () => {
  delete process.env.MAX_FILE_SIZE; // the default limit (50 MB)
  rt = await startRuntime();
  await rt.startWorker("pdf-info");
  await waitForPlugin(rt, "pdf-info");
  token = (await signUp(rt.stack.baseUrl)).token;
  conn = await mongoose.createConnection(rt.stack.mongoUrl).asPromise();
});

afterAll(async () => {
  await conn?.close();
  await rt?.stop();
});

const auth = () => ({ authorization: `Bearer ${token}` });

async function submit(data: Uint8Array, filename: string, options?: Record<string, unknown>): Promise<JobBody> {
  const r = await fetch(`${rt.stack.baseUrl}/api/jobs`, {
    method: "POST",
    headers: auth(),
    body: form({ file: { data, filename }, processor: "pdf-info", ...(options ? { options: JSON.stringify(options) } : {}) }),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as JobBody;
}

it("fails a 10,000-page PDF over the page limit with a readable PDF_TOO_MANY_PAGES and keeps serving", async () => {
  const big = blankPagesPdf(10_000, "Ten thousand pages");
  const [tooMany, ok] = [await submit(big, "huge.pdf"), await submit((await multiPagePdf(2)).bytes, "small.pdf")];
  const failed = await waitForJob(rt.stack.baseUrl, token, tooMany.id);
  expect(failed.status).toBe("failed");
  expect(failed.error).toEqual({ type: "PDF_TOO_MANY_PAGES", message: "The PDF has 10000 pages; at most 2000 are accepted", plugin: "pdf-info", stage: "run" });
  const done = await waitForJob(rt.stack.baseUrl, token, ok.id);
  expect(done.status).toBe("completed");
  expect(done.result).toMatchObject({ pageCount: 2 });
});

it("refuses a streamed 200 MB upload with 413, without buffering it and without leaving a partial file", async () => {
  const files = conn.collection("files.files");
  const chunks = conn.collection("files.chunks");
  const [filesBefore, chunksBefore] = [await files.countDocuments({}), await chunks.countDocuments({})];
  const boundary = `----docmill${randomBytes(8).toString("hex")}`;
  const total = 200 * 1024 * 1024;
  const block = randomBytes(1024 * 1024);
  let sent = 0;
  async function* body() {
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
    for (; sent < total; sent += block.length) yield block;
    yield Buffer.from(`\n%%EOF\r\n--${boundary}--\r\n`);
  }
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const r = await fetch(`${rt.stack.baseUrl}/api/files`, {
      method: "POST",
      headers: { ...auth(), "content-type": `multipart/form-data; boundary=${boundary}` },
      body: Readable.toWeb(Readable.from(body())) as unknown as BodyInit,
      duplex: "half",
    } as RequestInit);
    expect(r.status).toBe(413);
    expect(JSON.stringify(await r.json())).toMatch(/larger than the limit of 50 MB/);
  } finally {
    clearInterval(sampler);
  }
  // The whole body was sent (the gateway drains it to answer cleanly) and this process held none of it.
  expect(sent).toBeGreaterThanOrEqual(total);
  expect((peakRss - baseRss) / 1048576).toBeLessThan(150);
  expect([await files.countDocuments({}), await chunks.countDocuments({})]).toEqual([filesBefore, chunksBefore]);
});
