/**
 * JPEG images under an area, painted by the engine itself instead of by PDFium. PDFium decodes, paints
 * and re-encodes an image with its own WebAssembly zlib, which for a 300 dpi scan costs about a second
 * per page (decode, then Flate at save). Here the JPEG's own bytes are decoded by sharp (native
 * libjpeg-turbo), the area's pixels are set to black, and the result is PNG-encoded (native zlib, PNG
 * row filters): the PNG's IDAT data is exactly a FlateDecode stream with /Predictor 15, which finish.ts
 * swaps into the image XObject in place of the JPEG, keeping the rest of its dictionary (masks, /Intent).
 * Lossless: outside the areas the pixels are the decoded JPEG's, byte for byte.
 *
 * Only plain cases take this path (one DCTDecode filter, DeviceGray or DeviceRGB, 8 bits, a placement
 * with no rotation or skew, the image a direct page object): anything else stays with PDFium. Whether
 * the swap really happened and the pixels really are black is proven by verification on the output.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";
import { sharpMaxPixels } from "../../../sdk/pdf/memory";
import type { Rect } from "./objects";
import { heap, objectBounds, objectMatrix, OBJ, withScratch, type Pdfium } from "./pdfium";

/** A painted image for finish.ts: which JPEG stream it replaces and the Flate data that replaces it. */
export interface PaintedImage {
  page: number;
  /** SHA-256 (hex) of the JPEG stream's bytes as stored in the PDF. */
  sha256: string;
  /** Its length, to find candidates cheaply. */
  length: number;
  width: number;
  height: number;
  /** 1 (DeviceGray) or 3 (DeviceRGB). */
  colors: 1 | 3;
  /** zlib data of PNG-filtered rows (the PNG's IDAT): FlateDecode with /Predictor 15. */
  flate: Uint8Array;
}

/** One image object of a page that this module can paint. */
export interface OwnImage {
  obj: number;
  /** Unit square -> page user space. */
  matrix: [number, number, number, number, number, number];
  bounds: Rect;
  /** What the PDF says the image is: 1 (DeviceGray) or 3 (DeviceRGB) components. */
  colors: 1 | 3;
}

const FPDF_COLORSPACE_DEVICEGRAY = 1;
const FPDF_COLORSPACE_DEVICERGB = 2;

function filterName(P: Pdfium, obj: number, index: number): string {
  return withScratch(P, 64, (p) => {
    const len = P.FPDFImageObj_GetImageFilter(obj, index, p, 64);
    return len > 1 ? Buffer.from(heap(P).HEAPU8.slice(p, p + len - 1)).toString("latin1") : "";
  });
}

function intersects(a: Rect, b: Rect): boolean {
  return a.l < b.r && b.l < a.r && a.b < b.t && b.b < a.t;
}

/**
 * The page's images under the areas when every one of them can be painted here; null when one cannot
 * (in a form XObject, not a plain 8-bit grey or RGB JPEG, rotated or skewed), so PDFium paints them all.
 */
export function ownImages(P: Pdfium, page: number, rects: readonly Rect[]): OwnImage[] | null {
  const out: OwnImage[] = [];
  const n = P.FPDFPage_CountObjects(page);
  for (let i = 0; i < n; i++) {
    const obj = P.FPDFPage_GetObject(page, i);
    if (!obj) continue;
    const type = P.FPDFPageObj_GetType(obj);
    if (type !== OBJ.IMAGE && type !== OBJ.FORM) continue;
    const b = objectBounds(P, obj);
    if (!b) continue;
    const bounds = { l: b[0], b: b[1], r: b[2], t: b[3] };
    if (!rects.some((r) => intersects(r, bounds))) continue;
    // A form under an area may hold images: PDFium handles the whole page then.
    if (type === OBJ.FORM) return null;
    if (P.FPDFImageObj_GetImageFilterCount(obj) !== 1 || filterName(P, obj, 0) !== "DCTDecode") return null;
    const meta = withScratch(P, 28, (p) => {
      if (!P.FPDFImageObj_GetImageMetadata(obj, page, p)) return null;
      const h = heap(P).HEAP32;
      return { bpp: h[p / 4 + 4]!, cs: h[p / 4 + 5]! };
    });
    if (!meta) return null;
    const gray = meta.cs === FPDF_COLORSPACE_DEVICEGRAY && meta.bpp === 8;
    const rgb = meta.cs === FPDF_COLORSPACE_DEVICERGB && meta.bpp === 24;
    if (!gray && !rgb) return null;
    const m = objectMatrix(P, obj);
    if (!m || Math.abs(m[1]) > 1e-6 || Math.abs(m[2]) > 1e-6 || m[0] <= 0 || m[3] <= 0) return null;
    out.push({ obj, matrix: m, bounds, colors: gray ? 1 : 3 });
  }
  return out;
}

