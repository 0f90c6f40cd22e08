/**
 * Verification's readers of the output (run in the engine's threads):
 *  - with PDFium, per redacted page: the redacted strings in its text layer (exact), glyphs still under an area (any text object, form XObjects included),
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
import { structureOf } from "./structure";
import { displayedToUserSpace } from "../../../sdk/pdf/layout";
import type { Box } from "../../../sdk";
import { countOccurrences, normalise } from "./geometry";
import { glyphsUnderPage, imageResidue, pageText, pathsUnderPage } from "./engine";
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
  /** Distinct redacted strings in the page's text layer more often than allowed. */
  textLeaks: number;
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
  /** Catalog and page entries that must not be in a redacted document (structure.ts). */
  structureProblems: string[];
}

export async function inspectDocument(P: Pdfium, pdf: Uint8Array, pages: readonly InspectRequest[], secrets: readonly PageSecretCounts[]): Promise<Inspection> {
  const loaded = openDocument(P, pdf);
  if (typeof loaded === "string") throw Object.assign(new Error("The redacted output cannot be read back"), { code: "REDACTION_VERIFICATION_FAILED" });
  const out: PageInspection[] = [];
  const mine = new Map(secrets.map((p) => [p.page, p.secrets]));
  try {
    for (const req of pages) {
      const page = P.FPDF_LoadPage(loaded.doc, req.page - 1);
      if (!page) {
        out.push({ page: req.page, textLeaks: 1, glyphs: 1, pixels: 0, paths: 0, images: 0 });
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
        const text = normalise(pageText(P, page));
        const textLeaks = (mine.get(req.page) ?? []).filter(({ s, allowed }) => countOccurrences(text, s) > allowed).length;
        out.push({ page: req.page, textLeaks, glyphs: glyphsUnderPage(P, page, rects), pixels: img.unpainted, paths: pathsUnderPage(P, page, rects), images: img.images });
      } finally {
        P.FPDF_ClosePage(page);
      }
    }
  } finally {
    loaded.close();
  }
  // One pdf-lib parse for the stream scan and the structure check, on this engine thread.
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const streams = scanStreams(doc, secrets);
  return { pages: out, ...streams, structureProblems: structureOf(doc) };
}

const SKIPPED_SUBTYPES = new Set(["Image", "Type1C", "CIDFontType0C", "OpenType"]);

/**
 * The strings of a content stream, literal `(...)` and hex `<...>` (PDFium writes hex), decoded as single
 * bytes and joined in order, so the pieces of a TJ array meet again. Operators and numbers are left out:
 * with whitespace removed they run together into digit strings that match any phone-number fragment.
 * Two-byte (CID) codes decode to noise, which matches nothing; pdfjs's text layer covers those fonts.
 */
