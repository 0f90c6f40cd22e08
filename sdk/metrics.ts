/**
 * docmill's domain metrics: what the jobs, plugins, models and logins do, on the Prometheus endpoint of
 * Moleculer's metrics (METRICS=true, METRICS_PORT, docs/metrics.md). Every name and label set is declared
 * here once; the record functions below are what code calls, one line where the thing happens.
 *
 * Labels are bounded sets (plugin ids, statuses, catalogued error types, recogniser labels, model names
 * checked against a plain pattern). Never personal data or document text: no file names, user ids,
 * e-mail addresses, finding texts or URLs.
 *
 * A process has one metrics registry: the broker that last started with metrics enabled installs it
 * (`installMetrics`, from the metrics middleware). Without it every record function does nothing, so
 * tools and tests that run plugins without a broker pay nothing.
 */
import type { ServiceBroker } from "moleculer";

type Labels = Record<string, string>;
interface Registry {
  register(opts: Record<string, unknown>): unknown;
  increment(name: string, labels?: Labels, value?: number): void;
  set(name: string, value: number, labels?: Labels): void;
  observe(name: string, value: number, labels?: Labels): void;
  getMetric(name: string): unknown;
}

/** Seconds: a page's OCR (0.1 s - 2 min) and whole jobs (a second to a day waiting for review). */
const OCR_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120];
const STAGE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900];
const JOB_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

/** Every domain metric: name, type, labels, help. Exported for docs/metrics.md and the dashboard test. */
export const DOMAIN_METRICS = {
  jobTransitions: { name: "docmill_job_transitions_total", type: "counter", labelNames: ["plugin", "status"], description: "Job state transitions, by plugin and the status entered" },
  jobs: { name: "docmill_jobs", type: "gauge", labelNames: ["plugin", "status"], description: "Jobs in the database by plugin and status (sampled)" },
  queueDepth: { name: "docmill_queue_depth", type: "gauge", labelNames: ["plugin", "source"], description: "Job messages waiting for a worker, by plugin (sampled): JetStream's num_pending (source=jetstream), or without NATS the jobs queued in the database (source=database)" },
  queueInFlight: { name: "docmill_queue_in_flight", type: "gauge", labelNames: ["plugin"], description: "Job messages delivered to a worker and not yet acknowledged (JetStream num_ack_pending, sampled)" },
  queueRedelivered: { name: "docmill_queue_redelivered", type: "gauge", labelNames: ["plugin"], description: "Job messages delivered more than once and not yet acknowledged (JetStream num_redelivered, sampled)" },
  jobDuration: { name: "docmill_job_duration_seconds", type: "histogram", labelNames: ["plugin", "status"], buckets: JOB_BUCKETS, description: "Creation to final status (review time included)" },
  stageDuration: { name: "docmill_job_stage_duration_seconds", type: "histogram", labelNames: ["plugin", "stage", "outcome"], buckets: STAGE_BUCKETS, description: "One run of a plugin on a worker: stage run (first run) or resume:<point>" },
  deliveries: { name: "docmill_job_deliveries_total", type: "counter", labelNames: ["plugin"], description: "Job messages delivered to workers" },
  redeliveries: { name: "docmill_job_redeliveries_total", type: "counter", labelNames: ["plugin"], description: "Job messages delivered again (not acked in time, handed back by a busy worker, worker died)" },
  takeovers: { name: "docmill_job_retries_total", type: "counter", labelNames: ["plugin"], description: "First runs claimed for a further attempt (the previous worker died or gave the job back); resumed runs are not counted" },
  failures: { name: "docmill_job_failures_total", type: "counter", labelNames: ["plugin", "error"], description: "Failed jobs by catalogued error type" },
  pages: { name: "docmill_pages_processed_total", type: "counter", labelNames: ["plugin", "source"], description: "Pages read by a job, by source (text layer or OCR)" },
  ocrPage: { name: "docmill_ocr_page_seconds", type: "histogram", labelNames: ["pass"], buckets: OCR_BUCKETS, description: "OCR time of one page (pass: primary or retry)" },
  findings: { name: "docmill_findings_total", type: "counter", labelNames: ["label"], description: "Findings of completed detections, by label" },
  verificationFailures: { name: "docmill_redaction_verification_failures_total", type: "counter", labelNames: [], description: "Redactions refused because verification found text left under an area" },
  llmCalls: { name: "docmill_llm_calls_total", type: "counter", labelNames: ["model", "outcome"], description: "Chat-completion requests, by model and outcome (ok or a catalogued LLM_* code)" },
  llmTokens: { name: "docmill_llm_tokens_total", type: "counter", labelNames: ["model", "kind"], description: "Tokens the provider reported, prompt and completion" },
  llmRateLimited: { name: "docmill_llm_rate_limited_total", type: "counter", labelNames: ["model"], description: "HTTP 429 answers from the model provider" },
  llmErrors: { name: "docmill_llm_errors_total", type: "counter", labelNames: ["model", "error"], description: "Failed model requests (429 included), by catalogued error code" },
  loginFailures: { name: "docmill_login_failures_total", type: "counter", labelNames: ["api", "reason"], description: "Refused sign-ins: invalid_credentials, throttled (locked or over the limit), disabled" },
  lockouts: { name: "docmill_login_lockouts_total", type: "counter", labelNames: ["scope"], description: "Lockouts imposed, per account or per client address" },
  webhookDeliveries: { name: "docmill_webhook_deliveries_total", type: "counter", labelNames: ["event", "outcome"], description: "Webhook delivery attempts by event and outcome (delivered, failed, gave_up)" },
  webhookFailures: { name: "docmill_webhook_delivery_failures_total", type: "counter", labelNames: ["event", "reason"], description: "Failed webhook attempts by reason (http_4xx, http_5xx, timeout, network, refused)" },
  auditSpoolEntries: { name: "docmill_audit_spool_entries", type: "gauge", labelNames: [], description: "Audit entries this process holds in its spool because NATS was away (kernel/audit/spool.ts)" },
  auditSpoolBytes: { name: "docmill_audit_spool_bytes", type: "gauge", labelNames: [], description: "Bytes of this process's audit spool in the current NATS outage (bounded by AUDIT_SPOOL_MAX_BYTES)" },
  auditSpoolDropped: { name: "docmill_audit_spool_dropped_total", type: "counter", labelNames: [], description: "Audit entries dropped because the spool was full (AUDIT_SPOOL_MAX_BYTES)" },
} as const;

