/**
 * Broker options for every docmill process. One code base, two shapes: without TRANSPORTER every service
 * runs in this process (the embedded default); with TRANSPORTER=nats://... the same services find each
 * other across processes and machines. Durable work always goes through @moleculer/channels: on NATS
 * JetStream when NATS_URL is set, otherwise on an in-memory adapter that only suits a single process.
 */
import type { BrokerOptions } from "moleculer";
import { config, type Config } from "./kernel/config";
import { channelsMiddleware } from "./kernel/channels";
import { jsonFormatter } from "./kernel/log-format";
import { RequestLogMiddleware } from "./kernel/request-log";
import { MetricsMiddleware } from "./kernel/metrics/middleware";
import { AuditMiddleware } from "./kernel/audit/middleware";
import { PROMETHEUS_REPORTER } from "./kernel/metrics/prometheus";

export function buildBrokerOptions(cfg: Config): BrokerOptions {
  return {
  namespace: cfg.namespace,
  nodeID: cfg.nodeID,
  transporter: (cfg.transporter ?? null) as BrokerOptions["transporter"],
  logger: {
    type: "Console",
    options: {
      level: cfg.logLevel,
      formatter: cfg.logFormat === "json" ? jsonFormatter : "short",
      colors: cfg.logFormat !== "json",
      moduleColors: false,
      autoPadding: false,
    },
  },
  logLevel: cfg.logLevel,
  serializer: "JSON",
  requestTimeout: 30_000,
  retryPolicy: { enabled: false },
  // A dead node must not make callers hang: heartbeats mark it unavailable within seconds.
  heartbeatInterval: 2,
  heartbeatTimeout: 6,
  contextParamsCloning: false,
  tracking: { enabled: true, shutdownTimeout: 8_000 },
  disableBalancer: false,
  registry: { strategy: "RoundRobin", preferLocal: true },
  circuitBreaker: { enabled: false },
  bulkhead: { enabled: false },
  validator: true,
  errorRegenerator: undefined,
  metrics: cfg.metrics.enabled
    ? {
        enabled: true,
        reporter: [{ type: PROMETHEUS_REPORTER as "Prometheus", options: { port: cfg.metrics.port, path: "/metrics" } }],
      }
    : { enabled: false },
  tracing: { enabled: false },
  middlewares: [RequestLogMiddleware(), channelsMiddleware(cfg), MetricsMiddleware(), AuditMiddleware()],
  };
}

export default buildBrokerOptions(config());
