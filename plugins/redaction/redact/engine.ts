/**
 * Object-level redaction with PDFium: on each page with areas, the glyphs under an area are removed from
 * the text objects (also inside form XObjects), the pixels under it are painted in the image data, vector
 * paths under it are removed or cut, marked-content ActualText/Alt/E on the page is dropped, and opaque
 * black boxes are drawn. Everything else on the page (fonts, encodings, positions, vector art) stays as it
 * was, so the page remains real, selectable text.
 *
 * Every page is then checked on the saved document, reloaded, as a reader sees it: no glyph, no unpainted
 * image pixel and no non-trivial path left under any area. A page the engine cannot prove clean is
 * rasterised instead (rendered from the ORIGINAL page with the areas painted into the pixels) and reported
 * as method "raster": the fallback, never the method.
 *
 * Runs in a worker thread (engine-worker.ts): PDFium is synchronous and CPU-bound.
 */
import sharp from "sharp";
import { fitScale, renderMaxPixels } from "../../../sdk/pdf/memory";
import { applyMatrix, displayMatrix, displayedToUserSpace } from "../../../sdk/pdf/layout";
import type { Box, Word } from "../../../sdk";
import {
  acrossAxis, classifyPath, clipPolygon, clipPolyline, flatten, GLYPH_TOLERANCE, glyphBelongs, type PathSubpath, type Rect, rectsIntersect,
  transformRect, type Mat,
} from "./objects";
import { reachPastEdges } from "./geometry";
import { ownImages, paintImage, type PaintedImage } from "./images";
import {
  OBJ, doubles, floats, heap, objectBounds, objectMatrix, openDocument, saveDocument, viewBox,
  withScratch, type Pdfium,
} from "./pdfium";

export interface EnginePageRequest {
  /** 1-based page. */
  page: number;
  /** Areas in the PDF engine's convention (displayed page, top-left origin, points). */
  boxes: Box[];
}

export interface EngineOptions {
  /** Resolution of raster fallback pages and of the renders for OCR (default 200). */
  dpi?: number;
  jpegQuality?: number;
  /**
   * Pages (1-based) to render after redaction, for OCR verification and the scans' text layer (pages whose
   * image content an area touched are rendered too).
   */
  renderPages?: number[];
  /** Force the raster fallback for these pages (tests, and pages the caller already knows are unsafe). */
  forceRaster?: number[];
  /** A page with fewer non-space characters in its text layer is a scan: it is rendered for OCR (default 20). */
  minChars?: number;
  /** Scans whose words the caller already has (detection's OCR): not rendered for OCR. */
  wordsKnown?: number[];
  /** Render scans for OCR at all (default true; false when the output needs no text layer). */
  renderScans?: boolean;
  /** Paint plain JPEG images under the areas here (images.ts) rather than in PDFium (default true). */
  ownImages?: boolean;
}

export type PageMethod = "objects" | "raster";

/** What could not be proven removed on a page (the reason for its raster fallback). */
export interface Residue {
  glyphs: number;
  pixels: number;
  paths: number;
}

export interface EnginePage {
  page: number;
  method: PageMethod;
  /** Displayed size in points, /Rotate, and the user-space view box (CropBox within MediaBox). */
  width: number;
  height: number;
  rotation: number;
  view: [number, number, number, number];
  areas: number;
  /** Glyphs removed from text objects (page and form XObjects). */
  glyphsRemoved: number;
  /** Image objects whose pixels were painted. */
  imagesPainted: number;
  pathsRemoved: number;
  pathsCut: number;
  marksCleared: number;
  /** Present when the object-level result was not provably clean (then method is "raster"). */
  residue?: Residue;
  /** An image lies under an area (its pixels were painted): the page's pixels need OCR. */
  imageTouched: boolean;
  /** The page's text layer had fewer than `minChars` non-space characters. */
  scan: boolean;
  /** The ORIGINAL page's words (PDFium's text layer, tight glyph boxes, displayed top-left points). */
  words: Word[];
  /** Images painted by images.ts (their new data is put in by finish.ts), not by PDFium. */
  ownPainted?: number;
}

export interface RasterPage {
  page: number;
  jpeg: Uint8Array;
  width: number;
  height: number;
}

export interface RenderedPage {
  page: number;
  png: Uint8Array;
  /** Pixels per point. */
  scale: number;
}

export interface EngineResult {
  /** Milliseconds per stage (redact, save, check, render, raster), for benchmarks. */
  timings: Record<string, number>;
  pdf: Uint8Array;
  pageCount: number;
  pages: EnginePage[];
  raster: RasterPage[];
  renders: RenderedPage[];
  /** Images painted by images.ts, for finish.ts to put in. */
  painted: PaintedImage[];
}

export class EngineError extends Error {
  constructor(readonly code: "PDF_ENCRYPTED" | "PDF_CORRUPT" | "REDACTION_INVALID" | "REDACTION_ENGINE_RETRY", message: string) {
    super(message);
  }
}

const SEG_LINETO = 0;
const SEG_BEZIERTO = 1;
const SEG_MOVETO = 2;
const FPDF_REVERSE_BYTE_ORDER = 0x10;
const FPDF_ANNOT = 0x01;

function toRect(b: { x: number; y: number; width: number; height: number }): Rect {
  return { l: b.x, b: b.y, r: b.x + b.width, t: b.y + b.height };
}

export function rotationOf(P: Pdfium, page: number): number {
  return ((P.FPDFPage_GetRotation(page) % 4) + 4) % 4 * 90;
}

function setRectF(P: Pdfium, ptr: number, r: Rect): void {
  const f = heap(P).HEAPF32;
  // FS_RECTF is {left, top, right, bottom}.
  f[ptr / 4] = r.l;
  f[ptr / 4 + 1] = r.t;
  f[ptr / 4 + 2] = r.r;
  f[ptr / 4 + 3] = r.b;
}

