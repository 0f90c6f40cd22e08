/**
 * JPEG images under an area, painted by the engine itself instead of by PDFium. PDFium decodes, paints
 * and re-encodes an image with its own WebAssembly zlib, which for a 300 dpi scan costs about a second
 * per page (decode, then Flate at save). Here the JPEG's own bytes are decoded by sharp (native
 * libjpeg-turbo), the area's pixels are set to black, and the result is PNG-encoded (native zlib, PNG
 * row filters): the PNG's IDAT data is exactly a FlateDecode stream with /Predictor 15, which finish.ts
 * swaps into the image XObject in place of the JPEG, keeping the rest of its dictionary (masks, /Intent).
 * Lossless: outside the areas the pixels are the decoded JPEG's, byte for byte.
 *
 * CMYK JPEGs take the same path and stay CMYK (PDFium would re-encode them as RGB, shifting their colours):
 * their samples are kept as the DCT filter gives them and the area is painted with full ink in the sense
 * of the image's /Decode array. Bilevel scans
 * (CCITT G4 or JBIG2, 1 bit DeviceGray) are read through PDFium's decoder, painted and stored as 1-bit
 * Flate: still bilevel, every pixel outside the areas the same (PDFium would make them 8-bit RGB).
 *
 * Flate images of 8 or 16 bits (grey, RGB, CMYK) are painted in their decoded samples and deflated again
 * at their own depth.
 *
 * Only plain cases take this path (one DCT, CCITT, JBIG2 or Flate filter, a device colour space, a placement
 * with no rotation or skew, the image a direct page object): anything else stays with PDFium. What the
 * PDF's dictionary must say for the painting to be right (colour space, bits, /Decode) is checked by
 * finish.ts before the swap; whether the pixels really are black is proven by verification on the output.
 */
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
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
  /** 1 (DeviceGray), 3 (DeviceRGB) or 4 (DeviceCMYK). */
  colors: 1 | 3 | 4;
  /** The filter the stream had, and its bits per component (1 for bilevel scans). */
  filter: "DCTDecode" | "CCITTFaxDecode" | "JBIG2Decode" | "FlateDecode";
  bpc: 1 | 8 | 16;
  /** The /Decode array the painting assumed: none, or the inverted [1 0 ...] of Adobe CMYK JPEGs. */
  decode: "none" | "inverted";
  /** zlib data: PNG-filtered rows (FlateDecode with /Predictor 15) when `predictor`, else plain packed rows. */
  flate: Uint8Array;
  predictor: boolean;
}

/** One image object of a page that this module can paint. */
export interface OwnImage {
  obj: number;
  /** Unit square -> page user space. */
  matrix: [number, number, number, number, number, number];
  bounds: Rect;
  /** What the PDF says the image is: 1 (DeviceGray), 3 (DeviceRGB) or 4 (DeviceCMYK) components. */
  colors: 1 | 3 | 4;
  filter: PaintedImage["filter"];
}

const FPDF_COLORSPACE_DEVICEGRAY = 1;
const FPDF_COLORSPACE_DEVICERGB = 2;
const FPDF_COLORSPACE_DEVICECMYK = 3;

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
 * (in a form XObject, not a plain grey, RGB or CMYK JPEG or a bilevel CCITT/JBIG2 scan, rotated or
 * skewed), so PDFium paints them all.
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
    if (P.FPDFImageObj_GetImageFilterCount(obj) !== 1) return null;
    const filter = filterName(P, obj, 0);
    if (filter !== "DCTDecode" && filter !== "CCITTFaxDecode" && filter !== "JBIG2Decode" && filter !== "FlateDecode") return null;
    const meta = withScratch(P, 28, (p) => {
      if (!P.FPDFImageObj_GetImageMetadata(obj, page, p)) return null;
      const h = heap(P).HEAP32;
      return { bpp: h[p / 4 + 4]!, cs: h[p / 4 + 5]! };
    });
    if (!meta) return null;
    let colors: 1 | 3 | 4;
    if (filter === "FlateDecode") {
      // Depth is read from the decoded data's size (PDFium reports that of its own 8-bit conversion).
      if (meta.cs === FPDF_COLORSPACE_DEVICEGRAY) colors = 1;
      else if (meta.cs === FPDF_COLORSPACE_DEVICERGB) colors = 3;
      else if (meta.cs === FPDF_COLORSPACE_DEVICECMYK) colors = 4;
      else return null;
    } else if (filter !== "DCTDecode") {
      if (meta.cs !== FPDF_COLORSPACE_DEVICEGRAY || meta.bpp !== 1) return null;
      colors = 1;
    } else if (meta.cs === FPDF_COLORSPACE_DEVICEGRAY && meta.bpp === 8) colors = 1;
    else if (meta.cs === FPDF_COLORSPACE_DEVICERGB && meta.bpp === 24) colors = 3;
    // PDFium reports a CMYK image's depth as that of its RGB conversion (24); sharp's channels decide.
    else if (meta.cs === FPDF_COLORSPACE_DEVICECMYK && (meta.bpp === 32 || meta.bpp === 24)) colors = 4;
    else return null;
    const m = objectMatrix(P, obj);
    if (!m || Math.abs(m[1]) > 1e-6 || Math.abs(m[2]) > 1e-6 || m[0] <= 0 || m[3] <= 0) return null;
    out.push({ obj, matrix: m, bounds, colors, filter });
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

