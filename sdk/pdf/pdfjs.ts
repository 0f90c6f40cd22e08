/**
 * Loading pdfjs-dist (ESM only) from our CommonJS code, and opening documents with the engine's settings.
 *
 * In Node, pdfjs runs its "worker" in the calling thread (a fake worker that imports pdf.worker.mjs), so
 * no worker file is configured; our own parallelism comes from the piscina pool (pool.ts).
 */
import path from "node:path";
import { PdfError } from "./errors";
import { checkPdfLimits, currentPdfLimits } from "./limits";

type PdfjsModule = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
export type PdfDocument = Awaited<ReturnType<PdfjsModule["getDocument"]>["promise"]>;
export type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

let pdfjsPromise: Promise<PdfjsModule> | undefined;

/** The pdfjs module, imported once per thread. Only works outside jest's module system (see pool.ts). */
export function loadPdfjs(): Promise<PdfjsModule> {
  pdfjsPromise ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjsPromise;
}

/** Folder of the installed pdfjs-dist package, with a trailing slash as pdfjs's factory URLs require. */
function pdfjsDataDir(sub: string): string {
  const pkg = path.dirname(require.resolve("pdfjs-dist/package.json"));
  return path.join(pkg, sub) + path.sep;
}

const PDF_HEADER = Buffer.from("%PDF-");
const PDF_EOF = Buffer.from("%%EOF");
/** Readers (Acrobat included) accept the end marker within this distance of the end. */
const EDGE_TOLERANCE = 1024;

/**
 * Cheap structural checks before pdfjs: pdfjs repairs almost anything, which is right for slightly broken
 * files but would turn a truncated upload into a silently shorter document.
 */
export function checkEnvelope(bytes: Uint8Array): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The header at offset 0, as the upload checks require (a GIF/PDF polyglot is refused).
  if (!buf.subarray(0, PDF_HEADER.length).equals(PDF_HEADER)) {
    throw new PdfError("PDF_CORRUPT", "The file is not a PDF (it does not start with %PDF-)", { reason: "not-pdf" });
  }
  if (buf.subarray(Math.max(0, buf.length - EDGE_TOLERANCE)).indexOf(PDF_EOF) < 0) {
    throw new PdfError("PDF_CORRUPT", "The PDF is truncated (no %%EOF marker at its end)", { reason: "truncated" });
  }
}

/** Turns whatever pdfjs threw into a PdfError (anything but a password problem means a damaged file). */
export function classifyPdfjsError(err: unknown): PdfError {
  if (err instanceof PdfError) return err;
  const e = err as { name?: string; code?: number; message?: string };
  if (e?.name === "PasswordException") {
    // pdfjs PasswordResponses: 1 = NEED_PASSWORD, 2 = INCORRECT_PASSWORD.
    const incorrect = e.code === 2;
    return new PdfError(
      "PDF_ENCRYPTED",
      incorrect ? "The password given for the PDF is incorrect" : "The PDF is encrypted and needs a password",
      { reason: incorrect ? "password-incorrect" : "password-required" },
      err,
    );
  }
  const reason = e?.name === "InvalidPDFException" ? "invalid" : "unreadable";
  return new PdfError("PDF_CORRUPT", `The PDF could not be read: ${e?.message ?? String(err)}`, { reason }, err);
}

export interface OpenOptions {
  password?: string;
}

/**
 * Opens a document. The bytes are copied first: pdfjs may detach the buffer it is given, and the caller
 * still owns theirs. Throws PdfError (PDF_CORRUPT, PDF_ENCRYPTED, PDF_EMPTY).
 */
export async function openDocument(bytes: Uint8Array, opts: OpenOptions = {}): Promise<OpenDocument> {
  checkEnvelope(bytes);
  const limits = currentPdfLimits();
  // Before pdfjs: it inflates streams whole and without a bound (issue 14's decompression bomb).
  checkPdfLimits(bytes, limits);
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    password: opts.password,
    // Non-embedded standard fonts (Helvetica, Times...) need pdfjs's own font files to render and measure.
    standardFontDataUrl: pdfjsDataDir("standard_fonts"),
    cMapUrl: pdfjsDataDir("cmaps"),
    cMapPacked: true,
    wasmUrl: pdfjsDataDir("wasm"),
    iccUrl: pdfjsDataDir("iccs"),
    enableXfa: false,
    // Images over the pixel limit are not decoded (the raw scan refuses declared sizes; this catches the rest).
    maxImageSize: limits.maxImagePixels,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw classifyPdfjsError(err);
  }
  const close = () => task.destroy().catch(() => undefined);
  if (doc.numPages === 0) {
    await close();
    throw new PdfError("PDF_EMPTY", "The PDF has no pages", { pageCount: 0 });
  }
  return { doc, close };
}

export interface OpenDocument {
  doc: PdfDocument;
  /** Releases the document and pdfjs's in-thread worker state. */
  close(): Promise<unknown>;
}

/** Runs `fn` on an open document and always releases it. */
export async function withDocument<T>(
  bytes: Uint8Array,
  opts: OpenOptions,
  fn: (doc: PdfDocument) => Promise<T>,
): Promise<T> {
  const { doc, close } = await openDocument(bytes, opts);
  try {
    return await fn(doc);
  } catch (err) {
    // Our own mistakes stay what they are; anything pdfjs throws while reading pages is a damaged file.
    if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) throw err;
    throw classifyPdfjsError(err);
  } finally {
    await close();
  }
}

/** The /Rotate of a page normalised to 0, 90, 180 or 270. */
export function normaliseRotation(rotate: number): number {
  return (((Math.round(rotate / 90) * 90) % 360) + 360) % 360;
}
