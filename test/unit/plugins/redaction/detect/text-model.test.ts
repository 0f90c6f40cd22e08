import { detect } from "../../../../../plugins/redaction/detect";
import { buildTextModel, spanToBoxes, verticalDirection, wordsInSpan } from "../../../../../plugins/redaction/detect/text-model";
import type { PageInput, Word } from "../../../../../plugins/redaction/detect/types";
import { CHAR_W, LEFT, LINE_H, LINE_STEP, TOP, pageOf } from "./page-fixture";

const w = (text: string, x: number, y: number, width = text.length * 6, height = 10): Word => ({ text, box: { x, y, width, height } });
const page = (words: Word[]): PageInput => ({ page: 1, width: 600, height: 800, words, source: "text" });

describe("buildTextModel", () => {
  it("orders shuffled words into lines by vertical overlap and x", () => {
    const m = buildTextModel(page([w("world", 90, 101), w("second", 50, 120), w("hello", 50, 100), w("line", 92, 119)]));
    expect(m.text).toBe("hello world\nsecond line");
    expect(m.lines.map((l) => l.words.map((p) => p.word.text))).toEqual([["hello", "world"], ["second", "line"]]);
  });

  it("keeps a superscript-sized word on its line when it overlaps enough", () => {
    const m = buildTextModel(page([w("E", 50, 100), w("=", 60, 100), w("mc2", 70, 97, 18, 8)]));
    expect(m.text).toBe("E = mc2");
  });

  it("starts a new segment at a gap wider than three line heights", () => {
    const m = buildTextModel(page([w("left", 50, 100), w("column", 80, 100), w("right", 300, 100)]));
    expect(m.text).toBe("left column\nright");
  });

  it("joins glyph runs that touch without inserting a space", () => {
    const m = buildTextModel(page([w("jo", 50, 100, 12), w("hn@x.com", 62, 100)]));
    expect(m.text).toBe("john@x.com");
  });

  it("ignores empty words and maps every character back to its word", () => {
    const m = buildTextModel(page([w("a", 50, 100), w("  ", 60, 100), w("bc", 70, 100)]));
    expect(m.text).toBe("a bc");
    expect([...m.charToWord]).toEqual([0, -1, 1, 1]);
    expect(wordsInSpan(m, 0, 4)).toEqual([0, 1]);
  });

  it("handles a page without words", () => {
    const m = buildTextModel(page([]));
    expect(m.text).toBe("");
    expect(m.lines).toEqual([]);
  });
});

describe("spanToBoxes", () => {
  it("unites the word boxes of a multi-word span on one line", () => {
    const m = buildTextModel(pageOf("Dear John Smith today"));
    const start = m.text.indexOf("John");
    expect(spanToBoxes(m, start, start + "John Smith".length)).toEqual([
      { x: LEFT + 5 * CHAR_W, y: TOP, width: 10 * CHAR_W, height: LINE_H },
    ]);
  });

  it("returns one box per line for a span across a line break", () => {
    const m = buildTextModel(pageOf("at 221B Baker Street\nLondon NW1 6XE"));
    const start = m.text.indexOf("221B");
    const boxes = spanToBoxes(m, start, m.text.length);
    expect(boxes).toEqual([
      { x: LEFT + 3 * CHAR_W, y: TOP, width: 17 * CHAR_W, height: LINE_H },
      { x: LEFT, y: TOP + LINE_STEP, width: 14 * CHAR_W, height: LINE_H },
    ]);
  });

  it("slices a word's box when the span covers only part of the word", () => {
    const m = buildTextModel(pageOf("Email:jo@x.de"));
    const boxes = spanToBoxes(m, 6, 13);
    expect(boxes).toEqual([{ x: LEFT + 6 * CHAR_W, y: TOP, width: 7 * CHAR_W, height: LINE_H }]);
  });

  it("pads boxes and keeps them inside the page", () => {
    const m = buildTextModel({ page: 1, width: 100, height: 100, source: "text", words: [w("edge", 0, 0, 24, 10)] });
    expect(spanToBoxes(m, 0, 4, 2)).toEqual([{ x: 0, y: 0, width: 26, height: 12 }]);
  });
});

describe("pages whose text runs vertically (a scan lying on its side)", () => {
  // A form with a label on the line above its value, a labelled phone and an e-mail: line-based evidence.
  const upright = pageOf("Employee form\nPhone: 0800 667632\nEmail: paula.cole@example.com\nPhone\n921-960-195");
  const W = upright.width;
  const H = upright.height;
  // The same page turned 90° clockwise (text reads downwards) and counter-clockwise (upwards), in the
  // displayed page's coordinates, as OCR of an upright-corrected scan reports them.
  const turned = (dir: "down" | "up") => ({
    ...upright,
    width: H,
    height: W,
    words: upright.words.map((w) => ({ ...w, box: rotate(w.box, dir) })),
  });
  function rotate(b: { x: number; y: number; width: number; height: number }, dir: "down" | "up") {
    return dir === "down"
      ? { x: H - b.y - b.height, y: b.x, width: b.height, height: b.width }
      : { x: b.y, y: W - b.x - b.width, width: b.height, height: b.width };
  }
  const round = (b: { x: number; y: number; width: number; height: number }) => [b.x, b.y, b.width, b.height].map((v) => Math.round(v * 100) / 100);

  it.each(["down", "up"] as const)("reads lines in the text's direction (%s) and maps boxes back to the page", (dir) => {
    const page = turned(dir);
    expect(verticalDirection(page.words)).toBe(dir);
    const flat = detect([upright]);
    const side = detect([page]);
    expect(side.map((f) => [f.label, f.text])).toEqual(flat.map((f) => [f.label, f.text]));
    expect(side.map((f) => [f.label, f.text])).toEqual(expect.arrayContaining([["PHONE_NUMBER", "0800 667632"], ["PHONE_NUMBER", "921-960-195"]]));
    side.forEach((f, i) => expect(f.boxes.map(round)).toEqual(flat[i]!.boxes.map((b) => round(rotate(b, dir)))));
  });

  it("leaves horizontal pages alone", () => {
    expect(verticalDirection(upright.words)).toBeUndefined();
    expect(buildTextModel(upright).toPage).toBeUndefined();
  });
});