/**
 * A page's words from PDFium's text layer: characters between whitespace, each word's box the union of
 * its glyph boxes, mapped to the displayed page (top-left origin, after /Rotate and the CropBox).
 */
export interface PageTextLayer {
  words: Word[];
  /** Non-space characters (a page with few is a scan). */
  visible: number;
  /** Glyphs under the areas (`rects`, user space): what redaction removes. */
  covered: number;
  /**
   * One tiny rect inside each glyph that belongs to an area (objects.ts, glyphBelongs) and inside that
   * area: what PDFium's text redaction is given, so that it takes those glyphs and no other. PDFium
   * removes every glyph whose box touches a rect it is given, so handing it the areas themselves took
   * the descenders of the line above a tight area and the accents of the line below.
   */
  probes: Rect[];
}

/** Half the side of a probe (points): well inside one glyph, far smaller than any gap between lines. */
const PROBE = 0.01;

function probeFor(g: Rect, areas: readonly Rect[], across: ReturnType<typeof acrossAxis>): Rect | null {
  for (const a of areas) {
    if (!glyphBelongs(g, [a], across)) continue;
    // The middle of the part of the glyph inside this area: inside the glyph's box and inside the area.
    const l = Math.max(g.l, a.l);
    const r = Math.min(g.r, a.r);
    const b = Math.max(g.b, a.b);
    const t = Math.min(g.t, a.t);
    const x = (l + r) / 2;
    const y = (b + t) / 2;
    return { l: x - PROBE, r: x + PROBE, b: y - PROBE, t: y + PROBE };
  }
  return null;
}

/** One pass over the ORIGINAL page's text layer: its words, its size, the glyphs the areas take. */
export function readTextLayer(P: Pdfium, page: number, view: [number, number, number, number], rotation: number, rects: readonly Rect[]): PageTextLayer {
  let visible = 0;
  let covered = 0;
  const probes: Rect[] = [];
  const words = pageWords(P, page, view, rotation, (g, angle) => {
    visible++;
    if (!rects.length) return;
    const across = acrossAxis(angle);
    const probe = probeFor(g, rects, across);
    if (!probe) return;
    probes.push(probe);
    if (glyphBelongs(g, rects, across, GLYPH_TOLERANCE)) covered++;
  });
  return { words, visible, covered, probes };
}

export function pageWords(
  P: Pdfium, page: number, view: [number, number, number, number], rotation: number, onGlyph?: (g: Rect, angle: number) => void,
): Word[] {
  const tp = P.FPDFText_LoadPage(page);
  if (!tp) return [];
  const m = displayMatrix(view, rotation);
  const words: Word[] = [];
  let text = "";
  let box: { l: number; t: number; r: number; b: number } | null = null;
  const flush = () => {
    if (text && box) words.push({ text, box: { x: box.l, y: box.t, width: box.r - box.l, height: box.b - box.t } });
    text = "";
    box = null;
  };
  try {
    const count = P.FPDFText_CountChars(tp);
    withScratch(P, 32, (p) => {
      for (let i = 0; i < count; i++) {
        const u = P.FPDFText_GetUnicode(tp, i);
        if (u <= 32 || u === 0xa0 || u === 0xfffe || (u >= 0x2000 && u <= 0x200b) || u === 0x3000) {
          flush();
          continue;
        }
        // Surrogate pairs come as two characters; String.fromCharCode joins them back.
        text += String.fromCharCode(u);
        if (!P.FPDFText_GetCharBox(tp, i, p, p + 8, p + 16, p + 24)) continue;
        const [l, r, b, t] = doubles(P, p, 4) as [number, number, number, number];
        if (onGlyph) onGlyph({ l, r, b, t }, P.FPDFText_GetCharAngle(tp, i));
        // The glyph box's corners on the displayed page (m is a rotation/flip with scale: the box stays axis-aligned).
        const [x1, y1] = applyMatrix(m, l, b);
        const [x2, y2] = applyMatrix(m, r, t);
        const c = { l: Math.min(x1, x2), r: Math.max(x1, x2), t: Math.min(y1, y2), b: Math.max(y1, y2) };
        if (box) {
          if (c.l < box.l) box.l = c.l;
          if (c.r > box.r) box.r = c.r;
          if (c.t < box.t) box.t = c.t;
          if (c.b > box.b) box.b = c.b;
        } else box = c;
      }
    });
    flush();
  } finally {
    P.FPDFText_ClosePage(tp);
  }
  return words;
}

function clampBox(b: Box, width: number, height: number): Box | null {
  const x = Math.max(0, b.x);
  const y = Math.max(0, b.y);
  const r = Math.min(width, b.x + b.width);
  const btm = Math.min(height, b.y + b.height);
  return r > x && btm > y ? { x, y, width: r - x, height: btm - y } : null;
}

/** Glyphs (non-space) that belong to an area (objects.ts, glyphBelongs with the check's tolerance along the line). */
export function glyphsUnderPage(P: Pdfium, page: number, rects: readonly Rect[]): number {
  const tp = P.FPDFText_LoadPage(page);
  if (!tp) return 0;
  try {
    return glyphsUnder(P, tp, rects);
  } finally {
    P.FPDFText_ClosePage(tp);
  }
}

/** The page's text and the glyphs under the areas, from one text-page load (loading it is the costly part). */
export function textAndGlyphs(P: Pdfium, page: number, rects: readonly Rect[]): { text: string; glyphs: number } {
  const tp = P.FPDFText_LoadPage(page);
  if (!tp) return { text: "", glyphs: 0 };
  try {
    return { text: textOf(P, tp), glyphs: rects.length ? glyphsUnder(P, tp, rects) : 0 };
  } finally {
    P.FPDFText_ClosePage(tp);
  }
}

