/**
 * The redaction engine's own thread pool: PDFium, pdf-lib's rewrite, the output inspection (with its structure check) run off the
 * event loop (a worker's event loop must keep renewing its job lease), each thread with PDFium loaded once.
 * Threads: DOCMILL_REDACT_THREADS, else 1 (each thread holds its own PDFium heap, which WebAssembly never
 * gives back; the PDF engine pool already runs pdfjs and OCR beside it). Idle threads are kept 10 minutes.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Piscina } from "piscina";
import type { EngineOptions, EnginePageRequest, EngineResult } from "./engine";
import type { EngineOutcome } from "./engine-worker";
import type { FinishInput, StructureRemoved } from "./finish";
import type { InspectRequest, Inspection, PageSecretCounts } from "./inspect";

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

export class RedactionEngine {
  private piscina: Piscina | undefined;

  constructor(private readonly threads?: number) {}

  private get pool(): Piscina {
    if (!this.piscina) {
      const { filename, execArgv } = workerFile();
      this.piscina = new Piscina({
        filename, execArgv, minThreads: 1, maxThreads: this.threads ?? redactThreads(),
        idleTimeout: 10 * 60_000, concurrentTasksPerWorker: 1,
      });
    }
    return this.piscina;
  }

  private async run<T>(name: string, task: Record<string, unknown>, bytes: Uint8Array[]): Promise<T> {
    return unwrap((await this.pool.run(task, { name, transferList: bytes.map((b) => b.buffer as ArrayBuffer) })) as EngineOutcome<T>);
  }

  /** Object-level redaction with the raster fallback per page (engine.ts). The input is copied. */
  redact(pdf: Uint8Array, pages: EnginePageRequest[], opts: EngineOptions = {}): Promise<EngineResult> {
    const copy = new Uint8Array(pdf);
    return this.run("redact", { pdf: copy, pages, opts }, [copy]);
  }

  /** Rewrites the document whole, stripped, with raster pages and invisible text layers (finish.ts). */
  finish(input: FinishInput): Promise<{ pdf: Uint8Array; removed: StructureRemoved }> {
    const pdf = new Uint8Array(input.pdf);
    return this.run("finish", { ...input, pdf }, [pdf]);
  }

  /** Reads an output back with PDFium and its raw streams (inspect.ts). */
  inspect(pdf: Uint8Array, pages: InspectRequest[], secrets: PageSecretCounts[]): Promise<Inspection> {
    const copy = new Uint8Array(pdf);
    return this.run("inspect", { pdf: copy, pages, secrets }, [copy]);
  }

  /** Starts a thread and loads PDFium in it. */
  async warm(): Promise<void> {
    await this.run("warm", {}, []);
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
