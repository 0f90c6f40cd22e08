#!/usr/bin/env -S node --import tsx
/**
 * docmill's command line.
 *   docmill start [--services a,b]        run services (default: all of them in this process)
 *   docmill worker [--plugins a,b] [--concurrency N]
 *                                         run a processor worker hosting plugins
 *   docmill run <plugin> <in.pdf> [--out FILE] [--option k=v ...] [--json]
 *                                         run one plugin on a local file: no server, database or NATS
 *   docmill verify-certificate <report.json> <redacted.pdf> [--original FILE] [--key public.jwk]
 *                                         check a redaction report's signed certificate offline
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import type { ServiceBroker } from "moleculer";
import { availableServices, createBroker, installShutdown, loadServices } from "../kernel/runtime";
import { config, resetConfig } from "../kernel/config";

const USAGE = `Usage:
  docmill start [--services gateway,auth,...]
  docmill worker [--plugins tagging,redaction] [--concurrency N]
  docmill run <plugin> <in.pdf> [--out FILE] [--option key=value ...] [--json]
  docmill plugins
  docmill verify-certificate <report.json> <redacted.pdf> [--original original.pdf] [--key public.jwk]
  docmill verify-certificate --public-key | --generate-key
  docmill healthcheck          (exit 0 while this container's broker is alive; needs DOCMILL_HEARTBEAT_FILE)`;

async function startServices(names: string[]): Promise<void> {
  const cfg = config();
  if (cfg.jwt.secretGenerated && cfg.transporter) {
    console.error("JWT_SECRET_KEY must be set when services are split over a transporter (every process must share it).");
    process.exit(2);
  }
  const broker = createBroker();
  loadServices(broker, names);
  installShutdown(broker);
  await broker.start();
  startHeartbeat(broker);
  if (cfg.jwt.secretGenerated) broker.logger.warn("JWT_SECRET_KEY is not set: using a random secret for this process only");
}

/**
 * Container health for processes without an HTTP port (core services, workers): while the broker is
 * running and, when split, connected to the transporter, a file's mtime is refreshed every 5 s;
 * `docmill healthcheck` fails when it is older than 20 s.
 */
function startHeartbeat(broker: ServiceBroker): void {
  const file = process.env.DOCMILL_HEARTBEAT_FILE;
  if (!file) return;
  const beat = () => {
    const transit = broker.transit as unknown as { connected?: boolean } | undefined;
    if (broker.started && (!transit || transit.connected)) fs.writeFileSync(file, String(Date.now()));
  };
  beat();
  setInterval(beat, 5000).unref();
}

function healthcheck(): number {
  const file = process.env.DOCMILL_HEARTBEAT_FILE;
  if (!file) {
    console.error("DOCMILL_HEARTBEAT_FILE is not set");
    return 2;
  }
  try {
    const age = Date.now() - fs.statSync(file).mtimeMs;
    if (age < 20_000) return 0;
    console.error(`heartbeat is ${Math.round(age / 1000)} s old`);
  } catch {
    console.error("no heartbeat yet");
  }
  return 1;
}

interface CliRun {
  runCommand(args: string[]): Promise<number>;
  listCommand(): Promise<number>;
}

/** Loaded on demand: `docmill run` must not pay for the server's modules, nor the server for the CLI's. */
function loadCli(): CliRun {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../cli/run") as CliRun;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start": {
      const { values } = parseArgs({ args: rest, options: { services: { type: "string" } } });
      const list = (values.services ?? process.env.SERVICES ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      await startServices(list.length ? list : availableServices());
      return;
    }
    case "worker": {
      const { values } = parseArgs({ args: rest, options: { plugins: { type: "string" }, concurrency: { type: "string" } } });
      if (values.plugins) process.env.PLUGINS = values.plugins;
      if (values.concurrency) process.env.WORKER_CONCURRENCY = values.concurrency;
      // The flags override the environment: read the configuration again with them.
      resetConfig();
      await startServices(["worker"]);
      return;
    }
    case "run": {
      const { runCommand } = loadCli();
      process.exitCode = await runCommand(rest);
      return;
    }
    case "verify-certificate": {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { verifyCertificateCommand } = require("../plugins/redaction/redact/certificate-cli") as typeof import("../plugins/redaction/redact/certificate-cli");
      process.exitCode = await verifyCertificateCommand(rest);
      return;
    }
    case "healthcheck":
      process.exitCode = healthcheck();
      return;
    case "plugins": {
      const { listCommand } = loadCli();
      process.exitCode = await listCommand();
      return;
    }
    case undefined:
    case "-h":
    case "--help":
    case "help":
      console.log(USAGE);
      return;
    default:
      console.error(`Unknown command "${command}".\n${USAGE}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
