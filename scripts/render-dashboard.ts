/**
 * Renders docs/grafana/docmill-dashboard.json from one real scrape of /metrics, as a page in Chromium,
 * and saves a screenshot. Grafana is not installable on these machines (no Debian package, no internet
 * for its binaries), so this is the stand-in: every panel's PromQL is evaluated by a small evaluator
 * that knows the forms the dashboard uses. With one scrape there is no rate: counters show their totals
 * since the process started (the page says so), quantiles come from the cumulative buckets.
 *
 *   tsx scripts/render-dashboard.ts <metrics.txt | http://host:3030/metrics> <out.png>
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

type Group = { labels: Record<string, string>; value: number };

function groupBy(series: Series[], metric: string, by: string[], agg: "sum" | "max"): Group[] {
  const groups = new Map<string, Group>();
  for (const s of series.filter((x) => x.name === metric)) {
    const labels = Object.fromEntries(by.map((l) => [l, s.labels[l] ?? ""]));
    const key = JSON.stringify(labels);
    const g = groups.get(key);
    if (!g) groups.set(key, { labels, value: s.value });
    else g.value = agg === "sum" ? g.value + s.value : Math.max(g.value, s.value);
  }
  return [...groups.values()];
}

/** Prometheus' histogram_quantile: linear interpolation inside the bucket the rank falls in. */
function quantile(q: number, buckets: Array<{ le: number; count: number }>): number {
  const b = buckets.sort((x, y) => x.le - y.le);
  const total = b[b.length - 1]?.count ?? 0;
  if (!total) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of b) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1e-12, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** Evaluates the dashboard's expression forms on one scrape. */
export function evaluate(expr: string, series: Series[]): Group[] {
  const e = expr.replace(/\s+/g, " ").trim();
  let m = /^histogram_quantile\(([\d.]+), sum by \(([^)]*)\) \(rate\((\w+)\[\w+\]\)\)\)$/.exec(e);
  if (m) {
    const by = m[2]!.split(",").map((s) => s.trim()).filter((l) => l !== "le");
    const groups = new Map<string, { labels: Record<string, string>; buckets: Map<number, number> }>();
    for (const s of series.filter((x) => x.name === m![3])) {
      const labels = Object.fromEntries(by.map((l) => [l, s.labels[l] ?? ""]));
      const key = JSON.stringify(labels);
      const g = groups.get(key) ?? { labels, buckets: new Map() };
      const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
      g.buckets.set(le, (g.buckets.get(le) ?? 0) + s.value);
      groups.set(key, g);
    }
    return [...groups.values()].map((g) => ({ labels: g.labels, value: quantile(Number(m![1]), [...g.buckets].map(([le, count]) => ({ le, count }))) }));
  }
  m = /^sum\(rate\((\w+)\[\w+\]\)\) \/ sum\(rate\((\w+)\[\w+\]\)\)$/.exec(e);
  if (m) {
    const a = groupBy(series, m[1]!, [], "sum")[0]?.value ?? NaN;
    const b = groupBy(series, m[2]!, [], "sum")[0]?.value ?? NaN;
    return [{ labels: {}, value: a / b }];
  }
  m = /^(sum|max)(?: by \(([^)]*)\))? ?\((?:(?:rate|increase)\((\w+)\[\w+\]\)|(\w+))\)$/.exec(e);
  if (m) return groupBy(series, m[3] ?? m[4]!, (m[2] ?? "").split(",").map((s) => s.trim()).filter(Boolean), m[1] as "sum" | "max");
  throw new Error(`render-dashboard does not evaluate: ${expr}`);
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return "no data";
  const n = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2);
  return unit === "s" ? `${n} s` : n;
}

interface Panel {
  title: string;
  type: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets: Array<{ expr: string; legendFormat?: string }>;
}

export function renderHtml(dashboard: { title: string; panels: Panel[] }, series: Series[], source: string): string {
  const cells = dashboard.panels.map((p) => {
    const unit = p.fieldConfig?.defaults?.unit ?? "short";
    const rows = p.targets.flatMap((t) =>
      evaluate(t.expr, series).map((g) => ({
        legend: (t.legendFormat ?? "").replace(/\{\{(\w+)\}\}/g, (_, l: string) => g.labels[l] ?? "") || t.expr,
        value: g.value,
        perSecond: /rate\(/.test(t.expr) && !/histogram_quantile|\/ sum/.test(t.expr),
      })),
    );
    const max = Math.max(1e-12, ...rows.map((r) => (Number.isFinite(r.value) ? r.value : 0)));
    const body = rows.length
      ? rows
          .sort((a, b) => (b.value || 0) - (a.value || 0))
          .slice(0, 9)
          .map((r) => `<div class="row"><span class="legend">${esc(r.legend)}</span><span class="bar"><i style="width:${Math.max(1, (100 * (Number.isFinite(r.value) ? r.value : 0)) / max)}%"></i></span><span class="val">${fmt(r.value, unit === "ops" ? "" : unit)}${r.perSecond ? "<small> total</small>" : ""}</span></div>`)
          .join("")
      : `<p class="empty">No data yet</p>`;
    return `<section style="grid-column:${p.gridPos.x + 1} / span ${p.gridPos.w};grid-row:${p.gridPos.y / 8 + 1}"><h2>${esc(p.title)}</h2><code>${esc(p.targets[0]!.expr)}</code>${body}</section>`;
  });
  return `<!doctype html><meta charset="utf-8"><title>${esc(dashboard.title)}</title><style>
  body{margin:0;background:#111217;color:#ccccdc;font:13px Inter,"DejaVu Sans",sans-serif}
  header{padding:12px 18px;border-bottom:1px solid #2a2d35;display:flex;gap:16px;align-items:baseline}
  header h1{font-size:18px;margin:0;color:#fff} header p{margin:0;color:#8e8e9e}
  main{display:grid;grid-template-columns:repeat(24,1fr);gap:8px;padding:8px}
  section{background:#181b1f;border:1px solid #2a2d35;border-radius:4px;padding:8px 10px;min-height:190px}
  h2{font-size:13px;margin:0 0 2px;color:#fff} code{display:block;color:#6e7080;font-size:10px;margin-bottom:6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
  .row{display:grid;grid-template-columns:42% 1fr 72px;gap:6px;align-items:center;margin:3px 0}
  .legend{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.bar{background:#22252b;height:12px;border-radius:2px}
  .bar i{display:block;height:100%;background:#73bf69;border-radius:2px}.val{text-align:right;color:#fff}.val small{color:#8e8e9e}
  .empty{color:#8e8e9e}</style>
  <header><h1>${esc(dashboard.title)}</h1><p>Panels of docs/grafana/docmill-dashboard.json evaluated on one real scrape (${esc(source)}). Not Grafana: counters under rate() show totals since start.</p></header>
  <main>${cells.join("")}</main>`;
}

async function main() {
  const [src, out] = process.argv.slice(2);
  if (!src || !out) throw new Error("usage: tsx scripts/render-dashboard.ts <metrics.txt|url> <out.png>");
  const text = /^https?:/.test(src) ? await (await fetch(src)).text() : readFileSync(src, "utf8");
  const dashboard = JSON.parse(readFileSync(path.resolve(__dirname, "../docs/grafana/docmill-dashboard.json"), "utf8"));
  const html = renderHtml(dashboard, parseMetrics(text), path.basename(src));
  const htmlFile = out.replace(/\.png$/, ".html");
  writeFileSync(htmlFile, html);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.setContent(html);
    await page.screenshot({ path: out, fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${out} and ${htmlFile}`);
}

if (require.main === module) main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
