/**
 * OCR quality and speed on degraded scans: docmill's OCR (the PDF engine's pool, sdk/pdf/ocr.ts)
 * against Debian's native `tesseract` 5 CLI, on the same generated pages (test/support/scan-corpus.ts:
 * letters, invoices, HR forms, CVs, statements, a Hindi notice and a mixed Hindi/English form, degraded by
 * speckle, blur, JPEG, skew up to ±3°, rotation by 90/180/270°, 200 dpi), in the same run. Prints
 *
 *   1. per degradation: word recall against the ground truth and seconds per page, for both, and the ratio;
 *   2. pages per second with 1 and 2 pool threads (the same pages, all submitted at once).
 *
 * Native runs as the issue's anchor: `--psm 1` (automatic segmentation with OSD), `OMP_THREAD_LIMIT=1`,
 * the page's own dpi (300, or 200 for the dpi200 pages), with the page's true language(s) given up front
 * (native has no script detection). docmill gets `eng` only and must find Hindi itself.
 *
 * Run: npm run bench ocr -- [--per 3] [--seed 12] [--threads-only | --no-threads] [--pdf [--scan-dpi 150]]
 *
 * --pdf: each page as an image-only PDF, read through ocrPdfPages (the path of redaction and tagging) in
 * two ways side by side: full mode (redaction's: rendered at 300 dpi, boxes, cluster/sparse passes) and
 * text mode (tagging's: at the scan's own resolution, no boxes, no cluster/sparse pass; recall from its text).
 * --scan-dpi N scans every page at N dpi (the tagging corpus's scans are 150).
 * (DOCMILL_TESSDATA_DIR=none compares the npm packages' best_int models instead of Debian's "fast" ones)
 *
 * docmill's pool is warmed first with every language set it may switch to (eng, and the two Hindi sets of
 * script detection), as a running service's threads are after their first pages; native loads its models
 * in every run, which is part of its time.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { modelSources } from "../sdk/pdf/ocr";
import { createPdfPool } from "../sdk/pdf/pool";
import type { OcrResult } from "../sdk/pdf/types";
import { DEGRADATIONS, type Found, type ScanPage, normWord, recall, scanCorpus, scanPdf } from "../test/support/scan-corpus";

const run = promisify(execFile);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

/** Words and seconds of native tesseract on one page image (tsv carries the word boxes, like ours). */
async function native(page: ScanPage, dir: string): Promise<{ words: Found[]; seconds: number }> {
  const file = path.join(dir, `${page.name}.${page.format === "jpeg" ? "jpg" : "png"}`);
  writeFileSync(file, page.image);
  const t = performance.now();
  const { stdout } = await run("tesseract", [file, "-", "--psm", "1", "--dpi", String(page.dpi), "-l", page.langs.join("+"), "tsv"], {
    env: { ...process.env, OMP_THREAD_LIMIT: "1" }, maxBuffer: 64 << 20,
  });
  const seconds = (performance.now() - t) / 1000;
  const k = 72 / page.dpi;
  const words = stdout.split("\n").slice(1).map((l) => l.split("\t"))
    .filter((c) => c.length >= 12 && c[0] === "5" && c[11]!.trim() !== "")
    .map((c) => ({ text: c[11]!.trim(), box: { x: +c[6]! * k, y: +c[7]! * k, width: +c[8]! * k, height: +c[9]! * k } }));
  return { words, seconds };
}

