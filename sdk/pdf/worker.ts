/**
 * The piscina worker of pool.ts: one named export per task. It runs in a real worker thread (under tsx
 * when it is TypeScript), never inside jest's module system, which is what lets pdfjs (ESM only) load.
 *
 * PdfErrors are returned as records, not thrown: structured clone keeps only an Error's message and stack.
 * Buffers going back are copied into fresh ArrayBuffers and moved, not cloned a second time.
 */
import { move, transferableSymbol, valueSymbol } from "piscina";
import { reportingMemory } from "../memory-meter";
import { PdfError, type TransferablePdfError, toTransferable } from "./errors";
import { extractPages } from "./extract";
import { ocrImage, ocrWorkersLoaded, warmOcr } from "./ocr";
import { type PdfDocument, withDocument } from "./pdfjs";
import { renderDocPixels, renderPage, scanDpi } from "./render";
import { type DrawnImage, drawnImagesReader } from "./scan-dpi";
import type { ExtractOptions, ExtractResult, OcrMode, OcrOptions, OcrResult, RenderOptions } from "./types";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: TransferablePdfError };

/** A task's slot of its job's memory meter (sdk/memory-meter.ts), when the job has one. */
type Metered = { meter?: Int32Array };

async function settle<T>(fn: () => Promise<T>, meter?: Int32Array): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await reportingMemory(meter, fn) };
  } catch (err) {
    if (err instanceof PdfError) return { ok: false, error: toTransferable(err) };
    throw err;
  }
}

/**
 * Marks a task result so piscina transfers `buffers` instead of cloning them (piscina only looks at the
 * top-level value, so the whole result is wrapped).
 */
function withTransfer<T>(value: T, buffers: ArrayBuffer[]): T {
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value } as never) as T;
}

export function extract(task: { pdf: Uint8Array; opts?: ExtractOptions } & Metered): Promise<Outcome<ExtractResult>> {
  return settle(() => extractPages(task.pdf, task.opts), task.meter);
}

export interface RenderedPage {
  png: Uint8Array;
  widthPx: number;
  heightPx: number;
  scale: number;
}

export async function render(task: { pdf: Uint8Array; page: number; opts?: RenderOptions } & Metered): Promise<Outcome<RenderedPage>> {
  const out = await settle(() => renderPage(task.pdf, task.page, task.opts), task.meter);
  if (!out.ok) return out;
  const { png, ...rest } = out.value;
  // A copy in its own ArrayBuffer: the canvas's buffer may be external memory, which cannot be transferred.
  const own = new Uint8Array(png);
  return withTransfer({ ok: true, value: { ...rest, png: own } }, [own.buffer]);
}

export function ocr(task: { png: Uint8Array; opts: OcrOptions } & Metered): Promise<Outcome<OcrResult>> {
  return settle(() => ocrImage(task.png, task.opts), task.meter);
}

/** Starts the thread's OCR workers (eng and OSD) so the first page does not pay for it. */
export function warm(task: { lang?: string[]; scripts?: boolean } & Metered): Promise<Outcome<boolean>> {
  return settle(async () => {
    await warmOcr(task.lang, { scripts: task.scripts });
    return true;
  }, task.meter);
}

/** The thread's live OCR workers (language sets and "osd"), for the pool's warm-up check. */
export function ocrLoaded(task: Metered): Promise<Outcome<string[]>> {
  return settle(async () => ocrWorkersLoaded(), task.meter);
}

export interface OcrPagesTask extends Metered {
  pdf: Uint8Array;
  pages: number[];
  dpi: number;
  lang?: string | string[];
  password?: string;
  scriptDetection?: boolean;
  /** Per page; default DOCMILL_OCR_PAGE_TIMEOUT_MS. */
  timeoutMs?: number;
  /** See OcrOptions.mode. Text mode also renders a scan at its picture's own resolution (textDpi). */
  mode?: OcrMode;
}

/**
 * A scan is rendered no coarser than this, whatever its picture: below it Tesseract's line finding loses
 * small print (7 pt is ~7 px of x-height at 150 dpi already).
 */
export const MIN_SCAN_DPI = 150;

/**
 * The dpi text mode renders a page at: `dpi`, or its scanned picture's own resolution when coarser (a
 * 150 dpi scan upsampled to 300 gives Tesseract four times the pixels and nothing more to read). Full
 * mode (redaction) always renders at `dpi`: on dusty 150 dpi scans the upsampled read finds more words.
 */
async function textDpi(doc: PdfDocument, page: number, dpi: number, drawn?: DrawnImage[] | null): Promise<{ dpi: number; scanDpi?: number }> {
  const scan = await scanDpi(doc, page, drawn);
  if (scan === undefined) return { dpi };
  // A few dots above the picture's: the scanner's nominal 150 comes out as 149.9 after rounding the page size.
  return { dpi: Math.min(dpi, Math.max(MIN_SCAN_DPI, Math.ceil(scan - 0.5))), scanDpi: Math.round(scan) };
}

/** Renders and OCRs several pages of one document, opening it once; the images never leave the thread. */
export function ocrPages(task: OcrPagesTask): Promise<Outcome<Array<OcrResult & { page: number }>>> {
  return settle(() =>
    withDocument(task.pdf, { password: task.password }, async (doc) => {
      const results: Array<OcrResult & { page: number }> = [];
      // The pictures' sizes off the PDF's objects: pdfjs would decode each scan once more to tell them.
      const drawn = task.mode === "text" ? drawnImagesReader(task.pdf) : undefined;
      for (const page of task.pages) {
        if (task.mode === "text") {
          results.push({ page, ...await ocrTextPage(doc, page, task, await drawn!(page)) });
          continue;
        }
        // Full mode gets the canvas's pixels too: the page is opaque (rendered on white), so they decode to
        // the same grey image as its PNG did, byte for byte (test/unit/sdk/pdf/ocr-pixels.test.ts), and the
        // PNG encoded here only to be decoded again is saved.
        const img = await renderDocPixels(doc, page, task.dpi);
        const result = await ocrImage({ rgba: img.rgba, width: img.widthPx, height: img.heightPx }, {
          lang: task.lang,
          scriptDetection: task.scriptDetection,
          timeoutMs: task.timeoutMs,
          pageWidthPt: img.widthPx / img.scale,
          pageHeightPt: img.heightPx / img.scale,
        });
        results.push({ page, ...result });
      }
      return results;
    }),
    task.meter,
  );
}

/**
 * Text mode's page: rendered at textDpi and handed to OCR as the canvas's pixels (no PNG encoded here only
 * to be decoded again: 0.4-0.65 s per 300 dpi page at load 12).
 */
async function ocrTextPage(doc: PdfDocument, page: number, task: OcrPagesTask, drawn: DrawnImage[] | null): Promise<OcrResult> {
  const at = await textDpi(doc, page, task.dpi, drawn);
  const img = await renderDocPixels(doc, page, at.dpi);
  const result = await ocrImage({ rgba: img.rgba, width: img.widthPx, height: img.heightPx }, {
    lang: task.lang,
    scriptDetection: task.scriptDetection,
    timeoutMs: task.timeoutMs,
    mode: "text",
    pageWidthPt: img.widthPx / img.scale,
    pageHeightPt: img.heightPx / img.scale,
  });
  if (at.scanDpi !== undefined && result.report) result.report.measured.scanDpi = at.scanDpi;
  return result;
}
