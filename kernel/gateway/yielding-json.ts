/**
 * JSON.stringify's bytes without holding the event loop for the whole value (issue 14). An answer that
 * carries a whole job result (GET /api/jobs/{id}, the job list, `jobs.resume`'s answer) is tens of
 * megabytes for a big document: 58,717 findings stringified in one synchronous step held the loop the
 * gateway shares in the embedded shape for the whole of it, and the step grows with the document.
 *
 * Here the value is walked down to its big arrays; an element of an array of BIG_ARRAY items or more is
 * handed to the native JSON.stringify whole (a finding, an OCR word: microseconds each), everything above
 * them is written piece by piece, and once SLICE_MS have passed the walk lets the loop serve what waits.
 * Time, not a count, ends a slice: an element may be a finding or a page of 4,000 words. The output is
 * the same bytes as `Buffer.from(JSON.stringify(value))`, key order, `toJSON` (called with its key, as
 * JSON.stringify does), `undefined`, functions and symbols (left out of objects, `null` in arrays), boxed
 * primitives, non-finite numbers and lone surrogates included; BigInt throws the same TypeError, a
 * cycle a TypeError too. Why not json-stream-stringify (MIT, maintained): it walks every value in
 * JavaScript (several times the CPU of the native stringifier for findings) and streams without a length,
 * so the answers would lose their Content-Length.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";

/** Longest stretch of stringifying on the event loop before it is let go. */
export const SLICE_MS = 8;

/** From this length on, an array's elements are stringified natively, one call each. */
export const BIG_ARRAY = 256;

/** Characters gathered before they are encoded to bytes (keeps each encoding step small). */
const CHUNK_CHARS = 1 << 16;

type Holder = Record<string, unknown> | unknown[];

function isObjectLike(v: unknown): v is object {
  return typeof v === "object" && v !== null;
}

/** What JSON.stringify serialises for the value at `key`: after its `toJSON` (called with the key), as the spec has it. */
function resolve(key: string, value: unknown): unknown {
  if ((isObjectLike(value) || typeof value === "bigint") && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return (value as { toJSON: (k: string) => unknown }).toJSON.call(value, key);
  }
  return value;
}

/**
 * Whether the native stringifier gives exactly our bytes for an already resolved value: anything but an
 * object that still has a callable toJSON (JSON.stringify would call it a second time; the spec calls
 * toJSON once per value).
 */
function nativeSafe(v: unknown): boolean {
  return !isObjectLike(v) || typeof (v as { toJSON?: unknown }).toJSON !== "function";
}

/** A boxed primitive (`new Number(1)`, `Object(1n)`): JSON.stringify writes its primitive. */
function isBoxed(v: object): v is { valueOf(): unknown } {
  return v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof BigInt;
}

/** Arrays and objects whose own keys JSON.stringify walks (not boxed primitives, not raw JSON). */
function walkable(v: unknown): v is Holder {
  if (!isObjectLike(v)) return false;
  if (Array.isArray(v)) return true;
  return !isBoxed(v) && !(JSON as { isRawJSON?: (o: unknown) => boolean }).isRawJSON?.(v);
}

/** A value that is not walked, resolved: a primitive's JSON, a boxed primitive's unwrapped, raw JSON's own. */
function leaf(v: unknown): string | undefined {
  // Unwrapped by hand: the native stringifier would call a toJSON the box may carry a second time.
  if (isObjectLike(v) && isBoxed(v)) return JSON.stringify(v.valueOf());
  return JSON.stringify(v);
}

class Writer {
  private parts: string[] = [];
  private chars = 0;
  readonly chunks: Buffer[] = [];
  since = performance.now();
  private readonly stack = new Set<object>();

  constructor(private readonly sliceMs: number) {}

