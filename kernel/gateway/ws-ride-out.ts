/**
 * A WebSocket's reads of stored state (the token check, the catch-up) ride out an outage of our own
 * infrastructure instead of closing the socket: a client that connects while the database restarts
 * (or whose catch-up read lands in that moment) waits a little longer and then gets the same catch-up
 * and live stream as any other client. Closing it with 1011 would tell the client the job broke, and a
 * failed token check would tell it its token is bad (1008), both wrong. A refusal (404, bad token) still
 * ends the socket at once; every other failure of the read is retried.
 */
import type { WebSocket } from "ws";
import { isTransient } from "../jobs/transient";

/** Longest a socket waits for our infrastructure before it is closed with 1013 (try again later). */
export const RIDE_OUT_MS = 120_000;

function isRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" && code >= 400 && code < 500;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Thrown when the socket closed while we were waiting: nothing is left to send to. */
export class SocketGone extends Error {
  constructor() {
    super("the socket closed while its state was being read");
  }
}

/** Thrown when the outage outlasted RIDE_OUT_MS; the socket is closed with 1013 by the caller. */
export class StillUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the service is still unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/**
 * Runs `read` until it answers or fails for a reason that is not an outage. Between tries it waits with
 * backoff (200 ms doubling, at most 2 s) while the socket stays open; `limitMs` bounds the whole wait.
 */
export async function rideOut<T>(socket: { readonly readyState: number; readonly OPEN: number } | Pick<WebSocket, "readyState" | "OPEN">, read: () => Promise<T>, limitMs = RIDE_OUT_MS): Promise<T> {
  const until = Date.now() + limitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      // A read is harmless to repeat: only a refusal (a 4xx: not found, bad token) ends the socket at
      // once. Anything else is our side failing for now (the database client reconnecting, a node gone).
      if (!isTransient(err) && isRefusal(err)) throw err;
      if (Date.now() >= until) throw new StillUnavailable(err);
    }
    await sleep(Math.min(2000, 200 * 2 ** Math.min(attempt, 4)));
    if (socket.readyState !== socket.OPEN) throw new SocketGone();
  }
}
