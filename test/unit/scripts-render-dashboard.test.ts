/** The Grafana dashboard in docs/ uses only declared domain metrics, and every panel evaluates. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { DOMAIN_METRICS } from "../../sdk/metrics";
import { evaluate, parseMetrics } from "../../scripts/render-dashboard";

const dashboard = JSON.parse(readFileSync(path.resolve(__dirname, "../../docs/grafana/docmill-dashboard.json"), "utf8")) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
const names = new Set(Object.values(DOMAIN_METRICS).flatMap((m) => [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]));

describe("docs/grafana/docmill-dashboard.json", () => {
  it("queries only metrics docmill declares, and shows every one of them", () => {
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/docmill_\w+/g)].map((m) => m[0])));
    for (const u of used) expect(names).toContain(u);
    for (const m of Object.values(DOMAIN_METRICS)) expect(used.some((u) => u.startsWith(m.name))).toBe(true);
  });

  it("evaluates sums, ratios and quantiles on a scrape", () => {
    const s = parseMetrics(
      [
        'docmill_jobs{nodeID="a",plugin="redaction",status="queued"} 2',
        'docmill_jobs{nodeID="b",plugin="redaction",status="queued"} 3',
        'docmill_ocr_page_seconds_bucket{pass="primary",le="1"} 1',
        'docmill_ocr_page_seconds_bucket{pass="primary",le="2"} 3',
        'docmill_ocr_page_seconds_bucket{pass="primary",le="+Inf"} 4',
        'docmill_ocr_page_seconds_sum{pass="primary"} 8',
        'docmill_ocr_page_seconds_count{pass="primary"} 4',
      ].join("\n"),
    );
    expect(evaluate("sum by (plugin, status) (docmill_jobs)", s)).toEqual([{ labels: { plugin: "redaction", status: "queued" }, value: 5 }]);
    expect(evaluate("sum(rate(docmill_ocr_page_seconds_sum[15m])) / sum(rate(docmill_ocr_page_seconds_count[15m]))", s)[0]!.value).toBe(2);
    expect(evaluate("histogram_quantile(0.5, sum by (le) (rate(docmill_ocr_page_seconds_bucket[15m])))", s)[0]!.value).toBeCloseTo(1.5);
    for (const p of dashboard.panels) for (const t of p.targets) expect(() => evaluate(t.expr, s)).not.toThrow();
  });
});