export type DomainMetric = keyof typeof DOMAIN_METRICS;

let registry: Registry | undefined;

/** Registers the domain metrics on the broker's registry and makes it this process's sink. */
export function installMetrics(broker: ServiceBroker): void {
  if (!broker.isMetricsEnabled()) return;
  const reg = broker.metrics as unknown as Registry;
  for (const def of Object.values(DOMAIN_METRICS)) {
    if (!reg.getMetric(def.name)) reg.register({ ...def, labelNames: [...def.labelNames], ...("buckets" in def ? { buckets: [...def.buckets] } : {}) });
  }
  registry = reg;
}

/** Forgets the sink (the broker stopped). */
export function uninstallMetrics(broker: ServiceBroker): void {
  if (registry === (broker.metrics as unknown)) registry = undefined;
}

export function metricsActive(): boolean {
  return registry !== undefined;
}

function inc(m: DomainMetric, labels: Labels = {}, value = 1): void {
  if (!registry || !(value > 0)) return;
  registry.increment(DOMAIN_METRICS[m].name, labels, value);
}

function observe(m: DomainMetric, value: number, labels: Labels = {}): void {
  if (!registry || !Number.isFinite(value) || value < 0) return;
  registry.observe(DOMAIN_METRICS[m].name, value, labels);
}

export function setGauge(m: DomainMetric, value: number, labels: Labels = {}): void {
  registry?.set(DOMAIN_METRICS[m].name, value, labels);
}

/** A label value from a bounded vocabulary: identifiers only, anything else becomes "other". */
export function safeLabel(v: unknown, max = 64): string {
  return typeof v === "string" && v.length > 0 && v.length <= max && /^[A-Za-z0-9_.:/@+-]+$/.test(v) ? v : "other";
}

/** Paused statuses carry the point (`paused:readyForReview`): the label keeps it, it is the plugin's own name. */
const statusLabel = (s: string) => safeLabel(s);

// ---- jobs (jobs service) -------------------------------------------------------------------------

interface JobLike {
  _id: string;
  processor: string;
  status: string;
  version?: number;
  createdAt?: Date | string;
  finishedAt?: Date | string | null;
  result?: unknown;
  /** The findings' counts when the findings themselves are kept outside the job (kernel/jobs/results.ts). */
  resultRef?: { labels?: Record<string, number> } | null;
  error?: { type?: string } | null;
}

