/**
 * docmill processes of a split deployment, for the crash and outage tests: `docmill start --services ...`
 * and `docmill worker --plugins ...` as child processes (so they can be SIGKILLed), either on a private
 * NATS that the test stops and starts again (`startSplitStack`) or joining an in-process runtime's NATS
 * (`processEnv`).
 */
import { randomBytes } from "node:crypto";
import { freePort, spawnProcess, startNatsServer, stopNatsServer, waitForPort, type NatsServer, type SpawnedProcess } from "./infra";
import { uniqueMongoUrl } from "./stack";

/** The line a `docmill start` process logs once all of its services run. */
export const BROKER_STARTED = /ServiceBroker with \d+ service\(s\) started successfully/;

/** Polls `fn` every 100 ms until it answers something truthy (errors count as not yet); names what it waited for. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn().catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** What every process of one deployment shares: NATS, namespace, database, signing secret. */
export function processEnv(d: { nats: string; ns: string; mongoUrl: string; secret: string }, nodeId: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    TRANSPORTER: d.nats,
    NATS_URL: d.nats,
    NAMESPACE: d.ns,
    NODE_ID: nodeId,
    MONGO_URL: d.mongoUrl,
    JWT_SECRET_KEY: d.secret,
    LOG_LEVEL: "info",
    LOG_FORMAT: "text",
    ...extra,
  };
}

/** `docmill start --services <services>`, resolved once its broker started (and, with `port`, it listens). */
export async function startDocmill(services: string[], env: NodeJS.ProcessEnv, opts: { port?: number } = {}): Promise<SpawnedProcess> {
  const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "start", "--services", services.join(",")], { env });
  try {
    await p.waitForOutput(BROKER_STARTED, 120_000);
    if (opts.port) await waitForPort(opts.port, { process: p });
  } catch (err) {
    await p.kill("SIGKILL");
    throw err;
  }
  return p;
}

/** `docmill worker --plugins <plugins>`, resolved once it hosts them. */
export async function startDocmillWorker(plugins: string, env: NodeJS.ProcessEnv): Promise<SpawnedProcess> {
  const w = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "worker", "--plugins", plugins], { env });
  try {
    await w.waitForOutput(/worker \S+ hosts/, 120_000);
  } catch (err) {
    await w.kill("SIGKILL");
    throw err;
  }
  return w;
}

export interface SplitStack {
  readonly ns: string;
  readonly mongoUrl: string;
  readonly secret: string;
  /** The gateway's port and base URL (the process started with `http: true` listens there). */
  readonly port: number;
  readonly base: string;
  readonly nats: NatsServer;
  readonly procs: SpawnedProcess[];
  /** The environment of a process of this stack (named `<ns>-<name>-<n>`). */
  env(name: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** A `docmill start` process; `http` gives it the gateway's port. */
  start(name: string, services: string[], opts?: { http?: boolean; env?: NodeJS.ProcessEnv }): Promise<SpawnedProcess>;
  worker(plugins: string, env?: NodeJS.ProcessEnv): Promise<SpawnedProcess>;
  /** Kills NATS (SIGKILL: a crash), keeping its JetStream store. */
  stopNats(): Promise<void>;
  /** Starts NATS again on the same port and store. */
  restartNats(): Promise<void>;
  /** Kills every process and NATS. */
  close(): Promise<void>;
}

/**
 * A private NATS and a fresh database for processes the test starts. `env` is added to every process
 * (job lease and recovery intervals short by default, one PDF thread).
 */
export async function startSplitStack(prefix: string, env: NodeJS.ProcessEnv = {}): Promise<SplitStack> {
  let nats = await startNatsServer();
  const port = await freePort();
  const procs: SpawnedProcess[] = [];
  const ns = `${prefix}${randomBytes(4).toString("hex")}`;
  const stack: SplitStack = {
    ns,
    mongoUrl: uniqueMongoUrl(prefix),
    secret: `${prefix}-${randomBytes(16).toString("hex")}`,
    port,
    base: `http://127.0.0.1:${port}`,
    get nats() {
      return nats;
    },
    procs,
    env(name, extra = {}) {
      return processEnv({ nats: nats.url, ns, mongoUrl: stack.mongoUrl, secret: stack.secret }, `${ns}-${name}-${procs.length}`, {
        JOB_LEASE_SECONDS: "10",
        JOB_RECOVERY_INTERVAL_SECONDS: "1",
        DOCMILL_PDF_THREADS: "1",
        ...env,
        ...extra,
      });
    },
    async start(name, services, opts = {}) {
      const e = stack.env(name, { ...(opts.http ? { PORT: String(port), HOST: "127.0.0.1" } : {}), ...opts.env });
      const p = await startDocmill(services, e, opts.http ? { port } : {});
      procs.push(p);
      return p;
    },
    async worker(plugins, extra = {}) {
      const w = await startDocmillWorker(plugins, stack.env("w", extra));
      procs.push(w);
      return w;
    },
    async stopNats() {
      await stopNatsServer(nats, "SIGKILL");
    },
    async restartNats() {
      nats = await startNatsServer({ port: nats.port, storeDir: nats.storeDir });
    },
    async close() {
      for (const p of procs) await p.kill("SIGKILL");
      await stopNatsServer(nats, "SIGKILL");
    },
  };
  return stack;
}
