/**
 * Helpers for tests that talk to real infrastructure: the shared Mongo and NATS that
 * test/global-setup.ts provides (MONGO_URL, NATS_URL), plus private servers a test can stop and
 * restart, and child processes that are always cleaned up.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "../..");
const INFRA_SCRIPT = join(REPO_ROOT, "scripts/infra.sh");
const MONGO_LAUNCHER = join(REPO_ROOT, "scripts/mongo/Launcher.java");

// Jest gives every test file a fresh module registry, so this suffix is per test file: two calls
// in one file share a database, two files never do.
const FILE_SUFFIX = randomBytes(4).toString("hex");

function requiredEnv(name: "MONGO_URL" | "NATS_URL"): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run tests through jest (test/global-setup.ts starts the infrastructure) or export it`);
  }
  return value;
}

/** The shared NATS server of this test run. */
export function natsUrl(): string {
  return requiredEnv("NATS_URL");
}

/**
 * A URL for the shared Mongo server with a database of its own for this test file, so files
 * running in parallel never see each other's documents.
 */
export function mongoUrlFor(dbName: string): string {
  return withDatabase(requiredEnv("MONGO_URL"), `${dbName}_${FILE_SUFFIX}`);
}

function withDatabase(mongoUrl: string, dbName: string): string {
  // MongoDB database names: at most 63 bytes and none of /\. "$*<>:|?
  const safe = dbName.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 63);
  const url = new URL(mongoUrl);
  url.pathname = `/${safe}`;
  return url.toString();
}

/** A TCP port nothing listens on right now (the kernel's choice, so parallel runs do not collide). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error("no port assigned"))));
    });
  });
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1000);
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
    socket.once("timeout", () => finish(false));
  });
}

export interface WaitForPortOptions {
  host?: string;
  timeoutMs?: number;
  /** Give up early when this process exits: a crashed server will never listen. */
  process?: SpawnedProcess;
}

/** Resolves once the port accepts TCP connections; rejects after the timeout (default 30 s). */
export async function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { host = "127.0.0.1", timeoutMs = 30_000, process: child } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child?.exitStatus) {
      throw new Error(`process exited (${describeExit(child.exitStatus)}) before listening on ${host}:${port}:\n${child.output()}`);
    }
    if (await canConnect(port, host)) return;
    if (Date.now() > deadline) {
      throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms${child ? `:\n${child.output()}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Set once the process has exited. */
  readonly exitStatus: ExitStatus | undefined;
  /** Resolves when the process exits (never rejects). */
  readonly exited: Promise<ExitStatus>;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr interleaved in arrival order. */
  output(): string;
  /** Resolves with the first match in the combined output; rejects on exit or timeout. */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Signals the whole process group (default SIGTERM) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
}

export interface SpawnOptions {
  /** Added to (and overriding) this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Negative PID: the child's process group, so wrappers (tsx, npm, sh) take their children along.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

// Jest hands test code a copy of `process` whose "exit" event never fires, so an exit hook cannot
// clean up. Instead the kernel does: setpriv (util-linux, always on Debian) sets a parent-death
// signal, so a child still running when its jest worker ends (or crashes) is SIGKILLed.
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));

/**
 * Starts a child process in its own process group with extra env, collecting its output.
 * Stop it with kill() in afterEach/afterAll; one still running when the jest worker exits is
 * SIGKILLed by the kernel (Linux parent-death signal).
 */
export function spawnProcess(command: string, args: readonly string[], options: SpawnOptions = {}): SpawnedProcess {
  const [file, argv] = SETPRIV ? [SETPRIV, ["--pdeathsig", "SIGKILL", "--", command, ...args]] : [command, [...args]];
  const child = spawn(file, argv, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let err = "";
  let all = "";
  let exitStatus: ExitStatus | undefined;
  const listeners = new Set<() => void>();
  const append = (prev: string, chunk: string) => {
    const next = prev + chunk;
    return next.length > MAX_OUTPUT ? next.slice(next.length - MAX_OUTPUT) : next;
  };
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out = append(out, chunk);
    all = append(all, chunk);
    notify();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err = append(err, chunk);
    all = append(all, chunk);
    notify();
  });

  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.once("error", (error) => {
      all = append(all, `\n[spawn error] ${error.message}\n`);
      exitStatus ??= { code: null, signal: null };
      notify();
      resolveExit(exitStatus);
    });
    // "close" (not "exit") so the collected output is complete when this resolves.
    child.once("close", (code, signal) => {
      exitStatus ??= { code, signal };
      notify();
      resolveExit(exitStatus);
    });
  });

  const handle: SpawnedProcess = {
    child,
    pid: child.pid ?? -1,
    get exitStatus() {
      return exitStatus;
    },
    exited,
    stdout: () => out,
    stderr: () => err,
    output: () => all,
    waitForOutput(pattern, timeoutMs = 30_000) {
      const regex = typeof pattern === "string" ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : pattern;
      return new Promise<RegExpMatchArray>((resolveMatch, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = () => {
          const match = all.match(regex);
          if (match) {
            cleanup();
            resolveMatch(match);
          } else if (exitStatus) {
            cleanup();
            reject(new Error(`${command} exited (${describeExit(exitStatus)}) without printing ${regex}:\n${all}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${command} did not print ${regex} within ${timeoutMs} ms:\n${all}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async kill(signal = "SIGTERM") {
      if (!exitStatus && handle.pid > 0) signalGroup(handle.pid, signal);
      return exited;
    },
  };
  return handle;
}