const seen = new Set<string>();
/** One transition counts once even when its publication is repeated (a retried finish republishes it). */
function firstTime(key: string): boolean {
  if (seen.has(key)) return false;
  if (seen.size > 20_000) seen.clear();
  seen.add(key);
  return true;
}

/** Pages a job's result says it read, by source: `pages: [{source}]` (redaction) or `pages_read` + `ocr_pages` (tagging). */
export function pagesOfResult(result: unknown): { text: number; ocr: number } | null {
  const r = result as { pages?: unknown; pages_read?: unknown; ocr_pages?: unknown } | null;
  if (!r || typeof r !== "object") return null;
  if (Array.isArray(r.pages) && r.pages.every((p) => p && typeof (p as { source?: unknown }).source === "string")) {
    const ocr = r.pages.filter((p) => (p as { source: string }).source === "ocr").length;
    return { text: r.pages.length - ocr, ocr };
  }
  if (typeof r.pages_read === "number") {
    const ocr = Array.isArray(r.ocr_pages) ? r.ocr_pages.length : 0;
    return { text: Math.max(0, r.pages_read - ocr), ocr };
  }
  return null;
}

/** Findings by label of a detection result (`findings: [{label}]`). Labels only, never the texts. */
export function findingLabels(result: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const findings = (result as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings)) return out;
  for (const f of findings) {
    const label = safeLabel((f as { label?: unknown })?.label);
    out.set(label, (out.get(label) ?? 0) + 1);
  }
  return out;
}

/** Called for every published job state (jobs service `publish`). */
export function recordJobChange(job: JobLike): void {
  if (!registry || !firstTime(`${job._id}:${job.version ?? 0}`)) return;
  const plugin = safeLabel(job.processor);
  inc("jobTransitions", { plugin, status: statusLabel(job.status) });
  const pages = job.status.startsWith("paused:") || job.status === "completed" ? pagesOfResult(job.result) : null;
  if (pages) {
    inc("pages", { plugin, source: "text" }, pages.text);
    inc("pages", { plugin, source: "ocr" }, pages.ocr);
  }
  if (job.status.startsWith("paused:") || job.status === "completed") {
    const labels = job.resultRef?.labels ? new Map(Object.entries(job.resultRef.labels).map(([l, n]) => [safeLabel(l), n] as const)) : findingLabels(job.result);
    for (const [label, n] of labels) inc("findings", { label }, n);
  }
  if (["completed", "failed", "cancelled", "expired"].includes(job.status) && job.createdAt) {
    const end = job.finishedAt ? new Date(job.finishedAt).getTime() : Date.now();
    observe("jobDuration", (end - new Date(job.createdAt).getTime()) / 1000, { plugin, status: job.status });
  }
  if (job.status === "failed") {
    const error = safeLabel(job.error?.type);
    inc("failures", { plugin, error });
    if (error === "REDACTION_VERIFICATION_FAILED") inc("verificationFailures");
  }
}

/**
 * Samples of the jobs collection: count per plugin and status (jobs service, every few seconds). With
 * `queueFromDatabase` (no NATS: the in-memory channel has no consumer to ask) the queue depth is the
 * jobs `queued` in the database, labelled source=database; otherwise recordQueue reports JetStream's.
 */
export function recordJobCounts(rows: Array<{ plugin: string; status: string; count: number }>, previous: Set<string>, queueFromDatabase = false): Set<string> {
  const now = new Set<string>();
  const queued = new Map<string, number>();
  for (const r of rows) {
    const plugin = safeLabel(r.plugin);
    const status = statusLabel(r.status);
    now.add(`${plugin}\u0000${status}`);
    setGauge("jobs", r.count, { plugin, status });
    if (status === "queued") queued.set(plugin, (queued.get(plugin) ?? 0) + r.count);
  }
  // A status no job has any more reads 0, not its last value.
  for (const key of previous) {
    if (now.has(key)) continue;
    const [plugin, status] = key.split("\u0000") as [string, string];
    setGauge("jobs", 0, { plugin, status });
  }
  if (queueFromDatabase) {
    for (const key of [...now, ...previous]) {
      const plugin = key.split("\u0000")[0]!;
      setGauge("queueDepth", queued.get(plugin) ?? 0, { plugin, source: "database" });
    }
  }
  return now;
}

