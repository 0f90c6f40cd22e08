/**
 * A plugin output written as a Readable stream, stored while the store goes away. Moleculer pauses the
 * stream while it publishes each chunk; with NATS away that publish never settles (the store takes no
 * more bytes), and with the storage node gone the chunks go out and no answer comes. Before, the call
 * waited out its 10-minute timeout either way; now the store call fails with a readable, transient
 * SERVICE_UNAVAILABLE error, as a Buffer output's timeout does, so the worker gives the job back.
 *
 * The fake `call` below behaves as moleculer's does for a remote `storage.put` and honours the call's
 * `timeout` like moleculer: on main (no guard, timeout 600 s) the first two cases wait ten minutes and
 * fail on jest's 15 s timeout.
 */
import { Readable } from "node:stream";
import { executeJob, type ClaimedJob } from "../../../../kernel/plugins/execute";
import type { Call } from "../../../../kernel/call";
import { isTransient } from "../../../../kernel/jobs/transient";
import { definePlugin, type PluginManifest } from "../../../../sdk/manifest";

jest.setTimeout(15_000);

const logger = { info() {}, warn() {}, error() {}, debug() {} } as never;
const job = { id: "job-1", owner: "u1", inputFileId: "in-1", attempts: 1, options: {}, processor: "streamer" } as unknown as ClaimedJob;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `count` chunks of 64 KiB, each after `gapMs` (the producer's own pace). */
function output(gapMs = 0, count = 32): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < count; i++) {
        if (gapMs) await sleep(gapMs);
        yield Buffer.alloc(64 * 1024, i);
      }
    })(),
  );
}

const plugin = (gapMs = 0, count = 32): PluginManifest =>
  definePlugin({
    id: "streamer",
    version: "1.0.0",
    apiVersion: "1",
    title: "Streamer",
    accepts: ["text/plain"],
    optionsSchema: {},
    run: async (ctx) => {
      const w = await ctx.writeOutput("big", output(gapMs, count), { contentType: "application/octet-stream" });
      return { size: w.size };
    },
  });

type Store = (stream: Readable) => Promise<{ size: number }>;

/** The jobs and storage services as the worker sees them; `storage.put` is `store`, bounded by the call's timeout. */
function fakeCall(store: Store): Call {
  const call = async (action: string, _params?: unknown, opts: Record<string, unknown> = {}) => {
    if (action === "storage.stat") return { id: "in-1", filename: "a.txt", contentType: "text/plain", size: 5, sha256: "x" };
    if (action === "jobs.progress") return { ok: true };
    if (action === "storage.put") {
      const timeout = Number(opts.timeout ?? 0);
      const answer = store(opts.stream as Readable).then((r) => ({ id: "out-1", sha256: "y", contentType: "application/octet-stream", filename: "big", ...r }));
      if (!timeout) return answer;
      return Promise.race([
        answer,
        new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error(`Request is timed out when call 'storage.put'`), { name: "RequestTimeoutError", type: "REQUEST_TIMEOUT" })), timeout).unref()),
      ]);
    }
    throw new Error(`unexpected call ${action}`);
  };
  return call as Call;
}

const run = (store: Store, gapMs = 0, count = 32) =>
  executeJob({ workerId: "w1", logger, call: fakeCall(store), streams: { idleMs: 1000, answerMs: () => 1000 } }, job, plugin(gapMs, count), new AbortController());

/** Reads the whole stream at the store's own pace. */
async function readAll(stream: Readable, perChunkMs = 0): Promise<number> {
  let size = 0;
  for await (const c of stream) {
    size += (c as Buffer).length;
    if (perChunkMs) await sleep(perChunkMs);
  }
  return size;
}

it("fails the store call when the store stops taking bytes midway (NATS away: moleculer's publish never settles)", async () => {
  let taken = 0;
  const err = await run(async (stream) => {
    // What transit does: on each chunk, pause and publish; the publish of the third chunk never settles.
    await new Promise<never>(() => {
      stream.on("data", (c: Buffer) => {
        taken += c.length;
        stream.pause();
        if (taken <= 2 * 64 * 1024) setImmediate(() => stream.resume());
      });
    });
    return { size: taken };
  }).then(
    () => null,
    (e: unknown) => e as { type?: string; message?: string },
  );
  // Transient: the worker gives the job back (services/worker.service.ts), as for a Buffer output's timeout.
  expect(isTransient(err)).toBe(true);
  expect(err).toMatchObject({ type: "SERVICE_UNAVAILABLE" });
  expect(err!.message).toBe('storing output "big" failed: The store took no bytes of the output for 1 s (is NATS or the storage service away?)');
  expect(taken).toBeLessThan(32 * 64 * 1024);
});

it("bounds the wait for the store's answer once it has every byte (the storage node gone)", async () => {
  let size = 0;
  const err = await run(async (stream) => {
    size = await readAll(stream);
    return new Promise<never>(() => undefined);
  }).then(
    () => null,
    (e: unknown) => e as { type?: string; message?: string },
  );
  expect(size).toBe(32 * 64 * 1024);
  expect(isTransient(err)).toBe(true);
  expect(err).toMatchObject({ type: "SERVICE_UNAVAILABLE" });
  expect(err!.message).toBe(`storing output "big" failed: The store did not confirm the output (${32 * 64 * 1024} bytes) within 1 s of its last byte (is NATS or the storage service away?)`);
});

it("does not count a slow producer or a slow but steady store as a stall", async () => {
  // The plugin makes a chunk every 1.5 s (longer than the 1 s bound): the store waits on it, not the reverse.
  const slowProducer = await run(async (stream) => ({ size: await readAll(stream) }), 1500, 3);
  expect(slowProducer).toMatchObject({ status: "completed", result: { size: 3 * 64 * 1024 } });
  // The store takes a chunk every 100 ms (backpressure on the plugin's stream, each pause shorter than the bound).
  const slowStore = await run(async (stream) => ({ size: await readAll(stream, 100) }));
  expect(slowStore).toMatchObject({ status: "completed", result: { size: 32 * 64 * 1024 } });
});

it("passes every byte through in order", async () => {
  const chunks: Buffer[] = [];
  const r = await run(async (stream) => {
    for await (const c of stream) chunks.push(c as Buffer);
    return { size: chunks.reduce((n, c) => n + c.length, 0) };
  });
  expect(r.status).toBe("completed");
  const all = Buffer.concat(chunks);
  expect(all.length).toBe(32 * 64 * 1024);
  for (let i = 0; i < 32; i++) expect(all[i * 64 * 1024]).toBe(i);
});
