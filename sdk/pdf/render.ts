/**
 * Page rendering to PNG with pdfjs and @napi-rs/canvas, in the displayed orientation (/Rotate applied),
 * so pixel (px, py) is the point (px / scale, py / scale) of the engine's top-left convention.
 */
import { fitScale, renderMaxPixels } from "./memory";
import { type PdfDocument, loadPdfjs, normaliseRotation, withDocument } from "./pdfjs";
import type { DrawnImage } from "./scan-dpi";
import type { RenderOptions, RenderResult } from "./types";


interface NapiCanvas {
  width: number;
  height: number;
  encode(format: "png"): Promise<Buffer>;
  /** The stored pixels: RGBA, premultiplied (opaque here: the page is drawn on white). */
  data(): Buffer;
}

/** A rendered page as raw pixels, for the OCR step in the same thread (no PNG encoded and decoded again). */
export interface RenderedPixels {
  /** RGBA, 4 bytes a pixel, opaque. */
  rgba: Uint8Array;
  widthPx: number;
  heightPx: number;
  /** Pixels per PDF point (dpi / 72). */
  scale: number;
}

/** Renders one page (1-based). Throws PdfError: PDF_CORRUPT, PDF_ENCRYPTED, PDF_EMPTY; RangeError on a bad page. */
export async function renderPage(pdf: Uint8Array, page: number, opts: RenderOptions = {}): Promise<RenderResult> {
  return withDocument(pdf, { password: opts.password }, (doc) => renderDocPage(doc, page, opts.dpi ?? 150));
}

export async function renderDocPage(doc: PdfDocument, pageNumber: number, dpi: number): Promise<RenderResult> {
  return drawPage(doc, pageNumber, dpi, async (canvas, widthPx, heightPx, scale) => ({ png: await canvas.encode("png"), widthPx, heightPx, scale }));
}

/**
 * The page's pixels as drawn (RGBA), for OCR in this thread: encoding a PNG only for the next step to
 * decode it cost 0.4-0.65 s per 300 dpi page at load 12 (issue 17's profile), more than a third of what
 * the rest of the preprocessing takes.
 */
export async function renderDocPixels(doc: PdfDocument, pageNumber: number, dpi: number): Promise<RenderedPixels> {
  return drawPage(doc, pageNumber, dpi, (canvas, widthPx, heightPx, scale) => {
    const data = canvas.data();
    return Promise.resolve({ rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx, heightPx, scale });
  });
}

async function drawPage<T>(doc: PdfDocument, pageNumber: number, dpi: number, out: (canvas: NapiCanvas, widthPx: number, heightPx: number, scale: number) => Promise<T>): Promise<T> {
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > doc.numPages) {
    throw new RangeError(`Page ${pageNumber} does not exist (the document has ${doc.numPages})`);
  }
  if (!(dpi > 0 && dpi <= 1200)) throw new RangeError(`dpi must be in (0, 1200], got ${dpi}`);
  const page = await doc.getPage(pageNumber);
  try {
    // A huge page box is rendered at a lower resolution, never as a bitmap over RENDER_MAX_PIXELS
    // (memory.ts): the caller maps pixels back with the scale returned.
    const unit = page.getViewport({ scale: 1, rotation: normaliseRotation(page.rotate) });
    const scale = fitScale(unit.width, unit.height, dpi / 72, renderMaxPixels());
    const viewport = page.getViewport({ scale, rotation: normaliseRotation(page.rotate) });
    const widthPx = Math.ceil(viewport.width);
    const heightPx = Math.ceil(viewport.height);
    // The document's own canvas factory is the @napi-rs/canvas one in Node; it also serves pdfjs's scratch canvases.
    const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: NapiCanvas; context: unknown } } })
      .canvasFactory;
    const { canvas, context } = factory.create(widthPx, heightPx);
    await page.render({
      canvas: canvas as unknown as HTMLCanvasElement,
      canvasContext: context as CanvasRenderingContext2D,
      viewport,
      background: "#ffffff",
    }).promise;
    return await out(canvas, widthPx, heightPx, scale);
  } finally {
    page.cleanup();
  }
}

type Matrix = [number, number, number, number, number, number];

function multiply(m: Matrix, n: Matrix): Matrix {
  // PDF convention: a point p goes to p·m first, then ·n (new CTM = m × CTM).
  return [
    m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/**
 * The resolution of a scanned page's picture: the dpi of the largest image drawn on the page, when it
 * covers at least half of it (a scan: the page *is* the picture), else undefined. Per axis the image's
 * pixels over its drawn size in points; the finer of the two, so nothing it holds is lost.
 *
 * With `drawn` (the page's pictures read off the PDF's objects, scan-dpi.ts) nothing is decoded. Without
 * it, it reads the page's operator list, which decodes the picture once more (~0.1 s for a 150 dpi A4
 * scan), so that a 150 dpi scan is rendered at 150, not at 300: four times the pixels for OCR with no
 * more in them.
 */
export async function scanDpi(doc: PdfDocument, pageNumber: number, drawn?: DrawnImage[] | null): Promise<number | undefined> {
  const { OPS } = await loadPdfjs();
  const page = await doc.getPage(pageNumber);
  try {
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const pageArea = Math.abs((x1 - x0) * (y1 - y0));
    if (drawn) return pictureDpi(drawn, pageArea);
    const ops = await page.getOperatorList();
    let ctm: Matrix = [1, 0, 0, 1, 0, 0];
    const stack: Matrix[] = [];
    const images: DrawnImage[] = [];
    for (let i = 0; i < ops.fnArray.length; i++) {
      const fn = ops.fnArray[i];
      const args = ops.argsArray[i] as unknown[] | null;
      if (fn === OPS.save) stack.push(ctm);
      else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
      else if (fn === OPS.transform && args) ctm = multiply(args as Matrix, ctm);
      else if (fn === OPS.paintFormXObjectBegin && args) {
        stack.push(ctm);
        if (Array.isArray(args[0]) && args[0].length === 6) ctm = multiply(args[0] as Matrix, ctm);
      } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
      else if ((fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject) && args) {
        const size = fn === OPS.paintImageXObject
          ? { w: Number(args[1]), h: Number(args[2]) }
          : { w: Number((args[0] as { width?: number }).width), h: Number((args[0] as { height?: number }).height) };
        images.push({ width: size.w, height: size.h, ctm });
      }
    }
    return pictureDpi(images, pageArea);
  } finally {
    page.cleanup();
  }
}

/** The dpi of the largest picture when it covers at least half of the page (see scanDpi). */
function pictureDpi(images: DrawnImage[], pageArea: number): number | undefined {
  let best: { area: number; dpi: number } | undefined;
  for (const { width, height, ctm } of images) {
    const area = Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]);
    const wPt = Math.hypot(ctm[0], ctm[1]);
    const hPt = Math.hypot(ctm[2], ctm[3]);
    if (!(width > 0 && height > 0 && wPt > 0 && hPt > 0)) continue;
    const dpi = Math.max((width * 72) / wPt, (height * 72) / hPt);
    if (!best || area > best.area) best = { area, dpi };
  }
  return best && best.area >= 0.5 * pageArea ? best.dpi : undefined;
}
