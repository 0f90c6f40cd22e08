/**
 * The database connection watchdog (kernel/mongo-watchdog.ts) against a real MongoDB-protocol server
 * that is stopped and started again with its data. The state it repairs is the one restart.e2e ran into
 * under load: after the restart one service's client kept its server "Unknown" with the error of a
 * connection the restart had closed, and nothing in that client checked the server again, so every
 * operation of that service failed for minutes while the database answered everyone else. Here that
 * state is made on purpose (the client's monitor is stopped after it reported the lost connection), so
 * the test does not depend on the schedule that produced it.
 */
import path from "node:path";
import mongoose, { type Connection } from "mongoose";
import { MongoNetworkError } from "mongodb";
import { watchConnection } from "../../../kernel/mongo-watchdog";
import { makeTempDir, startMongoServer, stopMongoServer, type MongoServer } from "../../support/infra";

jest.setTimeout(120_000);

let mongo: MongoServer;
let conn: Connection | undefined;
const logs: string[] = [];
const logger = { warn: (m: string) => logs.push(`warn ${m}`), info: (m: string) => logs.push(`info ${m}`) };
const options = { serverSelectionTimeoutMS: 1500, bufferCommands: false };

beforeAll(async () => {
  mongo = await startMongoServer({ dataFile: path.join(makeTempDir("docmill-h2-"), "watchdog") });
});
afterAll(async () => {
  await conn?.close().catch(() => undefined);
  if (mongo) await stopMongoServer(mongo, "SIGKILL");
});

interface Internals {
  topology: { s: { servers: Map<string, { monitor?: { emit(e: string, err: Error): void; close(): void } }> } };
}

it("reopens a connection that did not find the restarted database again; its models work as before; leaves a healthy one alone", async () => {
  conn = mongoose.createConnection(mongo.url("watchdog"), options);
  await conn.asPromise();
  const Thing = conn.model("Thing", new mongoose.Schema({ _id: String, n: Number }, { autoCreate: false, autoIndex: false, versionKey: false }));
  await Thing.create({ _id: "a", n: 1 });
  const dog = watchConnection(conn, mongo.url("watchdog"), options, logger, { everyMs: 3_600_000, stuckMs: 1000, pingMs: 1500 });
  try {
    // Healthy: a check changes nothing.
    expect(await dog.check()).toBe(false);

    // The database restarts; the client lost a connection, and its monitor never looks again.
    await stopMongoServer(mongo, "SIGTERM");
    for (const server of (conn.getClient() as unknown as Internals).topology.s.servers.values()) {
      server.monitor?.emit("resetServer", new MongoNetworkError("connection 8 to 127.0.0.1 closed"));
      server.monitor?.close();
    }
    // While the database is really away, nothing is done (the driver's reconnection is the normal path).
    expect(await dog.check()).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await dog.check()).toBe(false);
    mongo = await startMongoServer({ port: mongo.port, dataFile: mongo.dataFile });

    // The database is back, the client is not: this is the stuck state.
    await expect(Thing.findById("a").lean()).rejects.toThrow(/connection 8 to 127.0.0.1 closed|Server selection timed out/);

    // A check sees the database answer a fresh client, and reopens this one.
    expect(await dog.check()).toBe(true);
    expect(dog.reopened).toBe(1);
    expect(logs.some((l) => /^warn the database answers, but this service's connection has not recovered/.test(l))).toBe(true);
    // The same model on the same connection reads and writes again, with the data from before the restart.
    expect(await Thing.findById("a").lean()).toEqual({ _id: "a", n: 1 });
    await Thing.updateOne({ _id: "a" }, { $inc: { n: 1 } });
    expect(await Thing.findById("a").lean()).toEqual({ _id: "a", n: 2 });
    expect(await dog.check()).toBe(false);
  } finally {
    dog.stop();
  }
});
