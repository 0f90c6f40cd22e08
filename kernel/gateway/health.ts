/**
 * Health that tells the truth: every dependency is probed on each request (the original tag generator
 * answered "healthy" with its database down). Down means 503 and the name of what is down.
 */
import type { ServiceBroker } from "moleculer";
import type { DbHealth } from "../mongo";

export const API_VERSION = "2.0.0";

/** Services without which docmill cannot serve its APIs. */
export const REQUIRED_SERVICES = ["auth", "keys", "storage", "jobs"] as const;

export interface DependencyCheck {
  status: "up" | "down" | "embedded";
  detail?: string;
  latencyMs?: number;
}

export interface HealthReport {
  healthy: boolean;
  down: string[];
  checks: {
    database: DependencyCheck & { services?: Record<string, DependencyCheck> };
    transporter: DependencyCheck;
    services: Record<string, DependencyCheck>;
  };
}

interface RegistryService {
  name: string;
  available?: boolean;
  actions?: Record<string, unknown>;
}

export async function checkHealth(broker: ServiceBroker, required: readonly string[] = REQUIRED_SERVICES): Promise<HealthReport> {
  const down: string[] = [];

  // Transporter: embedded brokers have none; a split broker must be connected to it.
  let transporter: DependencyCheck;
  const transit = (broker as unknown as { transit?: { connected: boolean; isReady?: boolean } }).transit;
  if (!broker.transit || !transit) transporter = { status: "embedded", detail: "single process, no transporter" };
  else if (transit.connected) transporter = { status: "up" };
  else {
    transporter = { status: "down", detail: "not connected to the transporter" };
    down.push("transporter");
  }

  const list = broker.registry.getServiceList({ onlyAvailable: true, withActions: true }) as RegistryService[];
  const available = new Set(list.map((s) => s.name));
  const services: Record<string, DependencyCheck> = {};
  for (const name of required) {
    services[name] = available.has(name) ? { status: "up" } : { status: "down", detail: "no running instance" };
    if (!available.has(name)) down.push(`service:${name}`);
  }

  // Database: ask every data-owning service to ping its own connection. A service that cannot be
  // reached says nothing about the database: it is reported as a service problem, not a database one.
  const owners = [...new Set(list.filter((s) => s.actions && `${s.name}.dbHealth` in s.actions).map((s) => s.name))];
  const perService: Record<string, DependencyCheck> = {};
  await Promise.all(
    owners.map(async (name) => {
      try {
        const res = await broker.call<DbHealth, Record<string, never>>(`${name}.dbHealth`, {}, { timeout: 4000 });
        perService[name] = res.ok ? { status: "up", latencyMs: res.latencyMs } : { status: "down", detail: res.error ?? res.state };
      } catch (err) {
        services[name] = { status: "down", detail: `not answering: ${(err as Error).message}` };
        if (!down.includes(`service:${name}`)) down.push(`service:${name}`);
      }
    }),
  );
  let database: HealthReport["checks"]["database"];
  const answered = Object.entries(perService);
  const dbDown = answered.filter(([, c]) => c.status !== "up");
  if (answered.length === 0) {
    database = { status: "down", detail: owners.length ? "no data-owning service answered" : "no data-owning service is running" };
    if (!owners.length) down.push("database");
  } else if (dbDown.length) {
    database = { status: "down", detail: `unreachable from ${dbDown.map(([n]) => n).join(", ")}`, services: perService };
    down.push("database");
  } else {
    const latency = Math.max(...answered.map(([, c]) => c.latencyMs ?? 0));
    database = { status: "up", latencyMs: latency, services: perService };
  }

  return { healthy: down.length === 0, down, checks: { database, transporter, services } };
}
