/**
 * Content type from the first bytes of a file, never from its name or the client's claim. Pure.
 */

/**
 * How many leading bytes `sniff` looks at. PDF readers accept the header anywhere in the first 1 KiB, but
 * we require it at offset 0: bytes before it are how polyglots (a GIF that is also a PDF) get past
 * type checks, and no PDF writer puts anything there (docs/security.md).
 */
export const SNIFF_BYTES = 1024;

const SIGNATURES: Array<{ type: string; bytes: number[]; offset?: number }> = [
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { type: "image/gif", bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: "image/tiff", bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: "image/tiff", bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { type: "application/zip", bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: "application/gzip", bytes: [0x1f, 0x8b] },
];

const PDF = Buffer.from("%PDF-");

function isText(head: Buffer): boolean {
  if (head.length === 0) return false;
  if (head.includes(0)) return false;
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes before checking.
  for (let cut = 0; cut <= Math.min(3, head.length - 1); cut++) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try a shorter sample
    }
  }
  return false;
}

/** Detected content type of a file from its first bytes (give at least SNIFF_BYTES when available). */
export function sniff(head: Buffer): string {
  if (head.subarray(0, PDF.length).equals(PDF)) return "application/pdf";
  for (const s of SIGNATURES) {
    const off = s.offset ?? 0;
    if (head.length >= off + s.bytes.length && s.bytes.every((b, i) => head[off + i] === b)) return s.type;
  }
  if (isText(head.subarray(0, SNIFF_BYTES))) {
    const t = head.subarray(0, SNIFF_BYTES).toString("utf8").trimStart();
    if (t.startsWith("{") || t.startsWith("[")) return "application/json";
    return "text/plain";
  }
  return "application/octet-stream";
}

/** True when `detected` satisfies one of the accepted types (`text/*`, `*\/*` wildcards; JSON counts as text). */
export function accepted(detected: string, expect: readonly string[]): boolean {
  if (expect.length === 0) return true;
  return expect.some((e) => {
    if (e === "*/*" || e === detected) return true;
    if (e.endsWith("/*")) return detected.startsWith(e.slice(0, -1)) || (e === "text/*" && detected === "application/json");
    if (e === "text/plain" && detected === "application/json") return true;
    return false;
  });
}

/** A sentence for a refused file: names what it is and what was expected. */
export function refusalMessage(detected: string, expect: readonly string[], filename?: string): string {
  const what = filename ? `"${filename}"` : "The file";
  if (expect.length === 1 && expect[0] === "application/pdf") {
    return `${what} is not a PDF: its content does not start with %PDF- (detected ${detected})`;
  }
  return `${what} has content type ${detected}; expected ${expect.join(" or ")}`;
}
