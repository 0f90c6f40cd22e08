import { BIG_ARRAY, stringifyYielding } from "../../../../kernel/gateway/yielding-json";

/** The bytes the gateway sent before: moleculer-web's JSON.stringify, encoded by res.end. */
const native = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? undefined : Buffer.from(s, "utf8");
};

async function same(v: unknown, sliceMs?: number): Promise<void> {
  const got = await stringifyYielding(v, sliceMs === undefined ? {} : { sliceMs });
  const want = native(v);
  expect(got === undefined ? undefined : got.toString("utf8")).toEqual(want === undefined ? undefined : want.toString("utf8"));
  if (want) expect(Buffer.compare(got!, want)).toBe(0);
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  get sum() {
    return this.x + this.y;
  }
}

const keyed = { toJSON: (k: string) => `key:${k}` };
const edge = {
  unicode: "Zoë, 東京, emoji 😀, RTL שלום, combining é",
  escapes: 'quote " backslash \\ newline \n tab \t nul \u0000 bell \u0007 del \u007f line sep \u2028 para \u2029 slash /',
  lone: "\ud800 alone, \udfff alone, reversed \udc00\ud800",
  numbers: [0, -0, 1.5, -1e-7, 1e21, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity],
  nested: [[[]], [[1, [2, [3, []]]]], [{}], [{ a: [] }]],
  holes: [1, , 3], // eslint-disable-line no-sparse-arrays -- a hole stringifies as null
  fields: { u: undefined, n: null, f: () => 1, s: Symbol("x"), kept: 1 },
  inArray: [undefined, null, () => 1, Symbol("y")],
  date: new Date(Date.UTC(2026, 11, 2, 15, 47, 40, 123)),
  invalidDate: new Date(NaN),
  keyedInObject: keyed,
  keyedInArray: [keyed, keyed],
  toJsonReturningObject: { toJSON: () => ({ inner: { toJSON: () => "inner once" }, list: [new Date(0)] }) },
  toJsonReturningUndefined: { toJSON: () => undefined },
  boxed: [new Number(3), new String("s"), new Boolean(false)],
  // toJSON is called once per value: the box it returns is unwrapped, its own toJSON never called.
  boxedToJson: Object.assign(new Number(4), { toJSON: () => Object.assign(new Number(5), { toJSON: () => 99 }) }),
  classInstance: new Point(1, 2),
  map: new Map([["a", 1]]),
  set: new Set([1]),
  buffer: Buffer.from("hi"),
  typed: new Uint8Array([1, 2]),
  nullProto: Object.assign(Object.create(null) as object, { b: 2, a: 1 }),
  integerKeys: { b: 1, 10: "ten", 2: "two", a: 0 },
  empty: { obj: {}, arr: [], str: "" },
  weirdKeys: { "": 1, 'q"k': 2, "line\nkey": 3, "😀": 4 },
};

describe("stringifyYielding gives JSON.stringify's bytes", () => {
  it.each(Object.entries(edge))("%s", async (_name, v) => {
    await same(v);
    await same([v, v]);
  });

  it("the whole edge-case object at once, and top-level primitives and undefined", async () => {
    await same(edge);
    for (const v of [null, true, 0, "x", "", undefined, () => 1, Symbol("z"), new Date(0), keyed, [], {}]) await same(v);
  });

  it("throws as JSON.stringify does for BigInt and cycles", async () => {
    await expect(stringifyYielding({ a: 1n })).rejects.toThrow(TypeError);
    await expect(stringifyYielding([Object(2n)])).rejects.toThrow(TypeError);
    const cyc: Record<string, unknown> = { a: [] };
    (cyc.a as unknown[]).push({ back: cyc });
    await expect(stringifyYielding(cyc)).rejects.toThrow(TypeError);
    // The same object twice (not a cycle) is fine.
    const shared = { s: 1 };
    await same({ a: shared, b: [shared, shared] });
  });

  it("a job view with a big result: elements of big arrays natively, edge cases inside them too, yielding every slice", async () => {
    const findings = Array.from({ length: BIG_ARRAY * 20 + 3 }, (_, i) => ({
      id: `f${i}`,
      label: i % 2 ? "EMAIL" : "PHONE",
      text: i % 7 ? `ann.lee${i}@example.org` : `"quoted" \\ \u2028 Zoë ${i}`,
      page: 1 + (i % 100),
      boxes: [{ x: i / 3, y: 1e-9 * i, width: 10, height: 4.2 }],
      score: i % 11 ? 0.85 : NaN,
      extra: i % 13 ? undefined : null,
      at: i % 17 ? undefined : new Date(i),
      keyed: i % 19 ? undefined : keyed,
    }));
    const job = {
      id: "j1",
      status: "paused:readyForReview",
      result: { phase: "detection", pageCount: 100, pages: Array.from({ length: 100 }, (_, p) => ({ page: p + 1, width: 612, height: 792, words: Array.from({ length: 300 }, (_, k) => [k, `w${k}`]) })), findings },
      error: null,
      startedAt: undefined,
      createdAt: new Date(0),
    };
    await same(job);
    // Yielding at every opportunity must not change a byte either.
    await same(job, 0);
    // And a big array at the top and inside a small one.
    await same(findings.slice(0, BIG_ARRAY));
    await same([[findings.slice(0, BIG_ARRAY + 1)], findings.slice(0, BIG_ARRAY - 1)]);
  });

  it("lets the event loop run while it works", async () => {
    const big = { items: Array.from({ length: 200_000 }, (_, i) => ({ i, s: `item ${i}`, nested: [i, { deep: true }] })) };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await stringifyYielding(big, { sliceMs: 1 });
    } finally {
      clearInterval(timer);
    }
    // JSON.stringify of this value is one step: no timer could run during it.
    expect(ticks).toBeGreaterThan(0);
  });
});