function textOf(P: Pdfium, tp: number): string {
  const count = P.FPDFText_CountChars(tp);
  if (count <= 0) return "";
  return withScratch(P, (count + 1) * 2, (p) => {
    const n = P.FPDFText_GetText(tp, 0, count, p);
    return Buffer.from(heap(P).HEAPU8.slice(p, p + Math.max(0, n - 1) * 2)).toString("utf16le");
  });
}

function glyphsUnder(P: Pdfium, tp: number, rects: readonly Rect[]): number {
  let n = 0;
  const count = P.FPDFText_CountChars(tp);
  withScratch(P, 32, (p) => {
    for (let i = 0; i < count; i++) {
      const u = P.FPDFText_GetUnicode(tp, i);
      if (u === 32 || u === 10 || u === 13 || u === 0 || u === 0xfffe) continue;
      if (P.FPDFText_IsGenerated(tp, i) === 1) continue;
      if (!P.FPDFText_GetCharBox(tp, i, p, p + 8, p + 16, p + 24)) continue;
      const [l, r, b, t] = doubles(P, p, 4) as [number, number, number, number];
      if (glyphBelongs({ l, r, b, t }, rects, acrossAxis(P.FPDFText_GetCharAngle(tp, i)), GLYPH_TOLERANCE)) n++;
    }
  });
  return n;
}

function multiply(child: Mat, parent: Mat): Mat {
  const [a, b, c, d, e, f] = child;
  const [A, B, C, D, E, F] = parent;
  return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F];
}

const IDENTITY: Mat = [1, 0, 0, 1, 0, 0];

interface Visited {
  obj: number;
  type: number;
  /** Object space -> page user space. */
  toPage: Mat;
  /** Index on the page, for top-level objects only. */
  index?: number;
}

/** Every page object, descending into form XObjects, with its matrix to page space. */
function walkObjects(P: Pdfium, page: number, visit: (v: Visited) => void): void {
  const recurse = (form: number, parent: Mat, depth: number) => {
    const n = P.FPDFFormObj_CountObjects(form);
    for (let i = 0; i < n; i++) {
      const obj = P.FPDFFormObj_GetObject(form, i);
      if (!obj) continue;
      const type = P.FPDFPageObj_GetType(obj);
      visit({ obj, type, toPage: parent });
      if (type === OBJ.FORM && depth < 12) recurse(obj, multiply(objectMatrix(P, obj) ?? IDENTITY, parent), depth + 1);
    }
  };
  const n = P.FPDFPage_CountObjects(page);
  for (let i = 0; i < n; i++) {
    const obj = P.FPDFPage_GetObject(page, i);
    if (!obj) continue;
    const type = P.FPDFPageObj_GetType(obj);
    visit({ obj, type, toPage: IDENTITY, index: i });
    if (type === OBJ.FORM) recurse(obj, objectMatrix(P, obj) ?? IDENTITY, 1);
  }
}

/** Bounds of an object in page space (bounds of a nested object are in its form's space). */
function pageBounds(P: Pdfium, v: Visited): Rect | null {
  const b = objectBounds(P, v.obj);
  if (!b) return null;
  return transformRect({ l: b[0], b: b[1], r: b[2], t: b[3] }, v.toPage);
}

function subpathsOf(P: Pdfium, path: number): PathSubpath[] {
  const out: PathSubpath[] = [];
  const n = P.FPDFPath_CountSegments(path);
  let cur: PathSubpath | undefined;
  withScratch(P, 8, (p) => {
    for (let i = 0; i < n; i++) {
      const seg = P.FPDFPath_GetPathSegment(path, i);
      if (!seg) continue;
      const type = P.FPDFPathSegment_GetType(seg);
      if (!P.FPDFPathSegment_GetPoint(seg, p, p + 4)) continue;
      const [x, y] = floats(P, p, 2) as [number, number];
      if (type === SEG_MOVETO || !cur) {
        cur = { points: [], curves: false, closed: false, kinds: [] };
        out.push(cur);
      }
      cur.points.push([x, y]);
      cur.kinds!.push(type);
      if (type === SEG_BEZIERTO) cur.curves = true;
      if (P.FPDFPathSegment_GetClose(seg)) cur.closed = true;
    }
  });
  return out;
}

/** Segment list of a path in its own space, for rebuilding it without some subpaths. */
function segmentsOf(P: Pdfium, path: number): Array<{ type: number; x: number; y: number; close: boolean }> {
  const out: Array<{ type: number; x: number; y: number; close: boolean }> = [];
  const n = P.FPDFPath_CountSegments(path);
  withScratch(P, 8, (p) => {
    for (let i = 0; i < n; i++) {
      const seg = P.FPDFPath_GetPathSegment(path, i);
      if (!seg || !P.FPDFPathSegment_GetPoint(seg, p, p + 4)) continue;
      const [x, y] = floats(P, p, 2) as [number, number];
      out.push({ type: P.FPDFPathSegment_GetType(seg), x, y, close: !!P.FPDFPathSegment_GetClose(seg) });
    }
  });
  return out;
}

/**
 * A copy of `path` with only the subpaths `keep` marks, plus `pieces` (polylines in the path's own space:
 * what is left of the other subpaths outside the areas), with the same matrix, colours, line style and
 * fill mode. Returns 0 when nothing is left or PDFium refuses.
 */
