/**
 * An e2e runtime: gateway, auth, storage and jobs in this process on a real broker over the real NATS
 * (transporter and JetStream channels), and workers as separate `docmill worker` processes.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { resetConfig } from "../../../kernel/config";
import type { ServiceMods } from "../../../kernel/runtime";
import { REPO_ROOT, natsUrl, spawnProcess, type SpawnedProcess } from "../../support/infra";
import { startStack, type Stack } from "../../support/stack";

export const FIXTURE_PLUGINS = path.join(REPO_ROOT, "test/fixtures/plugins");

export interface Runtime {
  stack: Stack;
  ns: string;
  nats: string;
  workers: SpawnedProcess[];
  startWorker(plugins?: string, extraEnv?: NodeJS.ProcessEnv): Promise<SpawnedProcess>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** NATS for the transporter and JetStream (default: the shared one). */
  nats?: string;
  /** Database of the in-process services (default: a fresh database on the shared server). */
  mongoUrl?: string;
  leaseSeconds?: number;
  /** Schema changes of the in-process services (e.g. a hook that makes jobs.claim fail). */
  mods?: Record<string, ServiceMods>;
  /** More in-process services besides gateway, auth, storage and jobs (tagger, orchestrator...). */
  services?: string[];
  /** JOB_RECONCILE_INTERVAL_SECONDS of this process and the workers (default: the config's). */
  reconcileSeconds?: number;
}

export async function startRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  const ns = `rt${randomBytes(4).toString("hex")}`;
  const nats = opts.nats ?? natsUrl();
  process.env.NATS_URL = nats;
  process.env.PLUGINS_DIR = FIXTURE_PLUGINS;
  process.env.JOB_LEASE_SECONDS = String(opts.leaseSeconds ?? 3);
  process.env.JOB_RECOVERY_INTERVAL_SECONDS = "1";
  if (opts.reconcileSeconds) process.env.JOB_RECONCILE_INTERVAL_SECONDS = String(opts.reconcileSeconds);
  resetConfig();
  const stack = await startStack({
    services: ["gateway", "auth", "storage", "jobs", ...(opts.services ?? [])],
    broker: { namespace: ns, transporter: nats as never, nodeID: `${ns}-gw` },
    ...(opts.mongoUrl ? { mongoUrl: opts.mongoUrl } : {}),
    ...(opts.mods ? { mods: opts.mods } : {}),
  });
  const workers: SpawnedProcess[] = [];
  const rt: Runtime = {
    stack,
    ns,
    nats,
    workers,
    async startWorker(plugins = "pdf-info,slow-echo", extraEnv = {}) {
      const w = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "worker", "--plugins", plugins], {
        env: {
          TRANSPORTER: nats,
          NATS_URL: nats,
          NAMESPACE: ns,
          NODE_ID: `${ns}-w${workers.length}-${randomBytes(2).toString("hex")}`,
          PLUGINS_DIR: FIXTURE_PLUGINS,
          JOB_LEASE_SECONDS: String(opts.leaseSeconds ?? 3),
          DOCMILL_PDF_THREADS: "1",
          LOG_LEVEL: "info",
          LOG_FORMAT: "text",
          ...extraEnv,
        },
      });
      workers.push(w);
      await w.waitForOutput(/worker \S+ hosts/, 60_000);
      return w;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.kill("SIGKILL")));
      await stack.stop();
    },
  };
  return rt;
}

/** Waits until the jobs service sees a worker hosting `plugin` (registry propagation over NATS). */
export async function waitForPlugin(rt: Runtime, plugin: string, count = 1): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const nodes = rt.stack.broker.registry
      .getServiceList({ onlyAvailable: true })
      .filter((s: { name: string; metadata?: { plugins?: Array<{ id: string }> } }) => s.name === "worker" && s.metadata?.plugins?.some((p) => p.id === plugin));
    if (nodes.length >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no worker hosting ${plugin} appeared`);
}

let userCount = 0;

export async function signUp(baseUrl: string): Promise<{ token: string; email: string }> {
  const email = `u${Date.now()}${userCount++}${randomBytes(2).toString("hex")}@example.com`;
  const password = "Str0ng!Passw0rd";
  const reg = await fetch(`${baseUrl}/api/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (reg.status >= 300) throw new Error(`register: ${reg.status} ${await reg.text()}`);
  const login = await fetch(`${baseUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  const body = (await login.json()) as { tokens?: { access_token: string }; access_token?: string };
  const token = body.tokens?.access_token ?? body.access_token;
  if (!token) throw new Error(`login: ${JSON.stringify(body)}`);
  return { token, email };
}

export function form(parts: Record<string, string | { data: Uint8Array; filename: string; type?: string }>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(parts)) {
    if (typeof v === "string") fd.append(k, v);
    else fd.append(k, new Blob([new Uint8Array(v.data)], { type: v.type ?? "application/pdf" }), v.filename);
  }
  return fd;
}

export interface JobBody {
  id: string;
  status: string;
  progress: { percent: number; message: string };
  result: Record<string, unknown> | null;
  error: { type: string; message: string; plugin?: string; stage?: string } | null;
  outputs: Array<{ name: string; fileId: string }>;
  attempts: number;
}

export async function waitForJob(baseUrl: string, token: string, id: string, final = ["completed", "failed", "cancelled", "expired"]): Promise<JobBody> {
  for (let i = 0; i < 1200; i++) {
    const r = await fetch(`${baseUrl}/api/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const job = (await r.json()) as JobBody;
    if (final.includes(job.status) || (final.some((f) => f.startsWith("paused:")) && job.status.startsWith("paused:"))) return job;
    await new Promise((r2) => setTimeout(r2, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

/**
 * A valid PDF of `pages` blank A4 pages, written by hand (pdf-lib needs ~15 s for 10,000 pages; this
 * takes milliseconds): catalog, one flat page tree, an Info dictionary with the title, exact xref offsets.
 */
export function blankPagesPdf(pages: number, title = `${pages} blank pages`): Buffer {
  const objects: string[] = [];
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[3] = `<< /Title (${title.replace(/[()\\]/g, "")}) /Producer (docmill tests) >>`;
  const kids: string[] = [];
  for (let i = 0; i < pages; i++) {
    const id = 4 + i;
    kids.push(`${id} 0 R`);
    objects[id] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << >> >>";
  }
  objects[2] = `<< /Type /Pages /Count ${pages} /Kids [${kids.join(" ")}] >>`;
  const parts: string[] = ["%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"];
  let offset = Buffer.byteLength(parts[0]!, "latin1");
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = offset;
    const text = `${id} 0 obj\n${objects[id]}\nendobj\n`;
    parts.push(text);
    offset += Buffer.byteLength(text, "latin1");
  }
  const xref = [`xref\n0 ${objects.length}\n`, "0000000000 65535 f \n", ...offsets.slice(1).map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(xref, `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${offset}\n%%EOF\n`);
  return Buffer.from(parts.join(""), "latin1");
}
