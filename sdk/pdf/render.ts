/**
 * Page rendering to PNG with pdfjs and @napi-rs/canvas, in the displayed orientation (/Rotate applied),
 * so pixel (px, py) is the point (px / scale, py / scale) of the engine's top-left convention.
 */
import { fitScale, renderMaxPixels } from "./memory";
import { type PdfDocument, normaliseRotation, withDocument } from "./pdfjs";
import type { RenderOptions, RenderResult } from "./types";


interface NapiCanvas {
  width: number;
  height: number;
  encode(format: "png"): Promise<Buffer>;
}

/** Renders one page (1-based). Throws PdfError: PDF_CORRUPT, PDF_ENCRYPTED, PDF_EMPTY; RangeError on a bad page. */
export async function renderPage(pdf: Uint8Array, page: number, opts: RenderOptions = {}): Promise<RenderResult> {
  return withDocument(pdf, { password: opts.password }, (doc) => renderDocPage(doc, page, opts.dpi ?? 150));
}

export async function renderDocPage(doc: PdfDocument, pageNumber: number, dpi: number): Promise<RenderResult> {
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
    const png = await canvas.encode("png");
    return { png, widthPx, heightPx, scale };
  } finally {
    page.cleanup();
  }
}