/** One plugin's JetStream consumer, as its info reports it (jobs service, with the job gauges). */
export function recordQueue(plugin: string, info: { pending: number; ackPending: number; redelivered: number }): void {
  const p = safeLabel(plugin);
  setGauge("queueDepth", info.pending, { plugin: p, source: "jetstream" });
  setGauge("queueInFlight", info.ackPending, { plugin: p });
  setGauge("queueRedelivered", info.redelivered, { plugin: p });
}

// ---- workers -------------------------------------------------------------------------------------

/** A job message reached a worker of `plugin` (redelivered when JetStream says so). */
export function recordDelivery(plugin: string, raw: { info?: { redeliveryCount?: number } } | undefined): void {
  const p = safeLabel(plugin);
  inc("deliveries", { plugin: p });
  // JetStream counts deliveries from 1: the first delivery is not a redelivery.
  if ((raw?.info?.redeliveryCount ?? 0) > 1) inc("redeliveries", { plugin: p });
}

/** One plugin run on a worker, from claim to outcome. */
export function recordRun(plugin: string, opts: { resumedFrom?: string | null; attempts: number; seconds: number; outcome: string }): void {
  const p = safeLabel(plugin);
  // A resumed job carries on counting attempts from its first run: only a fresh run's count says "retried".
  if (opts.attempts > 1 && !opts.resumedFrom) inc("takeovers", { plugin: p });
  observe("stageDuration", opts.seconds, { plugin: p, stage: opts.resumedFrom ? `resume:${safeLabel(opts.resumedFrom)}` : "run", outcome: safeLabel(opts.outcome) });
}

// ---- OCR, LLM ------------------------------------------------------------------------------------

/** One OCR'd page (PDF engine pool, main thread: the page report came back from the OCR thread). */
export function recordOcrPage(report: { ms?: number; pass?: string } | undefined): void {
  if (report?.ms === undefined) return;
  observe("ocrPage", report.ms / 1000, { pass: report.pass === "retry" ? "retry" : "primary" });
}

/** One chat-completion attempt. `outcome` is "ok" or the catalogued failure code (LLM_RATE_LIMIT, ...). */
export function recordLlmCall(model: string, outcome: string, usage?: { prompt_tokens?: number; completion_tokens?: number } | null, providerStatus?: number): void {
  const m = safeLabel(model, 100);
  inc("llmCalls", { model: m, outcome: safeLabel(outcome) });
  if (outcome !== "ok") inc("llmErrors", { model: m, error: safeLabel(outcome) });
  if (providerStatus === 429 || outcome === "LLM_RATE_LIMIT") inc("llmRateLimited", { model: m });
  if (usage) {
    inc("llmTokens", { model: m, kind: "prompt" }, usage.prompt_tokens ?? 0);
    inc("llmTokens", { model: m, kind: "completion" }, usage.completion_tokens ?? 0);
  }
}

// ---- sign-in ------------------------------------------------------------------------------------

export function recordLoginFailure(api: string, reason: "invalid_credentials" | "throttled" | "disabled"): void {
  inc("loginFailures", { api, reason });
}

/** A lockout was imposed on a throttle key (`acct:...` or `ip:...`; the key itself is never a label). */
export function recordLockout(key: string): void {
  inc("lockouts", { scope: key.startsWith("ip:") ? "address" : "account" });
}

// ---- webhooks (issue 18 part A calls these) --------------------------------------------------------

/**
 * One webhook delivery attempt. `event` is the subscribed event name (`job.finished`); `outcome`
 * "delivered" (2xx), "failed" (will be retried) or "gave_up" (retries spent). For a failure, `reason`
 * says why: http_4xx, http_5xx, timeout, network, refused (SSRF rules). Never the URL.
 */
export function recordWebhookDelivery(event: string, outcome: "delivered" | "failed" | "gave_up", reason?: "http_4xx" | "http_5xx" | "timeout" | "network" | "refused"): void {
  const e = safeLabel(event);
  inc("webhookDeliveries", { event: e, outcome });
  if (outcome !== "delivered") inc("webhookFailures", { event: e, reason: reason ?? "network" });
}

// ---- audit spool (kernel/audit/outbox.ts) ----------------------------------------------------------

/** The spool's size now, and entries dropped because it was full. */
export function recordAuditSpool(m: { entries?: number; bytes?: number; dropped?: number }): void {
  if (m.entries !== undefined) setGauge("auditSpoolEntries", m.entries);
  if (m.bytes !== undefined) setGauge("auditSpoolBytes", m.bytes);
  if (m.dropped) inc("auditSpoolDropped", {}, m.dropped);
}
