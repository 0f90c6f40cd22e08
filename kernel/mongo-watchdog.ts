/**
 * A watchdog for one service's database connection. After the database restarts, the driver is meant
 * to find it again by itself (its monitor re-checks the server every heartbeat); under heavy CPU load we
 * saw one service's client of six never do so: every operation kept failing with the same "connection
 * N closed" (server selection reporting the last error) for minutes while the other services of the
 * same process were long back, so that service's jobs, files or batch records never moved again
 * (issue 15: restart.e2e "database stops for 3 s" hung; docs/plugins.md).
 *
 * So every `everyMs` the watchdog pings through the service's own client. While that fails, and a fresh
 * client can reach the same database, for `stuckMs`, the connection is closed and opened again on the
 * same mongoose Connection (its models keep working: mongoose re-binds their collections on open).
 * While the database itself is away nothing is done: the driver's own reconnection is the normal path.
 */
import mongoose, { type Connection, type ConnectOptions } from "mongoose";

export interface WatchdogOptions {
  everyMs?: number;
  stuckMs?: number;
  /** Deadline of one ping. */
  pingMs?: number;
}

export interface WatchdogLogger {
  warn(msg: string): void;
  info(msg: string): void;
}

const withDeadline = <T>(p: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
};

/** A ping through a new, short-lived client: can the database be reached at all right now? */
export async function reachable(url: string, pingMs: number): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(url, { serverSelectionTimeoutMS: pingMs, connectTimeoutMS: pingMs, maxPoolSize: 1 });
  try {
    await withDeadline(client.connect().then(() => client.db().admin().ping()), pingMs * 2);
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export interface Watchdog {
  stop(): void;
  /** One check now (the timer calls it); resolves true when it reopened the connection. */
  check(now?: number): Promise<boolean>;
  readonly reopened: number;
}

export function watchConnection(conn: Connection, url: string, connectOptions: ConnectOptions, logger: WatchdogLogger, opts: WatchdogOptions = {}): Watchdog {
  const everyMs = opts.everyMs ?? 5000;
  const stuckMs = opts.stuckMs ?? 20_000;
  const pingMs = opts.pingMs ?? 2000;
  let failingSince: number | undefined;
  let running = false;
  let stopped = false;
  let reopened = 0;
  const check = async (now = Date.now()): Promise<boolean> => {
    if (running || stopped) return false;
    running = true;
    try {
      try {
        if (!conn.db) throw new Error("not connected");
        await withDeadline(conn.db.admin().ping(), pingMs);
        failingSince = undefined;
        return false;
      } catch {
        failingSince ??= now;
      }
      if (now - failingSince < stuckMs || !(await reachable(url, pingMs)) || stopped) return false;
      logger.warn(`the database answers, but this service's connection has not recovered for ${Math.round((now - failingSince) / 1000)} s: reconnecting`);
      await conn.close().catch(() => undefined);
      await conn.openUri(url, connectOptions);
      reopened++;
      failingSince = undefined;
      logger.info("reconnected to the database");
      return true;
    } catch (err) {
      logger.warn(`reconnecting to the database failed (${(err as Error).message}); trying again`);
      return false;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    check,
    get reopened() {
      return reopened;
    },
  };
}
