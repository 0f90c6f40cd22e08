/**
 * streamJson (issue 14): an answer whose big array is sent in chunks as they come (a stored result's
 * parts) must be byte for byte the JSON.stringify of the whole value the gateway sent before, and a chunk
 * that fails or a reader that goes away must end the stream, not leave it hanging.
 */
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { LazyArray, streamJson } from "../../../../kernel/gateway/yielding-json";

/** A lazy array over `items`, in chunks of the given sizes (the rest in one last chunk). */
class Chunked extends LazyArray {
  opened = 0;
  closed = 0;
  constructor(
    readonly items: unknown[],
    private readonly sizes: number[] = [],
    private readonly failAt = -1,
  ) {
    super();
  }

  async *chunks(): AsyncGenerator<Buffer> {
    this.opened++;
    try {
      let at = 0;
      let n = 0;
      for (const size of [...this.sizes, Infinity]) {
        if (n++ === this.failAt) throw new Error("part gone");
        await new Promise((r) => setImmediate(r));
        const slice = this.items.slice(at, at + size);
        at += slice.length;
        yield Buffer.from(JSON.stringify(slice).slice(1, -1), "utf8");
        if (at >= this.items.length && size === Infinity) break;
      }
    } finally {
      this.closed++;
    }
  }
}

async function collect(v: unknown): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(streamJson(v, { sliceMs: 1 }), new Writable({ write: (c: Buffer, _e, cb) => (out.push(c), cb()) }));
  return Buffer.concat(out);
}

/** The same value with every lazy array replaced by its items: what JSON.stringify sent before. */
function whole(v: unknown): unknown {
  if (v instanceof Chunked) return v.items;
  if (Array.isArray(v)) return v.map(whole);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, whole(x)]));
  return v;
}

const finding = (i: number) => ({ id: `f${i}`, label: i % 2 ? "EMAIL_ADDRESS" : "PHONE_NUMBER", text: `ann.lée${i}@example.org 東京 😀 "q" \\ \u2028`, page: 1 + (i % 7), boxes: [{ x: 1.5 + i, y: -0, width: 1e21, height: 0.1 }], score: i % 3 ? 0.85 : null, gone: undefined });
const findings = (n: number) => Array.from({ length: n }, (_, i) => finding(i));
const view = (f: unknown, extra: Record<string, unknown> = {}) => ({ id: "j1", status: "paused:readyForReview", result: { phase: "detection", findings: f, labels: ["A"], pages: [{ page: 1 }] }, error: null, meta: { a: undefined, b: [null, undefined] }, ...extra });

const cases: Array<[string, () => unknown]> = [
  ["empty, no chunk but an empty one", () => view(new Chunked([]))],
  ["empty chunks around the items", () => view(new Chunked(findings(3), [0, 0, 3, 0]))],
  ["one chunk", () => view(new Chunked(findings(5)))],
  ["many chunks of 1,000", () => view(new Chunked(findings(5321), [1000, 1000, 1000, 1000, 1000]))],
  ["numbers, nested nulls, unicode items", () => view(new Chunked([0, -0, NaN, Infinity, 1e-7, [null, [undefined]], { a: { b: null } }, "\ud800 lone", "東京"], [2, 2, 2]))],
  ["a list of jobs, two lazy, one plain", () => ({ items: [view(new Chunked(findings(1200), [1000])), view(findings(2)), view(new Chunked(findings(7), [3]))], total: 3, nextCursor: null })],
  ["a list of 500 jobs (the list's limit), the last one lazy", () => ({ items: [...Array.from({ length: 499 }, (_, i) => view(findings(i % 3))), view(new Chunked(findings(1500), [1000]))], total: 500 })],
  ["the lazy array as the whole value", () => new Chunked(findings(10), [4, 4])],
  ["a key after the lazy array and strings that look like the marker", () => view(new Chunked(findings(2)), { after: "\u0000lazy:x:0", tail: ["\u0000lazy:"] })],
];

describe("streamJson gives JSON.stringify's bytes of the whole value", () => {
  it.each(cases)("%s", async (_name, make) => {
    const v = make();
    const got = await collect(v);
    const want = Buffer.from(JSON.stringify(whole(v)), "utf8");
    expect(got.toString("utf8")).toBe(want.toString("utf8"));
    expect(Buffer.compare(got, want)).toBe(0);
  });

  it("a lazy array serialised any other way throws instead of sending other bytes", () => {
    expect(() => JSON.stringify(view(new Chunked(findings(1))))).toThrow(/streamJson only/);
  });
});

describe("streamJson ends", () => {
  it("with an error when a chunk fails mid-stream, the lazy array's iterator closed", async () => {
    const lazy = new Chunked(findings(3000), [1000, 1000], 2);
    await expect(collect(view(lazy))).rejects.toThrow("part gone");
    expect({ opened: lazy.opened, closed: lazy.closed }).toEqual({ opened: 1, closed: 1 });
  });

  it("when its reader goes away: destroying the stream closes the lazy array's iterator", async () => {
    const lazy = new Chunked(findings(50_000), Array.from({ length: 49 }, () => 1000));
    const s = streamJson(view(lazy));
    // Until the stream is inside the lazy array (its first chunk is the value before it).
    await new Promise<void>((resolve) => s.on("data", () => lazy.opened && resolve()));
    s.pause();
    s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect({ opened: lazy.opened, closed: lazy.closed }).toEqual({ opened: 1, closed: 1 });
  });
});
