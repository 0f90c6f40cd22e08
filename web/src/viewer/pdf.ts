/**
 * pdf.js in the browser, loaded only by the screens that show pages. The worker is a bundled file
 * (worker-src 'self'), and WebAssembly decoders are off so the CSP needs no 'wasm-unsafe-eval'.
 */
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import type { PageGeometry } from "./coords";

type Pdfjs = typeof import("pdfjs-dist");
export type PdfDoc = Awaited<ReturnType<Pdfjs["getDocument"]>["promise"]>;
export type PdfPage = Awaited<ReturnType<PdfDoc["getPage"]>>;

let lib: Promise<Pdfjs> | undefined;

function pdfjs(): Promise<Pdfjs> {
  lib ??= import("pdfjs-dist").then((m) => {
    m.GlobalWorkerOptions.workerSrc = workerUrl;
    return m;
  });
  return lib;
}

export async function openPdf(bytes: ArrayBuffer): Promise<PdfDoc> {
  const m = await pdfjs();
  return m.getDocument({ data: new Uint8Array(bytes), useWasm: false }).promise;
}

export function geometryOf(page: PdfPage): PageGeometry {
  const [x0, y0, x1, y1] = page.view;
  return { view: [x0, y0, x1, y1], rotation: page.rotate };
}

/**
 * Draws a page at `zoom` CSS pixels per point into the canvas, sharp on high-density screens.
 * Returns a cancel function: a newer render (page turn, zoom) cancels the one in flight.
 */
export function renderPage(page: PdfPage, canvas: HTMLCanvasElement, zoom: number): { done: Promise<void>; cancel: () => void } {
  const dpr = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: zoom * dpr });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.width = `${Math.floor(viewport.width / dpr)}px`;
  canvas.style.height = `${Math.floor(viewport.height / dpr)}px`;
  const task = page.render({ canvas, viewport });
  return {
    done: task.promise.catch((err: unknown) => {
      if ((err as { name?: string }).name !== "RenderingCancelledException") throw err;
    }),
    cancel: () => task.cancel(),
  };
}

/** The text of every page, for tests of what a downloaded PDF still says. */
export async function pageTexts(doc: PdfDoc): Promise<string[]> {
  const out: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const tc = await page.getTextContent();
    out.push(tc.items.map((it) => ("str" in it ? it.str : "")).join(" "));
  }
  return out;
}
