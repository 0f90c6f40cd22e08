/**
 * Detection quality of the redaction plugin on the generated corpus (test/fixtures/redaction-corpus.ts):
 * text, scanned (rasterised), mixed, rotated, two-column, table and (with --long) 50-page documents, each
 * with its ground truth. The pipeline is the plugin's own: text layer or OCR per page through the PDF
 * engine's pool, then the recognisers with the default configuration plus DATE (the truth labels dates).
 * Prints precision, recall and F1 per entity type and per document kind.
 *
 * Matching: same page and label and same text, case and ALL whitespace ignored (OCR often drops or
 * adds a space inside a card number; the characters covered are what matters for redaction).
 *
 * Run: npx tsx bench/redaction-quality.ts [--long] [--no-scanned]
 */
import { pdfPool } from "../services/lib/pdf/pool";
import { BUILT_IN_LABELS, detect, score, type Finding, type PageInput, type TruthItem } from "../plugins/redaction/detect";
import { redactionCorpus } from "../test/fixtures/redaction-corpus";

const squeeze = (s: string) => s.replace(/\s+/g, "");
const pct = (x: number) => (100 * x).toFixed(1).padStart(6);

async function main() {
  const args = process.argv.slice(2);
  const corpus = await redactionCorpus({ long: args.includes("--long"), scanned: !args.includes("--no-scanned") });
  // The truth labels dates of every kind, so DATE is switched on next to the defaults.
  const config = { labels: BUILT_IN_LABELS.filter((l) => l !== "ORGANISATION") };
  const all: Finding[] = [];
  const truth: TruthItem[] = [];
  const byKind = new Map<string, { findings: Finding[]; truth: TruthItem[] }>();
  let offset = 0;
  for (const doc of corpus) {
    const started = Date.now();
    const ex = await pdfPool.extractWithOcr(doc.fixture.bytes, {});
    const pages: PageInput[] = ex.pages.map((p) => ({ page: p.page, width: p.width, height: p.height, source: p.source, words: p.words }));
    // Pages of different documents must not match each other: shift page numbers per document.
    const findings = detect(pages, config).map((f) => ({ ...f, page: f.page + offset, text: squeeze(f.text) }));
    const t = doc.truth.map((e) => ({ page: e.page + offset, label: e.label, text: squeeze(e.text) }));
    offset += ex.pageCount;
    all.push(...findings);
    truth.push(...t);
    const k = byKind.get(doc.kind) ?? { findings: [], truth: [] };
    k.findings.push(...findings);
    k.truth.push(...t);
    byKind.set(doc.kind, k);
    const r = score(findings, t, { match: "text" });
    console.log(`${doc.name.padEnd(14)} ${String(ex.pageCount).padStart(3)} pages  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  P ${pct(r.overall.precision)}%  R ${pct(r.overall.recall)}%`);
  }
  const report = score(all, truth, { match: "text" });
  console.log("\nPer entity type (all documents)");
  console.log("label               tp   fp   fn  precision  recall     F1");
  for (const [label, s] of Object.entries(report.labels).sort()) {
    console.log(`${label.padEnd(18)} ${String(s.tp).padStart(3)}  ${String(s.fp).padStart(3)}  ${String(s.fn).padStart(3)}  ${pct(s.precision)}%  ${pct(s.recall)}%  ${pct(s.f1)}%`);
  }
  const o = report.overall;
  console.log(`${"ALL (micro)".padEnd(18)} ${String(o.tp).padStart(3)}  ${String(o.fp).padStart(3)}  ${String(o.fn).padStart(3)}  ${pct(o.precision)}%  ${pct(o.recall)}%  ${pct(o.f1)}%`);
  console.log(`macro F1 ${pct(report.macroF1)}%`);
  console.log("\nPer document kind");
  for (const [kind, k] of byKind) {
    const r = score(k.findings, k.truth, { match: "text" });
    console.log(`${kind.padEnd(10)} P ${pct(r.overall.precision)}%  R ${pct(r.overall.recall)}%  F1 ${pct(r.overall.f1)}%`);
  }
  await pdfPool.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