interface Row {
  page: ScanPage;
  ours: OcrResult;
  oursS: number;
  nat?: { words: Found[]; seconds: number };
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`.padStart(6);
}

async function throughput(pages: ScanPage[], threads: number): Promise<number> {
  const pool = createPdfPool({ threads });
  try {
    await pool.warmOcr(["eng"], { scripts: true });
    const t = performance.now();
    await Promise.all(pages.map((p) => pool.ocr(p.image, { lang: "eng", pageWidthPt: p.widthPt, pageHeightPt: p.heightPt })));
    return pages.length / ((performance.now() - t) / 1000);
  } finally {
    await pool.close();
  }
}

/** Recall of a text-only result: the truth words found in its text, each at most as often as it appears. */
function textRecall(truth: ScanPage["words"], text: string): { hit: number; total: number } {
  const have = new Map<string, number>();
  for (const w of text.split(/\s+/)) {
    const k = normWord(w);
    if (k) have.set(k, (have.get(k) ?? 0) + 1);
  }
  let hit = 0;
  let total = 0;
  for (const t of truth) {
    const k = normWord(t.text);
    if (!k) continue;
    total++;
    const n = have.get(k) ?? 0;
    if (n > 0) {
      hit++;
      have.set(k, n - 1);
    }
  }
  return { hit, total };
}

async function viaPdf(pages: ScanPage[]): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "docmill-bench-ocr-"));
  const pool = createPdfPool({ threads: 1 });
  const ways: Array<{ name: string; opts: { mode?: "text" } }> = [
    { name: "full", opts: {} },
    { name: "text", opts: { mode: "text" } },
  ];
  const rows: Array<{ page: ScanPage; rec: number[]; s: number[]; dpi: number[]; nat: { rec: number; s: number } }> = [];
  try {
    await pool.warmOcr(["eng"], { scripts: true });
    for (const [i, page] of pages.entries()) {
      const pdf = await scanPdf([page]);
      const row = { page, rec: [] as number[], s: [] as number[], dpi: [] as number[], nat: { rec: 0, s: 0 } };
      // Rotate the order page by page, so a burst of load from elsewhere hits every way alike.
      for (let k = 0; k < ways.length; k++) {
        const w = ways[(i + k) % ways.length]!;
        const t = performance.now();
        const [r] = await pool.ocrPdfPages(pdf, [1], { lang: "eng", dpi: 300, ...w.opts });
        const s = (performance.now() - t) / 1000;
        const j = ways.indexOf(w);
        row.s[j] = s;
        row.dpi[j] = r!.report?.measured.dpi ?? 0;
        if (w.opts.mode === "text") {
          const tr = textRecall(page.words, r!.text);
          row.rec[j] = tr.hit / tr.total;
        } else row.rec[j] = recall(page.words, r!.words).recall;
      }
      const nat = await native(page, dir);
      const nr = textRecall(page.words, nat.words.map((w) => w.text).join(" "));
      row.nat = { rec: nr.hit / nr.total, s: nat.seconds };
      rows.push(row);
    }
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n1b. Through ocrPdfPages (image-only PDFs; load average now ${load()}): recall % and s/page`);
  console.log(`   degradation   ${ways.map((w) => `${w.name.padStart(8)} rec    s  `).join("")}  native rec    s     (rendered dpi: ${ways.map((w) => w.name).join(" / ")})`);
  const sum = ways.map(() => 0);
  let natSum = 0;
  for (const d of DEGRADATIONS) {
    const rs = rows.filter((r) => r.page.degradation === d);
    if (!rs.length) continue;
    const cols = ways.map((_, j) => {
      const rec = rs.reduce((a, r) => a + r.rec[j]!, 0) / rs.length;
      const s = rs.reduce((a, r) => a + r.s[j]!, 0) / rs.length;
      sum[j]! += rs.reduce((a, r) => a + r.s[j]!, 0);
      return `${(rec * 100).toFixed(1).padStart(12)} ${s.toFixed(2).padStart(5)}  `;
    });
    natSum += rs.reduce((a, r) => a + r.nat.s, 0);
    const nrec = rs.reduce((a, r) => a + r.nat.rec, 0) / rs.length;
    const ns = rs.reduce((a, r) => a + r.nat.s, 0) / rs.length;
    console.log(`   ${d.padEnd(12)}  ${cols.join("")}${(nrec * 100).toFixed(1).padStart(10)} ${ns.toFixed(2).padStart(5)}     ${ways.map((_, j) => Math.round(rs[0]!.dpi[j]!)).join(" / ")}`);
  }
  console.log(`   all pages s/page: ${ways.map((w, j) => `${w.name} ${(sum[j]! / rows.length).toFixed(2)}`).join(", ")}, native ${(natSum / rows.length).toFixed(2)} (native recall here counts words in its text, as text mode's)`);
}

