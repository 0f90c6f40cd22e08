/**
 * The dashboard picture from real data through a real time-series database. Starts NATS, the Mongo
 * server and docmill (`docmill start`, every service in one process, METRICS=true), a real Prometheus
 * (Debian's `prometheus` package, 2.42) scraping docmill's /metrics every 5 s, and drives a workload for
 * `--seconds` (default 240): redaction jobs through an API key (uploads, review with a rejected finding,
 * downloads), a cancel and a delete now and then, refused sign-ins up to a lockout, webhook deliveries to
 * a local receiver that fails every fourth one. Then every panel's PromQL of
 * docs/grafana/docmill-dashboard.json (rate(), histogram_quantile() and all) is evaluated by Prometheus
 * itself over the run (`/api/v1/query_range`) and the panels are drawn in Chromium.
 *
 * Grafana is not packaged in Debian and cannot be installed here, so the drawing is ours; the numbers are
 * Prometheus's. The tagging panels' LLM figures stay empty: no model provider is called in this run.
 *
 *   tsx scripts/dashboard-prometheus.ts [--seconds 240] [--out docs/grafana/dashboard-prometheus.png]
 */
import { createServer, type Server } from "node:http";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { redactionCorpus } from "../test/fixtures/redaction-corpus";
import { freePort, makeTempDir, spawnProcess, startMongoServer, startNatsServer, waitForPort, type SpawnedProcess } from "../test/support/infra";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const SECONDS = Number(arg("seconds", "240"));
const OUT = arg("out", "docs/grafana/dashboard-prometheus.png");
const ADMIN = { login: "admin@example.com", password: "Admin@1234!Tmp" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Panel {
  id: number;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets: Array<{ expr: string; legendFormat?: string }>;
}
interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

function receiver(): Promise<{ server: Server; url: string; count: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      n++;
      res.statusCode = n % 4 === 0 ? 500 : 200;
      res.end();
    });
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, count: () => n })));
}