// ---------------------------------------------------------------------------------------------
// Private servers a test can stop and restart

/**
 * A fresh temp directory. Inside the run's scratch dir (DOCMILL_TEST_TMP_DIR, from
 * test/global-setup.ts) when there is one, so global teardown removes it with everything else.
 */
export function makeTempDir(prefix = "docmill-test-"): string {
  return mkdtempSync(join(process.env.DOCMILL_TEST_TMP_DIR ?? tmpdir(), prefix));
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** JetStream storage: pass it (and the port) to startNatsServer again to restart with the same data. */
  readonly storeDir: string;
  readonly process: SpawnedProcess;
}

export interface StartNatsOptions {
  port?: number;
  storeDir?: string;
}

/** Starts a NATS server with JetStream on loopback, separate from the shared one. */
export async function startNatsServer(options: StartNatsOptions = {}): Promise<NatsServer> {
  const port = options.port ?? (await freePort());
  const storeDir = options.storeDir ?? makeTempDir("docmill-nats-");
  const child = spawnProcess("nats-server", ["-js", "-sd", storeDir, "-a", "127.0.0.1", "-p", String(port)]);
  try {
    await waitForPort(port, { process: child });
  } catch (error) {
    await child.kill("SIGKILL");
    throw new Error(`nats-server did not start (is it installed? scripts/infra.sh up installs it): ${(error as Error).message}`);
  }
  return { url: `nats://127.0.0.1:${port}`, port, storeDir, process: child };
}

/** Stops a server from startNatsServer; SIGKILL simulates a crash. Keeps its store for a restart. */
export async function stopNatsServer(server: NatsServer, signal: NodeJS.Signals = "SIGTERM"): Promise<ExitStatus> {
  return server.process.kill(signal);
}

let classPath: string | undefined;

/** The Mongo launcher's Java class path (resolved by scripts/infra.sh, cached in .infra/). */
export function mongoClassPath(): string {
  if (classPath) return classPath;
  const result = spawnSync("bash", [INFRA_SCRIPT, "classpath"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`scripts/infra.sh classpath failed:\n${result.stderr}`);
  classPath = result.stdout.trim();
  return classPath;
}

export interface MongoServer {
  /** mongodb:// URL for the given database on this server. */
  url(dbName: string): string;
  readonly port: number;
  /** The H2 file, when the data is persistent. */
  readonly dataFile: string | undefined;
  readonly process: SpawnedProcess;
}

export interface StartMongoOptions {
  /** Keep the data in this H2 file (survives restarts); in memory when omitted. */
  dataFile?: string;
  port?: number;
}

/** Starts a private MongoDB-protocol server (scripts/mongo/Launcher.java), separate from the shared one. */
export async function startMongoServer(options: StartMongoOptions = {}): Promise<MongoServer> {
  const args = ["-XX:+UseSerialGC", "-cp", mongoClassPath(), MONGO_LAUNCHER, "127.0.0.1", String(options.port ?? 0)];
  if (options.dataFile) args.push(options.dataFile);
  const child = spawnProcess("java", args);
  let port: number;
  try {
    const match = await child.waitForOutput(/listening on [0-9.]+:(\d+)/, 60_000);
    port = Number(match[1]);
    await waitForPort(port, { process: child });
  } catch (error) {
    await child.kill("SIGKILL");
    throw error;
  }
  const base = `mongodb://127.0.0.1:${port}/docmill`;
  return { url: (dbName) => withDatabase(base, dbName), port, dataFile: options.dataFile, process: child };
}

/** Stops a server from startMongoServer (SIGTERM flushes the H2 file; SIGKILL simulates a crash). */
export async function stopMongoServer(server: MongoServer, signal: NodeJS.Signals = "SIGTERM"): Promise<ExitStatus> {
  return server.process.kill(signal);
}