export function stringText(content: string): string {
  let out = "";
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (c === "<") {
      if (content[i + 1] === "<") {
        i++;
        continue;
      }
      const end = content.indexOf(">", i);
      if (end < 0) break;
      const hex = content.slice(i + 1, end).replace(/[^0-9a-fA-F]/g, "");
      for (let k = 0; k + 1 < hex.length + 1; k += 2) out += String.fromCharCode(parseInt((hex.slice(k, k + 2) + "0").slice(0, 2), 16));
      i = end;
      continue;
    }
    if (c === "%") {
      // A comment runs to the end of the line.
      const nl = content.slice(i).search(/[\r\n]/);
      if (nl < 0) break;
      i += nl;
      continue;
    }
    if (c !== "(") continue;
    let depth = 1;
    let j = i + 1;
    let str = "";
    for (; j < content.length && depth > 0; j++) {
      const ch = content[j]!;
      if (ch === "\\") {
        const nx = content[++j] ?? "";
        if (/[0-7]/.test(nx)) {
          let oct = nx;
          while (oct.length < 3 && /[0-7]/.test(content[j + 1] ?? "")) oct += content[++j];
          str += String.fromCharCode(parseInt(oct, 8));
        } else str += ({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[nx] ?? nx;
        continue;
      }
      if (ch === "(") depth++;
      if (ch === ")" && --depth === 0) break;
      str += ch;
    }
    out += str;
    i = j;
  }
  return out;
}

/** Redacted strings this short are looked for in a stream's raw text only when it is not page content. */
export const MIN_RAW_SECRET = 6;

/** A secret per page: that page's content is checked against that page's strings and allowed copies. */
export interface PageSecretCounts {
  page: number;
  secrets: SecretCount[];
}

function scanStreams(doc: PDFDocument, perPage: readonly PageSecretCounts[]): { streamLeaks: number; streamsScanned: number } {
  if (!perPage.some((p) => p.secrets.length)) return { streamLeaks: 0, streamsScanned: 0 };
  const ctx = doc.context;
  // Which page's content each stream is (content streams and form XObjects, nested forms included).
  // Untouched pages' content may hold an unreviewed copy of a string: not this check's business.
  const owner = new Map<PDFRef, number>();
  const fontStreams = new Set<PDFRef>();
  const claim = (ref: unknown, page: number) => {
    if (ref instanceof PDFRef && !owner.has(ref)) owner.set(ref, page);
  };
  const walkResources = (res: unknown, page: number, depth: number) => {
    const r = res instanceof PDFRef ? ctx.lookup(res) : res;
    if (!(r instanceof PDFDict) || depth > 8) return;
    const xo = r.lookup(PDFName.of("XObject"));
    if (xo instanceof PDFDict) {
      for (const [, ref] of xo.entries()) {
        if (!(ref instanceof PDFRef) || owner.has(ref)) continue;
        claim(ref, page);
        const st = ctx.lookup(ref);
        if (st instanceof PDFStream) walkResources(st.dict.get(PDFName.of("Resources")), page, depth + 1);
      }
    }
    const fonts = r.lookup(PDFName.of("Font"));
    if (fonts instanceof PDFDict) {
      for (const [, f] of fonts.entries()) {
        const fd = f instanceof PDFRef ? ctx.lookup(f) : f;
        if (!(fd instanceof PDFDict)) continue;
        const tu = fd.get(PDFName.of("ToUnicode"));
        if (tu instanceof PDFRef) fontStreams.add(tu);
        // Type 3 glyph procedures draw, they do not spell: their strings are not text.
        const procs = fd.lookup(PDFName.of("CharProcs"));
        if (procs instanceof PDFDict) for (const [, pr] of procs.entries()) if (pr instanceof PDFRef) fontStreams.add(pr);
      }
    }
  };
  doc.getPages().forEach((p, i) => {
    const c = p.node.get(PDFName.of("Contents"));
    claim(c, i + 1);
    const arr = c instanceof PDFRef ? ctx.lookup(c) : c;
    if (arr instanceof PDFArray) for (const x of arr.asArray()) claim(x, i + 1);
    walkResources(p.node.Resources(), i + 1, 0);
  });
  const byPage = new Map(perPage.map((p) => [p.page, p.secrets]));
  const all = [...new Set(perPage.flatMap((p) => p.secrets.map((x) => x.s)))];
  // Each entry: alternative views of one object's text (its strings joined; for non-content streams also raw).
  const pageViews = new Map<number, string[][]>();
  const docViews: string[][] = [];
  let scanned = 0;
  const visitStrings = (obj: unknown, depth: number) => {
    if (depth > 32) return;
    if (obj instanceof PDFString || obj instanceof PDFHexString) docViews.push([normalise(obj.decodeText())]);
    else if (obj instanceof PDFArray) obj.asArray().forEach((o) => visitStrings(o, depth + 1));
    else if (obj instanceof PDFDict) for (const [k, v] of obj.entries()) if (k.decodeText() !== "Producer") visitStrings(v, depth + 1);
  };
  for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream)) {
      visitStrings(obj, 0);
      continue;
    }
    visitStrings(obj.dict, 0);
    const page = owner.get(ref);
    if (page !== undefined && !byPage.has(page)) continue;
    if (fontStreams.has(ref)) continue;
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
    if (page === undefined) docViews.push([normalise(stringText(text)), normalise(text)]);
    else pageViews.set(page, [...(pageViews.get(page) ?? []), [normalise(stringText(text))]]);
  }
  const count = (views: string[][], s: string) => views.reduce((n, v) => n + Math.max(...v.map((x) => countOccurrences(x, s))), 0);
  let leaks = 0;
  for (const { page, secrets } of perPage) {
    const views = pageViews.get(page) ?? [];
    for (const { s, allowed } of secrets) if (count(views, s) > allowed) leaks++;
  }
  // Outside any page's content (metadata, names, annotations, attachments) no redacted string may remain;
  // the raw view (XMP and other text streams) only for strings long enough not to match by chance.
  for (const s of all) {
    const views = s.length >= MIN_RAW_SECRET ? docViews : docViews.map((v) => v.slice(0, 1));
    if (count(views, s) > 0) leaks++;
  }
  return { streamLeaks: leaks, streamsScanned: scanned };
}
