/**
 * Big arrays cross to and from a compute thread in pieces (sdk/compute/pieces.ts, issue 14): what
 * arrives is what was sent, item for item, and the loop side lets other work run between slices
 * instead of rebuilding the whole array in one step.
 */
import { closeComputePool, runOffLoop, runOffLoopInPieces } from "../../../../sdk/compute/pool";
import { isPacked, pack, unpack } from "../../../../sdk/compute/pieces";
import { detect, type Finding, type PageInput } from "../../../../plugins/redaction/detect";

const DETECT = require.resolve("../../../../plugins/redaction/detect/detect");

afterAll(async () => {
  await closeComputePool();
});

const ITEMS: unknown[] = [
  { id: "p1-EMAIL-1", text: "zoë.o'brien@example.org", boxes: [{ x: 1.5, y: -0, width: 20, height: 7 }], score: 0.85 },
  "a line with \"quotes\", $& and\na break",
  { nested: { deep: [1, [2, [3, null]]], when: new Date("2026-12-01T22:00:00Z") }, missing: undefined },
  "नमस्ते दुनिया",
  42,
  null,
  [],
];

test("pack then unpack gives the same items in order, with and without yielding", async () => {
  for (const yields of [false, true]) {
    const packed = await pack(ITEMS, yields);
    expect(isPacked(packed)).toBe(true);
    expect(packed.ends).toHaveLength(ITEMS.length);
    expect(await unpack(packed, yields)).toEqual(ITEMS);
  }
  expect(await unpack(await pack([], true), true)).toEqual([]);
  expect(isPacked({ $packed: 1, bytes: "x", ends: [] })).toBe(false);
});

test("unpacking a big array lets the event loop run other callbacks before it is done", async () => {
  const many = Array.from({ length: 20_000 }, (_, i) => ({ id: `p${i % 40}-EMAIL-${i}`, text: `ann.lee${i}@example.org`, boxes: [{ x: i, y: 2, width: 3, height: 4 }] }));
  const packed = await pack(many, false);
  const order: string[] = [];
  const timer = setInterval(() => order.push("tick"), 0);
  const back = await unpack(packed, true).finally(() => clearInterval(timer));
  order.push("done");
  expect(back.length).toBe(many.length);
  expect(back[0]).toEqual(many[0]);
  expect(back[19_999]).toEqual(many[19_999]);
  expect(JSON.stringify(back)).toBe(JSON.stringify(many));
  // Callbacks ran while the array was rebuilt: the loop was let go between slices.
  expect(order.indexOf("tick")).toBeGreaterThanOrEqual(0);
  const encoding: string[] = [];
  const t2 = setInterval(() => encoding.push("tick"), 0);
  const again = await pack(many, true).finally(() => clearInterval(t2));
  expect(encoding.length).toBeGreaterThan(0);
  expect(Buffer.compare(again.bytes, packed.bytes)).toBe(0);
});

function pages(n: number): PageInput[] {
  return Array.from({ length: n }, (_, p) => ({
    page: p + 1, width: 612, height: 792, source: "text" as const,
    words: Array.from({ length: 60 }, (_, l) => [`Row ${p * 60 + l}: mail`, `ann.lee${p * 60 + l}@example.org`, "or", "call", "+1", "415", "555", String(1000 + l)])
      .flatMap((line, l) => line.join(" ").split(" ").map((text, k) => ({ text, box: { x: 24 + k * 40, y: 20 + l * 12, width: 36, height: 9 } }))),
  }));
}

test("detection in pieces finds exactly what it finds inline and in one piece", async () => {
  const input = pages(12);
  const inline = detect(input, {});
  const whole = await runOffLoop<Finding[]>(DETECT, "detect", [input, {}]);
  const pieces = await runOffLoopInPieces<Finding[]>(DETECT, "detect", [input, {}]);
  expect(inline.filter((f) => f.label === "EMAIL_ADDRESS")).toHaveLength(12 * 60);
  expect(pieces).toEqual(inline);
  expect(pieces).toEqual(whole);
});

test("a failure in the thread keeps its type in pieces too", async () => {
  await expect(runOffLoopInPieces(DETECT, "detect", [pages(1), { patternRecognizers: [{ label: "X", pattern: "(" }] }])).rejects.toMatchObject({ type: "DETECTION_CONFIG_INVALID" });
});