function rebuildPath(P: Pdfium, path: number, keep: readonly boolean[], pieces: ReadonlyArray<{ points: Array<[number, number]>; closed: boolean }> = []): number {
  const segs = segmentsOf(P, path);
  let copy = 0;
  let sub = -1;
  let pendingBezier: Array<{ x: number; y: number }> = [];
  for (const s of segs) {
    if (s.type === SEG_MOVETO || sub < 0) sub++;
    if (!keep[sub]) continue;
    if (s.type === SEG_MOVETO) {
      if (!copy) copy = P.FPDFPageObj_CreateNewPath(s.x, s.y);
      else P.FPDFPath_MoveTo(copy, s.x, s.y);
    } else if (!copy) {
      copy = P.FPDFPageObj_CreateNewPath(s.x, s.y);
    } else if (s.type === SEG_LINETO) {
      P.FPDFPath_LineTo(copy, s.x, s.y);
    } else if (s.type === SEG_BEZIERTO) {
      pendingBezier.push({ x: s.x, y: s.y });
      if (pendingBezier.length === 3) {
        const [c1, c2, e] = pendingBezier as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }];
        P.FPDFPath_BezierTo(copy, c1.x, c1.y, c2.x, c2.y, e.x, e.y);
        pendingBezier = [];
      }
    }
    if (copy && s.close) P.FPDFPath_Close(copy);
  }
  for (const pc of pieces) {
    const [first, ...rest] = pc.points;
    if (!first) continue;
    if (!copy) copy = P.FPDFPageObj_CreateNewPath(first[0], first[1]);
    else P.FPDFPath_MoveTo(copy, first[0], first[1]);
    for (const [x, y] of rest) P.FPDFPath_LineTo(copy, x, y);
    if (pc.closed) P.FPDFPath_Close(copy);
  }
  if (!copy) return 0;
  withScratch(P, 64, (p) => {
    if (P.FPDFPageObj_GetMatrix(path, p)) P.FPDFPageObj_SetMatrix(copy, p);
    if (P.FPDFPageObj_GetFillColor(path, p, p + 4, p + 8, p + 12)) {
      const h = heap(P).HEAP32;
      P.FPDFPageObj_SetFillColor(copy, h[p / 4]!, h[p / 4 + 1]!, h[p / 4 + 2]!, h[p / 4 + 3]!);
    }
    if (P.FPDFPageObj_GetStrokeColor(path, p, p + 4, p + 8, p + 12)) {
      const h = heap(P).HEAP32;
      P.FPDFPageObj_SetStrokeColor(copy, h[p / 4]!, h[p / 4 + 1]!, h[p / 4 + 2]!, h[p / 4 + 3]!);
    }
    if (P.FPDFPageObj_GetStrokeWidth(path, p)) P.FPDFPageObj_SetStrokeWidth(copy, floats(P, p, 1)[0]!);
    P.FPDFPageObj_SetLineJoin(copy, P.FPDFPageObj_GetLineJoin(path));
    P.FPDFPageObj_SetLineCap(copy, P.FPDFPageObj_GetLineCap(path));
    if (P.FPDFPath_GetDrawMode(path, p, p + 4)) {
      const h = heap(P).HEAP32;
      P.FPDFPath_SetDrawMode(copy, h[p / 4]!, h[p / 4 + 1]! !== 0);
    }
  });
  return copy;
}

/**
 * What is left of the subpaths classifyPath took (keep false) once cut at the areas' edges: filled paths
 * as polygons minus the areas, stroked ones as polylines minus the areas, in the path's own space. The
 * geometry under an area is gone from the file; the rest of a signature or chart line stays where it
 * was. Null when the path cannot be mapped back (a degenerate matrix): the subpaths go whole, as before.
 */
function clippedPieces(
  P: Pdfium, path: number, subs: readonly PathSubpath[], keep: readonly boolean[], toPage: Mat, rects: readonly Rect[],
): Array<{ points: Array<[number, number]>; closed: boolean }> | null {
  const [a, b, c, d, e, f] = toPage;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) return null;
  const back = ([x, y]: [number, number]): [number, number] => [(d * (x - e) - c * (y - f)) / det, (-b * (x - e) + a * (y - f)) / det];
  const fillMode = withScratch(P, 8, (p) => (P.FPDFPath_GetDrawMode(path, p, p + 4) ? heap(P).HEAP32[p / 4]! : 0));
  const out: Array<{ points: Array<[number, number]>; closed: boolean }> = [];
  subs.forEach((s, i) => {
    if (keep[i] || s.points.length < 2) return;
    const line = flatten(s, toPage);
    if (fillMode !== 0) {
      const ring = line.length > 1 && line[0]![0] === line[line.length - 1]![0] && line[0]![1] === line[line.length - 1]![1] ? line.slice(0, -1) : line;
      for (const pc of clipPolygon(ring, rects) ?? []) out.push({ points: pc.map(back), closed: true });
    } else {
      for (const pc of clipPolyline(line, rects)) out.push({ points: pc.map(back), closed: false });
    }
  });
  return out;
}

/** Removes ActualText / Alt / E from the marked-content marks of an object (they can spell redacted text). */
function clearMarks(P: Pdfium, obj: number): number {
  let n = 0;
  const marks = P.FPDFPageObj_CountMarks(obj);
  for (let m = 0; m < marks; m++) {
    const mark = P.FPDFPageObj_GetMark(obj, m);
    if (!mark) continue;
    for (const key of ["ActualText", "Alt", "E"]) {
      if (P.FPDFPageObjMark_GetParamValueType(mark, key) !== 0 && P.FPDFPageObjMark_RemoveParam(obj, mark, key)) n++;
    }
  }
  return n;
}

interface ImageResidue {
  images: number;
  unpainted: number;
}

/**
 * Reads the decoded pixels of every image under an area and counts those inside an area that are not
 * black. Pixels the area only partly covers are not counted (rounding at the edge).
 */