  put(s: string): void {
    this.parts.push(s);
    this.chars += s.length;
    if (this.chars >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (!this.parts.length) return;
    this.chunks.push(Buffer.from(this.parts.join(""), "utf8"));
    this.parts = [];
    this.chars = 0;
  }

  async breathe(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await nextTurn();
    this.since = performance.now();
  }

  enter(v: object): void {
    if (this.stack.has(v)) throw new TypeError("Converting circular structure to JSON");
    this.stack.add(v);
  }

  leave(v: object): void {
    this.stack.delete(v);
  }
}

/** Writes a resolved value; false when JSON.stringify would leave it out (undefined, a function, a symbol). */
async function write(w: Writer, v: unknown): Promise<boolean> {
  if (!walkable(v)) {
    const s = leaf(v);
    if (s === undefined) return false;
    w.put(s);
    return true;
  }
  w.enter(v);
  if (Array.isArray(v)) {
    w.put("[");
    const big = v.length >= BIG_ARRAY;
    for (let i = 0; i < v.length; i++) {
      if (i) w.put(",");
      const item = resolve(String(i), v[i]);
      if (big && nativeSafe(item)) {
        const s = JSON.stringify(item);
        w.put(s === undefined ? "null" : s);
      } else if (!(await write(w, item))) w.put("null");
      await w.breathe();
    }
    w.put("]");
  } else {
    const o = v as Record<string, unknown>;
    w.put("{");
    let first = true;
    for (const k of Object.keys(o)) {
      const item = resolve(k, o[k]);
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      w.put(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
      first = false;
      await write(w, item);
      await w.breathe();
    }
    w.put("}");
  }
  w.leave(v);
  return true;
}

/**
 * `Buffer.from(JSON.stringify(value))`, made at most about `sliceMs` of the event loop at a time;
 * undefined where JSON.stringify gives undefined.
 */
export async function stringifyYielding(value: unknown, opts: { sliceMs?: number } = {}): Promise<Buffer | undefined> {
  const w = new Writer(opts.sliceMs ?? SLICE_MS);
  if (!(await write(w, resolve("", value)))) return undefined;
  w.flush();
  return w.chunks.length === 1 ? w.chunks[0] : Buffer.concat(w.chunks);
}

/**
 * An array whose elements' JSON comes later, in chunks (issue 14): a stored result's findings, sent part
 * by part instead of rebuilt whole as a million live objects per reader. Each chunk is the JSON of
 * consecutive elements joined by "," without brackets (an empty chunk for none), so the array's bytes are
 * "[" + the non-empty chunks joined by "," + "]": those of JSON.stringify of the elements' array.
 * `streamJson` alone sends one; anything else that would serialise it fails loudly (its toJSON throws)
 * rather than send other bytes than the answer.
 */
export abstract class LazyArray {
  abstract chunks(): AsyncIterable<Buffer>;

  toJSON(): never {
    throw new TypeError("A LazyArray is serialised by streamJson only");
  }
}

/** How deep `streamJson` looks for lazy arrays in plain objects (a job view: result.findings; a list: items[i].result.findings). */
const LAZY_DEPTH = 6;

function isPlain(v: unknown): v is Record<string, unknown> {
  if (!isObjectLike(v) || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The value with each LazyArray (in plain objects down to LAZY_DEPTH, and in an array at the top or right under it)
 * replaced by a marker string `mark + index`, copying only the objects on the way to one; `found` gets the
 * lazy arrays in the order of their indexes. The value itself when it holds none.
 */
function swapLazy(v: unknown, mark: string, found: LazyArray[], depth: number): unknown {
  if (v instanceof LazyArray) {
    found.push(v);
    return `${mark}${found.length - 1}`;
  }
  if (depth >= LAZY_DEPTH) return v;
  if (Array.isArray(v)) {
    // Only a list at the top (a job list's items): a result's own arrays (findings, OCR words, a small
    // result's thousands) are never walked for what cannot be in them.
    if (depth > 1) return v;
    let copy: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const s = swapLazy(v[i], mark, found, depth + 1);
      if (s !== v[i]) (copy ??= v.slice())[i] = s;
    }
    return copy ?? v;
  }
  if (!isPlain(v)) return v;
  let copy: Record<string, unknown> | null = null;
  for (const k of Object.keys(v)) {
    const s = swapLazy(v[k], mark, found, depth + 1);
    if (s !== v[k]) (copy ??= { ...v })[k] = s;
  }
  return copy ?? v;
}

/** Whether `value` carries a LazyArray where `streamJson` finds one. */
export function hasLazy(value: unknown): boolean {
  const found: LazyArray[] = [];
  swapLazy(value, "", found, 0);
  return found.length > 0;
}

/**
 * The bytes of `Buffer.from(JSON.stringify(value))` with its lazy arrays written as theirs, as a stream:
 * the rest of the value is serialised first (stringifyYielding, small once the lazy arrays are out of it)
 * with a marker in each lazy array's place, then sent up to each marker, the array's chunks in its place.
 * A chunk that fails (a stored part gone, the database away) errors the stream: an HTTP answer then ends
 * as a failed transfer, never as other bytes. Destroying the stream (a client gone) returns each lazy
 * array's iterator, so what it holds is let go.
 */
export function streamJson(value: unknown, opts: { sliceMs?: number } = {}): Readable {
  // A NUL and a random nonce: no string of the value can be taken for a marker.
  const mark = `\u0000lazy:${randomBytes(9).toString("base64url")}:`;
  const found: LazyArray[] = [];
  const swapped = swapLazy(value, mark, found, 0);
  const needle = Buffer.from(JSON.stringify(mark).slice(0, -1), "utf8");
  async function* bytes(): AsyncGenerator<Buffer> {
    const outer = await stringifyYielding(swapped, opts);
    if (outer === undefined) return;
    let at = 0;
    for (;;) {
      const hit = outer.indexOf(needle, at);
      if (hit < 0) break;
      const end = outer.indexOf(0x22 /* " */, hit + needle.length);
      const lazy = found[Number(outer.subarray(hit + needle.length, end).toString("latin1"))]!;
      if (hit > at) yield outer.subarray(at, hit);
      yield OPEN;
      let first = true;
      for await (const chunk of lazy.chunks()) {
        if (!chunk.length) continue;
        if (!first) yield COMMA;
        first = false;
        yield chunk;
      }
      yield CLOSE;
      at = end + 1;
    }
    if (at < outer.length) yield outer.subarray(at);
  }
  // About four stored parts read ahead of the client: the next part is on its way while one is sent.
  return Readable.from(bytes(), { objectMode: false, highWaterMark: 1 << 20 });
}

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");
