/**
 * What the pdf-lib readers of a page's content stream (actual-text.ts: ActualText spans; scan-dpi.ts: the
 * pictures drawn) share: the PDF's byte classes, and loading the document once and handing each page's
 * content, its streams joined, to the reader.
 */
import { PDFArray, PDFDocument, type PDFPageLeaf, PDFRawStream, PDFRef, decodePDFRawStream } from "pdf-lib";

/** PDF 32000-1 §7.2.2: white-space and delimiter characters. */
export const isWhite = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
export const isDelim = (c: number) => c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;

/** A stream's decoded bytes, or null when `obj` (a reference or the stream itself) is no stream. */
export function streamBytes(doc: PDFDocument, obj: unknown): Uint8Array | null {
  const s = obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
  if (!(s instanceof PDFRawStream)) return null;
  return decodePDFRawStream(s).decode();
}

/**
 * Loads `pdf` once, on first use, and answers for any page (1-based) what `read` makes of its content
 * (null when the page has no /Contents). Null without calling `read` for an encrypted or unreadable
 * document, a page out of range or a content part that is no stream; null too when `read` throws.
 */
export function pageContentReader<T>(
  pdf: Uint8Array,
  read: (doc: PDFDocument, page: PDFPageLeaf, content: Uint8Array | null) => T | null,
): (pageNumber: number) => Promise<T | null> {
  let loaded: Promise<PDFDocument | null> | undefined;
  return async (pageNumber) => {
    loaded ??= PDFDocument.load(pdf, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false }).catch(() => null);
    const doc = await loaded;
    if (!doc || doc.isEncrypted || pageNumber < 1 || pageNumber > doc.getPageCount()) return null;
    try {
      const page = doc.getPage(pageNumber - 1).node;
      const contents = page.Contents();
      if (!contents) return read(doc, page, null);
      const parts: Uint8Array[] = [];
      for (const s of contents instanceof PDFArray ? contents.asArray() : [contents]) {
        const bytes = streamBytes(doc, s);
        if (!bytes) return null;
        parts.push(bytes);
      }
      // Streams of one page are one content: a token may not span two, but whitespace between is allowed.
      return read(doc, page, Buffer.concat(parts.flatMap((p) => [p, Buffer.from("\n")])));
    } catch {
      return null;
    }
  };
}