export function imageResidue(P: Pdfium, page: number, rects: readonly Rect[]): ImageResidue {
  let images = 0;
  let unpainted = 0;
  walkObjects(P, page, (v) => {
    if (v.type !== OBJ.IMAGE) return;
    const bounds = pageBounds(P, v);
    if (!bounds || !rects.some((r) => rectsIntersect(r, bounds))) return;
    const m = objectMatrix(P, v.obj);
    if (!m) return;
    const toPage = multiply(m, v.toPage);
    const bmp = P.FPDFImageObj_GetBitmap(v.obj);
    if (!bmp) {
      unpainted++;
      return;
    }
    images++;
    try {
      const W = P.FPDFBitmap_GetWidth(bmp);
      const H = P.FPDFBitmap_GetHeight(bmp);
      const stride = P.FPDFBitmap_GetStride(bmp);
      const format = P.FPDFBitmap_GetFormat(bmp);
      const bpp = format === 1 ? 1 : format === 2 ? 3 : 4;
      const buf = P.FPDFBitmap_GetBuffer(bmp);
      const u8 = heap(P).HEAPU8;
      const [a, b, c, d, e, f] = toPage;
      const det = a * d - b * c;
      if (!det) return;
      // Pixel (i, j) centre -> unit square (u, v) -> page. Two pixels of margin: the edge pixels are partly
      // covered, and a JPEG (raster fallback) rings for a pixel or two across a hard edge.
      const pxSize = 2 * Math.max(Math.hypot(a, b) / W, Math.hypot(c, d) / H);
      for (const r of rects) {
        if (!rectsIntersect(r, bounds)) continue;
        const inner = { l: r.l + pxSize, b: r.b + pxSize, r: r.r - pxSize, t: r.t - pxSize };
        if (inner.r <= inner.l || inner.t <= inner.b) continue;
        // Page -> unit square for the rect's corners gives the pixel range to scan.
        const corners: Array<[number, number]> = [[inner.l, inner.b], [inner.r, inner.b], [inner.l, inner.t], [inner.r, inner.t]];
        const uv = corners.map(([x, y]) => [(d * (x - e) - c * (y - f)) / det, (-b * (x - e) + a * (y - f)) / det] as [number, number]);
        const i0 = Math.max(0, Math.floor(Math.min(...uv.map((p) => p[0])) * W));
        const i1 = Math.min(W - 1, Math.ceil(Math.max(...uv.map((p) => p[0])) * W));
        const j0 = Math.max(0, Math.floor((1 - Math.max(...uv.map((p) => p[1]))) * H));
        const j1 = Math.min(H - 1, Math.ceil((1 - Math.min(...uv.map((p) => p[1]))) * H));
        for (let j = j0; j <= j1; j++) {
          const vv = 1 - (j + 0.5) / H;
          for (let i = i0; i <= i1; i++) {
            const uu = (i + 0.5) / W;
            const x = a * uu + c * vv + e;
            const y = b * uu + d * vv + f;
            if (x < inner.l || x > inner.r || y < inner.b || y > inner.t) continue;
            const o = buf + j * stride + i * bpp;
            const dark = bpp === 1 ? u8[o]! <= 48 : u8[o]! <= 48 && u8[o + 1]! <= 48 && u8[o + 2]! <= 48;
            if (!dark) unpainted++;
          }
        }
      }
    } finally {
      P.FPDFBitmap_Destroy(bmp);
    }
  });
  return { images, unpainted };
}

/** Paths under an area other than rules or boxes crossing it; the engine's own black boxes (equal to an area) do not count. */
export function pathsUnderPage(P: Pdfium, page: number, rects: readonly Rect[]): number {
  let n = 0;
  walkObjects(P, page, (v) => {
    if (v.type !== OBJ.PATH) return;
    const bounds = pageBounds(P, v);
    if (!bounds || !rects.some((r) => rectsIntersect(r, bounds))) return;
    const m = objectMatrix(P, v.obj) ?? IDENTITY;
    const verdict = classifyPath(subpathsOf(P, v.obj), multiply(m, v.toPage), rects, rects);
    if (verdict.kind !== "keep") n++;
  });
  return n;
}

function imagesUnder(P: Pdfium, page: number, rects: readonly Rect[]): number {
  let n = 0;
  walkObjects(P, page, (v) => {
    if (v.type !== OBJ.IMAGE) return;
    const b = pageBounds(P, v);
    if (b && rects.some((r) => rectsIntersect(r, b))) n++;
  });
  return n;
}

/** Opaque black rectangles over the areas (what PDFium draws when it paints). */
function indexOf(P: Pdfium, page: number, obj: number): number {
  const n = P.FPDFPage_CountObjects(page);
  for (let i = 0; i < n; i++) if (P.FPDFPage_GetObject(page, i) === obj) return i;
  return -1;
}

function drawBoxes(P: Pdfium, page: number, rects: readonly Rect[]): void {
  for (const r of rects) {
    const box = P.FPDFPageObj_CreateNewRect(r.l, r.b, r.r - r.l, r.t - r.b);
    if (!box) continue;
    P.FPDFPageObj_SetFillColor(box, 0, 0, 0, 255);
    P.FPDFPath_SetDrawMode(box, 1, false);
    P.FPDFPage_InsertObject(page, box);
  }
}

/** Top-level objects of `type` taken off the page, highest index first (put them back with `putBack`). */
function takeOff(P: Pdfium, page: number, type: number): Array<{ obj: number; index: number }> {
  const taken: Array<{ obj: number; index: number }> = [];
  for (let i = P.FPDFPage_CountObjects(page) - 1; i >= 0; i--) {
    const obj = P.FPDFPage_GetObject(page, i);
    if (obj && P.FPDFPageObj_GetType(obj) === type) taken.push({ obj, index: i });
  }
  for (const t of taken) P.FPDFPage_RemoveObject(page, t.obj);
  return taken;
}

