/** The pure rules of object-level redaction: which glyphs an area takes, what happens to a path under it. */
import {
  acrossAxis, classifyPath, clipPolygon, clipPolyline, flatten, GLYPH_TOLERANCE, glyphBelongs, glyphCovered, isSimple, polylineEnters, SEG, transformRect, type Mat, type PathSubpath, type Rect,
} from "../../../../../plugins/redaction/redact/objects";

const I: Mat = [1, 0, 0, 1, 0, 0];
const area: Rect = { l: 100, b: 100, r: 200, t: 120 };

describe("glyphCovered", () => {
  it.each([
    ["inside", { l: 120, b: 102, r: 126, t: 112 }, true],
    ["grazed by a fraction of a point", { l: 199.5, b: 102, r: 205.5, t: 112 }, false],
    ["more than a quarter under the area", { l: 197, b: 102, r: 203, t: 112 }, true],
    ["on the line below", { l: 120, b: 88, r: 126, t: 99 }, false],
    ["zero-area glyph, centre inside", { l: 150, b: 110, r: 150, t: 110 }, true],
    ["zero-area glyph, centre outside", { l: 250, b: 110, r: 250, t: 110 }, false],
  ] as const)("%s", (_n, glyph, expected) => {
    expect(glyphCovered(glyph, [area])).toBe(expected);
  });
});

describe("glyphBelongs", () => {
  // The area of a 12 pt word on a horizontal line, baseline at 104, padded by a point.
  it.each([
    ["a glyph of the word", { l: 120, b: 103.8, r: 126, t: 112.6 }, "y", 0, true],
    ["the word's own descender (p)", { l: 130, b: 101.4, r: 136.7, t: 110.6 }, "y", 0, true],
    ["the word's own accent (É)", { l: 140, b: 104, r: 148, t: 119.2 }, "y", 0, true],
    ["a descender of the line above reaching 3 pt into the area (y)", { l: 150, b: 117, r: 156, t: 125.8 }, "y", 0, false],
    ["an accent of the line below reaching 3 pt into the area (Å)", { l: 160, b: 88, r: 168, t: 103 }, "y", 0, false],
    ["a glyph the area ends inside, along the line: removal takes it", { l: 198, b: 103.8, r: 204, t: 112.6 }, "y", 0, true],
    ["the same glyph for the check: under the tolerance, not counted", { l: 199.5, b: 103.8, r: 205.5, t: 112.6 }, "y", GLYPH_TOLERANCE, false],
    ["a vertical line: the centre across is x", { l: 150, b: 112, r: 158, t: 118 }, "x", 0, true],
    ["a vertical line: a glyph beside the area", { l: 195, b: 105, r: 206, t: 111 }, "x", 0, false],
    ["skewed text keeps the plain overlap rule", { l: 150, b: 117, r: 156, t: 125.8 }, "both", 0, true],
  ] as const)("%s", (_n, glyph, across, along, expected) => {
    expect(glyphBelongs(glyph, [area], across, along)).toBe(expected);
  });

  it.each([
    [0, "y"], [Math.PI, "y"], [Math.PI / 2, "x"], [(3 * Math.PI) / 2, "x"], [0.1, "y"], [Math.PI / 4, "both"], [-1, "both"],
  ] as const)("a char angle of %f runs across %s", (angle, expected) => {
    expect(acrossAxis(angle)).toBe(expected);
  });
});

const sub = (points: Array<[number, number]>, curves = false): PathSubpath => ({ points, curves, closed: false });

describe("classifyPath", () => {
  const signature = sub([[110, 105], [130, 118], [150, 102], [170, 115]], true);
  const rule = sub([[50, 110], [300, 110]]);
  const box = sub([[50, 90], [300, 90], [300, 130], [50, 130], [50, 90]]);
  const tick = sub([[140, 108], [145, 104], [155, 116]]);
  const farCurve = sub([[400, 400], [420, 430], [440, 400], [460, 420]], true);
  const crossingCurve = sub([[50, 110], [120, 115], [250, 110], [300, 112]], true);

  it.each([
    ["a signature inside the area goes", [signature], { kind: "remove" }],
    ["a rule crossing the area stays (the black box covers that part)", [rule], { kind: "keep" }],
    ["a table cell's box around the area stays", [box], { kind: "keep" }],
    ["a tick inside the area goes although it is simple", [tick], { kind: "remove" }],
    ["a curve crossing the area goes", [crossingCurve], { kind: "remove" }],
    ["a path far away stays", [farCurve], { kind: "keep" }],
    ["one path: the signature is cut out, the rest kept", [rule, signature, farCurve], { kind: "cut", keep: [true, false, true] }],
  ] as const)("%s", (_n, subpaths, expected) => {
    expect(classifyPath(subpaths as unknown as PathSubpath[], I, [area], [])).toEqual(expected);
  });

  it("applies the object's matrix before testing (a path drawn in its own space)", () => {
    const local = sub([[0, 0], [20, 10], [40, 0], [60, 5]], true);
    expect(classifyPath([local], [1, 0, 0, 1, 120, 105], [area], [])).toEqual({ kind: "remove" });
    expect(classifyPath([local], [1, 0, 0, 1, 520, 505], [area], [])).toEqual({ kind: "keep" });
  });

  it("leaves the engine's own black box alone", () => {
    const black = sub([[100, 100], [200, 100], [200, 120], [100, 120], [100, 100]]);
    expect(classifyPath([black], I, [area], [area])).toEqual({ kind: "keep" });
    expect(classifyPath([black], I, [area], [])).toEqual({ kind: "remove" });
  });

  it("knows simple subpaths: rules and boxes without curves", () => {
    expect(isSimple(rule)).toBe(true);
    expect(isSimple(signature)).toBe(false);
    expect(isSimple(sub([[0, 0], [1, 1], [2, 0], [3, 1], [4, 0], [5, 1]]))).toBe(false);
  });
});