/**
 * zlib level 3 without row filters: on a noisy 300 dpi A4 scan 0.5 s instead of 2.2 s (level 6, adaptive
 * filters) for 11 % more bytes (measured with sharp 0.35). Scans have no size target; pages do have time.
 */
const PNG = { compressionLevel: 3, adaptiveFiltering: false } as const;

/** Does the JPEG carry Adobe's APP14 marker (whose CMYK samples are stored inverted, and libvips inverts on load)? */
export function hasAdobeMarker(jpeg: Buffer): boolean {
  for (let at = 2; at + 4 <= jpeg.length && jpeg[at] === 0xff;) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xda || marker === 0xd9) return false; // start of scan: no more APPn
    const len = jpeg.readUInt16BE(at + 2);
    if (marker === 0xee && jpeg.toString("latin1", at + 4, at + 9) === "Adobe") return true;
    at += 2 + len;
  }
  return false;
}

function fillRects(img: OwnImage, W: number, H: number, rects: readonly Rect[], fill: (x0: number, x1: number, y: number) => void): void {
  for (const r of rects) {
    if (!intersects(r, img.bounds)) continue;
    const px = pixelRect(img.matrix, W, H, r);
    if (!px) continue;
    const [x0, y0, x1, y1] = px;
    for (let y = y0; y < y1; y++) fill(x0, x1, y);
  }
}

/** Decodes, paints and re-encodes one image; null when the decoding does not match the PDF's view of it. */
export async function paintImage(P: Pdfium, pageNo: number, img: OwnImage, rects: readonly Rect[]): Promise<PaintedImage | null> {
  if (img.filter === "DCTDecode") return paintJpeg(P, pageNo, img, rects);
  if (img.filter === "FlateDecode") return paintFlate(P, pageNo, img, rects);
  return paintBilevel(P, pageNo, img, rects);
}

/**
 * A Flate image of 8 or 16 bits per component (grey, RGB, CMYK; PNGs, exports, 16-bit photographs):
 * its samples as PDFium's Flate decoder gives them (predictors undone), the areas set to black (0, or
 * full ink for CMYK), deflated again at the same depth. Masks and the rest of the dictionary stay.
 */
async function paintFlate(P: Pdfium, pageNo: number, img: OwnImage, rects: readonly Rect[]): Promise<PaintedImage | null> {
  const raw = rawData(P, img.obj);
  const size = withScratch(P, 8, (p) => (P.FPDFImageObj_GetImagePixelSize(img.obj, p, p + 4) ? [heap(P).HEAP32[p / 4]!, heap(P).HEAP32[p / 4 + 1]!] : null));
  if (!size) return null;
  const [W, H] = size as [number, number];
  const len = P.FPDFImageObj_GetImageDataDecoded(img.obj, 0, 0);
  const c = img.colors;
  const bpc = len === W * c * H ? 8 : len === W * c * 2 * H ? 16 : 0;
  if (!bpc || W <= 0 || H <= 0) return null;
  const data = withScratch(P, len, (p) => {
    P.FPDFImageObj_GetImageDataDecoded(img.obj, p, len);
    return Buffer.from(heap(P).HEAPU8.slice(p, p + len));
  });
  const bytesPerPixel = (c * bpc) / 8;
  fillRects(img, W, H, rects, (x0, x1, y) => data.fill(c === 4 ? 255 : 0, (y * W + x0) * bytesPerPixel, (y * W + x1) * bytesPerPixel));
  let flate: Buffer;
  if (bpc === 8) flate = pngIdat(await sharp(data, { raw: { width: W, height: H, channels: c }, limitInputPixels: sharpMaxPixels() }).png(PNG).toBuffer());
  else flate = deflateSync(data); // 16-bit samples are big-endian in PDF; sharp's are not: plain rows
  return {
    page: pageNo, sha256: createHash("sha256").update(raw).digest("hex"), length: raw.length,
    width: W, height: H, colors: c, filter: "FlateDecode", bpc, decode: "none", flate: new Uint8Array(flate), predictor: bpc === 8,
  };
}