function putBack(P: Pdfium, page: number, taken: ReadonlyArray<{ obj: number; index: number }>): void {
  for (const t of [...taken].reverse()) P.FPDFPage_InsertObjectAtIndex(page, t.obj, t.index);
}

/** PDFium's redaction of `rects` (page user space) on a loaded page: see redactPage for what it touches. */
function pdfiumRedact(P: Pdfium, page: number, rects: readonly Rect[], recurse: boolean, paint: boolean): void {
  if (!rects.length) return;
  withScratch(P, 32 * rects.length, (qp) => {
    const f = heap(P).HEAPF32;
    rects.forEach((r, i) => {
      // FS_QUADPOINTSF: x1 y1 (top-left), x2 y2 (top-right), x3 y3 (bottom-left), x4 y4 (bottom-right).
      f.set([r.l, r.t, r.r, r.t, r.l, r.b, r.r, r.b], qp / 4 + 8 * i);
    });
    if (!P.EPDFText_RedactInQuads(page, qp, rects.length, recurse, paint) && paint) {
      withScratch(P, 16, (rp) => {
        for (const r of rects) {
          setRectF(P, rp, r);
          P.EPDFText_RedactInRect(page, rp, recurse, paint);
        }
      });
    }
  });
}

/** True when an image under the areas lies inside a form XObject (not a top-level object of the page). */
function nestedImageUnder(P: Pdfium, page: number, rects: readonly Rect[]): boolean {
  let nested = false;
  walkObjects(P, page, (v) => {
    if (nested || v.type !== OBJ.IMAGE || v.index !== undefined) return;
    const b = pageBounds(P, v);
    if (b && rects.some((r) => rectsIntersect(r, b))) nested = true;
  });
  return nested;
}

/**
 * The object-level pass on one loaded page. `pdfiumPaints`: PDFium paints the images under the areas
 * (and draws the boxes); false when images.ts painted them already, then the boxes are drawn here.
 *
 * PDFium removes every glyph whose box touches a rect it is given, and paints every image pixel under it,
 * in one call. Text and images are therefore given to it apart: the glyphs with `probes` (one tiny rect
 * inside each glyph that belongs to an area, readTextLayer), the page's images taken off meanwhile (they
 * would be decoded and re-encoded for nothing); then, when images lie under the areas, the images with the
 * areas themselves, the page's text objects taken off meanwhile. Text inside a form XObject that also holds
 * an image under an area still meets the areas in that second call.
 */
function redactPage(P: Pdfium, page: number, rects: readonly Rect[], probes: readonly Rect[], info: EnginePage, pdfiumPaints = true, text = true): void {
  info.imagesPainted = imagesUnder(P, page, rects);
  info.imageTouched = info.imagesPainted > 0;
  if (text && probes.length) {
    const images = takeOff(P, page, OBJ.IMAGE);
    try {
      pdfiumRedact(P, page, probes, true, false);
    } finally {
      putBack(P, page, images);
    }
  }
  let boxesDrawn = false;
  if (info.imagesPainted > 0) {
    // All areas of the page in one call: an image under several areas is decoded, painted and re-encoded
    // once, not once per area. With `pdfiumPaints` PDFium paints the pixels black and draws the boxes
    // (without it, white, and the boxes are drawn below).
    const texts = takeOff(P, page, OBJ.TEXT);
    try {
      pdfiumRedact(P, page, rects, nestedImageUnder(P, page, rects), pdfiumPaints);
      boxesDrawn = pdfiumPaints;
    } finally {
      putBack(P, page, texts);
    }
  }

  // Paths: top-level ones are removed or cut here (the black boxes PDFium drew, equal to an area, stay);
  // what is left inside forms is found by the check.
  const n = P.FPDFPage_CountObjects(page);
  const replace: Array<{ index: number; obj: number; copy: number }> = [];
  for (let i = 0; i < n; i++) {
    const obj = P.FPDFPage_GetObject(page, i);
    if (!obj) continue;
    const type = P.FPDFPageObj_GetType(obj);
    info.marksCleared += clearMarks(P, obj);
    if (type !== OBJ.PATH) continue;
    const b = objectBounds(P, obj);
    if (!b) continue;
    const bounds = { l: b[0], b: b[1], r: b[2], t: b[3] };
    if (!rects.some((r) => rectsIntersect(r, bounds))) continue;
    const subs = subpathsOf(P, obj);
    const m = objectMatrix(P, obj) ?? IDENTITY;
    const verdict = classifyPath(subs, m, rects, rects);
    if (verdict.kind === "keep") continue;
    const keep = verdict.kind === "cut" ? verdict.keep : subs.map(() => false);
    const pieces = clippedPieces(P, obj, subs, keep, m, rects);
    const copy = pieces === null ? rebuildPath(P, obj, keep) : rebuildPath(P, obj, keep, pieces);
    replace.push({ index: i, obj, copy });
  }
  // From the end, so earlier indices stay valid.
  for (const r of replace.reverse()) {
    if (r.copy) {
      // The copy holds what is left outside the areas (kept subpaths and clipped pieces).
      P.FPDFPage_InsertObjectAtIndex(page, r.copy, r.index + 1);
      info.pathsCut++;
    } else {
      info.pathsRemoved++;
    }
    if (P.FPDFPage_RemoveObject(page, r.obj)) P.FPDFPageObj_Destroy(r.obj);
  }
  if (!boxesDrawn) drawBoxes(P, page, rects);
  P.FPDFPage_GenerateContent(page);
}