async function main() {
  const procs: SpawnedProcess[] = [];
  const tmp = makeTempDir("docmill-prom-");
  const nats = await startNatsServer();
  const mongo = await startMongoServer();
  const [port, metricsPort, promPort] = [await freePort(), await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const rx = await receiver();
  try {
    const app = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "start"], {
      env: {
        NATS_URL: nats.url, MONGO_URL: mongo.url("docmill"), PORT: String(port), HOST: "127.0.0.1", METRICS: "true", METRICS_PORT: String(metricsPort),
        JWT_SECRET_KEY: `prom-${Date.now()}-0123456789abcdef0123456789`, WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_BASE_MS: "500", WEBHOOK_MAX_ATTEMPTS: "3",
        DOCMILL_PDF_THREADS: "1", LOG_LEVEL: "info", LOG_FORMAT: "text",
      },
    });
    procs.push(app);
    await app.waitForOutput(/ServiceBroker with \d+ service\(s\) started successfully/, 180_000);
    await waitForPort(port, { process: app });
    await waitForPort(metricsPort, { process: app });

    writeFileSync(path.join(tmp, "prometheus.yml"), `global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\nscrape_configs:\n  - job_name: docmill\n    static_configs:\n      - targets: ["127.0.0.1:${metricsPort}"]\n`);
    const prom = spawnProcess("prometheus", [`--config.file=${path.join(tmp, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(tmp, "tsdb")}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    procs.push(prom);
    const promUrl = `http://127.0.0.1:${promPort}`;
    for (let i = 0; i < 120 && (await fetch(`${promUrl}/-/ready`).then((r) => r.status, () => 0)) !== 200; i++) await sleep(500);

    // Accounts: an admin, a user with an API key (the vendor client) and the user's webhook.
    const admin = (await json(`${base}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })).body.token;
    const auth = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
    const userId = (await json(`${base}/v1/users`, { method: "POST", headers: auth, body: JSON.stringify({ email: "ops.client@example.com", password: "Ops-client1!", roles: ["User"] }) })).body.userId;
    const key = (await json(`${base}/v1/api-keys`, { method: "POST", headers: auth, body: JSON.stringify({ name: "vendor", userId, expiresAt: new Date(Date.now() + 86400e3).toISOString() }) })).body.key;
    const userToken = (await json(`${base}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: "ops.client@example.com", password: "Ops-client1!" }) })).body.token;
    const hook = await json(`${base}/v1/webhooks`, { method: "POST", headers: { authorization: `Bearer ${userToken}`, "content-type": "application/json" }, body: JSON.stringify({ url: rx.url, events: ["job.readyForReview", "job.finished", "job.cancelled", "job.deleted"] }) });
    if (hook.status !== 201) throw new Error(`webhook not registered: ${hook.status} ${JSON.stringify(hook.body)}`);

    const corpus = await redactionCorpus({ long: false });
    const started = Math.floor(Date.now() / 1000);
    const deadline = Date.now() + SECONDS * 1000;
    const k = { "x-api-key": key };
    const waitStatus = async (id: string, want: string[]) => {
      for (let i = 0; i < 600; i++) {
        const s = (await json(`${base}/v1/jobs/${id}`, { headers: k })).body?.status;
        if (want.includes(s)) return s as string;
        await sleep(250);
      }
      throw new Error(`job ${id} never reached ${want.join("/")}`);
    };
    let cycle = 0;
    let done = 0;
    while (Date.now() < deadline) {
      const doc = corpus[cycle % corpus.length]!;
      const fd = new FormData();
      fd.append("file", new Blob([Buffer.from(doc.fixture.bytes)], { type: "application/pdf" }), `doc-${cycle}.pdf`);
      const created = await json(`${base}/v1/jobs`, { method: "POST", headers: k, body: fd });
      if (created.status !== 201) {
        await sleep(1000);
        continue;
      }
      const id = created.body.id as string;
      if (cycle % 7 === 3) {
        // Withdrawn at once: a cancel, then a delete.
        await json(`${base}/v1/jobs/${id}/cancel`, { method: "POST", headers: k });
        await fetch(`${base}/v1/jobs/${id}`, { method: "DELETE", headers: k });
      } else {
        await waitStatus(id, ["readyForReview"]);
        const findings = ((await json(`${base}/v1/jobs/${id}/files/detections`, { headers: k })).body?.findings ?? []) as Array<{ id: string }>;
        // The reviewer rejects one finding in three jobs.
        const reject = cycle % 3 === 0 && findings[0] ? [findings[0].id] : [];
        await json(`${base}/v1/jobs/${id}/redaction`, { method: "POST", headers: { ...k, "content-type": "application/json" }, body: JSON.stringify({ reject }) });
        await waitStatus(id, ["finished", "failed"]);
        await fetch(`${base}/v1/jobs/${id}/files/redactedPdf`, { headers: k }).then((r) => r.arrayBuffer());
        if (cycle % 5 === 4) await fetch(`${base}/v1/jobs/${id}`, { method: "DELETE", headers: k });
        done++;
      }
      if (cycle % 4 === 1) await json(`${base}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: "ops.client@example.com", password: "typo-typo" }) });
      cycle++;
      await sleep(2000);
    }
    // Two more scrapes after the last job, so the gauges show the drained queue.
    await sleep(12_000);
    const end = Math.floor(Date.now() / 1000);
    console.log(`workload: ${cycle} uploads, ${done} reviewed to the end, ${rx.count()} webhook requests, ${end - started} s; load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);

    const dashboard = JSON.parse(readFileSync(path.resolve(__dirname, "../docs/grafana/docmill-dashboard.json"), "utf8")) as { title: string; panels: Panel[] };
    const results: Array<{ panel: Panel; series: Array<{ legend: string; points: Array<[number, number]> }> }> = [];
    for (const panel of dashboard.panels) {
      const series: Array<{ legend: string; points: Array<[number, number]> }> = [];
      for (const t of panel.targets) {
        const q = new URLSearchParams({ query: t.expr, start: String(started), end: String(end), step: "10" });
        const r = await json(`${promUrl}/api/v1/query_range?${q}`);
        if (r.body?.status !== "success") throw new Error(`Prometheus refused ${t.expr}: ${JSON.stringify(r.body)}`);
        for (const s of r.body.data.result as RangeSeries[]) {
          series.push({
            legend: (t.legendFormat ?? "").replace(/\{\{(\w+)\}\}/g, (_, l: string) => s.metric[l] ?? "") || t.expr,
            points: s.values.map(([ts, v]) => [ts, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)),
          });
        }
      }
      results.push({ panel, series });
    }
    mkdirSync("test-artifacts", { recursive: true });
    writeFileSync("test-artifacts/dashboard-prometheus.json", JSON.stringify(results, null, 1));
    const html = renderPanels(dashboard.title, results, started, end);
    writeFileSync("test-artifacts/dashboard-prometheus.html", html);
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.setContent(html);
      await page.screenshot({ path: OUT, fullPage: true });
    } finally {
      await browser.close();
    }
    console.log(`wrote ${OUT}; ${results.filter((r) => r.series.length).length} of ${results.length} panels have data`);
  } finally {
    for (const p of procs.reverse()) await p.kill("SIGTERM");
    await nats.process.kill("SIGTERM");
    await mongo.process.kill("SIGKILL");
    rx.server.close();
  }
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const COLORS = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9", "#fade2a", "#37872d", "#c4162a"];

