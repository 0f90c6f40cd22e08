/**
 * Resource limits checked on the raw bytes of a PDF before pdfjs parses it (issue 14: a 1 MB upload whose
 * content stream inflated to 1 GiB was "tagged" while the process grew by 1.8 GB). pdfjs inflates a
 * stream whole when a page needs it and has no bound of its own, so the bound has to come first:
 *
 * - every compressed stream is decoded here with a hard output cap, one stream at a time, counting
 *   decompressed bytes per stream and per document; nothing is kept. Flate alone (nearly every stream)
 *   goes through zlib's maxOutputLength; a chain with LZW, RunLength, ASCII85 or ASCIIHex (which can hide
 *   a Flate bomb behind a text encoding, or be a bomb themselves: LZW expands ~1000x, RunLength 64x)
 *   through pdf.js's decoders as pdf-lib ships them, read in 1 MiB steps until the cap. Image codecs
 *   (DCT, JPX, JBIG2, CCITT) are bounded by the pixel count instead;
 * - image XObjects' declared Width × Height;
 * - the number of objects (indirect objects plus those packed in object streams);
 * - the nesting depth of arrays and dictionaries (also inside object streams).
 *
 * The scan is a single pass over the bytes, independent of any parser, so a file built to confuse a
 * parser cannot hide a stream from it. Text length is checked while extracting (extract.ts). Every limit
 * is a setting (config.ts `pdfLimits`, documented in docs/security.md) and fails with PDF_LIMIT_EXCEEDED,
 * naming the limit and its setting.
 */
import zlib from "node:zlib";
import { bytes, int, type Env } from "../env";
// pdf.js's stream decoders, as pdf-lib (a dependency already) ships them; pdf-lib exports only the
// decode-it-all entry point, which has no cap, so the classes are imported from their files.
import Ascii85Stream from "pdf-lib/cjs/core/streams/Ascii85Stream";
import AsciiHexStream from "pdf-lib/cjs/core/streams/AsciiHexStream";
import FlateStream from "pdf-lib/cjs/core/streams/FlateStream";
import LZWStream from "pdf-lib/cjs/core/streams/LZWStream";
import RunLengthStream from "pdf-lib/cjs/core/streams/RunLengthStream";
import Stream, { type StreamType } from "pdf-lib/cjs/core/streams/Stream";
import { PdfError } from "./errors";

export interface PdfLimits {
  /** Decompressed bytes of one stream (PDF_MAX_STREAM_BYTES). */
  maxStreamBytes: number;
  /** Decompressed bytes of all streams of a document together (PDF_MAX_DECOMPRESSED_BYTES). */
  maxDocumentBytes: number;
  /** Width × height of one image (PDF_MAX_IMAGE_PIXELS). */
  maxImagePixels: number;
  /** Objects in the document (PDF_MAX_OBJECTS). */
  maxObjects: number;
  /** Nesting depth of arrays and dictionaries (PDF_MAX_NESTING). */
  maxNesting: number;
  /** Characters of extracted text in a document (PDF_MAX_TEXT_CHARS). */
  maxTextChars: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxStreamBytes: 100 * 1024 * 1024,
  maxDocumentBytes: 400 * 1024 * 1024,
  maxImagePixels: 100_000_000,
  maxObjects: 1_000_000,
  maxNesting: 100,
  maxTextChars: 20_000_000,
};

const SETTING: Record<keyof PdfLimits, string> = {
  maxStreamBytes: "PDF_MAX_STREAM_BYTES",
  maxDocumentBytes: "PDF_MAX_DECOMPRESSED_BYTES",
  maxImagePixels: "PDF_MAX_IMAGE_PIXELS",
  maxObjects: "PDF_MAX_OBJECTS",
  maxNesting: "PDF_MAX_NESTING",
  maxTextChars: "PDF_MAX_TEXT_CHARS",
};

/** The limits set by the environment (PDF_MAX_*), defaults for unset variables. Throws ConfigError. */
export function pdfLimitsFromEnv(env: Env): PdfLimits {
  const d = DEFAULT_PDF_LIMITS;
  return {
    maxStreamBytes: bytes(env, "PDF_MAX_STREAM_BYTES", d.maxStreamBytes),
    maxDocumentBytes: bytes(env, "PDF_MAX_DECOMPRESSED_BYTES", d.maxDocumentBytes),
    maxImagePixels: int(env, "PDF_MAX_IMAGE_PIXELS", d.maxImagePixels, 1, 2 ** 40),
    maxObjects: int(env, "PDF_MAX_OBJECTS", d.maxObjects, 1, 1e9),
    maxNesting: int(env, "PDF_MAX_NESTING", d.maxNesting, 2, 10_000),
    maxTextChars: int(env, "PDF_MAX_TEXT_CHARS", d.maxTextChars, 1, 1e10),
  };
}

let current: PdfLimits | undefined;

/**
 * The limits the engine applies, read once per thread. The engine reads them itself because it runs in
 * its own worker threads, which load no kernel; the kernel's config() reports the same values
 * (pdfLimitsFromEnv) and checks them at start-up.
 */
