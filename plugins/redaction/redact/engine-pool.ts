/**
 * The redaction engine's own thread pool: PDFium, pdf-lib's rewrite, the output inspection (with its structure check) run off the
 * event loop (a worker's event loop must keep renewing its job lease), each thread with PDFium loaded once.
 * Threads: DOCMILL_REDACT_THREADS, else 1 (each thread holds its own PDFium heap, which WebAssembly never
 * gives back; the PDF engine pool already runs pdfjs and OCR beside it). Idle threads are kept 10 minutes.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Piscina } from "piscina";
import { pack } from "../../../sdk/compute/pieces";
import { meterOf, withMeterSlot } from "../../../sdk/memory-meter";
import type { EngineOptions, EnginePageRequest, EngineResult } from "./engine";
import type { EngineOutcome } from "./engine-worker";
import type { FinishInput, StructureRemoved } from "./finish";
import type { InspectRequest, Inspection, PageSecretCounts } from "./inspect";
import type { HiddenWords, VisibilityPage } from "./visibility-render";

function workerFile(): { filename: string; execArgv: string[] } {
  const js = path.join(__dirname, "engine-worker.js");
  if (path.extname(__filename) === ".js" && existsSync(js)) return { filename: js, execArgv: [] };
  return { filename: path.join(__dirname, "engine-worker.ts"), execArgv: ["--import", "tsx"] };
}

export function redactThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DOCMILL_REDACT_THREADS;
  if (raw !== undefined && raw.trim() !== "") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`DOCMILL_REDACT_THREADS must be an integer from 1 to 64, got "${raw}"`);
    return n;
  }
  return 1;
}

function unwrap<T>(o: EngineOutcome<T>): T {
  if (o.ok) return o.value;
  throw Object.assign(new Error(o.error.message), { type: o.error.type, code: o.error.type });
}

/** Piscina's rejection of a task whose thread ended under it (not an abort: that has its own name). */
function threadExited(err: unknown): boolean {
  return /^worker exited with code/.test((err as Error)?.message ?? "");
}

export class RedactionEngine {
  private piscina: Piscina | undefined;

  constructor(private readonly threads?: number) {}

  private get pool(): Piscina {
    if (!this.piscina) {
      const { filename, execArgv } = workerFile();
      this.piscina = new Piscina({
        filename, execArgv, minThreads: 1, maxThreads: this.threads ?? redactThreads(),
        idleTimeout: 10 * 60_000, concurrentTasksPerWorker: 1,
        // The threads read their caps (PDFIUM_MAX_MB, RENDER_MAX_PIXELS) from the environment as it is now.
        env: process.env,
      });
    }
    return this.piscina;
  }

  /**
   * Runs one task; `make` builds it from the caller's bytes (copies, which are transferred). With
   * `signal`, an abort (a cancelled job, one over its memory budget) terminates the thread running it, and
   * PDFium's memory with it. A thread whose PDFium memory grew past PDFIUM_KEEP_MB (WebAssembly memory
   * never shrinks) names itself in the outcome and is terminated here after answering; a task piscina had
   * already handed to that thread is built and run once more, on a fresh one.
   */
  private async run<T>(name: string, make: () => { task: Record<string, unknown>; bytes: Uint8Array[] }, signal?: AbortSignal, retried = false): Promise<T> {
    const { task, bytes } = make();
    let outcome: EngineOutcome<T>;
    try {
      // The job's memory meter (sdk/memory-meter.ts) gets a slot the thread keeps its growth in.
      outcome = await withMeterSlot(meterOf(signal), (slot) =>
        this.pool.run(slot ? { ...task, meter: slot } : task, { name, transferList: bytes.map((b) => b.buffer as ArrayBuffer), ...(signal ? { signal } : {}) }) as Promise<EngineOutcome<T>>,
      );
    } catch (err) {
      if (retried || !threadExited(err) || signal?.aborted) throw err;
      return this.run(name, make, signal, true);
    }
    if (outcome.recycle !== undefined) this.recycle(outcome.recycle);
    return unwrap(outcome);
  }

  /** Terminates the thread with this id (piscina starts a fresh one as needed). */
  private recycle(threadId: number): void {
    const thread = this.piscina?.threads.find((t) => t.threadId === threadId);
    void thread?.terminate();
  }

  /** Object-level redaction with the raster fallback per page (engine.ts). The input is copied. */
  redact(pdf: Uint8Array, pages: EnginePageRequest[], opts: EngineOptions = {}, signal?: AbortSignal): Promise<EngineResult> {
    return this.run("redact", () => {
      const copy = new Uint8Array(pdf);
      return { task: { pdf: copy, pages, opts }, bytes: [copy] };
    }, signal);
  }

  /** Rewrites the document whole, stripped, with raster pages and invisible text layers (finish.ts). */
  finish(input: FinishInput, signal?: AbortSignal): Promise<{ pdf: Uint8Array; removed: StructureRemoved }> {
    return this.run("finish", () => {
      const pdf = new Uint8Array(input.pdf);
      const painted = (input.painted ?? []).map((p) => ({ ...p, flate: new Uint8Array(p.flate) }));
      return { task: { ...input, pdf, painted }, bytes: [pdf, ...painted.map((p) => p.flate)] };
    }, signal);
  }

  /** Reads an output back with PDFium and its raw streams (inspect.ts). */
  inspect(pdf: Uint8Array, pages: InspectRequest[], secrets: PageSecretCounts[], signal?: AbortSignal): Promise<Inspection> {
    return this.run("inspect", () => {
      const copy = new Uint8Array(pdf);
      return { task: { pdf: copy, pages, secrets }, bytes: [copy] };
    }, signal);
  }

  /** Words of text pages that their rendering at `dpi` does not show (detection's hidden-text check). The input is copied. */
  async hiddenWords(pdf: Uint8Array, pages: VisibilityPage[], opts: { dpi: number; password?: string }, signal?: AbortSignal): Promise<HiddenWords[]> {
    // Every word of every text page: for a 100-page directory one structured clone of them held the
    // event loop for 0.4 s, so they are packed a page per slice (sdk/compute/pieces.ts) and go as bytes.
    const packed = await pack(pages, true);
    return this.run("hidden", () => {
      const copy = new Uint8Array(pdf);
      const words = new Uint8Array(packed.bytes);
      return { task: { pdf: copy, pages: { ...packed, bytes: words }, dpi: opts.dpi, password: opts.password }, bytes: [copy, words] };
    }, signal);
  }

  /** Starts a thread and loads PDFium in it. */
  async warm(): Promise<void> {
    await this.run("warm", () => ({ task: {}, bytes: [] }));
  }

  async close(): Promise<void> {
    const p = this.piscina;
    this.piscina = undefined;
    if (p) await p.destroy();
  }
}

export function createRedactionEngine(threads?: number): RedactionEngine {
  return new RedactionEngine(threads);
}

/** The process-wide engine; threads start on first use. */
export const redactionEngine = new RedactionEngine();
