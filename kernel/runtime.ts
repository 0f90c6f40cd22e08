/**
 * Builds brokers and loads services by name, so one code base runs as a single process (every service,
 * no transporter) or split (a few services per process over NATS).
 */
import fs from "node:fs";
import path from "node:path";
import { ServiceBroker, type BrokerOptions, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import { buildBrokerOptions } from "../moleculer.config";
import { config, type Config } from "./config";

export const SERVICES_DIR = path.resolve(__dirname, "../services");

/** Names of every service shipped in services/ (`<name>.service.ts`). */
export function availableServices(): string[] {
  return fs
    .readdirSync(SERVICES_DIR)
    .map((f) => /^(.+)\.service\.(ts|js)$/.exec(f)?.[1])
    .filter((n): n is string => Boolean(n))
    .sort();
}

/** Moleculer's typings list transporter names only; a connection URL such as nats://host:4222 is valid too. */
export function transporterOption(url: string | undefined | null): BrokerOptions["transporter"] {
  return (url || null) as BrokerOptions["transporter"];
}

export function createBroker(overrides: Partial<BrokerOptions> = {}, cfg: Config = config()): ServiceBroker {
  return new ServiceBroker({ ...buildBrokerOptions(cfg), ...overrides });
}

export function loadServiceSchema(name: string): ServiceSchema {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Invalid service name "${name}"`);
  const file = path.join(SERVICES_DIR, `${name}.service`);
  let mod: { default?: ServiceSchema };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file) as { default?: ServiceSchema };
  } catch (err) {
    // Only the service file itself missing means an unknown name; a missing import inside it is a real error.
    const first = String((err as Error).message).split("\n")[0];
    if ((err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && first.includes(`'${file}'`)) {
      throw new Error(`Unknown service "${name}". Available: ${availableServices().join(", ")}`);
    }
    throw err;
  }
  if (!mod.default?.name) throw new Error(`services/${name}.service does not default-export a service schema`);
  return mod.default;
}

/**
 * Creates the named services on the broker. `mods` lets tests and the CLI adjust settings (for example
 * `gateway: { settings: { port: 0 } }`) through Moleculer's own mixin merge.
 */
export type ServiceMods = Partial<Omit<ServiceSchema, "settings">> & { settings?: ServiceSettingSchema | Record<string, unknown> };

export function loadServices(broker: ServiceBroker, names: string[], mods: Record<string, ServiceMods> = {}): void {
  for (const name of names) {
    const schema = loadServiceSchema(name);
    const mod = mods[name];
    broker.createService(mod ? ({ name: schema.name, version: schema.version, mixins: [schema], ...mod } as ServiceSchema) : schema);
  }
}

/**
 * Stops the broker when the process is asked to (SIGTERM from docker or systemd, Ctrl-C). In-flight
 * requests drain (Moleculer `tracking`); if stopping takes longer than 10 s the process exits anyway.
 */
export function installShutdown(broker: ServiceBroker, onStopped?: () => Promise<void> | void): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    broker.logger.info(`${signal} received: draining and stopping`);
    const hard = setTimeout(() => {
      broker.logger.error("shutdown took longer than 10 s; exiting");
      process.exit(1);
    }, 10_000);
    hard.unref();
    try {
      await broker.stop();
      await onStopped?.();
      process.exit(0);
    } catch (err) {
      broker.logger.error("error while stopping", err);
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
