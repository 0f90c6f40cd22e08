/**
 * A guard for streams that cross the transporter. A Moleculer stream whose NATS connection dropped
 * mid-transfer neither ends nor errors: it just stops. `guardStall` passes the data through and fails
 * the stream with a transient SERVICE_UNAVAILABLE error when the source sends nothing for `idleMs`
 * while the reader is waiting for data (time the reader itself spends busy, with the buffer full, does
 * not count), so the caller can give the job back instead of hanging forever.
 */
import { PassThrough, Readable } from "node:stream";

export function stallError(idleMs: number): Error {
  return Object.assign(new Error(`The file stream stalled: no data for ${Math.round(idleMs / 1000)} s (is NATS or the database away?)`), {
    type: "SERVICE_UNAVAILABLE",
    name: "StreamStalledError",
  });
}

export function guardStall(source: Readable, idleMs: number): Readable {
  const out = new PassThrough();
  let timer: NodeJS.Timeout | undefined;
  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const arm = () => {
    disarm();
    timer = setTimeout(() => {
      source.destroy();
      out.destroy(stallError(idleMs));
    }, idleMs);
    timer.unref();
  };
  source.on("data", (chunk: Buffer) => {
    if (out.write(chunk)) arm();
    else {
      // The reader is behind: its own pace is not a stall.
      disarm();
      source.pause();
      out.once("drain", () => {
        arm();
        source.resume();
      });
    }
  });
  source.once("end", () => {
    disarm();
    out.end();
  });
  source.once("error", (err) => {
    disarm();
    out.destroy(err);
  });
  out.once("close", () => {
    disarm();
    if (!source.destroyed && !source.readableEnded) source.destroy();
  });
  arm();
  return out;
}

/**
 * The other direction: a stream a worker sends to the store (a plugin's output written as a Readable).
 * Moleculer pauses the stream while it publishes each chunk; with NATS away that publish never settles
 * and the stream stays paused, and with the storage node gone the chunks go out but no answer comes:
 * either way the call waited out its 10-minute timeout. `guardUpload` hands the call a stream that
 * fails when bytes are waiting for the store and it takes none of them for `idleMs` (time the producer
 * itself spends making the next bytes does not count), and bounds the wait for the store's answer
 * once every byte is taken by `answerMs(bytes)`, as for a Buffer output. `watch(call)` settles with the
 * call or, first, with the transient SERVICE_UNAVAILABLE error of a stall.
 */
export interface GuardedUpload {
  stream: Readable;
  watch<T>(call: Promise<T>): Promise<T>;
}

export function uploadStallError(idleMs: number): Error {
  return Object.assign(new Error(`The store took no bytes of the output for ${Math.round(idleMs / 1000)} s (is NATS or the storage service away?)`), {
    type: "SERVICE_UNAVAILABLE",
    name: "StreamStalledError",
  });
}

export function uploadAnswerError(ms: number, bytes: number): Error {
  return Object.assign(new Error(`The store did not confirm the output (${bytes} bytes) within ${Math.round(ms / 1000)} s of its last byte (is NATS or the storage service away?)`), {
    type: "SERVICE_UNAVAILABLE",
    name: "StreamStalledError",
  });
}

export function guardUpload(source: Readable, opts: { idleMs: number; answerMs: (bytes: number) => number }): GuardedUpload {
  let bytes = 0;
  let sourceEnded = false;
  let settled = false;
  let idle: NodeJS.Timeout | undefined;
  let answer: NodeJS.Timeout | undefined;
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // Read by `watch` only; a rejection nobody watches is not an unhandled one.
  failed.catch(() => undefined);
  const clear = () => {
    if (idle) clearTimeout(idle);
    if (answer) clearTimeout(answer);
    idle = answer = undefined;
  };
  const stall = (err: Error) => {
    clear();
    if (settled) return;
    settled = true;
    fail(err);
    out.destroy(err);
  };
  /** Bytes (or the end) are waiting for the store: it must take some within idleMs. */
  const waiting = () => out.readableLength > 0 || (sourceEnded && !out.readableEnded);
  const rearm = () => {
    if (idle) clearTimeout(idle);
    idle = undefined;
    if (settled || !waiting()) return;
    idle = setTimeout(() => stall(uploadStallError(opts.idleMs)), opts.idleMs);
    idle.unref();
  };
  const out = new Readable({
    // The store asks for more: it took bytes. Node asks before it takes them out of the buffer, so the
    // check of what is still waiting runs once this read is done.
    read() {
      process.nextTick(rearm);
      if (source.isPaused() && !sourceEnded) source.resume();
    },
    // A reader destroys the stream once it has read it to the end (for await does): the wait for the
    // store's answer goes on.
    destroy(err, cb) {
      if (idle) clearTimeout(idle);
      idle = undefined;
      if (!source.destroyed && !source.readableEnded) source.destroy();
      cb(err);
    },
  });
  // The error reaches the store through the stream (when it is still reading) and the caller through
  // `watch`; a stream nobody listens on yet must not throw it.
  out.on("error", () => undefined);
  out.once("end", () => {
    if (idle) clearTimeout(idle);
    idle = undefined;
    if (settled) return;
    const ms = opts.answerMs(bytes);
    answer = setTimeout(() => stall(uploadAnswerError(ms, bytes)), ms);
    answer.unref();
  });
  source.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (!out.push(chunk)) source.pause();
    if (!idle) rearm();
  });
  source.once("end", () => {
    sourceEnded = true;
    out.push(null);
    if (!idle) rearm();
  });
  source.once("error", (err) => {
    if (settled) return;
    settled = true;
    clear();
    fail(err);
    out.destroy(err);
  });
  return {
    stream: out,
    watch<T>(call: Promise<T>): Promise<T> {
      return Promise.race([call, failed]).finally(() => {
        settled = true;
        clear();
      });
    },
  };
}
