/**
 * The two shapes of one code base, as real processes:
 * - embedded: `docmill start` runs every service in one process (no transporter); health is truthful
 *   (database down → 503 naming it), Prometheus metrics behind a setting, SIGTERM exits 0 within 10 s;
 * - split: the gateway and the core services in separate processes find each other over NATS.
 */
import { randomBytes } from "node:crypto";
import {
  freePort,
  natsUrl,
  spawnProcess,
  startMongoServer,
  stopMongoServer,
  type MongoServer,
  type SpawnedProcess,
} from "../../support/infra";

const SECRET = "e2e-shapes-secret-0123456789abcdef0123456789abcdef";

interface Health {
  status: string;
  version: string;
  message: string;
  down: string[];
  checks: { database: { status: string }; transporter: { status: string } };
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

function docmill(args: string[], env: NodeJS.ProcessEnv): SpawnedProcess {
  return spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", ...args], {
    env: { NODE_ENV: "development", LOG_LEVEL: "warn", LOG_FORMAT: "json", JWT_SECRET_KEY: SECRET, TRANSPORTER: "", ...env },
  });
}

describe("embedded default: every service in one process", () => {
  let mongo: MongoServer;
  let proc: SpawnedProcess;
  let base: string;
  let metricsPort: number;

  beforeAll(async () => {
    mongo = await startMongoServer();
    const port = await freePort();
    metricsPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = docmill(["start"], {
      PORT: String(port),
      MONGO_URL: mongo.url("shapes"),
      NATS_URL: natsUrl(),
      NAMESPACE: `shapes-${randomBytes(3).toString("hex")}`,
      METRICS: "true",
      METRICS_PORT: String(metricsPort),
    });
    await waitFor("healthy gateway", async () => {
      const r = await getJson<Health>(`${base}/api/health`);
      return r.status === 200 ? r : undefined;
    }, 120_000);
  }, 180_000);

  afterAll(async () => {
    await proc?.kill("SIGKILL");
    await stopMongoServer(mongo, "SIGKILL").catch(() => undefined);
  });

  it("answers the tag generator's public routes as the original does, plus truthful checks", async () => {
    const health = await getJson<Health>(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "healthy", version: "2.0.0", message: "Document Meta-Tagging API is running", down: [] });
    expect(health.body.checks.database.status).toBe("up");
    expect(health.body.checks.transporter.status).toBe("embedded");
    expect(await getJson(`${base}/api/status`)).toEqual({ status: 200, body: { status: "ok", service: "document-meta-tagging-api" } });
    const root = await getJson<{ message: string; version: string }>(`${base}/`);
    expect(root.body).toMatchObject({ message: "Document Meta-Tagging API", version: "2.0.0" });
    const ready = await fetch(`${base}/healthz/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe("Healthy");
  });

  it("does not expose the broker's internal actions", async () => {
    for (const path of ["/api/$node/list", "/$node/services", "/api/~node/actions", "/v1/$node/health"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
    }
  });

  it("serves Prometheus metrics when METRICS is on", async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/moleculer_request_total/);
  });

  it("reports 503 naming the database when the database goes away", async () => {
    await stopMongoServer(mongo, "SIGKILL");
    const health = await waitFor("unhealthy report", async () => {
      const r = await getJson<Health>(`${base}/api/health`);
      return r.status === 503 ? r : undefined;
    }, 30_000);
    expect(health.body.status).toBe("unhealthy");
    expect(health.body.down).toContain("database");
    expect(health.body.message).toMatch(/database/);
    expect(health.body.checks.database.status).toBe("down");
    const ready = await fetch(`${base}/healthz/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toMatch(/database/);
  });

  it("drains and exits 0 on SIGTERM, before the 10 s hard stop", async () => {
    // The hard stop after 10 s exits with code 1 (kernel/runtime.ts): code 0 means the drain
    // finished in time, whatever the machine's load made the wall clock say.
    const status = await proc.kill("SIGTERM");
    expect(status).toEqual({ code: 0, signal: null });
  });
});

describe("split shape: gateway and core services in separate processes over NATS", () => {
  const procs: SpawnedProcess[] = [];
  let mongo: MongoServer;

  beforeAll(async () => {
    mongo = await startMongoServer();
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    await stopMongoServer(mongo, "SIGKILL").catch(() => undefined);
  });

  it("finds the services across processes and reports the transporter up", async () => {
    const port = await freePort();
    const env = {
      TRANSPORTER: natsUrl(),
      NATS_URL: natsUrl(),
      MONGO_URL: mongo.url("split"),
      NAMESPACE: `split-${randomBytes(3).toString("hex")}`,
    };
    procs.push(docmill(["start", "--services", "gateway"], { ...env, PORT: String(port), NODE_ID: "gw-1", LOG_LEVEL: "info" }));
    procs.push(docmill(["start", "--services", "auth,keys,storage,jobs"], { ...env, NODE_ID: "core-1", LOG_LEVEL: "debug" }));
    const base = `http://127.0.0.1:${port}`;
    const health = await waitFor("healthy split stack", async () => {
      const r = await getJson<Health>(`${base}/api/health`);
      return r.status === 200 ? r : undefined;
    }, 120_000);
    expect(health.body.checks.transporter.status).toBe("up");
    expect(health.body.checks.database.status).toBe("up");

    // A call through the gateway reaches the auth service in the other process.
    const requestID = `split-trace-${randomBytes(6).toString("hex")}`;
    const reg = await fetch(`${base}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": requestID },
      body: JSON.stringify({ email: "split@example.com", password: "split-password-1", full_name: "Split User" }),
    });
    expect(reg.status).toBe(201);
    expect(await reg.json()).toMatchObject({ email: "split@example.com", full_name: "Split User", is_active: true });
    expect(reg.headers.get("x-request-id")).toBe(requestID);

    // Structured JSON logs: the request id follows the call from the gateway's process into the core's.
    const lines = (p: SpawnedProcess) =>
      p
        .stdout()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitFor("log lines", async () =>
      lines(procs[1]).some((l) => l.requestID === requestID) && lines(procs[0]).some((l) => l.requestID === requestID) ? true : undefined,
    10_000);
    expect(lines(procs[0])).toContainEqual(expect.objectContaining({ msg: "http", requestID, method: "POST", path: "/api/auth/register", status: 201, nodeID: "gw-1" }));
    expect(lines(procs[1])).toContainEqual(expect.objectContaining({ msg: "action", action: "auth.register", requestID, nodeID: "core-1" }));

    // The core process going away is reported, by name, within the heartbeat timeout.
    await procs[1].kill("SIGKILL");
    const down = await waitFor("core reported down", async () => {
      const r = await getJson<Health>(`${base}/api/health`);
      return r.status === 503 && r.body.down.includes("service:auth") ? r : undefined;
    }, 30_000);
    expect(down.body.down).toEqual(expect.arrayContaining(["service:auth", "service:storage"]));
    // The database itself was never down: it must not be blamed.
    expect(down.body.down).not.toContain("database");
  }, 180_000);
});
