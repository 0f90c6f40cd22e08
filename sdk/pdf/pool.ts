/**
 * A piscina pool of worker threads running the PDF engine, so that parsing, rendering and OCR never block
 * a service's event loop. This is the entry point services (and tests) use:
 *
 *   const result = await pdfPool.extractWithOcr(bytes, { maxPages: 200, lang: ["eng", "deu"] });
 *
 * Inputs are copied once into a fresh ArrayBuffer that is transferred (the caller keeps its own bytes);
 * PNGs come back transferred too. Every method throws PdfError (errors.ts) for a bad document.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { intSetting } from "../env";
import { meterOf, withMeterSlot } from "../memory-meter";
import { fromTransferable, PdfError } from "./errors";
import { languagesAvailable, pageTimeoutMs } from "./ocr";
import { recordOcrPage } from "../metrics";
import { hasDevanagari } from "./preprocess";
import type {
  ExtractOptions, ExtractResult, ExtractWithOcrOptions, ExtractWithOcrResult, OcrMode, OcrOptions, OcrResult,
  PageTextWithSource, RenderOptions, RenderResult,
} from "./types";
import type { OcrPagesTask, Outcome, RenderedPage } from "./worker";

export interface PdfPoolOptions {
  /** Worker threads (default: DOCMILL_PDF_THREADS, else one per core). */
  threads?: number;
  /** Milliseconds an idle thread (and its warm Tesseract workers) is kept. Default 5 minutes. */
  idleTimeoutMs?: number;
}

/** Threads from DOCMILL_PDF_THREADS, else one per core. Read here because the pool is created before any config. */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DOCMILL_PDF_THREADS;
  if (raw !== undefined && raw.trim() !== "") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 256) {
      throw new RangeError(`DOCMILL_PDF_THREADS must be an integer from 1 to 256, got "${raw}"`);
    }
    return n;
  }
  return Math.max(1, os.availableParallelism());
}

/** Heap cap of one PDF thread in MB: PDF_THREAD_MAX_MB, default 1024. Read here for the same reason as the threads. */
export function pdfThreadHeapMb(env: NodeJS.ProcessEnv = process.env): number {
  return intSetting(env, "PDF_THREAD_MAX_MB", 1024, 128);
}

/**
 * The worker file: worker.js next to the compiled build, worker.ts when running from source (tsx, jest).
 * A .ts worker needs tsx inside the thread: jest's transform does not reach worker threads.
 */
function workerFile(): { filename: string; execArgv: string[] } {
  const js = path.join(__dirname, "worker.js");
  if (path.extname(__filename) === ".js" && existsSync(js)) return { filename: js, execArgv: [] };
  return { filename: path.join(__dirname, "worker.ts"), execArgv: ["--import", "tsx"] };
}

/** The job error for a scanned page whose OCR did not finish in time: a named limit, like the PDF limits. */
export function ocrTimeoutError(page: number, limitMs = pageTimeoutMs()): PdfError {
  return new PdfError(
    "PDF_LIMIT_EXCEEDED",
    `OCR of page ${page} did not finish within ${Math.round(limitMs / 100) / 10} s (limit DOCMILL_OCR_PAGE_TIMEOUT_MS=${limitMs})`,
    { reason: "ocr-time", limit: "DOCMILL_OCR_PAGE_TIMEOUT_MS", max: limitMs, page },
  );
}

/** A private copy of `bytes` whose buffer can be transferred without detaching the caller's. */
function transferable(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw fromTransferable(outcome.error);
}

export class PdfPool {
  /** The threads, shared with every view made by withSignal(). */
  private readonly state: { piscina?: Piscina };
  private readonly opts: PdfPoolOptions;
  private readonly signal: AbortSignal | undefined;

  constructor(opts: PdfPoolOptions = {}, shared?: { state: { piscina?: Piscina }; signal: AbortSignal }) {
    this.opts = opts;
    this.state = shared?.state ?? {};
    this.signal = shared?.signal;
  }

  /**
   * The same pool (same threads) with every task tied to `signal`: when it aborts (the job is cancelled,
   * or stopped by its memory budget) a running task's thread is terminated, and its memory with it. The
   * plugin runner hands each job such a view as `ctx.pdf`.
   */
  withSignal(signal: AbortSignal): PdfPool {
    return new PdfPool(this.opts, { state: this.state, signal: this.signal ? AbortSignal.any([this.signal, signal]) : signal });
  }

