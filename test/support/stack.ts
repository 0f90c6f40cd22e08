/**
 * Starts docmill services inside the test process on a real broker, with the gateway on a random port,
 * against the real MongoDB-protocol server and (when asked) the real NATS server started by the global
 * setup. Each call gets its own database so test files never see each other's data.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { BrokerOptions, ServiceBroker } from "moleculer";
import { createBroker, loadServices, type ServiceMods } from "../../kernel/runtime";

export interface Stack {
  broker: ServiceBroker;
  /** http://127.0.0.1:<port> of the gateway, when the gateway runs. */
  baseUrl: string;
  mongoUrl: string;
  stop(): Promise<void>;
}

/** The same server as MONGO_URL, with a database of its own. */
export function uniqueMongoUrl(prefix = "t"): string {
  const base = process.env.MONGO_URL;
  if (!base) throw new Error("MONGO_URL is not set: the jest global setup starts the database");
  const u = new URL(base);
  u.pathname = `/${prefix}_${randomBytes(6).toString("hex")}`;
  return u.toString();
}

export interface StackOptions {
  services: string[];
  /** Per-service schema modifications merged as a mixin (settings overrides and the like). */
  mods?: Record<string, ServiceMods>;
  broker?: Partial<BrokerOptions>;
  mongoUrl?: string;
}

const DATA_SERVICES = ["auth", "keys", "storage", "jobs", "tagger", "orchestrator", "audit", "feedback", "vocabularies", "webhooks"];

export async function startStack(opts: StackOptions): Promise<Stack> {
  const mongoUrl = opts.mongoUrl ?? uniqueMongoUrl();
  const broker = createBroker({ transporter: null, logger: false, ...opts.broker });
  const mods: Record<string, ServiceMods> = { ...opts.mods };
  for (const name of opts.services) {
    if (DATA_SERVICES.includes(name)) {
      mods[name] = { ...mods[name], settings: { mongoUrl, ...(mods[name]?.settings ?? {}) } };
    }
  }
  if (opts.services.includes("gateway")) {
    mods.gateway = { ...mods.gateway, settings: { port: 0, ip: "127.0.0.1", ...(mods.gateway?.settings ?? {}) } };
  }
  loadServices(broker, opts.services, mods);
  await broker.start();
  let baseUrl = "";
  if (opts.services.includes("gateway")) {
    const svc = broker.getLocalService("gateway") as unknown as { server: Server };
    const port = (svc.server.address() as AddressInfo).port;
    baseUrl = `http://127.0.0.1:${port}`;
  }
  return { broker, baseUrl, mongoUrl, stop: () => broker.stop() };
}
