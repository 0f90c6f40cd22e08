/**
 * PDFium (the `@embedpdf/pdfium` WebAssembly build, MIT) for the redaction engine: the module is loaded
 * once per thread and kept warm (about 150 ms to instantiate, far more than redacting a page), plus the
 * few memory helpers the C API needs. Nothing here knows about redaction.
 *
 * Pointers are numbers into the module's heap; every allocation is freed by the function that made it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { init, type WrappedPdfiumModule } from "@embedpdf/pdfium";
import { intSetting } from "../../../sdk/env";

export type Pdfium = WrappedPdfiumModule;

let loading: Promise<Pdfium> | undefined;
let memory: WebAssembly.Memory | undefined;
/** Set when PDFium asked for memory over PDFIUM_MAX_MB since the last resetMemoryFlag(). */
let refused = false;

const MiB = 1024 * 1024;

/** PDFIUM_MAX_MB: the most WebAssembly memory one thread's PDFium may grow to (default 1536, at most 2047). */
export function pdfiumMaxMb(env: NodeJS.ProcessEnv = process.env): number {
  return intSetting(env, "PDFIUM_MAX_MB", 1536, 64, 2047);
}

/** PDFIUM_KEEP_MB: a thread whose PDFium memory grew past this is replaced after its task (default 512). */
export function pdfiumKeepMb(env: NodeJS.ProcessEnv = process.env): number {
  return intSetting(env, "PDFIUM_KEEP_MB", 512, 16);
}

/**
 * Caps the module's memory: the wasm file declares up to 2 GB and Emscripten grows it on demand, so one
 * page can take it all. Growth past `maxBytes` is refused the way the engine refuses a failed grow (it
 * throws; Emscripten's resize then reports failure and malloc returns NULL), PDFium fails that
 * allocation, and the task ends with PDF_LIMIT_EXCEEDED (engine-worker.ts), its thread replaced.
 */
function capMemory(mem: WebAssembly.Memory, maxBytes: number): void {
  const grow = mem.grow.bind(mem);
  Object.defineProperty(mem, "grow", {
    value: (pages: number) => {
      if (mem.buffer.byteLength + pages * 65536 > maxBytes) {
        refused = true;
        throw new RangeError(`PDFium memory is capped at ${maxBytes} bytes (PDFIUM_MAX_MB)`);
      }
      return grow(pages);
    },
  });
}

/** The thread's PDFium, instantiated on first use. */
export function pdfium(): Promise<Pdfium> {
  loading ??= (async () => {
    const req = createRequire(__filename);
    const wasm = readFileSync(req.resolve("@embedpdf/pdfium/pdfium.wasm"));
    const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    // Emscripten prints every refused grow on stderr; the task's error says it once, without the noise.
    const printErr = (line: string) => {
      if (!/grow (the )?heap|enlarge memory|growMemory/i.test(line)) console.error(line);
    };
    const P = await init({ wasmBinary, printErr } as never);
    memory = (P.pdfium.wasmExports as unknown as { memory: WebAssembly.Memory }).memory;
    capMemory(memory, pdfiumMaxMb() * MiB);
    P.PDFiumExt_Init();
    return P;
  })();
  return loading;
}

/** Bytes of the thread's PDFium memory now (0 before it is loaded); it never shrinks. */
export function pdfiumMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/** True when a grow over PDFIUM_MAX_MB was refused since the last call (and clears the flag). */
export function takeMemoryRefused(): boolean {
  const r = refused;
  refused = false;
  return r;
}

interface Heap {
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  HEAPF64: Float64Array;
}

/** The heap views, read on every access: they are replaced when the wasm memory grows. */
export function heap(P: Pdfium): Heap {
  return P.pdfium as unknown as Heap;
}

export function malloc(P: Pdfium, size: number): number {
  const p = P.pdfium.wasmExports.malloc(size);
  if (!p) throw new Error("PDFium is out of memory");
  return p;
}

export function free(P: Pdfium, ptr: number): void {
  if (ptr) P.pdfium.wasmExports.free(ptr);
}

/** Runs `fn` with `size` bytes of scratch memory. */
export function withScratch<T>(P: Pdfium, size: number, fn: (ptr: number) => T): T {
  const ptr = malloc(P, size);
  try {
    return fn(ptr);
  } finally {
    free(P, ptr);
  }
}