/** Renders a loaded page (with its /Rotate and CropBox, as displayed) to RGBA at `dpi`. */
function renderRgba(P: Pdfium, page: number, dpi: number, paint: readonly Box[] = []): { data: Buffer; width: number; height: number; scale: number } {
  // A huge page is rendered at a lower resolution, never as a bitmap over RENDER_MAX_PIXELS (sdk/pdf/memory.ts).
  const scale = fitScale(P.FPDF_GetPageWidthF(page), P.FPDF_GetPageHeightF(page), dpi / 72, renderMaxPixels());
  const width = Math.max(1, Math.round(P.FPDF_GetPageWidthF(page) * scale));
  const height = Math.max(1, Math.round(P.FPDF_GetPageHeightF(page) * scale));
  const bmp = P.FPDFBitmap_Create(width, height, 0);
  if (!bmp) throw new Error("PDFium could not allocate a bitmap");
  try {
    P.FPDFBitmap_FillRect(bmp, 0, 0, width, height, 0xffffffff);
    P.FPDF_RenderPageBitmap(bmp, page, 0, 0, width, height, 0, FPDF_REVERSE_BYTE_ORDER | FPDF_ANNOT);
    for (const b of paint) {
      // Outwards rounding: a partly covered pixel is painted too.
      const l = Math.max(0, Math.floor(b.x * scale));
      const t = Math.max(0, Math.floor(b.y * scale));
      const r = Math.min(width, Math.ceil((b.x + b.width) * scale));
      const btm = Math.min(height, Math.ceil((b.y + b.height) * scale));
      if (r > l && btm > t) P.FPDFBitmap_FillRect(bmp, l, t, r - l, btm - t, 0xff000000);
    }
    const stride = P.FPDFBitmap_GetStride(bmp);
    const buf = P.FPDFBitmap_GetBuffer(bmp);
    const src = heap(P).HEAPU8;
    const data = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) data.set(src.subarray(buf + y * stride, buf + y * stride + width * 4), y * width * 4);
    return { data, width, height, scale };
  } finally {
    P.FPDFBitmap_Destroy(bmp);
  }
}

/**
 * A region of a loaded page (displayed points, top-left origin) rendered at `dpi` as a greyscale PNG:
 * the page is laid out at full size and only the region's pixels are drawn.
 */
export async function renderRegion(P: Pdfium, page: number, region: Box, dpi: number): Promise<Uint8Array> {
  const scale = fitScale(region.width, region.height, dpi / 72, renderMaxPixels());
  const fullW = Math.max(1, Math.round(P.FPDF_GetPageWidthF(page) * scale));
  const fullH = Math.max(1, Math.round(P.FPDF_GetPageHeightF(page) * scale));
  const x0 = Math.max(0, Math.floor(region.x * scale));
  const y0 = Math.max(0, Math.floor(region.y * scale));
  const width = Math.max(1, Math.min(fullW, Math.ceil((region.x + region.width) * scale)) - x0);
  const height = Math.max(1, Math.min(fullH, Math.ceil((region.y + region.height) * scale)) - y0);
  const bmp = P.FPDFBitmap_Create(width, height, 0);
  if (!bmp) throw new Error("PDFium could not allocate a bitmap");
  try {
    P.FPDFBitmap_FillRect(bmp, 0, 0, width, height, 0xffffffff);
    P.FPDF_RenderPageBitmap(bmp, page, -x0, -y0, fullW, fullH, 0, FPDF_REVERSE_BYTE_ORDER | FPDF_ANNOT);
    const stride = P.FPDFBitmap_GetStride(bmp);
    const buf = P.FPDFBitmap_GetBuffer(bmp);
    const src = heap(P).HEAPU8;
    const data = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) data.set(src.subarray(buf + y * stride, buf + y * stride + width * 4), y * width * 4);
    return await rgbaTo("png", { data, width, height }, 0);
  } finally {
    P.FPDFBitmap_Destroy(bmp);
  }
}

async function rgbaTo(kind: "png" | "jpeg", img: { data: Buffer; width: number; height: number }, quality: number): Promise<Uint8Array> {
  const s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } }).removeAlpha();
  // The PNG only feeds OCR: greyscale and light compression, it never reaches the output.
  return new Uint8Array(kind === "png" ? await s.greyscale().png({ compressionLevel: 1 }).toBuffer() : await s.jpeg({ quality }).toBuffer());
}

