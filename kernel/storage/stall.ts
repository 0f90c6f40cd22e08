/**
 * A guard for streams that cross the transporter. A Moleculer stream whose NATS connection dropped
 * mid-transfer neither ends nor errors: it just stops. `guardStall` passes the data through and fails
 * the stream with a transient SERVICE_UNAVAILABLE error when the source sends nothing for `idleMs`
 * while the reader is waiting for data (time the reader itself spends busy, with the buffer full, does
 * not count), so the caller can give the job back instead of hanging forever.
 */
import { PassThrough, type Readable } from "node:stream";

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
