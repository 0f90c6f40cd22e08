/**
 * Typed failures of the PDF engine. They are plain library errors (the engine knows nothing of Moleculer);
 * a service wraps them into its catalog error (see kernel/errors.ts) by branching on `code`. `status`
 * is the HTTP status we suggest for that wrapping: every one of these is the uploader's problem, not ours.
 *
 * They cross worker-thread boundaries as `{ __pdfError: ... }` records (structured clone drops custom
 * fields of Error objects), see `toTransferable` / `fromTransferable`.
 */
import { defineErrorCodes, type ErrorCode } from "../error-codes";

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

/**
 * The engine's codes in the error catalog (docs/errors.md): status, message, fix. Both public APIs answer
 * an unreadable upload with 400, never 422; test/unit/kernel/error-catalog.test.ts keeps each status equal
 * to the catalog entry the tag generator API maps the code to.
 */
export const PDF_ERRORS = defineErrorCodes<PdfErrorCode>({
  PDF_ENCRYPTED: { status: 400, message: "The PDF is encrypted (a password is needed, or the one given is wrong)", fix: "Upload the PDF without a password (print it to PDF or remove the protection first)" },
  PDF_CORRUPT: { status: 400, message: "The file is not a PDF, is truncated, or is too damaged to read", fix: "Check that the file is a complete PDF (it opens in a PDF viewer) and upload it again" },
  PDF_EMPTY: { status: 400, message: "The PDF has no pages", fix: "Upload a PDF that has at least one page" },
  PDF_TOO_MANY_PAGES: { status: 400, message: "The PDF has more pages than the request allows", fix: "Split the document, or ask for fewer pages where the API has a page option" },
  PDF_LIMIT_EXCEEDED: { status: 413, message: "The PDF is over a resource limit (decompressed bytes, image pixels, objects, nesting or text)", fix: "Upload a smaller or simpler PDF; an operator can raise the PDF_MAX_* limits (docs/pdf-engine.md)" },
  OCR_LANGUAGE_UNAVAILABLE: { status: 400, message: "OCR was asked for a language whose data is not installed", fix: "Ask for an installed OCR language (docs/pdf-engine.md lists them); an operator can install more tesseract data" },
});

/** The status the public APIs answer with for each code (PDF_ERRORS' statuses). */
export const PDF_ERROR_STATUS: Readonly<Record<PdfErrorCode, number>> = Object.fromEntries(
  Object.entries(PDF_ERRORS).map(([c, e]) => [c, (e as ErrorCode).status]),
) as Record<PdfErrorCode, number>;

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
