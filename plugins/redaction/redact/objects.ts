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

/**
 * Which axis runs ACROSS a glyph's text line, from PDFium's char angle (radians, negative when unknown):
 * "y" for horizontal lines, "x" for vertical ones, "both" for skewed or unknown text (then the plain
 * overlap rules apply on both axes, as before).
 */
export type Across = "x" | "y" | "both";

/** Lines further than this from an axis (radians, about 15 degrees) are "skewed". */
const AXIS_SLACK = 0.26;

export function acrossAxis(angle: number): Across {
  if (!Number.isFinite(angle) || angle < 0) return "both";
  const q = ((angle % Math.PI) + Math.PI) % Math.PI;
  if (q <= AXIS_SLACK || q >= Math.PI - AXIS_SLACK) return "y";
  if (Math.abs(q - Math.PI / 2) <= AXIS_SLACK) return "x";
  return "both";
}

/** Share of [a0, a1] inside [b0, b1]; a zero-length interval counts as 1 when strictly inside. */
function share(a0: number, a1: number, b0: number, b1: number): number {
  if (a1 <= a0) return a0 > b0 && a0 < b1 ? 1 : 0;
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0)) / (a1 - a0);
}

/**
 * A glyph belongs to an area when the area holds the glyph's centre ACROSS its text line and overlaps it
 * ALONG the line (by more than `alongShare` of its extent). A descender of the line above, or an accent or
 * ascender of the line below, that dips into an area set tightly under or over it has its centre outside
 * the area: it stays. The area's own words (their descenders and accents too) have their centre inside.
 * Along the line a glyph the area only partly covers goes as before (`alongShare` 0 for removal, the
 * check's tolerance for verification), so a box that ends inside a word still takes that glyph.
 */
export function glyphBelongs(glyph: Rect, areas: readonly Rect[], across: Across, alongShare = 0): boolean {
  if (across === "both") return alongShare > 0 ? glyphCovered(glyph, areas) : areas.some((r) => touches(glyph, r));
  const cx = (glyph.l + glyph.r) / 2;
  const cy = (glyph.b + glyph.t) / 2;
  for (const r of areas) {
    const centreIn = across === "y" ? cy > r.b && cy < r.t : cx > r.l && cx < r.r;
    if (!centreIn) continue;
    const along = across === "y" ? share(glyph.l, glyph.r, r.l, r.r) : share(glyph.b, glyph.t, r.b, r.t);
    if (along > alongShare) return true;
  }
  return false;
}

/** Overlap as PDFium's redactor tests it (any positive overlap; a zero-area glyph by its centre). */
function touches(g: Rect, r: Rect): boolean {
  if (g.r <= g.l || g.t <= g.b) {
    const cx = (g.l + g.r) / 2;
    const cy = (g.b + g.t) / 2;
    return cx > r.l && cx < r.r && cy > r.b && cy < r.t;
  }
  return rectsIntersect(g, r);
}

export interface PathSubpath {
  /** Points in the path's own space, control points of curves included. */
  points: Array<[number, number]>;
  curves: boolean;
  closed: boolean;
  /** PDFium's segment type of each point (SEG), when known: curves can then be flattened exactly. */
  kinds?: number[];
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
    if (isSimple(s)) return true;
    // Its box touches an area, but the drawn line may pass by (or end at the edge, as a clipped piece does).
    return (s.kinds !== undefined || !s.curves) && !polylineEnters(flatten(s, toPage), touched);
  });
  if (keep.every(Boolean)) return { kind: "keep" };
  if (!keep.some(Boolean)) return { kind: "remove" };
  return { kind: "cut", keep };
}

/** PDFium's segment types, as `PathSubpath.kinds` holds them (one per point). */
export const SEG = { LINE: 0, BEZIER: 1, MOVE: 2 } as const;

/**
 * A subpath as a polyline in page space: curves flattened (to well under a tenth of a point at the
 * sizes of a page), closed subpaths ending where they began. Needs `kinds`; without it, the points.
 */
export function flatten(s: PathSubpath, toPage: Mat): Array<[number, number]> {
  const pts = s.points.map(([x, y]) => apply(toPage, x, y));
  if (!s.kinds || !s.curves) return s.closed && pts.length ? [...pts, pts[0]!] : pts;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < pts.length; i++) {
    if (s.kinds[i] !== SEG.BEZIER || i === 0 || i + 2 >= pts.length) {
      out.push(pts[i]!);
      continue;
    }
    const p0 = out[out.length - 1] ?? pts[i - 1]!;
    const [p1, p2, p3] = [pts[i]!, pts[i + 1]!, pts[i + 2]!];
    const len = Math.hypot(p1[0] - p0[0], p1[1] - p0[1]) + Math.hypot(p2[0] - p1[0], p2[1] - p1[1]) + Math.hypot(p3[0] - p2[0], p3[1] - p2[1]);
    const n = Math.max(4, Math.min(256, Math.ceil(len / 0.5)));
    for (let k = 1; k <= n; k++) {
      const t = k / n;
      const u = 1 - t;
      const a = u * u * u;
      const b = 3 * u * u * t;
      const c = 3 * u * t * t;
      const d = t * t * t;
      out.push([a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]]);
    }
    i += 2;
  }
  return s.closed && out.length ? [...out, out[0]!] : out;
}

