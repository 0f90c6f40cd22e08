/**
 * Issue 14's last event-loop residues at the size of the 100-page fine-print directory (58,717 findings):
 * how long, at most, one synchronous stretch of each holds the loop the gateway shares in the embedded
 * shape, and what it costs in all. The steps: the orchestrator's review plan (an area per accepted
 * finding, apis/orchestrator/review.ts), and the serialisation of an answer that carries the whole
 * result (GET /api/jobs/{id}, the list, jobs.resume's answer) by JSON.stringify as moleculer-web did, and
 * by kernel/gateway/yielding-json.ts as the gateway does now. The longest stretch is the longest gap
 * between two turns of a setImmediate probe while the step runs. Needs no infrastructure. Prints figures;
 * asserts nothing.
 *
 *   npm run bench loop-hold -- [--findings 58717] [--rounds 5]
 */
import { execSync } from "node:child_process";
import { planReview, type DetectionView } from "../apis/orchestrator/review";
import { stringifyYielding } from "../kernel/gateway/yielding-json";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Runs `work` with a probe turning the loop; the longest gap between two turns and the whole time. */
async function hold(work: () => unknown): Promise<{ longest: number; total: number }> {
  let longest = 0;
  let last = performance.now();
  let done = false;
  const probe = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (!done) setImmediate(probe);
  };
  setImmediate(probe);
  const t0 = performance.now();
  await work();
  const total = performance.now() - t0;
  done = true;
  // The stretch that ended with the work counts too.
  longest = Math.max(longest, performance.now() - last);
  return { longest, total };
}

/** A fine-print directory's detection result: 100 pages, three findings a line (e-mail, backup e-mail, phone). */
function directory(n: number) {
  const pages = Array.from({ length: 100 }, (_, p) => ({ page: p + 1, width: 612, height: 792, rotation: 0, source: "text" }));
  const labels = ["EMAIL_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER"];
  const findings = Array.from({ length: n }, (_, i) => {
    const line = Math.floor(i / 3);
    return {
      id: `${(i * 2654435761 >>> 0).toString(16).padStart(8, "0")}${(i * 40503 >>> 0).toString(16).padStart(8, "0")}`,
      label: labels[i % 3]!,
      text: i % 3 === 2 ? `+1 415 555 ${String(1000 + (line % 9000)).padStart(4, "0")}` : i % 3 ? `a.lee${line}@mail.example.com` : `ann.lee${line}@example.org`,
      page: 1 + Math.floor(line / 180) % 100,
      boxes: [{ x: 180 + (i % 3) * 90.123, y: 20 + (line % 180) * 4.2, width: 60.5, height: 4.4 }],
      score: 0.85 + (i % 10) / 100,
      source: "pattern",
      recognizer: i % 3 === 2 ? "PhoneRecognizer" : "EmailRecognizer",
    };
  });
  return { phase: "detection", pageCount: 100, coordinates: { unit: "pt", origin: "top-left", pages: "1-based" }, pages, findings, labels: ["EMAIL_ADDRESS", "PHONE_NUMBER", "MANUAL"] };
}

const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]!.toFixed(1)} ms (min ${s[0]!.toFixed(1)}, max ${s[s.length - 1]!.toFixed(1)})`;
};

async function main(): Promise<void> {
  const n = arg("findings", 58_717);
  const rounds = arg("rounds", 5);
  console.log(`load average: ${execSync("uptime").toString().trim()}`);
  const result = directory(n);
  const view = { id: "j".repeat(24), owner: "u1", processor: "redaction", status: "paused:readyForReview", progress: { percent: 50, message: "Ready for review" }, result, error: null, meta: { api: "orchestrator" }, createdAt: new Date().toISOString() };
  const steps: Array<[string, () => unknown]> = [
    ["review plan (every finding accepted)", () => planReview({ reject: [] }, result as unknown as DetectionView)],
    ["whole-result answer, JSON.stringify (moleculer-web before)", () => Buffer.from(JSON.stringify(view))],
    ["whole-result answer, stringifyYielding (gateway now)", () => stringifyYielding(view)],
  ];
  console.log(`${n} findings, answer ${(Buffer.byteLength(JSON.stringify(view)) / 1e6).toFixed(1)} MB, ${rounds} rounds each`);
  for (const [name, work] of steps) {
    const longest: number[] = [];
    const total: number[] = [];
    await hold(work); // warm-up
    for (let r = 0; r < rounds; r++) {
      const h = await hold(work);
      longest.push(h.longest);
      total.push(h.total);
    }
    console.log(`${name}: longest hold ${fmt(longest)}; whole step ${fmt(total)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
