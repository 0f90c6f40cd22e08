/**
 * Coordinate conversions of the page viewer. Pure functions, no DOM: unit-tested in
 * test/unit/web/viewer/coords.test.ts.
 *
 * Three spaces:
 * - PDF user space: points, origin bottom-left of the unrotated page (the MediaBox/view box), y up.
 * - Displayed space: points, origin top-left of the page as displayed (its /Rotate applied), y down.
 *   Detections and manual areas travel over the API in this space.
 * - Screen space: CSS pixels inside the rendered page, origin top-left: displayed space times the zoom.
 *
 * Rotation follows PDF's /Rotate: the page is turned clockwise by 0, 90, 180 or 270 degrees.
 */

export type Rotation = 0 | 90 | 180 | 270;

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One page: its view box in user space (usually [0, 0, width, height]) and its rotation. */
export interface PageGeometry {
  /** [x0, y0, x1, y1] of the view box in PDF user space. */
  view: [number, number, number, number];
  rotation: number;
}

/** Any multiple of 90 (negative, or above 360) to 0/90/180/270. Anything else is refused. */
export function normalizeRotation(r: number): Rotation {
  const n = ((Math.round(r) % 360) + 360) % 360;
  if (n % 90 !== 0) throw new RangeError(`Page rotation must be a multiple of 90, got ${r}`);
  return n as Rotation;
}

/** Width and height of the unrotated page, in points. */
export function pageSize(g: PageGeometry): { width: number; height: number } {
  return { width: g.view[2] - g.view[0], height: g.view[3] - g.view[1] };
}

/** Width and height of the page as displayed (rotation applied), in points. */
export function displayedSize(g: PageGeometry): { width: number; height: number } {
  const { width, height } = pageSize(g);
  const r = normalizeRotation(g.rotation);
  return r === 90 || r === 270 ? { width: height, height: width } : { width, height };
}

/** PDF user space → displayed space (top-left origin, rotation applied). */
export function userToDisplayed(p: Point, g: PageGeometry): Point {
  const { width: W, height: H } = pageSize(g);
  const x = p.x - g.view[0];
  const y = p.y - g.view[1];
  switch (normalizeRotation(g.rotation)) {
    case 0:
      return { x, y: H - y };
    case 90:
      return { x: y, y: x };
    case 180:
      return { x: W - x, y };
    case 270:
      return { x: H - y, y: W - x };
  }
}

/** Displayed space → PDF user space (the inverse of userToDisplayed). */
export function displayedToUser(p: Point, g: PageGeometry): Point {
  const { width: W, height: H } = pageSize(g);
  let x: number;
  let y: number;
  switch (normalizeRotation(g.rotation)) {
    case 0:
      x = p.x;
      y = H - p.y;
      break;
    case 90:
      x = p.y;
      y = p.x;
      break;
    case 180:
      x = W - p.x;
      y = p.y;
      break;
    case 270:
      x = W - p.y;
      y = H - p.x;
      break;
  }
  return { x: x + g.view[0], y: y + g.view[1] };
}

/** Displayed points → screen pixels at a zoom (1 = one CSS pixel per point). */
export function displayedToScreen(p: Point, zoom: number): Point {
  return { x: p.x * zoom, y: p.y * zoom };
}

export function screenToDisplayed(p: Point, zoom: number): Point {
  if (!(zoom > 0)) throw new RangeError("zoom must be positive");
  return { x: p.x / zoom, y: p.y / zoom };
}

/** PDF user space → screen pixels. */
export function pdfToScreen(p: Point, g: PageGeometry, zoom: number): Point {
  return displayedToScreen(userToDisplayed(p, g), zoom);
}

/** Screen pixels → PDF user space. */
export function screenToPdf(p: Point, g: PageGeometry, zoom: number): Point {
  return displayedToUser(screenToDisplayed(p, zoom), g);
}

/** The rectangle spanned by two corners, whichever order they come in. */
export function rectFromPoints(a: Point, b: Point): Rect {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

export function rectToScreen(r: Rect, zoom: number): Rect {
  return { x: r.x * zoom, y: r.y * zoom, width: r.width * zoom, height: r.height * zoom };
}

export function rectFromScreen(r: Rect, zoom: number): Rect {
  if (!(zoom > 0)) throw new RangeError("zoom must be positive");
  return { x: r.x / zoom, y: r.y / zoom, width: r.width / zoom, height: r.height / zoom };
}

/** A user-space rectangle (x, y = bottom-left corner) → displayed space; rotation turns it, so both corners are mapped. */
export function userRectToDisplayed(r: Rect, g: PageGeometry): Rect {
  return rectFromPoints(userToDisplayed({ x: r.x, y: r.y }, g), userToDisplayed({ x: r.x + r.width, y: r.y + r.height }, g));
}

/** A displayed-space rectangle → user space, `x, y` being its bottom-left corner in user space. */
export function displayedRectToUser(r: Rect, g: PageGeometry): Rect {
  return rectFromPoints(displayedToUser({ x: r.x, y: r.y }, g), displayedToUser({ x: r.x + r.width, y: r.y + r.height }, g));
}

/** Keeps a displayed-space rectangle inside the page (width and height bounded by the page). */
export function clampRect(r: Rect, size: { width: number; height: number }): Rect {
  const width = Math.min(Math.max(0, r.width), size.width);
  const height = Math.min(Math.max(0, r.height), size.height);
  const x = Math.min(Math.max(0, r.x), size.width - width);
  const y = Math.min(Math.max(0, r.y), size.height - height);
  return { x, y, width, height };
}

/**
 * Keyboard editing of a drawn area: arrow keys move it, with Shift they resize it; `step` points per press.
 * Returns the new rectangle kept inside the page and at least `min` points wide and high.
 */
export function nudgeRect(
  r: Rect,
  key: "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown",
  mode: "move" | "resize",
  step: number,
  size: { width: number; height: number },
  min = 2,
): Rect {
  const dx = key === "ArrowLeft" ? -step : key === "ArrowRight" ? step : 0;
  const dy = key === "ArrowUp" ? -step : key === "ArrowDown" ? step : 0;
  if (mode === "move") return clampRect({ ...r, x: r.x + dx, y: r.y + dy }, size);
  const width = Math.max(min, Math.min(r.width + dx, size.width - r.x));
  const height = Math.max(min, Math.min(r.height + dy, size.height - r.y));
  return clampRect({ ...r, width, height }, size);
}

/** The zoom that makes a page of `pageWidth` points fill `containerWidth` pixels, within [min, max]. */
export function fitWidthZoom(pageWidth: number, containerWidth: number, min = 0.25, max = 4): number {
  if (!(pageWidth > 0) || !(containerWidth > 0)) return 1;
  return Math.min(max, Math.max(min, containerWidth / pageWidth));
}

/** Next zoom step up or down from the preset ladder. */
export const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
export function stepZoom(current: number, dir: 1 | -1): number {
  if (dir > 0) return ZOOM_STEPS.find((z) => z > current + 1e-6) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1];
  for (let i = ZOOM_STEPS.length - 1; i >= 0; i--) if (ZOOM_STEPS[i] < current - 1e-6) return ZOOM_STEPS[i];
  return ZOOM_STEPS[0];
}

/** True when two rectangles overlap (used to find the detections under a drawn area). */
export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