function fmt(v: number, unit: string): string {
  const n = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : Math.abs(v) === 0 ? "0" : v.toPrecision(2);
  return unit === "s" ? `${n} s` : unit === "percentunit" ? `${(v * 100).toFixed(0)} %` : n;
}

function renderPanels(title: string, results: Array<{ panel: Panel; series: Array<{ legend: string; points: Array<[number, number]> }> }>, start: number, end: number): string {
  const W = 520;
  const H = 150;
  const cells = results.map(({ panel, series }) => {
    const unit = panel.fieldConfig?.defaults?.unit ?? "short";
    const all = series.flatMap((s) => s.points.map(([, v]) => v));
    const max = Math.max(1e-9, ...all);
    const x = (t: number) => 40 + ((t - start) / Math.max(1, end - start)) * (W - 50);
    const y = (v: number) => 10 + (H - 30) * (1 - v / max);
    const shown = series.slice(0, 8);
    const lines = shown
      .map((s, i) => `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.6" points="${s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}"/>`)
      .join("");
    const grid = [0, 0.5, 1].map((f) => `<line x1="40" x2="${W - 10}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#2a2d35"/><text x="36" y="${y(max * f) + 3}" text-anchor="end">${esc(fmt(max * f, unit))}</text>`).join("");
    const mins = Math.round((end - start) / 60);
    const axis = `<text x="40" y="${H - 4}">−${mins} min</text><text x="${W - 10}" y="${H - 4}" text-anchor="end">now</text>`;
    const legend = shown
      .map((s, i) => {
        const last = s.points[s.points.length - 1]?.[1];
        return `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${esc(s.legend)} <b>${last === undefined ? "" : esc(fmt(last, unit))}</b></span>`;
      })
      .join("");
    const body = series.length ? `<svg viewBox="0 0 ${W} ${H}" width="100%">${grid}${lines}${axis}</svg><div class="legend">${legend}${series.length > shown.length ? `<span>+${series.length - shown.length} more</span>` : ""}</div>` : `<p class="empty">No data</p>`;
    return `<section style="grid-column:${panel.gridPos.x + 1} / span ${panel.gridPos.w};grid-row:${panel.gridPos.y / 8 + 1}"><h2>${esc(panel.title)}</h2><code>${esc(panel.targets.map((t) => t.expr).join("  |  "))}</code>${body}</section>`;
  });
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title><style>
  body{margin:0;background:#111217;color:#ccccdc;font:12px Inter,"DejaVu Sans",sans-serif}
  header{padding:12px 18px;border-bottom:1px solid #2a2d35;display:flex;gap:16px;align-items:baseline}
  header h1{font-size:18px;margin:0;color:#fff} header p{margin:0;color:#8e8e9e}
  main{display:grid;grid-template-columns:repeat(24,1fr);gap:8px;padding:8px}
  section{background:#181b1f;border:1px solid #2a2d35;border-radius:4px;padding:8px 10px;min-height:200px;overflow:hidden}
  h2{font-size:13px;margin:0 0 2px;color:#fff} code{display:block;color:#6e7080;font-size:10px;margin-bottom:4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
  svg text{fill:#8e8e9e;font-size:9px} .legend{display:flex;flex-wrap:wrap;gap:2px 10px;font-size:11px}
  .legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle} .legend b{color:#fff;font-weight:normal}
  .empty{color:#8e8e9e}</style>
  <header><h1>${esc(title)}</h1><p>docs/grafana/docmill-dashboard.json: every query evaluated by Prometheus 2.42 over a ${Math.round((end - start) / 60)}-minute real workload (scrape every 5 s). Drawn in Chromium: Grafana is not installable here.</p></header>
  <main>${cells.join("")}</main>`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