export async function redactDocument(P: Pdfium, input: Uint8Array, requests: readonly EnginePageRequest[], opts: EngineOptions = {}): Promise<EngineResult> {
  const dpi = opts.dpi ?? 200;
  const quality = opts.jpegQuality ?? 85;
  const minChars = opts.minChars ?? 20;
  const original = openDocument(P, input);
  if (original === "password") throw new EngineError("PDF_ENCRYPTED", "The PDF is encrypted");
  if (original === "corrupt") throw new EngineError("PDF_CORRUPT", "PDFium could not read the PDF");
  // The original stays open: raster fallbacks render from it, never from a half-redacted page.
  const work = openDocument(P, input);
  try {
    if (typeof work === "string") throw new EngineError("PDF_CORRUPT", "PDFium could not read the PDF");
    const pageCount = P.FPDF_GetPageCount(work.doc);
    const timings: Record<string, number> = { redact: 0, save: 0, check: 0, render: 0, raster: 0 };
    let mark = performance.now();
    const lap = (k: string) => {
      const now = performance.now();
      timings[k] = (timings[k] ?? 0) + now - mark;
      mark = now;
    };
    const pages: EnginePage[] = [];
    const painted: PaintedImage[] = [];
    const rects = new Map<number, Rect[]>();
    const clamped = new Map<number, Box[]>();
    for (const req of [...requests].sort((a, b) => a.page - b.page)) {
      if (!Number.isInteger(req.page) || req.page < 1 || req.page > pageCount) {
        throw new EngineError("REDACTION_INVALID", `Page ${req.page} does not exist: the document has ${pageCount} pages`);
      }
      const page = P.FPDF_LoadPage(work.doc, req.page - 1);
      if (!page) throw new EngineError("PDF_CORRUPT", `PDFium could not load page ${req.page}`);
      try {
        const view = viewBox(P, page);
        const rotation = rotationOf(P, page);
        const width = P.FPDF_GetPageWidthF(page);
        const height = P.FPDF_GetPageHeightF(page);
        const boxes = req.boxes.map((b) => clampBox(b, width, height)).filter((b): b is Box => b !== null);
        if (!boxes.length) continue;
        clamped.set(req.page, boxes);
        // Areas at the page edge reach past it (geometry.ts): text drawn off the page goes with them.
        // `clamped` (what raster pages paint) stays the visible part.
        const r = boxes.map((b) => toRect(displayedToUserSpace(reachPastEdges(b, width, height), view, rotation)));
        rects.set(req.page, r);
        const info: EnginePage = {
          page: req.page, method: "objects", width, height, rotation, view,
          areas: boxes.length, glyphsRemoved: 0, imagesPainted: 0, pathsRemoved: 0, pathsCut: 0, marksCleared: 0, imageTouched: false,
          scan: false,
          words: [],
        };
        const layer = readTextLayer(P, page, view, rotation, r);
        info.scan = layer.visible < minChars;
        info.words = layer.words;
        info.glyphsRemoved = layer.covered;
        // Plain JPEGs under the areas are painted natively (images.ts), before PDFium edits the page.
        const own = opts.ownImages === false ? null : ownImages(P, page, r);
        let mine: PaintedImage[] | null = own && own.length ? [] : null;
        for (const img of own ?? []) {
          const done = await paintImage(P, req.page, img, r).catch(() => null);
          if (!done) {
            mine = null;
            break;
          }
          mine!.push(done);
        }
        if (mine) {
          painted.push(...mine);
          info.ownPainted = mine.length;
        }
        if (mine) {
          // PDFium's text redaction decodes and re-encodes every image under the areas even when it
          // does not paint them (about a second for a 300 dpi scan): the images painted here are taken
          // off the page for that call and put back at their places.
          const taken = (own ?? []).map((img) => ({ obj: img.obj, index: indexOf(P, page, img.obj) })).filter((t) => t.index >= 0)
            .sort((a, b) => b.index - a.index);
          for (const t of taken) P.FPDFPage_RemoveObject(page, t.obj);
          try {
            redactPage(P, page, r, layer.probes, info, false, layer.visible > 0);
            info.imagesPainted = mine.length;
            info.imageTouched = true;
          } finally {
            for (const t of [...taken].reverse()) P.FPDFPage_InsertObjectAtIndex(page, t.obj, t.index);
          }
          P.FPDFPage_GenerateContent(page);
        } else {
          redactPage(P, page, r, layer.probes, info, true);
        }
        pages.push(info);
      } finally {
        P.FPDF_ClosePage(page);
      }
    }
    lap("redact");
    const saved = saveDocument(P, work.doc);
    lap("save");

    // The proof, on the saved bytes reloaded: what a reader of the output gets.
    const check = openDocument(P, saved);
    if (typeof check === "string") throw new EngineError("PDF_CORRUPT", "PDFium could not read back its own output");
    const raster: RasterPage[] = [];
    const renders: RenderedPage[] = [];
    const renderSet = new Set(opts.renderPages ?? []);
    const known = new Set(opts.wordsKnown ?? []);
    const renderScans = opts.renderScans ?? true;
    const force = new Set(opts.forceRaster ?? []);
    try {
      for (const info of pages) {
        const r = rects.get(info.page)!;
        const page = P.FPDF_LoadPage(check.doc, info.page - 1);
        if (!page) throw new EngineError("PDF_CORRUPT", `PDFium could not load page ${info.page} of its output`);
        try {
          // Images painted by images.ts get their new data in finish.ts: verification checks their pixels.
          const img = info.ownPainted ? { unpainted: 0 } : imageResidue(P, page, r);
          const residue: Residue = { glyphs: glyphsUnderPage(P, page, r), pixels: img.unpainted, paths: pathsUnderPage(P, page, r) };
          lap("check");
          if (force.has(info.page) || residue.glyphs + residue.pixels + residue.paths > 0) {
            info.method = "raster";
            info.residue = residue;
          } else if (renderSet.has(info.page) || (info.scan && renderScans && !known.has(info.page))) {
            // A scan whose words are not known is OCRed for its invisible text layer (apply.ts), rendered
            // here with the areas painted (images painted by images.ts are not in this document yet).
            // Verification OCRs the finished output itself. (PDFium renders a scan faster than pdfjs.)
            const rgba = renderRgba(P, page, dpi, clamped.get(info.page)!);
            renders.push({ page: info.page, png: await rgbaTo("png", rgba, quality), scale: rgba.scale });
            lap("render");
          }
        } finally {
          P.FPDF_ClosePage(page);
        }
      }
    } finally {
      check.close();
    }
    for (const info of pages) {
      if (info.method !== "raster") continue;
      const page = P.FPDF_LoadPage(original.doc, info.page - 1);
      try {
        const rgba = renderRgba(P, page, dpi, clamped.get(info.page)!);
        raster.push({ page: info.page, jpeg: await rgbaTo("jpeg", rgba, quality), width: info.width, height: info.height });
        lap("raster");
        info.imageTouched = true;
      } finally {
        P.FPDF_ClosePage(page);
      }
    }
    return { timings, pdf: saved, pageCount, pages, raster, renders, painted: painted.filter((p) => !raster.some((x) => x.page === p.page)) };
  } finally {
    if (typeof work !== "string") work.close();
    original.close();
  }
}