  /** Number of threads the pool runs (resolved lazily, so importing this module starts nothing). */
  get threads(): number {
    return this.opts.threads ?? defaultThreads();
  }

  private get pool(): Piscina {
    if (!this.state.piscina) {
      const { filename, execArgv } = workerFile();
      this.state.piscina = new Piscina({
        filename,
        execArgv,
        minThreads: 1,
        maxThreads: this.threads,
        idleTimeout: this.opts.idleTimeoutMs ?? 5 * 60_000,
        // OCR and rendering are CPU-bound: one task per thread at a time.
        concurrentTasksPerWorker: 1,
        // A document that needs more heap than this fails alone; the thread is replaced (issue 14).
        resourceLimits: { maxOldGenerationSizeMb: pdfThreadHeapMb() },
        // The environment as this module sees it when the threads start: the threads read their caps
        // (RENDER_MAX_PIXELS, the PDF limits) and OCR settings (DOCMILL_TESSDATA_DIR) from it; under jest
        // that is the test file's process.env, which a thread would not otherwise see.
        env: process.env,
      });
    }
    return this.state.piscina;
  }

  private async run<T>(name: string, task: { pdf?: Uint8Array; png?: Uint8Array; [key: string]: unknown }, signal?: AbortSignal): Promise<T> {
    const transferList: ArrayBuffer[] = [];
    const own: Record<string, unknown> = { ...task };
    for (const key of ["pdf", "png"] as const) {
      const bytes = task[key];
      if (bytes) {
        const copy = transferable(bytes);
        own[key] = copy;
        transferList.push(copy.buffer as ArrayBuffer);
      }
    }
    const both = signal && this.signal ? AbortSignal.any([signal, this.signal]) : (signal ?? this.signal);
    let outcome: Outcome<T>;
    try {
      // The job's memory meter (sdk/memory-meter.ts) gets a slot the thread keeps its growth in.
      outcome = await withMeterSlot(meterOf(signal, this.signal), (slot) =>
        this.pool.run({ ...own, ...(slot ? { meter: slot } : {}) }, { name, transferList, ...(both ? { signal: both } : {}) }) as Promise<Outcome<T>>,
      );
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") {
        throw new PdfError("PDF_LIMIT_EXCEEDED", `Reading the PDF needed more than ${pdfThreadHeapMb()} MB of memory (limit PDF_THREAD_MAX_MB)`, { reason: "memory", limit: "PDF_THREAD_MAX_MB" });
      }
      throw err;
    }
    return unwrap(outcome);
  }

  /** Text and word boxes of every page. Throws PdfError: PDF_CORRUPT, PDF_ENCRYPTED, PDF_EMPTY, PDF_TOO_MANY_PAGES. */
  extract(pdf: Uint8Array, opts: ExtractOptions = {}): Promise<ExtractResult> {
    return this.run("extract", { pdf, opts });
  }

  /** One page (1-based) as PNG. Throws PdfError as extract(), RangeError for a page that does not exist. */
  async render(pdf: Uint8Array, page: number, opts: RenderOptions = {}): Promise<RenderResult> {
    const r = await this.run<RenderedPage>("render", { pdf, page, opts });
    return { ...r, png: Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength) };
  }

  /** OCR of a page image; boxes in points of the page size given. Throws PdfError OCR_LANGUAGE_UNAVAILABLE. */
  async ocr(png: Uint8Array, opts: OcrOptions): Promise<OcrResult> {
    const r = await this.run<OcrResult>("ocr", { png, opts });
    recordOcrPage(r.report);
    return r;
  }

  /**
   * Text of every page, from the text layer when it has at least `minChars` (default 20) non-space
   * characters, else from OCR of the page rendered at `dpi` (default 300). The OCR pages are spread over
   * the threads in a few batches, each opening the document once.
   */
  async extractWithOcr(pdf: Uint8Array, opts: ExtractWithOcrOptions = {}): Promise<ExtractWithOcrResult> {
    const minChars = opts.minChars ?? 20;
    const base = await this.extract(pdf, { maxPages: opts.maxPages, password: opts.password });
    const pages: PageTextWithSource[] = base.pages.map((p) => ({ ...p, source: "text" }));
    const needOcr = pages.filter((p) => p.text.replace(/\s+/g, "").length < minChars).map((p) => p.page);
    const results = await this.ocrPdfPages(pdf, needOcr, { ...opts, textLayer: pages.map((p) => p.text).join(" ") });
    const late = results.find((r) => r.report?.status === "timeout");
    if (late && (opts.ocrTimeout ?? "fail") === "fail") throw ocrTimeoutError(late.page, late.report!.timedOut?.limitMs);
    for (const r of results) {
      const p = pages[r.page - 1]!;
      pages[r.page - 1] = { ...p, text: r.text, words: r.words, source: "ocr", confidence: r.confidence, ocr: r.report };
    }
    return { pageCount: base.pageCount, info: base.info, pages };
  }

  /**
   * OCR of the given pages (1-based) of a PDF, each rendered at `dpi` (default 300) and read inside a
   * thread (the image never leaves it): the one OCR path of every processor, with its preprocessing,
   * orientation and script detection. `textLayer`, the text of the document's other pages: Devanagari in
   * it OCRs the scanned pages with Hindi from the start. Spread over the threads in a few batches, each
   * opening the document once. `mode: "text"` (see OcrOptions.mode) also renders a scanned page (one
   * picture covering it) at its picture's own resolution when coarser than `dpi`, no lower than 150.
   */
  async ocrPdfPages(
    pdf: Uint8Array, pageNumbers: number[],
    opts: {
      dpi?: number; lang?: string | string[]; password?: string; scriptDetection?: boolean; textLayer?: string; signal?: AbortSignal; ocrTimeoutMs?: number;
      mode?: OcrMode;
    } = {},
  ): Promise<Array<OcrResult & { page: number }>> {
    if (pageNumbers.length === 0) return [];
    let lang = opts.lang;
    if (opts.scriptDetection !== false && opts.textLayer && hasDevanagari(opts.textLayer)) {
      const asked = Array.isArray(lang) ? lang : (lang ?? "eng").split("+");
      if (languagesAvailable().includes("hin")) lang = [...new Set([...asked, "hin"])];
    }
    const batches = Math.min(this.threads, pageNumbers.length);
    const groups: number[][] = Array.from({ length: batches }, () => []);
    pageNumbers.forEach((page, i) => groups[i % batches]!.push(page));
    const results = await Promise.all(groups.map((group) => this.run<Array<OcrResult & { page: number }>>("ocrPages", {
      pdf, pages: group, dpi: opts.dpi ?? 300, lang, password: opts.password, scriptDetection: opts.scriptDetection, timeoutMs: opts.ocrTimeoutMs,
      mode: opts.mode,
    } satisfies OcrPagesTask, opts.signal)));
    const pages = results.flat().sort((a, b) => a.page - b.page);
    for (const r of pages) recordOcrPage(r.report);
    return pages;
  }

  /**
   * Starts every thread with warm OCR workers (eng and OSD; with `scripts`, also the Hindi sets script
   * detection uses), so the first scanned pages do not wait for Tesseract to load. Resolves when all
   * threads are ready.
   */
  async warmOcr(lang: string[] = ["eng"], opts: { scripts?: boolean } = {}): Promise<void> {
    await Promise.all(Array.from({ length: this.threads }, () => this.run<boolean>("warm", { lang, scripts: opts.scripts })));
  }

  /**
   * The OCR workers one thread holds (language sets such as "eng", and "osd"): with one thread, the
   * state warm-up left; with more, whichever thread takes the task. Starts a thread if none runs.
   */
  ocrWorkersLoaded(): Promise<string[]> {
    return this.run<string[]>("ocrLoaded", {});
  }

  /** Stops the threads; the pool starts again on next use. */
  async close(): Promise<void> {
    const p = this.state.piscina;
    this.state.piscina = undefined;
    if (p) await p.destroy();
  }
}

/** Create a pool with its own threads (tests, tools). Services share `pdfPool`. */
export function createPdfPool(opts: PdfPoolOptions = {}): PdfPool {
  return new PdfPool(opts);
}

/** The process-wide pool; it starts threads on first use. */
export const pdfPool = new PdfPool();