// Plain loops: these run once per glyph, and Array.from with a callback cost more than the wasm call.
export function floats(P: Pdfium, ptr: number, n: number): number[] {
  const f = heap(P).HEAPF32;
  const out = new Array<number>(n);
  for (let i = 0, k = ptr >> 2; i < n; i++) out[i] = f[k + i]!;
  return out;
}

export function doubles(P: Pdfium, ptr: number, n: number): number[] {
  const f = heap(P).HEAPF64;
  const out = new Array<number>(n);
  for (let i = 0, k = ptr >> 3; i < n; i++) out[i] = f[k + i]!;
  return out;
}

export interface LoadedDoc {
  doc: number;
  close(): void;
}

export type OpenFailure = "password" | "corrupt";

/** Opens a document from bytes (copied into the heap, which must outlive the document). */
export function openDocument(P: Pdfium, bytes: Uint8Array, password = ""): LoadedDoc | OpenFailure {
  const buf = malloc(P, bytes.length);
  heap(P).HEAPU8.set(bytes, buf);
  const doc = P.FPDF_LoadMemDocument(buf, bytes.length, password);
  if (!doc) {
    const err = P.FPDF_GetLastError();
    free(P, buf);
    // FPDF_ERR_PASSWORD = 4, FPDF_ERR_SECURITY = 5
    return err === 4 || err === 5 ? "password" : "corrupt";
  }
  let open = true;
  return {
    doc,
    close() {
      if (!open) return;
      open = false;
      P.FPDF_CloseDocument(doc);
      free(P, buf);
    },
  };
}

/** Saves the whole document (not incrementally) and returns its bytes. */
export function saveDocument(P: Pdfium, doc: number): Uint8Array {
  const writer = P.PDFiumExt_OpenFileWriter();
  try {
    if (!P.PDFiumExt_SaveAsCopy(doc, writer)) throw new Error("PDFium could not save the document");
    const size = P.PDFiumExt_GetFileWriterSize(writer);
    return withScratch(P, size, (out) => {
      P.PDFiumExt_GetFileWriterData(writer, out, size);
      return heap(P).HEAPU8.slice(out, out + size);
    });
  } finally {
    P.PDFiumExt_CloseFileWriter(writer);
  }
}

/** A page box [left, bottom, right, top] in user space, or null when the page has none of that name. */
export function pageBox(P: Pdfium, page: number, kind: "MediaBox" | "CropBox"): [number, number, number, number] | null {
  return withScratch(P, 16, (p) => {
    const fn = kind === "MediaBox" ? P.FPDFPage_GetMediaBox : P.FPDFPage_GetCropBox;
    if (!fn(page, p, p + 4, p + 8, p + 12)) return null;
    const [l, b, r, t] = floats(P, p, 4) as [number, number, number, number];
    return [Math.min(l, r), Math.min(b, t), Math.max(l, r), Math.max(b, t)];
  });
}

/**
 * The page's view box as pdfjs computes it (CropBox clipped to the MediaBox, else the MediaBox), so
 * that displayed-page coordinates from the PDF engine map back onto the same user space.
 */
export function viewBox(P: Pdfium, page: number): [number, number, number, number] {
  const media = pageBox(P, page, "MediaBox") ?? [0, 0, 612, 792];
  const crop = pageBox(P, page, "CropBox");
  if (!crop) return media;
  const v: [number, number, number, number] = [
    Math.max(crop[0], media[0]), Math.max(crop[1], media[1]), Math.min(crop[2], media[2]), Math.min(crop[3], media[3]),
  ];
  return v[2] > v[0] && v[3] > v[1] ? v : media;
}

/** Bounds [left, bottom, right, top] of a page object in page user space. */
export function objectBounds(P: Pdfium, obj: number): [number, number, number, number] | null {
  return withScratch(P, 16, (p) => {
    if (!P.FPDFPageObj_GetBounds(obj, p, p + 4, p + 8, p + 12)) return null;
    return floats(P, p, 4) as [number, number, number, number];
  });
}

/** The object's matrix [a b c d e f]. */
export function objectMatrix(P: Pdfium, obj: number): [number, number, number, number, number, number] | null {
  return withScratch(P, 24, (p) => {
    if (!P.FPDFPageObj_GetMatrix(obj, p)) return null;
    return floats(P, p, 6) as [number, number, number, number, number, number];
  });
}

/** Page object types of fpdf_edit.h. */
export const OBJ = { TEXT: 1, PATH: 2, IMAGE: 3, SHADING: 4, FORM: 5 } as const;
