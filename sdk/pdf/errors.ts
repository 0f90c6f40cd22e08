/**
 * Typed failures of the PDF engine. They are plain library errors (the engine knows nothing of Moleculer);
 * a service wraps them into its catalog error (see kernel/errors.ts) by branching on `code`. `status`
 * is the HTTP status we suggest for that wrapping: every one of these is the uploader's problem, not ours.
 *
 * They cross worker-thread boundaries as `{ __pdfError: ... }` records (structured clone drops custom
 * fields of Error objects), see `toTransferable` / `fromTransferable`.
 */

export type PdfErrorCode =
  /** A password is needed, or the one given is wrong. */
  | "PDF_ENCRYPTED"
  /** Not a PDF, truncated, or too damaged to read. */
  | "PDF_CORRUPT"
  /** The document has no pages. */
  | "PDF_EMPTY"
  /** More pages than the caller's `maxPages`. */
  | "PDF_TOO_MANY_PAGES"
  /** Over a resource limit (decompressed bytes, image pixels, objects, nesting, text): see limits.ts. */
  | "PDF_LIMIT_EXCEEDED"
  /** OCR asked for a language whose data we do not ship. */
  | "OCR_LANGUAGE_UNAVAILABLE";

export const PDF_ERROR_STATUS: Record<PdfErrorCode, number> = {
  PDF_ENCRYPTED: 422,
  PDF_CORRUPT: 422,
  PDF_EMPTY: 422,
  PDF_TOO_MANY_PAGES: 413,
  PDF_LIMIT_EXCEEDED: 413,
  OCR_LANGUAGE_UNAVAILABLE: 400,
};

export interface PdfErrorData {
  /** Finer reason, e.g. "not-pdf", "truncated", "password-required", "password-incorrect". */
  reason?: string;
  pageCount?: number;
  maxPages?: number;
  [key: string]: unknown;
}

export class PdfError extends Error {
  override readonly name = "PdfError";
  readonly code: PdfErrorCode;
  readonly status: number;
  readonly data: PdfErrorData;

  constructor(code: PdfErrorCode, message: string, data: PdfErrorData = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.status = PDF_ERROR_STATUS[code];
    this.data = data;
  }
}

/** True for a PdfError, also one rebuilt after crossing a thread (checks the shape, not the class). */
export function isPdfError(err: unknown): err is PdfError {
  return err instanceof Error && err.name === "PdfError" && typeof (err as PdfError).code === "string";
}

export interface TransferablePdfError {
  __pdfError: { code: PdfErrorCode; message: string; data: PdfErrorData };
}

export function toTransferable(err: PdfError): TransferablePdfError {
  return { __pdfError: { code: err.code, message: err.message, data: err.data } };
}

export function isTransferablePdfError(value: unknown): value is TransferablePdfError {
  return typeof value === "object" && value !== null && "__pdfError" in value;
}

export function fromTransferable(value: TransferablePdfError): PdfError {
  const { code, message, data } = value.__pdfError;
  return new PdfError(code, message, data);
}
