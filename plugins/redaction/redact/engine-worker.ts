/**
 * The redaction engine's piscina worker (engine-pool.ts): PDFium is instantiated once per thread, on the
 * first task, and stays warm for every job after. Failures come back as records: structured clone keeps
 * only an Error's message.
 */
import { threadId } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { isPacked, unpack, type Packed } from "../../../sdk/compute/pieces";
import { reportingMemory } from "../../../sdk/memory-meter";
import { EngineError, redactDocument, type EngineOptions, type EnginePageRequest, type EngineResult } from "./engine";
import { finishDocument, type FinishInput, type StructureRemoved } from "./finish";
import { inspectDocument, type InspectRequest, type Inspection, type PageSecretCounts } from "./inspect";
import { hiddenWordsOf, type HiddenWords, type VisibilityPage } from "./visibility-render";
import { pdfium, pdfiumKeepMb, pdfiumMaxMb, pdfiumMemoryBytes, takeMemoryRefused } from "./pdfium";

/** `recycle`: this thread's id, when it should be replaced after answering (engine-pool.ts). */
export type EngineOutcome<T> = ({ ok: true; value: T } | { ok: false; error: { type: string; message: string } }) & { recycle?: number };

/** Set when the thread's PDFium is unusable (it aborted) or holds more memory than PDFIUM_KEEP_MB. */
let spent = false;

/** `{ recycle }` when this thread should be replaced: its PDFium aborted or kept too much memory. */
function recycleMark(): { recycle?: number } {
  return spent || pdfiumMemoryBytes() > pdfiumKeepMb() * 1024 * 1024 ? { recycle: threadId } : {};
}

/**
 * PDFium ran out of the memory it may have (PDFIUM_MAX_MB refused a grow: it then fails the allocation
 * or aborts), or a bitmap too large for the engine was asked for. After an Emscripten abort the module
 * cannot be used again, so the thread is spent either way.
 */
function outOfMemory(err: unknown): boolean {
  const e = err as Error;
  const refused = takeMemoryRefused();
  if (refused || e instanceof WebAssembly.RuntimeError || /^Aborted\(|out of memory|could not allocate/i.test(e?.message ?? "")) {
    spent = true;
    return refused || /out of memory|OOM|could not allocate|Cannot enlarge|grow/i.test(e?.message ?? "");
  }
  return false;
}

function memoryLimit(): EngineOutcome<never> {
  spent = true;
  const max = pdfiumMaxMb();
  return {
    ok: false,
    error: { type: "PDF_LIMIT_EXCEEDED", message: `Redacting the PDF needed more than ${max} MB of PDFium memory (limit PDFIUM_MAX_MB=${max})` },
    ...recycleMark(),
  };
}

/** The task's slot of its job's memory meter (sdk/memory-meter.ts), when the pool gave it one. */
function meterIn(task: object): Int32Array | undefined {
  const m = (task as { meter?: unknown }).meter;
  return m instanceof Int32Array ? m : undefined;
}

async function settle<T>(fn: () => Promise<T>, meter?: Int32Array): Promise<EngineOutcome<T>> {
  takeMemoryRefused();
  try {
    const value = await reportingMemory(meter, fn);
    // PDFium may survive a refused allocation by leaving something out: such a result is not trusted.
    if (takeMemoryRefused()) return memoryLimit();
    return { ok: true, value };
  } catch (err) {
    if (outOfMemory(err)) return memoryLimit();
    if (err instanceof EngineError) return { ok: false, error: { type: err.code, message: err.message }, ...recycleMark() };
    // PDFium aborted for another reason: the document broke it, and this thread's module with it.
    if (spent) return { ok: false, error: { type: "PDF_CORRUPT", message: "PDFium could not process the PDF" }, ...recycleMark() };
    // pdf-lib's parse errors: the document is damaged beyond what PDFium repaired.
    const e = err as Error;
    if (/PDF|parse|Invalid|Expected/i.test(e?.constructor?.name ?? "") || /Failed to parse|Invalid object|expected/i.test(e?.message ?? "")) {
      return { ok: false, error: { type: "PDF_CORRUPT", message: "The PDF is damaged: it could not be rewritten after redaction" }, ...recycleMark() };
    }
    throw err;
  }
}

function withTransfer<T>(value: T, buffers: ArrayBuffer[]): T {
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value } as never) as T;
}

function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

export async function redact(task: { pdf: Uint8Array; pages: EnginePageRequest[]; opts: EngineOptions }): Promise<EngineOutcome<EngineResult>> {
  const out = await settle(async () => redactDocument(await pdfium(), task.pdf, task.pages, task.opts), meterIn(task));
  if (!out.ok) return out;
  const v = out.value;
  const value: EngineResult = {
    ...v,
    pdf: own(v.pdf),
    raster: v.raster.map((r) => ({ ...r, jpeg: own(r.jpeg) })),
    renders: v.renders.map((r) => ({ ...r, png: own(r.png) })),
    painted: v.painted.map((p) => ({ ...p, flate: own(p.flate) })),
  };
  const buffers = [value.pdf, ...value.raster.map((r) => r.jpeg), ...value.renders.map((r) => r.png), ...value.painted.map((p) => p.flate)]
    .map((b) => b.buffer as ArrayBuffer);
  return withTransfer({ ok: true, value, ...recycleMark() }, buffers);
}

export async function finish(task: FinishInput): Promise<EngineOutcome<{ pdf: Uint8Array; removed: StructureRemoved }>> {
  const out = await settle(() => finishDocument(task), meterIn(task));
  if (!out.ok) return out;
  const pdf = own(out.value.pdf);
  return withTransfer({ ok: true, value: { ...out.value, pdf }, ...recycleMark() }, [pdf.buffer as ArrayBuffer]);
}

export async function inspect(task: { pdf: Uint8Array; pages: InspectRequest[]; secrets: PageSecretCounts[] }): Promise<EngineOutcome<Inspection>> {
  const out = await settle(async () => inspectDocument(await pdfium(), task.pdf, task.pages, task.secrets), meterIn(task));
  if (!out.ok) return out;
  const crops = out.value.crops.map((c) => ({ ...c, png: own(c.png) }));
  return withTransfer({ ok: true, value: { ...out.value, crops }, ...recycleMark() }, crops.map((c) => c.png.buffer as ArrayBuffer));
}

/** Detection's hidden-text check: which words each text page's rendering does not show (visibility-render.ts). */
export async function hidden(task: { pdf: Uint8Array; pages: VisibilityPage[] | Packed; dpi: number; password?: string }): Promise<EngineOutcome<HiddenWords[]>> {
  return settle(async () => {
    const pages = isPacked(task.pages) ? await unpack<VisibilityPage>(task.pages, false) : task.pages;
    return hiddenWordsOf(await pdfium(), task.pdf, pages, task.dpi, task.password);
  }, meterIn(task));
}

/** Loads PDFium now (a worker process calls this at start so the first job finds it warm). */
export async function warm(): Promise<EngineOutcome<boolean>> {
  return settle(async () => !!(await pdfium()));
}