async function main() {
  const per = arg("per", 3);
  const seed = arg("seed", 12);
  const scanDpi = arg("scan-dpi", 0);
  const pages = await scanCorpus({ seed, per, ...(scanDpi ? { dpi: scanDpi } : {}) });
  console.log(`OCR corpus: ${pages.length} pages (${per} per degradation, seed ${seed}); load average ${load()} on ${os.availableParallelism()} cores`);
  const src = modelSources();
  console.log(`docmill's models (DOCMILL_TESSDATA_DIR): ${["eng", "hin", "osd"].map((c) => `${c} ${src[c] ?? "-"}`).join(", ")}`);

  if (process.argv.includes("--pdf")) {
    await viaPdf(pages);
    return;
  }
  const rows: Row[] = [];
  if (!process.argv.includes("--threads-only")) {
    const dir = mkdtempSync(path.join(tmpdir(), "docmill-bench-ocr-"));
    const pool = createPdfPool({ threads: 1 });
    let nativeMissing: string | undefined;
    try {
      await pool.warmOcr(["eng"], { scripts: true });
      // Alternate the two engines page by page, so a burst of load from elsewhere hits both alike.
      for (const page of pages) {
        const t = performance.now();
        const ours = await pool.ocr(page.image, { lang: "eng", pageWidthPt: page.widthPt, pageHeightPt: page.heightPt });
        const row: Row = { page, ours, oursS: (performance.now() - t) / 1000 };
        if (!nativeMissing) {
          try {
            row.nat = await native(page, dir);
          } catch (err) {
            nativeMissing = (err as Error).message.split("\n")[0];
          }
        }
        rows.push(row);
      }
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
    if (nativeMissing) console.log(`native tesseract unavailable (${nativeMissing}); install tesseract-ocr tesseract-ocr-hin`);

    console.log(`\n1. Word recall and seconds per page (1 thread each; load average now ${load()})`);
    console.log("   degradation   docmill recall  native recall   docmill s/page  native s/page  ratio   box err p90 (pt)  rotation found  passes won by retry");
    let sumOurs = 0;
    let sumNat = 0;
    for (const d of DEGRADATIONS) {
      const rs = rows.filter((r) => r.page.degradation === d);
      if (rs.length === 0) continue;
      const ours = rs.map((r) => recall(r.page.words, r.ours.words));
      const rec = ours.reduce((s, r) => s + r.pairs.length, 0) / ours.reduce((s, r) => s + r.total, 0);
      const nat = rs.every((r) => r.nat) ? rs.map((r) => recall(r.page.words, r.nat!.words)) : undefined;
      const natRec = nat ? nat.reduce((s, r) => s + r.pairs.length, 0) / nat.reduce((s, r) => s + r.total, 0) : undefined;
      const oursS = rs.reduce((s, r) => s + r.oursS, 0) / rs.length;
      const natS = nat ? rs.reduce((s, r) => s + r.nat!.seconds, 0) / rs.length : undefined;
      sumOurs += rs.reduce((s, r) => s + r.oursS, 0);
      if (natS !== undefined) sumNat += natS * rs.length;
      const errs = ours.flatMap((r) => r.pairs.map((p) => Math.max(
        Math.abs(p.found.box.x - p.truth.box.x), Math.abs(p.found.box.y - p.truth.box.y),
        Math.abs(p.found.box.x + p.found.box.width - (p.truth.box.x + p.truth.box.width)),
        Math.abs(p.found.box.y + p.found.box.height - (p.truth.box.y + p.truth.box.height)),
      ))).sort((a, b) => a - b);
      const p90 = errs.length ? errs[Math.floor(errs.length * 0.9)]!.toFixed(2) : "-";
      const rotOk = rs.filter((r) => r.ours.report?.rotation === r.page.rotation).length;
      const retried = rs.filter((r) => r.ours.report?.pass === "retry").length;
      console.log(
        `   ${d.padEnd(12)}  ${pct(rec)}          ${natRec === undefined ? "   -  " : pct(natRec)}          ` +
        `${oursS.toFixed(2).padStart(6)}          ${natS === undefined ? "   -  " : natS.toFixed(2).padStart(6)}        ` +
        `${natS === undefined ? "  -  " : (oursS / natS).toFixed(2).padStart(5)}x  ${p90.padStart(8)}          ${rotOk}/${rs.length}            ${retried}/${rs.length}`,
      );
    }
    if (sumNat > 0) console.log(`   all pages: docmill ${(sumOurs / rows.length).toFixed(2)} s/page, native ${(sumNat / rows.length).toFixed(2)} s/page, ratio ${(sumOurs / sumNat).toFixed(2)}x`);
    const timeouts = rows.filter((r) => r.ours.report?.status !== "ok").map((r) => `${r.page.name}:${r.ours.report?.status}`);
    if (timeouts.length) console.log(`   pages not read: ${timeouts.join(", ")}`);
  }

  if (process.argv.includes("--no-threads")) return;
  console.log(`\n2. Throughput: all ${pages.length} pages submitted at once (load average before ${load()})`);
  const one = await throughput(pages, 1);
  console.log(`   1 thread : ${one.toFixed(3)} pages/s   (load average ${load()})`);
  const two = await throughput(pages, 2);
  console.log(`   2 threads: ${two.toFixed(3)} pages/s   (load average ${load()})  = ${(two / one).toFixed(2)}x one thread`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
