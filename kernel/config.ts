/**
 * The one place that reads the environment (STYLE.md, convention 9). Everything else receives a typed
 * `Config`. Values are parsed and range-checked once at start-up: a bad value stops the process with a
 * message naming the variable, instead of surfacing later as a confusing runtime error.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { bool, ConfigError, int, list, oneOf, parseBytes, type Env } from "../sdk/env";
import { pdfLimitsFromEnv, resetPdfLimits, type PdfLimits } from "../sdk/pdf/limits";

export { ConfigError, parseBytes } from "../sdk/env";

export type LogFormat = "json" | "text";

export interface Config {
  env: "development" | "production" | "test";
  /** Gateway HTTP port. */
  port: number;
  /** Address the gateway binds to. */
  host: string;
  /** Moleculer namespace: brokers only see peers with the same namespace. */
  namespace: string;
  nodeID?: string;
  /** Moleculer transporter URL (nats://...). Unset: embedded, in-process only. */
  transporter?: string;
  /** NATS URL used for durable work (JetStream channels). Unset: an in-memory queue (single process only). */
  natsUrl?: string;
  mongoUrl?: string;
  dataDir: string;
  /** Services this process runs; empty means all. */
  services: string[];
  /** Plugins the workers of this process host; empty means every plugin found. */
  plugins: string[];
  workerConcurrency: number;
  /** Extra folders searched for plugins besides plugins/ (PLUGINS_DIR, comma-separated). */
  pluginDirs: string[];
  /** Job runtime: a worker holds a lease it renews while it works; a job whose lease ran out is taken over. */
  jobs: {
    leaseSeconds: number;
    maxAttempts: number;
    recoveryIntervalSeconds: number;
    /**
     * How often the consumers of job changes (the API families' records, the WebSocket relays) compare their
     * open records with the runtime's jobs and repair any divergence (also once at start-up).
     */
    reconcileIntervalSeconds: number;
  };
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace";
  logFormat: LogFormat;
  metrics: { enabled: boolean; port: number };
  jwt: {
    secret: string;
    /** True when the secret was generated for this process only (development convenience). */
    secretGenerated: boolean;
    algorithm: "HS256" | "HS384" | "HS512";
  };
  bcryptCost: number;
  admin: { email: string; username: string; initialPassword: string };
  http: {
    corsOrigins: string[];
    jsonLimit: string;
    trustProxy: boolean;
    /** Bytes of one request body, all files together (MAX_REQUEST_SIZE); refused whole with 413 beyond. */
    maxRequestBytes: number;
    /** Files (or documents) in one batch (BATCH_MAX_FILES); refused whole with 413 beyond. */
    batchMaxFiles: number;
  };
  files: {
    maxBytes: number;
    retentionHours: number;
    sweepIntervalSeconds: number;
  };
  urlFetch: { allowPrivate: boolean; timeoutMs: number; maxBytes: number };
  /** Outgoing webhooks (services/webhooks.service.ts, docs/webhooks.md). */
  webhooks: {
    /** WEBHOOK_ALLOW_PRIVATE: endpoints on loopback/private addresses (tests, intranets). */
    allowPrivate: boolean;
    /** WEBHOOK_SECRET_KEY: encrypts the endpoints' signing secrets at rest; unset: derived from JWT_SECRET_KEY. */
    secretKey?: string;
    timeoutMs: number;
    maxAttempts: number;
    /** First retry delay; each further one is 4x longer, capped at maxDelayMs. */
    retryBaseMs: number;
    maxDelayMs: number;
    sweepIntervalSeconds: number;
  };
  /** Audit log and review feedback retention (docs/audit.md): swept, no TTL index (mongo-java-server). */
  audit: {
    retentionDays: number;
    feedbackRetentionDays: number;
    sweepIntervalSeconds: number;
    /** Where a process keeps, on disk, the audit entries it could not hand to NATS (kernel/audit/spool.ts). */
    spoolDir: string;
    /** The spool's bound per process; an entry beyond it is dropped, counted and logged. */
    spoolMaxBytes: number;
  };
  /** Resource limits while parsing PDFs (sdk/pdf/limits.ts, docs/security.md). */
  pdfLimits: PdfLimits;
  /**
   * Origin (plus optional path) absolute URLs in answers are built from (PUBLIC_BASE_URL). Unset: the
   * address and port the connection arrived on (the socket's own side). Never the request's Host header.
   */
  publicBaseUrl: string | undefined;
  /**
   * The environment this config was read from: plugins (manifest `settings(env)`) and API families
   * (token lifetimes) read their own settings from it, so the kernel names none of them.
   */
  rawEnv: Env;
}