/** The JPEG bytes of an image object, as stored in the PDF. */
function rawData(P: Pdfium, obj: number): Buffer {
  const size = P.FPDFImageObj_GetImageDataRaw(obj, 0, 0);
  if (size <= 0) throw new Error("PDFium returned no image data");
  return withScratch(P, size, (p) => {
    P.FPDFImageObj_GetImageDataRaw(obj, p, size);
    return Buffer.from(heap(P).HEAPU8.slice(p, p + size));
  });
}

/** The IDAT chunks of a PNG, joined: one zlib stream of filtered rows. */
export function pngIdat(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 8; at + 8 <= png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    if (type === "IDAT") parts.push(png.subarray(at + 8, at + 8 + len));
    if (type === "IEND") break;
    at += 12 + len;
  }
  return Buffer.concat(parts);
}

/**
 * Pixel rectangle [x0, y0, x1, y1) of the image covered by an area (user space), rounded outwards so a
 * partly covered pixel is painted too. The placement is axis-aligned (ownImages checked it).
 */
export function pixelRect(m: readonly number[], W: number, H: number, r: Rect): [number, number, number, number] | null {
  const [a, , , d, e, f] = m as [number, number, number, number, number, number];
  const u0 = (r.l - e) / a;
  const u1 = (r.r - e) / a;
  const v0 = (r.b - f) / d;
  const v1 = (r.t - f) / d;
  const x0 = Math.max(0, Math.floor(Math.min(u0, u1) * W));
  const x1 = Math.min(W, Math.ceil(Math.max(u0, u1) * W));
  const y0 = Math.max(0, Math.floor((1 - Math.max(v0, v1)) * H));
  const y1 = Math.min(H, Math.ceil((1 - Math.min(v0, v1)) * H));
  return x1 > x0 && y1 > y0 ? [x0, y0, x1, y1] : null;
}

/** Decodes, paints and re-encodes one image; null when sharp's decoding does not match the PDF's view of it. */
export async function paintImage(P: Pdfium, pageNo: number, img: OwnImage, rects: readonly Rect[]): Promise<PaintedImage | null> {
  const jpeg = rawData(P, img.obj);
  const { data, info } = await sharp(jpeg, { failOn: "error", limitInputPixels: sharpMaxPixels() }).raw().toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  if (channels !== img.colors) return null;
  const W = info.width;
  const H = info.height;
  for (const r of rects) {
    if (!intersects(r, img.bounds)) continue;
    const px = pixelRect(img.matrix, W, H, r);
    if (!px) continue;
    const [x0, y0, x1, y1] = px;
    for (let y = y0; y < y1; y++) data.fill(0, (y * W + x0) * channels, (y * W + x1) * channels);
  }
  const png = await sharp(data, { raw: { width: W, height: H, channels }, limitInputPixels: sharpMaxPixels() }).png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer();
  return {
    page: pageNo, sha256: createHash("sha256").update(jpeg).digest("hex"), length: jpeg.length,
    width: W, height: H, colors: img.colors, flate: new Uint8Array(pngIdat(png)),
  };
}
