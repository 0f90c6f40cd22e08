/**
 * Issue 14's five-reader case through the real HTTP routes, in the embedded shape (every service and the
 * worker in this process): a 100-page fine-print directory (180 lines of three findings a page, 58,717
 * findings, 14.1 MB as JSON) is detected, then rounds of five concurrent `GET /api/jobs/{id}` plus five
 * `GET /v1/jobs/{id}/files/detections` are read by one curl process (forked before the measured stretch;
 * parsing megabytes here would be this process's own stall). The figure is the longest gap between two
 * turns of a setImmediate probe in this process (the loop the gateway shares), with the longest GC pause.
 *
 * Both ways of answering, alternating in the same run on the same job: SHARED, the shared rebuild of the
 * whole result then stringifyYielding (main before the streamed answers: the route's streamResult flag
 * switched off on the live gateway), and STREAM, the parts streamed, each read once for the readers of
 * the moment (the part cache emptied before every run, so each run reads the parts again).
 * Prints figures; asserts nothing.
 *
 *   npm run bench five-readers -- [--runs 3] [--rounds 3] [--files 5]
 */
import { execFile, execSync } from "node:child_process";
import { PerformanceObserver } from "node:perf_hooks";
import { promisify } from "node:util";
import { PDFDocument, StandardFonts } from "pdf-lib";

const execFileAsync = promisify(execFile);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The e2e suite's fine-print directory (test/e2e/security/event-loop.test.ts): 3.9 pt lines, 180 to a page. */
async function directoryPdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([612, 792]);
    for (let l = 0; l < 180; l++) {
      const i = p * 180 + l;
      const line = `${i} staff member office ${100 + (i % 800)} desk ${i % 97} mail ann.lee${i}@example.org backup a.lee${i}@mail.example.com phone +1 415 555 ${String(1000 + (i % 9000)).padStart(4, "0")} building north wing floor ${i % 12}`;
      page.drawText(line, { x: 24, y: 772 - l * 4.2, size: 3.9, font });
    }
  }
  return doc.save();
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= "warn";
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the environment is set */
  const { startEmbedded, uploadJob } = require("../test/e2e/security/support") as typeof import("../test/e2e/security/support");
  const { pdfPool } = require("../sdk/pdf/pool") as typeof import("../sdk/pdf/pool");
  const { closeComputePool } = require("../sdk/compute/pool") as typeof import("../sdk/compute/pool");
  const { clearPartCache, partsRead } = require("../kernel/jobs/results") as typeof import("../kernel/jobs/results");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const runs = arg("runs", 3);
  const rounds = arg("rounds", 3);
  // `--files 0`: the five job reads alone (the detections file is streamed from storage the same way in both modes).
  const files = arg("files", 5);
  const e = await startEmbedded();
  try {
    const up = await uploadJob(e, await directoryPdf(100));
    const id = up.body.id as string;
    if (up.status !== 201) throw new Error(`the upload was answered ${up.status}: ${JSON.stringify(up.body)}`);
    let job: { status: string; findingsCount?: number; error?: unknown } = { status: "" };
    for (let i = 0; i < 1200 && !["readyForReview", "failed"].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await e.http("GET", `/v1/jobs/${id}`, { apiKey: e.key })).body;
    }
    if (job.status !== "readyForReview") throw new Error(`the job ended ${job.status}: ${JSON.stringify(job.error ?? null)}`);
    const gateway = e.stack.broker.getLocalService("gateway") as unknown as { aliases: Array<{ action?: string; streamResult?: boolean }> };
    const streamed = gateway.aliases.filter((a) => a.streamResult);
    const setMode = (on: boolean) => streamed.forEach((a) => (a.streamResult = on));
    const urls = Array.from({ length: rounds }, () => [
      ...Array.from({ length: 5 }, () => `${e.stack.baseUrl}/api/jobs/${id}`),
      ...Array.from({ length: files }, () => `${e.stack.baseUrl}/v1/jobs/${id}/files/detections`),
    ]).flat();
    const run = async (mode: "shared" | "stream") => {
      setMode(mode === "stream");
      clearPartCache();
      const reads0 = partsRead();
      // The job routes with the admin's token, the detections file with the user's key: two curl processes
      // (started before the probe), five transfers of each at a time.
      const curl = async (list: string[], header: string) =>
        !list.length ? { stdout: "" } : execFileAsync("curl", ["-s", "--parallel", "--parallel-max", "5", "-H", header, "-w", "%{http_code} %{size_download}\\n", ...list.flatMap((u) => ["-o", "/dev/null", u])], { maxBuffer: 1 << 20 });
      let longest = 0;
      let gcMax = 0;
      let done = false;
      let last = performance.now();
      const gc = new PerformanceObserver((l) => l.getEntries().forEach((g) => (gcMax = Math.max(gcMax, g.duration))));
      gc.observe({ entryTypes: ["gc"] });
      const probe = () => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        if (!done) setImmediate(probe);
      };
      const reading = Promise.all([
        curl(urls.filter((u) => u.includes("/api/")), `authorization: Bearer ${e.adminToken}`),
        curl(urls.filter((u) => u.includes("/v1/")), `x-api-key: ${e.key}`),
      ]);
      // The probe starts after the forks: forking this big process is a stall of its own, not the server's.
      last = performance.now();
      setImmediate(probe);
      const out = (await reading).filter((o) => o.stdout.trim());
      done = true;
      gc.disconnect();
      const lines = out.flatMap((o) => o.stdout.trim().split("\n"));
      const bad = lines.filter((l) => !l.startsWith("200 "));
      const sizes = [...new Set(lines.filter((l) => l.startsWith("200 ")).map((l) => l.split(" ")[1]))];
      return { longest, gcMax, bad: bad.length, sizes: sizes.join("/"), partReads: partsRead() - reads0 };
    };
    console.log(`load average: ${execSync("uptime").toString().trim()}`);
    console.log(`${job.findingsCount} findings; ${runs} runs of each mode, alternating, ${rounds} rounds of 5 + ${files} transfers a run`);
    console.log("run  mode     longest stall   GC max   failed   answer sizes (job / detections)   part reads");
    await run("shared"); // warm-up
    for (let r = 1; r <= runs; r++) {
      for (const mode of ["shared", "stream"] as const) {
        const f = await run(mode);
        console.log(`${String(r).padStart(3)}  ${mode.toUpperCase().padEnd(6)}  ${f.longest.toFixed(0).padStart(9)} ms  ${f.gcMax.toFixed(0).padStart(4)} ms  ${String(f.bad).padStart(6)}   ${f.sizes}   ${mode === "stream" ? f.partReads : "-"}`);
      }
    }
  } finally {
    await e.stack.stop();
    await pdfPool.close();
    await closeComputePool();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