async function paintJpeg(P: Pdfium, pageNo: number, img: OwnImage, rects: readonly Rect[]): Promise<PaintedImage | null> {
  const jpeg = rawData(P, img.obj);
  // sharp converts CMYK to sRGB on output unless told to stay in CMYK (then the samples pass as decoded).
  if (img.colors === 4 && (await sharp(jpeg, { limitInputPixels: sharpMaxPixels() }).metadata()).space !== "cmyk") return null;
  const decoder = sharp(jpeg, { failOn: "error", limitInputPixels: sharpMaxPixels() });
  const { data, info } = await (img.colors === 4 ? decoder.pipelineColourspace("cmyk").toColourspace("cmyk") : decoder).raw().toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  if (channels !== img.colors) return null;
  const W = info.width;
  const H = info.height;
  // CMYK: Adobe's JPEGs store inverted samples, which libvips inverts back on load: undone here, so the
  // samples are what the PDF's DCT filter gives. Producers pair such JPEGs with /Decode [1 0 1 0 1 0 1 0]
  // (finish.ts checks): full ink is sample 0 then, 255 without the Adobe marker.
  const adobe = channels === 4 && hasAdobeMarker(jpeg);
  if (adobe) for (let i = 0; i < data.length; i++) data[i] = 255 - data[i]!;
  const ink = channels === 4 && !adobe ? 255 : 0;
  fillRects(img, W, H, rects, (x0, x1, y) => data.fill(ink, (y * W + x0) * channels, (y * W + x1) * channels));
  // Four channels go through PNG as RGBA: the row filters work on bytes per pixel, the same as PDF's
  // predictor with /Colors 4, and nothing is premultiplied or dropped from raw input.
  const png = await sharp(data, { raw: { width: W, height: H, channels }, limitInputPixels: sharpMaxPixels() }).png(PNG).toBuffer();
  return {
    page: pageNo, sha256: createHash("sha256").update(jpeg).digest("hex"), length: jpeg.length,
    width: W, height: H, colors: img.colors, filter: "DCTDecode", bpc: 8, decode: adobe ? "inverted" : "none",
    flate: new Uint8Array(pngIdat(png)), predictor: true,
  };
}

/**
 * A CCITT or JBIG2 scan: PDFium decodes it (bilevel, so its 8-bit bitmap holds only black and white),
 * the area's pixels become 0 bits (black in DeviceGray), and the rows are packed and deflated.
 */
function paintBilevel(P: Pdfium, pageNo: number, img: OwnImage, rects: readonly Rect[]): PaintedImage | null {
  const raw = rawData(P, img.obj);
  const bmp = P.FPDFImageObj_GetBitmap(img.obj);
  if (!bmp) return null;
  let W: number;
  let H: number;
  let packed: Buffer;
  try {
    W = P.FPDFBitmap_GetWidth(bmp);
    H = P.FPDFBitmap_GetHeight(bmp);
    const stride = P.FPDFBitmap_GetStride(bmp);
    const format = P.FPDFBitmap_GetFormat(bmp);
    const bpp = format === 1 ? 1 : format === 2 ? 3 : 4;
    const buf = P.FPDFBitmap_GetBuffer(bmp);
    const u8 = heap(P).HEAPU8;
    const rowBytes = (W + 7) >> 3;
    packed = Buffer.alloc(rowBytes * H);
    for (let y = 0; y < H; y++) {
      const row = buf + y * stride;
      for (let x = 0; x < W; x++) {
        const v = u8[row + x * bpp]!;
        if (v !== 0 && v !== 255) return null; // not bilevel after all (a /Decode or a mask in play)
        if (v) packed[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
      }
    }
    fillRects(img, W, H, rects, (x0, x1, y) => {
      for (let x = x0; x < x1; x++) packed[y * rowBytes + (x >> 3)]! &= ~(0x80 >> (x & 7));
    });
  } finally {
    P.FPDFBitmap_Destroy(bmp);
  }
  return {
    page: pageNo, sha256: createHash("sha256").update(raw).digest("hex"), length: raw.length,
    width: W, height: H, colors: 1, filter: img.filter, bpc: 1, decode: "none",
    flate: new Uint8Array(deflateSync(packed)), predictor: false,
  };
}
