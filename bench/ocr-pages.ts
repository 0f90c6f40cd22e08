/**
 * Per-page OCR comparison on the scanned pages of the redaction-quality corpus: which page, which PII
 * value, which pass and language set. The 11-minute redaction-quality bench says that scanned recall
 * moved; this says where and why, deterministically, for two engine versions side by side.
 *
 *   npm run bench ocr-pages -- --seed 90210 --out /tmp/a.json          OCR the sample with this tree's code
 *   npm run bench ocr-pages -- --seed 90210 --cache REV --out /tmp/b.json
 *        words the redaction-quality bench cached for the engine source at git REV (no OCR at all)
 *   npm run bench ocr-pages -- --diff /tmp/a.json /tmp/b.json         per page: words, PII read, report
 *
 * The sample is redaction-quality's (--scanned N pages with PII, a fifth as many without, same seeded
 * order), so the figures line up with its misses. A truth value counts as read when the page's OCR text
 * holds it folded (case, accents, spacing, punctuation, O/0 l/1 S/5 aside), and as "detected" when the
 * plugin's detect() on that page alone finds it (the bench runs detect() on the whole document; the two
 * agree except where a text page of a mixed document lends evidence). `--only a,b` OCRs just those pages;
 * `--timeout MS` the page deadline (default: the engine's).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildTextModel, detect, resolveDetectionConfig, type PageInput } from "../plugins/redaction/detect";
import { pdfPool } from "../sdk/pdf/pool";
import type { OcrPageReport } from "../sdk/pdf/types";
import { CI_SEED, DEFAULT_COUNT, generateCorpus, renderScanImage, type GenDoc } from "../test/fixtures/pii-corpus";
import { leakFold, leakWithin } from "./leak-check";

const args = process.argv.slice(2);
const optStr = (n: string) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : undefined;
};
const opt = (n: string, d: number) => (optStr(n) === undefined ? d : Number(optStr(n)));
const SEED = opt("--seed", CI_SEED);
const COUNT = opt("--count", DEFAULT_COUNT);
const SCANNED = opt("--scanned", 60);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

interface PageRecord {
  id: string;
  lang: string[];
  words: PageInput["words"];
  report?: OcrPageReport;
  ms?: number;
}
interface RunFile {
  seed: number;
  source: string;
  loadStart: string;
  loadEnd: string;
  pages: PageRecord[];
}

// Matching: the same folding and approximate match as the quality and leak benches (bench/leak-check.ts).
const fold = leakFold;
const within = leakWithin;

/** The seeded sample of redaction-quality.ts (scannedSample), the same pages in the same order. */
function sampleOf(docs: GenDoc[]): Set<string> {
  const all: { id: string; pii: boolean; h: string }[] = [];
  for (const d of docs)
    d.pageKinds.forEach((k, i) => {
      if (k !== "scanned") return;
      const id = `${d.name}#${i + 1}`;
      all.push({ id, pii: d.truth.some((t) => t.page === i + 1), h: createHash("sha1").update(`${SEED}:${id}`).digest("hex") });
    });
  all.sort((a, b) => (a.h < b.h ? -1 : 1));
  const withPii = all.filter((p) => p.pii).slice(0, SCANNED);
  const without = all.filter((p) => !p.pii).slice(0, Math.ceil(withPii.length / 5));
  return new Set([...withPii, ...without].map((p) => p.id));
}

function pagesOf(docs: GenDoc[]): { doc: GenDoc; index: number; id: string }[] {
  const sample = sampleOf(docs);
  const only = optStr("--only")?.split(",");
  const out: { doc: GenDoc; index: number; id: string }[] = [];
  for (const doc of docs)
    doc.pages.forEach((_, i) => {
      const id = `${doc.name}#${i + 1}`;
      if (sample.has(id) && (!only || only.includes(id))) out.push({ doc, index: i, id });
    });
  return out;
}

