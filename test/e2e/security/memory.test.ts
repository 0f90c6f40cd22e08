/**
 * Issue 14, "worker memory bounded (the job fails, the worker lives)", through the real worker in the
 * embedded shape. Memory outside the JavaScript heaps (decoded images, canvas bitmaps, WebAssembly) is
 * what the heap caps never saw: one page drawing four 81-megapixel images passes every PDF limit (each
 * image under PDF_MAX_IMAGE_PIXELS, 324 MB decompressed under PDF_MAX_DECOMPRESSED_BYTES) and grew the
 * process by 1.6 GB while OCR rendered it. With a 512 MB budget the job fails with PDF_LIMIT_EXCEEDED
 * naming JOB_MEMORY_LIMIT_MB, the threads running it are replaced, and the jobs queued behind it run.
 * A 200-inch page is OCRed at a lowered resolution (RENDER_MAX_PIXELS) instead of failing.
 */
process.env.JOB_MEMORY_LIMIT_MB = "512";

import { embeddedSuite } from "../../support/embedded-suite";
import { multiPagePdf } from "../../support/pdf-fixtures";
import { hugePagePdf, manyImagesPdf } from "../../support/hostile-pdfs";
import { linesPdf, type Embedded } from "./support";

jest.setTimeout(600_000);

let e: Embedded;
let token: string;

embeddedSuite((s) => ({ e, token } = s));

afterAll(() => {
  delete process.env.JOB_MEMORY_LIMIT_MB;
});

async function submit(bytes: Uint8Array, processor: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(bytes)], { type: "application/pdf" }), "doc.pdf");
  form.append("processor", processor);
  const r = await fetch(`${e.stack.baseUrl}/api/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- job views read loosely
async function settled(id: string): Promise<any> {
  for (let i = 0; i < 3000; i++) {
    const g = await fetch(`${e.stack.baseUrl}/api/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await g.json()) as { status: string };
    if (["completed", "failed", "cancelled", "expired"].includes(body.status) || body.status.startsWith("paused:")) return body;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error("job never settled");
}

it("fails a page of four 81-megapixel images over JOB_MEMORY_LIMIT_MB, and runs the jobs queued behind it", async () => {
  const hostile = await manyImagesPdf(4, 9000, 9000);
  expect(hostile.length).toBeLessThan(1024 * 1024);
  const bad = await submit(hostile, "redaction");
  // Queued behind it (one job at a time): a detection and a plain read, on the threads that replace its own.
  const next = await submit(await linesPdf(["Reach Jane Roe at jane.roe@example.org or +1 415 555 0134."]), "redaction");
  const info = await submit((await multiPagePdf(2)).bytes, "pdf-info");

  const failed = await settled(bad);
  expect({ status: failed.status, error: failed.error }).toEqual({
    status: "failed",
    error: { type: "PDF_LIMIT_EXCEEDED", message: "Processing the document needed more than 512 MB of memory (limit JOB_MEMORY_LIMIT_MB=512) and was stopped" },
  });
  const detected = await settled(next);
  expect(detected.status).toBe("paused:readyForReview");
  const read = await settled(info);
  expect(read.status).toBe("completed");
  expect(read.result).toMatchObject({ pageCount: 2 });
  const s = await fetch(`${e.stack.baseUrl}/api/status`);
  expect(s.status).toBe(200);
});

it("OCRs a 200-inch page at a lowered resolution instead of failing or allocating gigabytes", async () => {
  const job = await settled(await submit(hugePagePdf(14400, 14400), "redaction"));
  expect({ status: job.status, error: job.error }).toEqual({ status: "paused:readyForReview", error: null });
});