export function currentPdfLimits(): PdfLimits {
  current ??= pdfLimitsFromEnv(process.env);
  return current;
}

/** For tests (and the kernel's resetConfig) after changing the environment. */
export function resetPdfLimits(): void {
  current = undefined;
}

export function limitExceeded(limit: keyof PdfLimits, message: string, value: number, max: number): PdfError {
  return new PdfError("PDF_LIMIT_EXCEEDED", `${message} (limit ${SETTING[limit]}=${max})`, { reason: limit, limit: SETTING[limit], value, max });
}

const isWhite = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDelim = (c: number) => isWhite(c) || c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;

function startsWithAt(buf: Buffer, i: number, word: string): boolean {
  if (i + word.length > buf.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

interface ScanState {
  depth: number;
  maxDepth: number;
  objects: number;
}

/**
 * Walks PDF syntax (outside stream data), tracking the nesting of `[` and `<<`, and reports each stream
 * with the dictionary text right before it. Strings and comments are skipped so brackets inside them
 * do not count.
 */
function walk(buf: Buffer, limits: PdfLimits, state: ScanState, onStream?: (dict: string, data: Buffer) => void): void {
  let i = 0;
  let dictStart = -1;
  const n = buf.length;
  while (i < n) {
    const c = buf[i]!;
    if (c === 0x25) {
      // comment to end of line
      while (i < n && buf[i] !== 0x0a && buf[i] !== 0x0d) i++;
      continue;
    }
    if (c === 0x28) {
      // literal string, balanced parentheses, backslash escapes
      let nest = 1;
      i++;
      while (i < n && nest > 0) {
        const d = buf[i]!;
        if (d === 0x5c) i += 2;
        else {
          if (d === 0x28) nest++;
          else if (d === 0x29) nest--;
          i++;
        }
      }
      continue;
    }
    if (c === 0x3c && buf[i + 1] === 0x3c) {
      if (state.depth === 0) dictStart = i;
      state.depth++;
      i += 2;
    } else if (c === 0x3e && buf[i + 1] === 0x3e) {
      state.depth = Math.max(0, state.depth - 1);
      i += 2;
      continue;
    } else if (c === 0x3c) {
      // hex string
      while (i < n && buf[i] !== 0x3e) i++;
      i++;
      continue;
    } else if (c === 0x5b) {
      state.depth++;
      i++;
    } else if (c === 0x5d) {
      state.depth = Math.max(0, state.depth - 1);
      i++;
      continue;
    } else if (c === 0x6f && startsWithAt(buf, i, "obj") && (i + 3 >= n || isDelim(buf[i + 3]!)) && i > 0 && isWhite(buf[i - 1]!)) {
      state.objects++;
      // A new object starts: whatever nesting a broken previous object left behind does not carry over.
      state.depth = 0;
      i += 3;
      continue;
    } else if (c === 0x73 && startsWithAt(buf, i, "stream") && (i === 0 || isDelim(buf[i - 1]!)) && (buf[i + 6] === 0x0d || buf[i + 6] === 0x0a)) {
      let start = i + 6;
      if (buf[start] === 0x0d) start++;
      if (buf[start] === 0x0a) start++;
      const end = buf.indexOf("endstream", start, "latin1");
      const stop = end < 0 ? n : end;
      const dict = dictStart >= 0 && dictStart < i ? buf.toString("latin1", dictStart, i) : "";
      onStream?.(dict, buf.subarray(start, stop));
      dictStart = -1;
      i = end < 0 ? n : end + 9;
      continue;
    } else {
      i++;
      continue;
    }
    if (state.depth > state.maxDepth) state.maxDepth = state.depth;
    if (state.depth > limits.maxNesting) {
      throw limitExceeded("maxNesting", `The PDF nests arrays or dictionaries more than ${limits.maxNesting} levels deep`, state.depth, limits.maxNesting);
    }
  }
}

function filtersOf(dict: string): string[] {
  const m = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dict);
  if (!m) return [];
  return [...m[1]!.matchAll(/\/([A-Za-z0-9]+)/g)].map((x) => x[1]!);
}

function intOf(dict: string, key: string): number | undefined {
  const m = new RegExp(`/${key}\\s+(\\d+)(?![\\d.]|\\s+\\d+\\s+R)`).exec(dict);
  return m ? Number(m[1]) : undefined;
}

/** Inflates `data` with a hard cap; returns null for data that is not valid zlib (pdfjs will say so). */
function inflateCapped(data: Buffer, cap: number, onTooLarge: () => never): Buffer | null {
  try {
    return zlib.inflateSync(data, { maxOutputLength: Math.max(1, cap), finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") onTooLarge();
    // Damaged or not zlib at all (an encrypted stream, say): what pdfjs makes of it is bounded by its size.
    return null;
  }
}

const FLATE = new Set(["FlateDecode", "Fl"]);
/** Filters decoded by the scan; the first other filter (an image codec, Crypt) ends the chain. */
const DECODERS: Record<string, (s: StreamType, dict: string) => StreamType> = {
  FlateDecode: (s) => new FlateStream(s),
  Fl: (s) => new FlateStream(s),
  LZWDecode: (s, dict) => new LZWStream(s, undefined, /\/EarlyChange\s+0\b/.test(dict) ? 0 : 1),
  LZW: (s, dict) => new LZWStream(s, undefined, /\/EarlyChange\s+0\b/.test(dict) ? 0 : 1),
  ASCII85Decode: (s) => new Ascii85Stream(s),
  A85: (s) => new Ascii85Stream(s),
  ASCIIHexDecode: (s) => new AsciiHexStream(s),
  AHx: (s) => new AsciiHexStream(s),
  RunLengthDecode: (s) => new RunLengthStream(s),
  RL: (s) => new RunLengthStream(s),
};
const STEP = 1024 * 1024;

/**
 * Decodes a filter chain that is not Flate alone, reading at most `cap` bytes. Returns the decoded bytes
 * (kept only when `keep`: object streams are walked) and their count, or null for data the decoders
 * reject (damaged: pdfjs will judge it, bounded by its size).
 */
function decodeChainCapped(data: Buffer, filters: string[], dict: string, cap: number, keep: boolean, onTooLarge: () => never): { bytes: Buffer | null; size: number } | null {
  let size = 0;
  const chunks: Buffer[] = [];
  try {
    // Inside the try: FlateStream reads its header as it is built and throws on a damaged one.
    let s: StreamType = new Stream(data);
    for (const f of filters) {
      const make = DECODERS[f];
      if (!make) break;
      s = make(s, dict);
    }
    for (;;) {
      const b = s.getBytes(STEP);
      if (b.length === 0) break;
      size += b.length;
      if (size > cap) onTooLarge();
      if (keep) chunks.push(Buffer.from(b));
    }
  } catch (err) {
    if (err instanceof PdfError) throw err;
    return null;
  }
  return { bytes: keep ? Buffer.concat(chunks) : null, size };
}

/**
 * Checks the limits on a PDF's bytes. Throws PdfError PDF_LIMIT_EXCEEDED naming the limit; anything that
 * is merely damaged is left for pdfjs to judge.
 */
export function checkPdfLimits(bytes: Uint8Array, limits: PdfLimits = DEFAULT_PDF_LIMITS): { decompressedBytes: number; objects: number; maxDepth: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const state: ScanState = { depth: 0, maxDepth: 0, objects: 0 };
  let total = 0;
  walk(buf, limits, state, (dict, data) => {
    if (/\/Subtype\s*\/Image\b/.test(dict)) {
      const w = intOf(dict, "Width") ?? 0;
      const h = intOf(dict, "Height") ?? 0;
      if (w * h > limits.maxImagePixels) {
        throw limitExceeded("maxImagePixels", `The PDF has an image of ${w} × ${h} pixels`, w * h, limits.maxImagePixels);
      }
    }
    const filters = filtersOf(dict);
    if (!filters.length) return;
    const streamCap = limits.maxStreamBytes + 1;
    const docCap = limits.maxDocumentBytes - total + 1;
    const cap = Math.min(streamCap, docCap);
    const tooLarge = (): never => {
      if (cap === streamCap) throw limitExceeded("maxStreamBytes", `A stream of the PDF inflates to more than ${limits.maxStreamBytes} bytes`, cap, limits.maxStreamBytes);
      throw limitExceeded("maxDocumentBytes", `The PDF's streams inflate to more than ${limits.maxDocumentBytes} bytes together`, total + cap, limits.maxDocumentBytes);
    };
    const objStm = /\/Type\s*\/ObjStm\b/.test(dict);
    let current: Buffer | null = data;
    let size = data.length;
    if (filters.every((f) => FLATE.has(f))) {
      for (const _ of filters) {
        current = inflateCapped(current, cap, tooLarge);
        if (!current) return;
        size = current.length;
      }
    } else {
      if (!DECODERS[filters[0]!]) return; // an image codec or Crypt first: nothing the scan decodes
      const decoded = decodeChainCapped(data, filters, dict, cap, objStm, tooLarge);
      if (!decoded) return;
      current = decoded.bytes;
      size = decoded.size;
    }
    total += size;
    if (objStm && current) {
      state.objects += intOf(dict, "N") ?? 0;
      // Objects packed in an object stream nest too; walk them now so the decoded bytes are not kept.
      walk(current, limits, { depth: 0, maxDepth: 0, objects: 0 });
    }
    if (state.objects > limits.maxObjects) throw limitExceeded("maxObjects", `The PDF has more than ${limits.maxObjects} objects`, state.objects, limits.maxObjects);
  });
  if (state.objects > limits.maxObjects) throw limitExceeded("maxObjects", `The PDF has more than ${limits.maxObjects} objects`, state.objects, limits.maxObjects);
  return { decompressedBytes: total, objects: state.objects, maxDepth: state.maxDepth };
}
