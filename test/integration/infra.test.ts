/**
 * The local infrastructure does what docmill relies on: these are the server behaviours the
 * services build on (see /work/shared/reference/mongodb-in-ci.md), checked against the real
 * servers test/global-setup.ts provides.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mongoose, { Schema, type Connection } from "mongoose";
import { AckPolicy, connect, StringCodec, type NatsConnection } from "nats";
import { makeTempDir, mongoUrlFor, natsUrl, startMongoServer, stopMongoServer, type MongoServer } from "../support/infra";

function database(conn: Connection) {
  if (!conn.db) throw new Error("connection has no database handle");
  return conn.db;
}

describe("MongoDB-protocol server", () => {
  let conn: Connection;

  beforeAll(async () => {
    conn = await mongoose.createConnection(mongoUrlFor("infra")).asPromise();
  });

  afterAll(async () => {
    if (!conn) return;
    await conn.dropDatabase();
    await conn.close();
  });

  it("rejects a duplicate on a unique index with code 11000", async () => {
    const User = conn.model("User", new Schema({ email: { type: String, required: true, unique: true } }));
    await User.init();
    await User.create({ email: "a@example.com" });

    await expect(User.create({ email: "a@example.com" })).rejects.toMatchObject({ code: 11000 });
    expect(await User.countDocuments({ email: "a@example.com" })).toBe(1);
  });

  it("lets exactly one of 20 concurrent callers win a conditional state transition", async () => {
    const Job = conn.model("Job", new Schema({ status: String, owner: Number }));
    const job = await Job.create({ status: "created" });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, owner) =>
        Job.findOneAndUpdate(
          { _id: job._id, status: "created" },
          { $set: { status: "running", owner } },
          { returnDocument: "after" },
        ).lean(),
      ),
    );

    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    const stored = await Job.findById(job._id).lean();
    expect(stored).toMatchObject({ status: "running", owner: winners[0]?.owner });
  });

  it("round-trips a 5 MB GridFS file byte for byte, and delete removes its chunks", async () => {
    const db = database(conn);
    const bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: "blobs" });
    const data = randomBytes(5 * 1024 * 1024);

    const upload = bucket.openUploadStream("sample.bin", { metadata: { kind: "test" } });
    await pipeline(Readable.from([data]), upload);
    const id = upload.id;
    expect(await db.collection("blobs.chunks").countDocuments({ files_id: id })).toBeGreaterThan(1);

    const parts: Buffer[] = [];
    for await (const part of bucket.openDownloadStream(id)) parts.push(part as Buffer);
    const downloaded = Buffer.concat(parts);
    expect(downloaded.length).toBe(data.length);
    expect(downloaded.equals(data)).toBe(true);

    await bucket.delete(id);
    expect(await db.collection("blobs.files").countDocuments({ _id: id })).toBe(0);
    expect(await db.collection("blobs.chunks").countDocuments({ files_id: id })).toBe(0);
  });

  it("keeps each test file's data in its own database", () => {
    const url = new URL(mongoUrlFor("infra"));
    expect(url.pathname).toMatch(/^\/infra_[0-9a-f]{8}$/);
    expect(mongoUrlFor("infra")).toBe(url.toString());
    expect(mongoUrlFor("other")).not.toBe(url.toString());
  });
});

describe("MongoDB-protocol server with an H2 file", () => {
  let server: MongoServer | undefined;

  afterEach(async () => {
    if (server) await stopMongoServer(server, "SIGKILL");
    server = undefined;
  });

  it("keeps its data across a restart", async () => {
    const dataFile = join(makeTempDir("docmill-h2-"), "docmill.h2");
    const schema = new Schema({ name: String, pages: Number });

    server = await startMongoServer({ dataFile });
    const first = await mongoose.createConnection(server.url("persist")).asPromise();
    try {
      const Doc = first.model("Doc", schema);
      // The H2 backend can fail a write that races the implicit creation of its collection
      // ("already existed in ... system.namespaces"); creating it up front, as services do, avoids that.
      await Doc.init();
      await Doc.create([{ name: "a.pdf", pages: 3 }, { name: "b.pdf", pages: 7 }]);
    } finally {
      await first.close();
    }
    // 143 = the JVM ran its shutdown hooks for SIGTERM, which close (flush) the H2 store.
    expect(await stopMongoServer(server)).toEqual({ code: 143, signal: null });

    server = await startMongoServer({ dataFile });
    const second = await mongoose.createConnection(server.url("persist")).asPromise();
    try {
      const docs = await second.model("Doc", schema).find({}, { _id: 0, name: 1, pages: 1 }).sort({ name: 1 }).lean();
      expect(docs).toEqual([
        { name: "a.pdf", pages: 3 },
        { name: "b.pdf", pages: 7 },
      ]);
    } finally {
      await second.close();
    }
  });
});

describe("NATS JetStream", () => {
  let nc: NatsConnection;
  const stream = `INFRA_${randomBytes(4).toString("hex")}`;
  const subject = `${stream.toLowerCase()}.jobs`;

  beforeAll(async () => {
    nc = await connect({ servers: natsUrl() });
  });

  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.drain();
  });

  it("stores a published message and delivers it to a durable consumer that acks it", async () => {
    const sc = StringCodec();
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [subject] });
    await jsm.consumers.add(stream, { durable_name: "worker", ack_policy: AckPolicy.Explicit });

    const js = nc.jetstream();
    const ack = await js.publish(subject, sc.encode("job-1"));
    expect(ack.stream).toBe(stream);
    expect(ack.seq).toBe(1);

    const consumer = await js.consumers.get(stream, "worker");
    const msg = await consumer.next({ expires: 5000 });
    if (!msg) throw new Error("no message delivered within 5 s");
    expect(sc.decode(msg.data)).toBe("job-1");
    // ackAck waits for the server's confirmation, so the consumer state below is settled.
    expect(await msg.ackAck()).toBe(true);

    const info = await jsm.consumers.info(stream, "worker");
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(1);
  });
});
