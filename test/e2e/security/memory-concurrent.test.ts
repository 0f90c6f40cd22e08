/**
 * Issue 14, "worker memory bounded (the job fails, the worker lives)" with several big jobs at once
 * (WORKER_CONCURRENCY=3), through the real worker in the embedded shape. The budget is per job: each job
 * is charged what its own thread tasks report their threads grew by (sdk/memory-meter.ts), and only the
 * rest of the process's growth is split evenly (kernel/plugins/memory-watchdog.ts). So a hostile page of
 * four 81-megapixel images fails alone while the scanned and text documents beside it reach review; three
 * hostile pages at once each fail with the named limit, the process's growth stays bounded, and the
 * worker takes the next job. Whether the even split (before the meters) also fails a neighbour here
 * depends on timing: it did not in one run (its neighbours finished in time); the arithmetic of that
 * case is pinned by test/unit/kernel/plugins/memory-watchdog.test.ts.
 */
import { resetConfig } from "../../../kernel/config";
import { embeddedSuite } from "../../support/embedded-suite";
import { manyImagesPdf } from "../../support/hostile-pdfs";
import { scanPage, scanPdf } from "../../support/scan-corpus";
import { linesPdf, type Embedded } from "./support";

jest.setTimeout(900_000);

const MiB = 1024 * 1024;
const LIMIT = { type: "PDF_LIMIT_EXCEEDED", message: "Processing the document needed more than 512 MB of memory (limit JOB_MEMORY_LIMIT_MB=512) and was stopped" };

let e: Embedded;
let token: string;

// Before the stack starts (imports run first, and a module they load may have read the config already).
beforeAll(() => {
  Object.assign(process.env, { JOB_MEMORY_LIMIT_MB: "512", WORKER_CONCURRENCY: "3" });
  resetConfig();
});

embeddedSuite((s) => ({ e, token } = s));

afterAll(() => {
  delete process.env.JOB_MEMORY_LIMIT_MB;
  delete process.env.WORKER_CONCURRENCY;
  resetConfig();
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
  for (let i = 0; i < 4000; i++) {
    const g = await fetch(`${e.stack.baseUrl}/api/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await g.json()) as { status: string };
    if (["completed", "failed", "cancelled", "expired"].includes(body.status) || body.status.startsWith("paused:")) return body;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error("job never settled");
}

/** The process's largest rss growth (MiB) while `work` runs, sampled every 20 ms. */
async function peakGrowth<T>(work: Promise<T>): Promise<{ value: T; grewMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    return { value: await work, grewMb: Math.round((peak - before) / MiB) };
  } finally {
    clearInterval(sampler);
  }
}

it("fails the hostile page alone while a scanned and a text document run beside it", async () => {
  const scan = await scanPdf([await scanPage("skew", 1401, 0)]);
  const text = await linesPdf(Array.from({ length: 20 * 70 }, (_, i) => `Row ${i}: write to jane.roe${i}@example.org or call +1 415 555 ${String(1000 + (i % 9000)).padStart(4, "0")}`));
  const scanned = await submit(scan, "redaction");
  const plain = await submit(text, "redaction");
  const bad = await submit(await manyImagesPdf(4, 9000, 9000), "redaction");
  const { value: [failed, read, detected], grewMb } = await peakGrowth(Promise.all([settled(bad), settled(scanned), settled(plain)]));
  process.stderr.write(`one hostile beside two: process grew ${grewMb} MB at most\n`);
  expect({ status: failed.status, error: failed.error }).toEqual({ status: "failed", error: LIMIT });
  expect({ status: read.status, error: read.error }).toEqual({ status: "paused:readyForReview", error: null });
  expect({ status: detected.status, error: detected.error }).toEqual({ status: "paused:readyForReview", error: null });
  expect(detected.result.findings.length).toBeGreaterThanOrEqual(20 * 70 * 2);
});

it("fails three hostile pages at once, each with the named limit, and the worker takes the next job", async () => {
  const hostile = await manyImagesPdf(4, 9000, 9000);
  const ids = [await submit(hostile, "redaction"), await submit(hostile, "redaction"), await submit(hostile, "redaction")];
  const { value: jobs, grewMb } = await peakGrowth(Promise.all(ids.map(settled)));
  process.stderr.write(`three hostile at once: process grew ${grewMb} MB at most\n`);
  expect(jobs.map((j) => ({ status: j.status, error: j.error }))).toEqual([0, 1, 2].map(() => ({ status: "failed", error: LIMIT })));
  // Three budgets and the render's own caps; unbounded, one such page alone grew the process by 1.6 GB.
  expect(grewMb).toBeLessThan(3 * 512 + 512);
  const next = await settled(await submit(await linesPdf(["Reach Jane Roe at jane.roe@example.org."]), "redaction"));
  expect({ status: next.status, error: next.error }).toEqual({ status: "paused:readyForReview", error: null });
  const s = await fetch(`${e.stack.baseUrl}/api/status`);
  expect(s.status).toBe(200);
});
