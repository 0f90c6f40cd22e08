/**
 * Pure geometry of object-level redaction (no PDFium, no I/O): PDF user-space rectangles, which glyphs an
 * area removes, and what happens to a vector path under an area. Kept apart so the rules have table tests.
 *
 * Rects here are in PDF user space (bottom-left origin): {l, b, r, t}.
 */

export interface Rect {
  l: number;
  b: number;
  r: number;
  t: number;
}

/** [a b c d e f]: x' = a x + c y + e, y' = b x + d y + f. */
export type Mat = [number, number, number, number, number, number];

export function apply(m: Mat, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

export function transformRect(r: Rect, m: Mat): Rect {
  const pts = [apply(m, r.l, r.b), apply(m, r.r, r.b), apply(m, r.l, r.t), apply(m, r.r, r.t)];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return { l: Math.min(...xs), b: Math.min(...ys), r: Math.max(...xs), t: Math.max(...ys) };
}

/** Positive-area overlap (touching edges do not count). */
export function rectsIntersect(a: Rect, b: Rect): boolean {
  return Math.min(a.r, b.r) > Math.max(a.l, b.l) && Math.min(a.t, b.t) > Math.max(a.b, b.b);
}

export function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
  const h = Math.min(a.t, b.t) - Math.max(a.b, b.b);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Inside `outer` with `tol` points of slack. */
export function within(inner: Rect, outer: Rect, tol = 0.5): boolean {
  return inner.l >= outer.l - tol && inner.r <= outer.r + tol && inner.b >= outer.b - tol && inner.t <= outer.t + tol;
}

/**
 * A glyph counts as under an area when the area covers more than this share of its box: a box drawn
 * tight around a word may graze the neighbouring letters by a fraction of a point, which is not a leak.
 */
export const GLYPH_TOLERANCE = 0.25;

export function glyphCovered(glyph: Rect, areas: readonly Rect[]): boolean {
  const a = (glyph.r - glyph.l) * (glyph.t - glyph.b);
  if (a <= 0) {
    // Zero-area boxes (some Type 3 glyphs, rules): the centre decides.
    const cx = (glyph.l + glyph.r) / 2;
    const cy = (glyph.b + glyph.t) / 2;
    return areas.some((r) => cx > r.l && cx < r.r && cy > r.b && cy < r.t);
  }
  let covered = 0;
  for (const r of areas) covered += overlapArea(glyph, r);
  return covered / a > GLYPH_TOLERANCE;
}

export interface PathSubpath {
  /** Points in the path's own space, control points of curves included. */
  points: Array<[number, number]>;
  curves: boolean;
  closed: boolean;
}

/**
 * A straight rule or a box (at most 5 points, no curves): where it crosses an area it shows nothing but
 * that it continues, and the black box covers that part. Anything else (a signature, a logo, text drawn
 * as outlines, a chart line) may carry what the area hides.
 */
export function isSimple(s: PathSubpath): boolean {
  return !s.curves && s.points.length <= 5;
}

export type PathVerdict =
  | { kind: "keep" }
  | { kind: "remove" }
  | { kind: "cut"; keep: boolean[] };

/**
 * What to do with a path object under one or more areas:
 *  - every subpath that lies inside an area goes (even a simple one: a tick in a redacted checkbox);
 *  - every other subpath that touches an area goes unless it is a simple rule or box crossing it;
 *  - `ignore` rects are the engine's own black boxes (a subpath equal to one of them stays).
 * "remove" when nothing is left, "cut" when some subpaths go, "keep" when none does.
 */
export function classifyPath(subpaths: readonly PathSubpath[], toPage: Mat, areas: readonly Rect[], ignore: readonly Rect[]): PathVerdict {
  const keep = subpaths.map((s) => {
    if (s.points.length === 0) return true;
    const pts = s.points.map(([x, y]) => apply(toPage, x, y));
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const box: Rect = { l: Math.min(...xs), b: Math.min(...ys), r: Math.max(...xs), t: Math.max(...ys) };
    if (ignore.some((g) => within(box, g, 0.05) && within(g, box, 0.05))) return true;
    // A degenerate box (a horizontal or vertical line) still counts: widen it by a hair.
    const hit: Rect = { l: box.l - 0.01, b: box.b - 0.01, r: box.r + 0.01, t: box.t + 0.01 };
    const touched = areas.filter((a) => rectsIntersect(a, hit));
    if (!touched.length) return true;
    if (touched.some((a) => within(box, a))) return false;
    return isSimple(s);
  });
  if (keep.every(Boolean)) return { kind: "keep" };
  if (!keep.some(Boolean)) return { kind: "remove" };
  return { kind: "cut", keep };
}
