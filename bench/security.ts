/**
 * Issue 14's stall figures, side by side in one run: the catastrophic pattern on JavaScript's RegExp
 * (the anchor: 26 `a`s stalled /api/status 1.6 s) against re2js, and `/api/status` latency idle and while
 * a redaction job runs the issue's three patterns on a 30-page document, in the embedded shape (worker
 * in the gateway's process). Prints figures; asserts nothing.
 *
 *   npm run bench security
 */
import { randomBytes } from "node:crypto";

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} requests)`;

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= "warn";
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the environment is set */
  const { compileSafeRegex } = require("../plugins/redaction/detect/safe-regex") as typeof import("../plugins/redaction/detect/safe-regex");
  const { startEmbedded, linesPdf, uploadJob } = require("../test/e2e/security/support") as typeof import("../test/e2e/security/support");
  const { pdfPool } = require("../sdk/pdf/pool") as typeof import("../sdk/pdf/pool");
  const { closeComputePool } = require("../sdk/compute/pool") as typeof import("../sdk/compute/pool");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { execSync } = await import("node:child_process");
  console.log(`load average: ${execSync("uptime").toString().trim()}`);

  const src = "(?:a|a){1,100}$";
  for (const n of [20, 22, 24]) {
    const text = `${"a".repeat(n)}!`;
    const t0 = performance.now();
    new RegExp(src).test(text);
    const js = performance.now() - t0;
    const r = compileSafeRegex(src);
    const t1 = performance.now();
    const found = r.ok ? Array.from(r.regex.matchAll(text)).length : -1;
    console.log(`${src} on ${n} a's: RegExp ${js.toFixed(1)} ms | re2js ${(performance.now() - t1).toFixed(3)} ms (${found} matches)`);
  }
  const big = `${"a".repeat(100_000)}!`;
  const r = compileSafeRegex(src);
  const t2 = performance.now();
  const found = r.ok ? Array.from(r.regex.matchAll(big)).length : -1;
  console.log(`${src} on 100,000 a's: re2js ${(performance.now() - t2).toFixed(1)} ms, ${found} matches (RegExp: not run, exponential)`);

  process.env.MONGO_URL ??= "mongodb://127.0.0.1:27017/x";
  const e = await startEmbedded();
  try {
    const status = async () => {
      const t0 = performance.now();
      await (await fetch(`${e.stack.baseUrl}/api/status`)).text();
      return performance.now() - t0;
    };
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) idle.push(await status());
    console.log(`/api/status idle: ${fmt(idle)}`);
    const lines = Array.from({ length: 70 * 30 }, (_, i) => (i % 2 ? "a".repeat(42) : `${"7".repeat(60)} ${"a".repeat(42)}`));
    const patterns = ["(?:a|a){1,100}$", "(?:a{1,30}){1,30}$", "\\d+\\d+\\d+\\d+z"].map((regex, i) => ({ name: `p${i}`, regex, score: 0.9 }));
    const job = await uploadJob(e, await linesPdf(lines), { detectionConfiguration: JSON.stringify({ patternRecognizers: [{ name: "evil", label: "EVIL", patterns }] }) }, `bench-${randomBytes(2).toString("hex")}.pdf`);
    const busy: number[] = [];
    const t0 = performance.now();
    let st = job.body.status as string;
    while (!["readyForReview", "failed"].includes(st)) {
      busy.push(await status());
      st = (await e.http("GET", `/v1/jobs/${job.body.id}`, { apiKey: e.key })).body.status;
    }
    console.log(`/api/status while a 30-page ReDoS redaction job runs (${((performance.now() - t0) / 1000).toFixed(1)} s, ended ${st}): ${fmt(busy)}`);
    console.log(`load average: ${execSync("uptime").toString().trim()}`);
  } finally {
    await e.stack.stop();
    await pdfPool.close();
    await closeComputePool();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