it("transformRect bounds a rotated rectangle", () => {
  expect(transformRect({ l: 0, b: 0, r: 10, t: 20 }, [0, 1, -1, 0, 100, 0])).toEqual({ l: 80, b: 0, r: 100, t: 10 });
});

describe("cutting paths at an area's edge", () => {
  /** Area of a polygon (shoelace), for checking what a clip leaves. */
  const polyArea = (p: ReadonlyArray<[number, number]>) => Math.abs(p.reduce((s, [x, y], i) => {
    const [x2, y2] = p[(i + 1) % p.length]!;
    return s + x * y2 - x2 * y;
  }, 0)) / 2;

  it("keeps the parts of a stroked line outside the area, ending exactly at its edges", () => {
    expect(clipPolyline([[50, 110], [300, 110]], [area])).toEqual([[[50, 110], [100, 110]], [[200, 110], [300, 110]]]);
    // A zigzag through the area and out again: two pieces, none of them entering it.
    const zig: Array<[number, number]> = [[80, 110], [150, 115], [180, 105], [250, 112]];
    const pieces = clipPolyline(zig, [area]);
    expect(pieces).toHaveLength(2);
    for (const pc of pieces) expect(polylineEnters(pc, [area])).toBe(false);
    expect(pieces[0]![0]).toEqual([80, 110]);
    expect(pieces[1]![pieces[1]!.length - 1]).toEqual([250, 112]);
  });

  it("removes a stroked line entirely inside the area and leaves one that passes by", () => {
    expect(clipPolyline([[120, 110], [180, 112]], [area])).toEqual([]);
    expect(clipPolyline([[50, 130], [300, 130]], [area])).toEqual([[[50, 130], [300, 130]]]);
  });

  it("cuts a filled shape into the pieces outside the area, their area the shape's minus the overlap", () => {
    const square: Array<[number, number]> = [[150, 80], [250, 80], [250, 140], [150, 140]]; // 100 x 60
    const pieces = clipPolygon(square, [area])!;
    const left = pieces.reduce((s, p) => s + polyArea(p), 0);
    expect(left).toBeCloseTo(6000 - 50 * 20, 6);
    for (const pc of pieces) expect(polylineEnters([...pc, pc[0]!], [area])).toBe(false);
    expect(clipPolygon([[120, 105], [180, 105], [180, 115]], [area])).toEqual([]);
  });

  it("flattens curves close to the curve itself, ending at its end point", () => {
    const s: PathSubpath = { points: [[0, 0], [0, 100], [100, 100], [100, 0]], curves: true, closed: false, kinds: [SEG.MOVE, SEG.BEZIER, SEG.BEZIER, SEG.BEZIER] };
    const line = flatten(s, I);
    expect(line[0]).toEqual([0, 0]);
    expect(line[line.length - 1]).toEqual([100, 0]);
    // The curve's top (t = 0.5) is at y = 75.
    expect(Math.max(...line.map((p) => p[1]))).toBeCloseTo(75, 1);
  });

  it("keeps a curve whose box touches the area but whose line stays outside it (a clipped piece)", () => {
    const piece: PathSubpath = { points: [[60, 100], [80, 140], [100, 130], [100, 110]], curves: true, closed: false, kinds: [SEG.MOVE, SEG.BEZIER, SEG.BEZIER, SEG.BEZIER] };
    expect(classifyPath([piece], I, [area], [])).toEqual({ kind: "keep" });
    const through: PathSubpath = { ...piece, points: [[60, 100], [140, 140], [160, 100], [180, 110]] };
    expect(classifyPath([through], I, [area], [])).toEqual({ kind: "remove" });
  });
});