/** The engine source at `rev` as redaction-quality.ts hashes it into its OCR cache key. */
function engineAt(rev: string): string {
  return ["ocr.ts", "preprocess.ts"]
    .map((f) => {
      try {
        return execFileSync("git", ["show", `${rev}:sdk/pdf/${f}`], { encoding: "utf8", maxBuffer: 64 << 20 });
      } catch {
        return undefined;
      }
    })
    .filter((s): s is string => s !== undefined)
    .join("\n");
}

async function collect(): Promise<void> {
  const rev = optStr("--cache");
  // `npm run bench` (all of them) runs this one too: without --out it writes to the temp dir.
  const out = optStr("--out") ?? path.join(os.tmpdir(), `docmill-ocr-pages-${SEED}-${rev ?? "ocr"}.json`);
  const timeoutMs = optStr("--timeout") === undefined ? undefined : opt("--timeout", 0);
  const loadStart = load();
  const docs = await generateCorpus(SEED, COUNT);
  const pages = pagesOf(docs);
  const engine = rev ? engineAt(rev) : "";
  const cache = path.join(os.tmpdir(), "docmill-bench-ocr-cache");
  const records: PageRecord[] = [];
  let next = 0;
  let missing = 0;
  // Two pages at once, as the bench does (it runs two document workers against the pool).
  const worker = async () => {
    while (next < pages.length) {
      const { doc, index, id } = pages[next++]!;
      const img = await renderScanImage(doc, index);
      if (rev) {
        const hash = createHash("sha256").update(img).update(doc.ocrLang.join("+")).update(engine).digest("hex").slice(0, 32);
        const file = path.join(cache, `${hash}.json`);
        if (!existsSync(file)) {
          missing++;
          continue;
        }
        records.push({ id, lang: doc.ocrLang, words: JSON.parse(readFileSync(file, "utf8")) as PageInput["words"] });
      } else {
        const t = performance.now();
        const r = await pdfPool.ocr(img, { lang: doc.ocrLang, pageWidthPt: doc.width, pageHeightPt: doc.height, timeoutMs });
        const ms = Math.round(performance.now() - t);
        records.push({ id, lang: doc.ocrLang, words: r.words.map((w) => ({ text: w.text, box: w.box, confidence: w.confidence })), report: r.report, ms });
        console.log(`${id.padEnd(32)} ${String(r.words.length).padStart(4)} words ${(ms / 1000).toFixed(1).padStart(6)} s  ${r.report?.pass} ${r.report?.langs.join("+")} ${r.report?.status}${r.report?.timedOut ? ` timedOut:${r.report.timedOut.step}` : ""}  load ${load()}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  await pdfPool.close();
  records.sort((a, b) => (a.id < b.id ? -1 : 1));
  const file: RunFile = { seed: SEED, source: rev ? `cache:${rev}` : `ocr:${execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim()}`, loadStart, loadEnd: load(), pages: records };
  writeFileSync(out, JSON.stringify(file));
  console.log(`${records.length} pages written to ${out}${rev ? `, ${missing} not in the cache` : ""}; load ${loadStart} -> ${file.loadEnd}`);
}

interface PageEval {
  words: number;
  deva: number;
  read: Set<string>;
  detected: Set<string>;
}

function evalPage(doc: GenDoc, p: PageRecord): PageEval {
  const page = Number(p.id.split("#")[1]);
  const input: PageInput = { page, width: doc.width, height: doc.height, source: "ocr", words: p.words };
  const text = fold(buildTextModel(input).text);
  const findings = detect([input], resolveDetectionConfig({}));
  const read = new Set<string>();
  const detected = new Set<string>();
  for (const t of doc.truth.filter((x) => x.page === page)) {
    const key = `${t.label} ${JSON.stringify(t.text)}`;
    const ft = fold(t.text);
    if (ft.length === 0 || within(ft, text)) read.add(key);
    let covered = 0;
    for (const f of findings.filter((x) => x.label === t.label).map((x) => fold(x.text))) {
      if (within(ft, f)) covered = ft.length;
      else if (f.length >= 3 && within(f, ft)) covered += f.length;
    }
    if (ft.length === 0 || covered >= ft.length * 0.85) detected.add(key);
  }
  return { words: p.words.length, deva: p.words.filter((w) => /[\u0900-\u097F]/.test(w.text)).length, read, detected };
}

async function diff(): Promise<void> {
  const i = args.indexOf("--diff");
  const [fa, fb] = [args[i + 1]!, args[i + 2]!];
  const a = JSON.parse(readFileSync(fa, "utf8")) as RunFile;
  const b = JSON.parse(readFileSync(fb, "utf8")) as RunFile;
  const docs = new Map((await generateCorpus(a.seed, COUNT)).map((d) => [d.name, d]));
  const bPages = new Map(b.pages.map((p) => [p.id, p]));
  console.log(`A = ${a.source} (load ${a.loadStart} -> ${a.loadEnd}), B = ${b.source} (load ${b.loadStart} -> ${b.loadEnd})`);
  const tot = { truth: 0, readA: 0, readB: 0, detA: 0, detB: 0, sA: 0, sB: 0, n: 0 };
  const desc = (p: PageRecord) => (p.report ? `${p.report.pass}/${p.report.langs.join("+")}${p.report.status !== "ok" ? `/${p.report.status}` : ""}${p.report.timedOut ? `/timedOut:${p.report.timedOut.step}` : ""} ${((p.ms ?? 0) / 1000).toFixed(1)}s` : "");
  for (const pa of a.pages) {
    const pb = bPages.get(pa.id);
    if (!pb) continue;
    const doc = docs.get(pa.id.split("#")[0]!)!;
    const ea = evalPage(doc, pa);
    const eb = evalPage(doc, pb);
    const truth = doc.truth.filter((t) => t.page === Number(pa.id.split("#")[1])).length;
    tot.truth += truth;
    tot.readA += ea.read.size;
    tot.readB += eb.read.size;
    tot.detA += ea.detected.size;
    tot.detB += eb.detected.size;
    tot.sA += pa.ms ?? 0;
    tot.sB += pb.ms ?? 0;
    tot.n++;
    const lostB = [...ea.detected].filter((k) => !eb.detected.has(k));
    const lostA = [...eb.detected].filter((k) => !ea.detected.has(k));
    const same = pa.words.map((w) => w.text).join(" ") === pb.words.map((w) => w.text).join(" ");
    if (same && !lostA.length && !lostB.length && !args.includes("--all")) continue;
    console.log(`${pa.id.padEnd(30)} ${doc.ocrLang.join("+").padEnd(8)} truth ${String(truth).padStart(2)}  A ${String(ea.words).padStart(4)}w deva ${String(ea.deva).padStart(3)} read ${ea.read.size} det ${ea.detected.size} ${desc(pa)}  |  B ${String(eb.words).padStart(4)}w deva ${String(eb.deva).padStart(3)} read ${eb.read.size} det ${eb.detected.size} ${desc(pb)}${same ? "  (same words)" : ""}`);
    for (const k of lostB) console.log(`    only A detects ${k}`);
    for (const k of lostA) console.log(`    only B detects ${k}`);
  }
  console.log(`\n${tot.n} pages, ${tot.truth} truth values: read A ${tot.readA} B ${tot.readB}; detected (page alone) A ${tot.detA} (${(tot.detA / tot.truth).toFixed(3)}) B ${tot.detB} (${(tot.detB / tot.truth).toFixed(3)})${tot.sA && tot.sB ? `; OCR s/page A ${(tot.sA / tot.n / 1000).toFixed(2)} B ${(tot.sB / tot.n / 1000).toFixed(2)}` : ""}`);
}

(args.includes("--diff") ? diff() : collect()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
