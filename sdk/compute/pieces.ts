/**
 * Big arrays crossing between the event loop and a compute thread in pieces (issue 14). A thread's
 * answer is structured-cloned: the receiving side rebuilds every object of it in one synchronous step,
 * and for the 21,600 findings of a 40-page fine-print directory that step held the loop the gateway
 * shares (embedded shape) for half a second; ten times the document, seconds. The same holds for the
 * arguments (a document's pages and their words) on the way in. Packed, an array travels as one byte
 * buffer (copied as bytes, no objects to rebuild) holding each item's structured-clone bytes, and the
 * loop side encodes or rebuilds items until SLICE_MS have passed, then lets the loop serve what waits.
 * Time, not a count, ends a slice: an item may be a finding or a page of 4,000 words. The thread side
 * does all of it at once: it has no one else to serve.
 */
import { deserialize, serialize } from "node:v8";
import { setImmediate as nextTurn } from "node:timers/promises";

/** Longest stretch of encoding or decoding on the event loop before it is let go. */
export const SLICE_MS = 8;

/** An array as the v8 serializer's bytes of each item, concatenated; `ends[i]` ends item i. */
export interface Packed {
  $packed: 1;
  bytes: Uint8Array;
  ends: number[];
}

export function isPacked(v: unknown): v is Packed {
  return !!v && typeof v === "object" && (v as Packed).$packed === 1 && (v as Packed).bytes instanceof Uint8Array && Array.isArray((v as Packed).ends);
}

/** Lets the event loop go once SLICE_MS have passed since `since`; returns the new start. */
async function breathe(yields: boolean, since: number): Promise<number> {
  if (!yields || performance.now() - since < SLICE_MS) return since;
  await nextTurn();
  return performance.now();
}

/** Packs `items`; with `yields`, in slices of at most about SLICE_MS of the event loop. */
export async function pack(items: readonly unknown[], yields: boolean): Promise<Packed> {
  const chunks: Buffer[] = [];
  const ends: number[] = [];
  let total = 0;
  let since = performance.now();
  for (const item of items) {
    const b = serialize(item);
    chunks.push(b);
    total += b.length;
    ends.push(total);
    since = await breathe(yields, since);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const b of chunks) {
    bytes.set(b, at);
    at += b.length;
  }
  return { $packed: 1, bytes, ends };
}

/** The array back, in order; with `yields`, in slices of at most about SLICE_MS of the event loop. */
export async function unpack<T = unknown>(p: Packed, yields: boolean): Promise<T[]> {
  const out: T[] = new Array(p.ends.length);
  let from = 0;
  let since = performance.now();
  for (let i = 0; i < p.ends.length; i++) {
    out[i] = deserialize(p.bytes.subarray(from, p.ends[i])) as T;
    from = p.ends[i]!;
    since = await breathe(yields, since);
  }
  return out;
}
