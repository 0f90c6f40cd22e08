/**
 * Moleculer's Prometheus reporter, plus the `_sum` and `_count` series it leaves out of a histogram that
 * has buckets but no quantiles. Without them PromQL cannot compute an average (`rate(x_sum) /
 * rate(x_count)`), and `histogram_quantile` works but nothing else does. Everything else is Moleculer's.
 */
// Moleculer's reporter classes are CommonJS without a typed subclassing surface.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Reporters = require("moleculer").MetricReporters as {
  Prometheus: new (opts?: unknown) => object;
  register(name: string, cls: unknown): void;
};

interface Snapshot {
  labels: Record<string, unknown>;
  sum: number;
  count: number;
  quantiles?: unknown;
  buckets?: unknown;
}
interface MetricLike {
  name: string;
  type: string;
  snapshot(): Snapshot[];
}
interface ReporterSelf {
  registry: { store: Map<string, MetricLike> };
  formatMetricName(name: string): string;
  labelsToStr(labels: Record<string, unknown>, extra?: Record<string, unknown>): string;
}

const Base = Reporters.Prometheus as unknown as new (opts?: unknown) => { generatePrometheusResponse(): string };

export class DocmillPrometheusReporter extends Base {
  override generatePrometheusResponse(): string {
    const text = super.generatePrometheusResponse();
    const self = this as unknown as ReporterSelf;
    const extra = new Map<string, string[]>();
    self.registry.store.forEach((metric) => {
      if (metric.type !== "histogram") return;
      const name = self.formatMetricName(metric.name).replace(/[.-]/g, "_");
      for (const item of metric.snapshot()) {
        if (item.quantiles || !item.buckets) continue;
        const labels = self.labelsToStr(item.labels);
        extra.set(`${name}_bucket${self.labelsToStr(item.labels, { le: "+Inf" })}`, [`${name}_sum${labels} ${item.sum}`, `${name}_count${labels} ${item.count}`]);
      }
    });
    if (!extra.size) return text;
    return text
      .split("\n")
      .flatMap((line) => {
        const add = extra.get(line.slice(0, line.lastIndexOf(" ")));
        return add ? [line, ...add] : [line];
      })
      .join("\n");
  }
}

Reporters.register("DocmillPrometheus", DocmillPrometheusReporter);

/** The reporter's type name for the broker options. */
export const PROMETHEUS_REPORTER = "DocmillPrometheus";
