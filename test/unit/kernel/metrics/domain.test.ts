/** The domain metrics on a real broker's registry and the Prometheus text the reporter serves. */
import { ServiceBroker } from "moleculer";
import { DOMAIN_METRICS, findingLabels, pagesOfResult, recordJobChange, recordWebhookDelivery, safeLabel } from "../../../../sdk/metrics";
import { MetricsMiddleware } from "../../../../kernel/metrics/middleware";
import { DocmillPrometheusReporter } from "../../../../kernel/metrics/prometheus";
import { sample } from "../../../support/prometheus";

let broker: ServiceBroker;
let reporter: DocmillPrometheusReporter & { generatePrometheusResponse(): string };

beforeAll(async () => {
  reporter = new DocmillPrometheusReporter({ port: 0 }) as typeof reporter;
  broker = new ServiceBroker({ logger: false, metrics: { enabled: true, reporter: [reporter as never] }, middlewares: [MetricsMiddleware()] });
  await broker.start();
});
afterAll(() => broker.stop());

const job = (over: Record<string, unknown>) => ({ _id: `j${Math.random()}`, processor: "redaction", status: "queued", version: 1, createdAt: new Date(Date.now() - 4000), ...over });

describe("domain metrics", () => {
  it("declares every metric with a docmill_ name and bounded labels", () => {
    for (const m of Object.values(DOMAIN_METRICS)) {
      expect(m.name).toMatch(/^docmill_[a-z_]+$/);
      expect(m.labelNames.every((l) => ["plugin", "status", "stage", "outcome", "error", "source", "pass", "label", "model", "kind", "api", "reason", "scope", "event"].includes(l))).toBe(true);
    }
  });

  it("counts a transition once even when it is published twice, and fails by error type", () => {
    const failed = job({ status: "failed", version: 4, finishedAt: new Date(), error: { type: "REDACTION_VERIFICATION_FAILED" } });
    recordJobChange(failed);
    recordJobChange(failed);
    const text = reporter.generatePrometheusResponse();
    expect(sample(text, "docmill_job_transitions_total", { plugin: "redaction", status: "failed" })).toBe(1);
    expect(sample(text, "docmill_job_failures_total", { plugin: "redaction", error: "REDACTION_VERIFICATION_FAILED" })).toBe(1);
    expect(sample(text, "docmill_redaction_verification_failures_total")).toBe(1);
  });

  it("serves _sum and _count beside the buckets of a histogram (Moleculer leaves them out)", () => {
    // finishedAt is evaluated before job() sets createdAt: both from one clock reading, 4 s apart.
    const createdAt = new Date(Date.now() - 4000);
    recordJobChange(job({ status: "completed", version: 3, createdAt, finishedAt: new Date(createdAt.getTime() + 4000), result: { pages: [{ source: "text" }, { source: "ocr" }], findings: [{ label: "EMAIL_ADDRESS", text: "a@b.c" }] } }));
    const text = reporter.generatePrometheusResponse();
    expect(sample(text, "docmill_job_duration_seconds_sum", { plugin: "redaction", status: "completed" })).toBeGreaterThanOrEqual(4);
    expect(sample(text, "docmill_job_duration_seconds_count", { plugin: "redaction", status: "completed" })).toBe(1);
    // Right after the +Inf bucket of its own series.
    expect(text).toMatch(/status="completed",le="\+Inf"\} 1\ndocmill_job_duration_seconds_sum\{[^}]*status="completed"\}/);
    expect(sample(text, "docmill_pages_processed_total", { plugin: "redaction", source: "ocr" })).toBe(1);
    expect(sample(text, "docmill_findings_total", { label: "EMAIL_ADDRESS" })).toBe(1);
    expect(text).not.toContain("a@b.c");
  });

  it("counts webhook deliveries and failures for part A's sender", () => {
    recordWebhookDelivery("job.finished", "delivered");
    recordWebhookDelivery("job.finished", "failed", "http_5xx");
    const text = reporter.generatePrometheusResponse();
    expect(sample(text, "docmill_webhook_deliveries_total", { event: "job.finished", outcome: "failed" })).toBe(1);
    expect(sample(text, "docmill_webhook_delivery_failures_total", { event: "job.finished", reason: "http_5xx" })).toBe(1);
  });

  it.each([
    ["IP_ADDRESS", "IP_ADDRESS"],
    ["openai/gpt-4o-mini", "openai/gpt-4o-mini"],
    ["john smith", "other"],
    ['x"}\n', "other"],
    ["a".repeat(65), "other"],
    [42, "other"],
  ])("keeps label %p as %p", (v, want) => expect(safeLabel(v)).toBe(want));

  it("reads pages and finding labels from both plugins' results", () => {
    expect(pagesOfResult({ pages: [{ source: "text" }, { source: "ocr" }, { source: "ocr" }] })).toEqual({ text: 1, ocr: 2 });
    expect(pagesOfResult({ pages_read: 3, ocr_pages: [2] })).toEqual({ text: 2, ocr: 1 });
    expect(pagesOfResult({ phase: "redaction", redactedPages: [1] })).toBeNull();
    expect([...findingLabels({ findings: [{ label: "PERSON" }, { label: "PERSON" }, { label: "bad label" }] })]).toEqual([["PERSON", 2], ["other", 1]]);
  });
});