const DEFAULT_SECRET_PLACEHOLDER = "your-super-secret-jwt-key-change-in-production";

/** PUBLIC_BASE_URL as an origin plus optional path, without a trailing slash. */
function publicBaseUrl(env: Env): string | undefined {
  const raw = env.PUBLIC_BASE_URL;
  if (raw === undefined || raw === "") return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError("PUBLIC_BASE_URL", `expected an absolute http(s) URL such as https://docmill.example.com, got "${raw}"`);
  }
  if (!/^https?:$/.test(u.protocol) || u.search || u.hash || u.username || u.password) {
    throw new ConfigError("PUBLIC_BASE_URL", `expected an http(s) URL without query, fragment or credentials, got "${raw}"`);
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

/** 32 bytes, hex or base64; anything else stops the start with a message naming the variable. */
function webhookSecretKey(env: Env): string | undefined {
  const raw = env.WEBHOOK_SECRET_KEY?.trim();
  if (!raw) return undefined;
  const bytes = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (bytes.length !== 32) throw new ConfigError("WEBHOOK_SECRET_KEY", "must be 32 random bytes, hex or base64 (generate one with `openssl rand -hex 32`)");
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, "NODE_ENV", "development", ["development", "production", "test"] as const);

  let secret = env.JWT_SECRET_KEY ?? "";
  let secretGenerated = false;
  if (nodeEnv === "production") {
    if (!secret || secret === DEFAULT_SECRET_PLACEHOLDER || secret.length < 32) {
      throw new ConfigError(
        "JWT_SECRET_KEY",
        "production needs a random secret of at least 32 characters (generate one with `openssl rand -hex 32`)",
      );
    }
  } else if (!secret) {
    // A per-process secret keeps development safe by default; split deployments must share one.
    secret = randomBytes(32).toString("hex");
    secretGenerated = true;
  } else if (secret.length < 16) {
    throw new ConfigError("JWT_SECRET_KEY", "must be at least 16 characters (32 or more in production)");
  }

  const transporter = env.TRANSPORTER || undefined;
  const maxFile = env.MAX_FILE_SIZE ? parseBytes(env.MAX_FILE_SIZE, "MAX_FILE_SIZE") : 50 * 1024 * 1024;

  return {
    env: nodeEnv,
    port: int(env, "PORT", 3000, 0, 65535),
    host: env.HOST || "0.0.0.0",
    namespace: env.NAMESPACE || "docmill",
    nodeID: env.NODE_ID || undefined,
    transporter,
    natsUrl: env.NATS_URL || (transporter?.startsWith("nats://") ? transporter : undefined),
    mongoUrl: env.MONGO_URL || undefined,
    dataDir: path.resolve(env.DOCMILL_DATA_DIR || ".data"),
    services: list(env, "SERVICES"),
    plugins: list(env, "PLUGINS"),
    workerConcurrency: int(env, "WORKER_CONCURRENCY", 1, 1, 64),
    pluginDirs: list(env, "PLUGINS_DIR").map((d) => path.resolve(d)),
    jobs: {
      leaseSeconds: int(env, "JOB_LEASE_SECONDS", 30, 2, 3600),
      maxAttempts: int(env, "JOB_MAX_ATTEMPTS", 3, 1, 20),
      recoveryIntervalSeconds: int(env, "JOB_RECOVERY_INTERVAL_SECONDS", 10, 1, 3600),
      reconcileIntervalSeconds: int(env, "JOB_RECONCILE_INTERVAL_SECONDS", 30, 1, 3600),
    },
    logLevel: oneOf(env, "LOG_LEVEL", nodeEnv === "test" ? "warn" : "info", [
      "fatal",
      "error",
      "warn",
      "info",
      "debug",
      "trace",
    ] as const),
    logFormat: oneOf(env, "LOG_FORMAT", "json", ["json", "text"] as const),
    metrics: { enabled: bool(env, "METRICS", false), port: int(env, "METRICS_PORT", 3030, 0, 65535) },
    jwt: {
      secret,
      secretGenerated,
      algorithm: oneOf(env, "JWT_ALGORITHM", "HS256", ["HS256", "HS384", "HS512"] as const),
    },
    bcryptCost: int(env, "BCRYPT_COST", nodeEnv === "test" ? 4 : 12, 4, 15),
    admin: {
      email: env.ADMIN_EMAIL || "admin@example.com",
      username: env.ADMIN_USERNAME || "admin",
      // The replaced product's seed documents this temporary password; the account is flagged to reset it.
      initialPassword: env.ADMIN_INITIAL_PASSWORD || "Admin@1234!Tmp",
    },
    http: {
      corsOrigins: list(env, "CORS_ORIGINS"),
      jsonLimit: env.JSON_BODY_LIMIT || "1mb",
      trustProxy: bool(env, "TRUST_PROXY", false),
      maxRequestBytes: env.MAX_REQUEST_SIZE ? parseBytes(env.MAX_REQUEST_SIZE, "MAX_REQUEST_SIZE") : Math.max(500 * 1024 * 1024, maxFile),
      batchMaxFiles: int(env, "BATCH_MAX_FILES", 500, 1, 100_000),
    },
    files: {
      maxBytes: maxFile,
      retentionHours: int(env, "FILE_RETENTION_HOURS", 24, 1, 24 * 365),
      sweepIntervalSeconds: int(env, "SWEEP_INTERVAL_SECONDS", 60, 1, 24 * 3600),
    },
    audit: {
      retentionDays: int(env, "AUDIT_RETENTION_DAYS", 365, 1, 36500),
      feedbackRetentionDays: int(env, "REVIEW_FEEDBACK_RETENTION_DAYS", 180, 1, 36500),
      sweepIntervalSeconds: int(env, "AUDIT_SWEEP_INTERVAL_SECONDS", 3600, 1, 7 * 24 * 3600),
      spoolDir: path.resolve(env.AUDIT_SPOOL_DIR || path.join(env.DOCMILL_DATA_DIR || ".data", "audit-spool")),
      spoolMaxBytes: env.AUDIT_SPOOL_MAX_BYTES ? parseBytes(env.AUDIT_SPOOL_MAX_BYTES, "AUDIT_SPOOL_MAX_BYTES") : 16 * 1024 * 1024,
    },
    urlFetch: {
      allowPrivate: bool(env, "URL_FETCH_ALLOW_PRIVATE", false),
      timeoutMs: int(env, "URL_FETCH_TIMEOUT_MS", 60_000, 100, 600_000),
      maxBytes: env.URL_FETCH_MAX_SIZE ? parseBytes(env.URL_FETCH_MAX_SIZE, "URL_FETCH_MAX_SIZE") : maxFile,
    },
    webhooks: {
      allowPrivate: bool(env, "WEBHOOK_ALLOW_PRIVATE", false),
      secretKey: webhookSecretKey(env),
      timeoutMs: int(env, "WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000),
      maxAttempts: int(env, "WEBHOOK_MAX_ATTEMPTS", 10, 1, 50),
      retryBaseMs: int(env, "WEBHOOK_RETRY_BASE_MS", 10_000, 10, 3_600_000),
      maxDelayMs: int(env, "WEBHOOK_RETRY_MAX_DELAY_MS", 6 * 3_600_000, 10, 7 * 24 * 3_600_000),
      sweepIntervalSeconds: int(env, "WEBHOOK_SWEEP_INTERVAL_SECONDS", 30, 1, 3600),
    },
    pdfLimits: pdfLimitsFromEnv(env),
    publicBaseUrl: publicBaseUrl(env),
    rawEnv: env,
  };
}

let cached: Config | undefined;

/** The process-wide configuration, read once. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

/** For tests that need a fresh read after changing the environment. */
export function resetConfig(): void {
  cached = undefined;
  resetPdfLimits();
}