/** Parameter interval [t0, t1] of segment p -> q inside `r` (open interior), or null (Liang-Barsky). */
export function segmentInside(p: [number, number], q: [number, number], r: Rect): [number, number] | null {
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  let t0 = 0;
  let t1 = 1;
  for (const [num, den] of [[p[0] - r.l, -dx], [r.r - p[0], dx], [p[1] - r.b, -dy], [r.t - p[1], dy]] as const) {
    if (den === 0) {
      if (num <= 0) return null;
      continue;
    }
    // The segment crosses this edge's line at t = num / den (entering when den < 0, leaving when den > 0).
    const t = num / den;
    if (den < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
  }
  return t1 - t0 > 1e-9 ? [t0, t1] : null;
}

/** Does the polyline enter the interior of any area (shrunk by `eps`)? */
export function polylineEnters(line: ReadonlyArray<[number, number]>, areas: readonly Rect[], eps = 0.05): boolean {
  const inner = areas.map((a) => ({ l: a.l + eps, b: a.b + eps, r: a.r - eps, t: a.t - eps })).filter((a) => a.r > a.l && a.t > a.b);
  if (line.length === 1) {
    const [x, y] = line[0]!;
    return inner.some((a) => x > a.l && x < a.r && y > a.b && y < a.t);
  }
  for (let i = 1; i < line.length; i++) if (inner.some((a) => segmentInside(line[i - 1]!, line[i]!, a))) return true;
  return false;
}

/** A stroked polyline with the parts inside the areas cut away: the pieces outside, in order. */
export function clipPolyline(line: ReadonlyArray<[number, number]>, areas: readonly Rect[]): Array<Array<[number, number]>> {
  const pieces: Array<Array<[number, number]>> = [];
  let cur: Array<[number, number]> | null = null;
  const at = (p: [number, number], q: [number, number], t: number): [number, number] => [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
  for (let i = 1; i < line.length; i++) {
    const p = line[i - 1]!;
    const q = line[i]!;
    const cuts = areas.map((a) => segmentInside(p, q, a)).filter((c): c is [number, number] => c !== null).sort((x, y) => x[0] - y[0]);
    let t = 0;
    for (const [a, b] of cuts) {
      if (a > t) {
        if (!cur) pieces.push((cur = [at(p, q, t)]));
        cur.push(at(p, q, a));
      }
      cur = null;
      t = Math.max(t, b);
    }
    if (t < 1) {
      if (!cur) pieces.push((cur = [at(p, q, t)]));
      cur.push(q);
    }
  }
  return pieces.filter((pc) => pc.length > 1);
}

/** Sutherland-Hodgman: the part of a polygon on the side `inside` of one edge. */
function clipHalf(poly: ReadonlyArray<[number, number]>, inside: (p: [number, number]) => boolean, cross: (p: [number, number], q: [number, number]) => [number, number]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    const pin = inside(p);
    const qin = inside(q);
    if (pin) out.push(p);
    if (pin !== qin) out.push(cross(p, q));
  }
  return out;
}

const atX = (x: number) => (p: [number, number], q: [number, number]): [number, number] => [x, p[1] + ((q[1] - p[1]) * (x - p[0])) / (q[0] - p[0])];
const atY = (y: number) => (p: [number, number], q: [number, number]): [number, number] => [p[0] + ((q[0] - p[0]) * (y - p[1])) / (q[1] - p[1]), y];

/**
 * A filled polygon minus the areas: the plane outside a rectangle is four convex strips (left, right,
 * below, above), and the polygon is clipped to each (Sutherland-Hodgman keeps the fill inside a convex
 * window right for either fill rule). Null when that would make too many pieces (the caller removes it).
 */
export function clipPolygon(poly: ReadonlyArray<[number, number]>, areas: readonly Rect[], maxPieces = 256): Array<Array<[number, number]>> | null {
  let pieces: Array<Array<[number, number]>> = [poly.slice()];
  for (const a of areas) {
    const next: Array<Array<[number, number]>> = [];
    for (const pc of pieces) {
      const xs = pc.map((p) => p[0]);
      const ys = pc.map((p) => p[1]);
      if (!rectsIntersect(a, { l: Math.min(...xs), b: Math.min(...ys), r: Math.max(...xs), t: Math.max(...ys) })) {
        next.push(pc);
        continue;
      }
      const left = clipHalf(pc, (p) => p[0] <= a.l, atX(a.l));
      const right = clipHalf(pc, (p) => p[0] >= a.r, atX(a.r));
      const mid = clipHalf(clipHalf(pc, (p) => p[0] >= a.l, atX(a.l)), (p) => p[0] <= a.r, atX(a.r));
      const below = clipHalf(mid, (p) => p[1] <= a.b, atY(a.b));
      const above = clipHalf(mid, (p) => p[1] >= a.t, atY(a.t));
      for (const q of [left, right, below, above]) if (q.length >= 3) next.push(q);
    }
    if (next.length > maxPieces) return null;
    pieces = next;
  }
  return pieces;
}
