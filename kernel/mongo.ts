/**
 * One mongoose connection per data-owning service (STYLE.md, convention 8): opened in `started()`,
 * closed in `stopped()`, models registered on that connection only. A shared global connection would
 * hide which service owns which collection and multiply connections in split deployments.
 */
import mongoose, { type Connection } from "mongoose";
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "./config";
import { fail } from "./errors";
import { watchConnection, type Watchdog } from "./mongo-watchdog";

export interface MongoSettings extends ServiceSettingSchema {
  /** Overrides MONGO_URL for this service (tests give each file its own database). */
  mongoUrl?: string;
}

export interface MongoVars {
  db: Connection;
  dbWatchdog?: Watchdog;
}

export type MongoServiceThis = Service<MongoSettings> & MongoVars;

export interface DbHealth {
  service: string;
  ok: boolean;
  state: string;
  latencyMs?: number;
  error?: string;
}

const STATES: Record<number, string> = { 0: "disconnected", 1: "connected", 2: "connecting", 3: "disconnecting" };

/** Removes credentials from a connection string before it reaches a log line. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]+)@/, "//***@");
}

/**
 * Mixin for a service that owns data. `defineModels` registers the service's models on its own
 * connection before it starts serving; indexes are built by `Model.init()`.
 */
export function mongoMixin(defineModels: (conn: Connection) => void): Partial<ServiceSchema> {
  const mixin: Partial<ServiceSchema<MongoSettings, Record<string, never>, MongoVars>> = {
    actions: {
      /** Database health of this service, for the gateway's health endpoints. Internal only. */
      dbHealth: {
        visibility: "public",
        async handler(): Promise<DbHealth> {
          const started = Date.now();
          const state = STATES[this.db?.readyState ?? 0] ?? "unknown";
          try {
            if (!this.db?.db) throw new Error("not connected");
            await Promise.race([
              this.db.db.admin().ping(),
              new Promise((_, reject) => setTimeout(() => reject(new Error("ping timed out")), 2000).unref()),
            ]);
            return { service: this.name, ok: true, state, latencyMs: Date.now() - started };
          } catch (err) {
            return { service: this.name, ok: false, state, error: (err as Error).message };
          }
        },
      },
    },
    async started() {
      const url = this.settings.mongoUrl ?? config().mongoUrl;
      if (!url) fail("SERVICE_UNAVAILABLE", `MONGO_URL is not set; service ${this.name} needs a database`);
      const options = {
        serverSelectionTimeoutMS: 10_000,
        // Fail fast while the database is away instead of queueing requests until they time out.
        bufferCommands: false,
        // No operation waits forever on a socket that went silent in an outage (the driver's default is
        // no limit): our operations answer in milliseconds, a minute of silence is a dead connection.
        socketTimeoutMS: 60_000,
      };
      this.db = mongoose.createConnection(url, options);
      await this.db.asPromise();
      // A client that does not find the database again after it restarted is reopened (mongo-watchdog.ts).
      this.dbWatchdog = watchConnection(this.db, url, options, this.logger);
      // Models are registered once the connection is open: with bufferCommands off, mongoose's one-time
      // model set-up would otherwise run against a connection that is not ready yet.
      defineModels(this.db);
      await Promise.all(Object.values(this.db.models).map((m) => m.init()));
      this.logger.info(`connected to ${redactUrl(url)}`);
    },
    async stopped() {
      this.dbWatchdog?.stop();
      await this.db?.close();
    },
  };
  return mixin as Partial<ServiceSchema>;
}

/** A model compiled on this connection, typed by the caller (mongoose's own `model<T, U>` generic, no cast). */
export function modelOf<M>(db: Connection, name: string): M {
  return db.model<unknown, M>(name);
}
