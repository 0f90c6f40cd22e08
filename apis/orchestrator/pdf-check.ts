/**
 * The cheap, synchronous checks `POST /v1/jobs` does on an upload, so that a file that cannot be read
 * answers 400 at once (as the vendor documents) instead of a job that fails later: the PDF envelope
 * (header, end marker) and encryption (an /Encrypt entry in a trailer or cross-reference stream).
 * Streamed: only the head, the tail and a small overlap are kept in memory. Deeper damage is found by
 * detection and fails the job with PDF_CORRUPT.
 */
import type { Readable } from "node:stream";
import { DocmillClientError } from "../../kernel/errors";

const EDGE = 1024;
const ENCRYPT = Buffer.from("/Encrypt");

export interface PdfScan {
  header: boolean;
  eof: boolean;
  encrypted: boolean;
  size: number;
}

export async function scanPdf(stream: Readable): Promise<PdfScan> {
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let encrypted = false;
  let size = 0;
  for await (const c of stream) {
    const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
    size += chunk.length;
    if (head.length < EDGE) head = Buffer.concat([head, chunk.subarray(0, EDGE - head.length)]);
    // The overlap keeps a token split across two chunks findable.
    const window = Buffer.concat([tail.subarray(Math.max(0, tail.length - ENCRYPT.length)), chunk]);
    if (!encrypted && window.indexOf(ENCRYPT) >= 0) encrypted = true;
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > EDGE) tail = tail.subarray(tail.length - EDGE);
  }
  // At offset 0 (docs/security.md): a file that is something else first (a GIF/PDF polyglot) is refused.
  return { header: head.subarray(0, 5).toString("latin1") === "%PDF-", eof: tail.indexOf("%%EOF") >= 0, encrypted, size };
}

/** Throws the 400 the orchestrator answers for an unreadable or encrypted upload (field `file`). */
export function assertReadablePdf(scan: PdfScan): void {
  if (!scan.header) throw fileError("PDF_INVALID", "The uploaded file is not a PDF.");
  if (!scan.eof) throw fileError("PDF_INVALID", "The uploaded PDF is truncated (no %%EOF marker at its end).");
  if (scan.encrypted) throw fileError("PDF_ENCRYPTED", "The PDF is encrypted; upload it without a password.");
}

function fileError(type: "PDF_INVALID" | "PDF_ENCRYPTED", message: string): DocmillClientError {
  return new DocmillClientError(type, message, { fields: [{ field: "file", message, kind: "file" }] });
}

/** For the unsupported-type refusal of storage (a PNG named .pdf): the same 400 on `file`. */
export function notAPdf(message: string): DocmillClientError {
  return fileError("PDF_INVALID", message);
}
