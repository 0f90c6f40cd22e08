/**
 * Issue 14, item 2: a custom regex in `detectionConfiguration` must not freeze the API. The three patterns
 * of the attack run (exponential on JavaScript's RegExp: 26 `a`s stalled `/api/status` 1.6 s, 42 about a
 * day) are accepted and run on the linear-time engine; detection itself runs in a compute thread, so the
 * gateway (same process, embedded shape) answers while the job works. Patterns the engine cannot run are
 * refused with 400 naming the field.
 */
import { closeComputePool } from "../../../sdk/compute/pool";
import { pdfPool } from "../../../sdk/pdf/pool";
import { linesPdf, startEmbedded, uploadJob, type Embedded } from "./support";

jest.setTimeout(300_000);

let e: Embedded;

beforeAll(async () => {
  e = await startEmbedded();
});

afterAll(async () => {
  await e?.stack.stop();
  await pdfPool.close();
  await closeComputePool();
});

const REDOS = ["(?:a|a){1,100}$", "(?:a{1,30}){1,30}$", "\\d+\\d+\\d+\\d+z"];

const recognizer = (patterns: string[]) =>
  JSON.stringify({ patternRecognizers: [{ name: "evil", label: "EVIL", patterns: patterns.map((regex, i) => ({ name: `p${i}`, regex, score: 0.9 })) }] });

it("runs the issue's catastrophic patterns on a document built to trigger them while /api/status keeps answering", async () => {
  // Lines of 42 `a`s (a day of backtracking each on RegExp) and long digit runs without the `z`.
  const lines = Array.from({ length: 70 * 30 }, (_, i) => (i % 2 ? "a".repeat(42) : `${"7".repeat(60)} ${"a".repeat(42)}`));
  const pdf = await linesPdf(lines);
  const job = await uploadJob(e, pdf, { detectionConfiguration: recognizer(REDOS) });
  expect(job.status).toBe(201);
  const latencies: number[] = [];
  let status = job.body.status as string;
  let polls = 0;
  while (!["readyForReview", "failed", "expired"].includes(status)) {
    const t0 = performance.now();
    const s = await fetch(`${e.stack.baseUrl}/api/status`);
    expect(s.status).toBe(200);
    latencies.push(performance.now() - t0);
    const j = await e.http("GET", `/v1/jobs/${job.body.id}`, { apiKey: e.key });
    status = j.body.status;
    if (++polls > 2000) throw new Error("the job never finished");
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(status).toBe("readyForReview");
  // Answers while the job runs; the bound is generous (the machine is shared), a stall is not.
  expect(Math.max(...latencies)).toBeLessThan(1000);
  const det = await fetch(`${e.stack.baseUrl}/v1/jobs/${job.body.id}/files/detections`, { headers: { "x-api-key": e.key } });
  const body = (await det.json()) as { findings: Array<{ label: string }> };
  // `(?:a|a){1,100}$` matches each line's 42 `a`s (the text model ends lines with a newline).
  expect(body.findings.some((f) => f.label === "EVIL")).toBe(true);
});

it.each([
  ["(a)\\1", "uses a backreference"],
  ["foo(?=bar)", "uses a lookaround"],
  ["(?:a{1,50}){1,50}$", "invalid repeat count"],
])("refuses %s with 400 naming detectionConfiguration", async (regex, reason) => {
  const r = await uploadJob(e, await linesPdf(["hello"]), { detectionConfiguration: recognizer([regex]) });
  expect(r.status).toBe(400);
  expect(r.body).toMatchObject({ status: 400, code: "VALIDATION_ERROR" });
  expect(r.body.errors.detectionConfiguration.join(" ")).toContain(reason);
});
