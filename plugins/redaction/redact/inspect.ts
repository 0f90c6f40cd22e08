/**
 * Verification's reader for what pdfjs's text layer and OCR do not see (run in the engine's threads):
 *  - with PDFium, per redacted page: glyphs still under an area (any text object, form XObjects included),
 *    image pixels under an area that are not painted (decoded image data, not the rendering, which the
 *    black box would hide), and paths under an area that are more than a rule or box crossing it;
 *  - with pdf-lib, every stream but images and embedded fonts decompressed (content streams of redacted
 *    pages, form XObjects, XMP, anything else) and every string object (metadata, annotations, names),
 *    searched for the redacted strings, also across the pieces of TJ arrays.
 * Counts only: never the strings found.
 */
import {
  PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFRef, PDFStream, PDFString, decodePDFRawStream,
} from "pdf-lib";
import { displayedToUserSpace } from "../../../services/lib/pdf/layout";
import type { Box } from "../../../services/lib/pdf/types";
import { countOccurrences, normalise } from "./geometry";
import { glyphsUnderPage, imageResidue, pathsUnderPage } from "./engine";
import type { Rect } from "./objects";
import { openDocument, viewBox, type Pdfium } from "./pdfium";

export interface InspectRequest {
  page: number;
  boxes: Box[];
}

export interface SecretCount {
  /** Normalised (lower case, no whitespace). */
  s: string;
  /** Copies that may legitimately remain (on redacted pages, outside every area). */
  allowed: number;
}

export interface PageInspection {
  page: number;
  glyphs: number;
  pixels: number;
  paths: number;
  images: number;
}

export interface Inspection {
  pages: PageInspection[];
  /** Redacted strings found in decompressed streams or string objects more often than allowed. */
  streamLeaks: number;
  streamsScanned: number;
}

export async function inspectDocument(P: Pdfium, pdf: Uint8Array, pages: readonly InspectRequest[], secrets: readonly SecretCount[]): Promise<Inspection> {
  const loaded = openDocument(P, pdf);
  if (typeof loaded === "string") throw Object.assign(new Error("The redacted output cannot be read back"), { code: "REDACTION_VERIFICATION_FAILED" });
  const out: PageInspection[] = [];
  try {
    for (const req of pages) {
      const page = P.FPDF_LoadPage(loaded.doc, req.page - 1);
      if (!page) {
        out.push({ page: req.page, glyphs: 1, pixels: 0, paths: 0, images: 0 });
        continue;
      }
      try {
        const view = viewBox(P, page);
        const rotation = ((P.FPDFPage_GetRotation(page) % 4) + 4) % 4 * 90;
        const rects: Rect[] = req.boxes.map((b) => {
          const u = displayedToUserSpace(b, view, rotation);
          return { l: u.x, b: u.y, r: u.x + u.width, t: u.y + u.height };
        });
        const img = imageResidue(P, page, rects);
        out.push({ page: req.page, glyphs: glyphsUnderPage(P, page, rects), pixels: img.unpainted, paths: pathsUnderPage(P, page, rects), images: img.images });
      } finally {
        P.FPDF_ClosePage(page);
      }
    }
  } finally {
    loaded.close();
  }
  const streams = await scanStreams(pdf, new Set(pages.map((p) => p.page)), secrets);
  return { pages: out, ...streams };
}

const SKIPPED_SUBTYPES = new Set(["Image", "Type1C", "CIDFontType0C", "OpenType"]);

/** The literal strings of a content stream joined per text object, so a TJ array's pieces meet again. */
export function literalText(content: string): string {
  let out = "";
  for (let i = 0; i < content.length; i++) {
    if (content[i] !== "(") continue;
    let depth = 1;
    let j = i + 1;
    let s = "";
    for (; j < content.length && depth > 0; j++) {
      const ch = content[j]!;
      if (ch === "\\") {
        const nx = content[++j] ?? "";
        if (/[0-7]/.test(nx)) {
          let oct = nx;
          while (oct.length < 3 && /[0-7]/.test(content[j + 1] ?? "")) oct += content[++j];
          s += String.fromCharCode(parseInt(oct, 8));
        } else s += ({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[nx] ?? nx;
        continue;
      }
      if (ch === "(") depth++;
      if (ch === ")" && --depth === 0) break;
      s += ch;
    }
    out += s;
    i = j;
  }
  return out;
}

async function scanStreams(pdf: Uint8Array, touched: Set<number>, secrets: readonly SecretCount[]): Promise<{ streamLeaks: number; streamsScanned: number }> {
  if (!secrets.length) return { streamLeaks: 0, streamsScanned: 0 };
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const ctx = doc.context;
  // Content of pages nobody redacted may hold an unreviewed copy of a string: not this check's business.
  const excluded = new Set<PDFRef>();
  const excludeXObjects = (res: unknown, depth: number) => {
    const r = res instanceof PDFRef ? ctx.lookup(res) : res;
    if (!(r instanceof PDFDict) || depth > 8) return;
    const xo = r.lookup(PDFName.of("XObject"));
    if (!(xo instanceof PDFDict)) return;
    for (const [, ref] of xo.entries()) {
      if (!(ref instanceof PDFRef) || excluded.has(ref)) continue;
      excluded.add(ref);
      const s = ctx.lookup(ref);
      if (s instanceof PDFStream) excludeXObjects(s.dict.get(PDFName.of("Resources")), depth + 1);
    }
  };
  doc.getPages().forEach((p, i) => {
    if (touched.has(i + 1)) return;
    const c = p.node.get(PDFName.of("Contents"));
    if (c instanceof PDFRef) excluded.add(c);
    const arr = c instanceof PDFRef ? ctx.lookup(c) : c;
    if (arr instanceof PDFArray) for (const x of arr.asArray()) if (x instanceof PDFRef) excluded.add(x);
    excludeXObjects(p.node.Resources(), 0);
  });
  // Each entry: alternative views of one object's text (a stream raw, and its literal strings joined).
  const hay: string[][] = [];
  let scanned = 0;
  const visitStrings = (obj: unknown, depth: number) => {
    if (depth > 32) return;
    if (obj instanceof PDFString || obj instanceof PDFHexString) hay.push([normalise(obj.decodeText())]);
    else if (obj instanceof PDFArray) obj.asArray().forEach((o) => visitStrings(o, depth + 1));
    else if (obj instanceof PDFDict) for (const [, v] of obj.entries()) visitStrings(v, depth + 1);
  };
  for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
    if (obj instanceof PDFRawStream) {
      visitStrings(obj.dict, 0);
      if (excluded.has(ref)) continue;
      const subtype = obj.dict.get(PDFName.of("Subtype"));
      if (subtype instanceof PDFName && SKIPPED_SUBTYPES.has(subtype.decodeText())) continue;
      if (["Length1", "Length2", "Length3"].some((k) => obj.dict.has(PDFName.of(k)))) continue;
      let text: string;
      try {
        text = Buffer.from(decodePDFRawStream(obj).decode()).toString("latin1");
      } catch {
        continue; // a filter pdf-lib cannot decode (DCT, JBIG2...): images, not text
      }
      scanned++;
      hay.push([normalise(text), normalise(literalText(text))]);
    } else {
      visitStrings(obj, 0);
    }
  }
  let leaks = 0;
  for (const { s, allowed } of secrets) {
    let n = 0;
    for (const views of hay) n += Math.max(...views.map((v) => countOccurrences(v, s)));
    if (n > allowed) leaks++;
  }
  return { streamLeaks: leaks, streamsScanned: scanned };
}
