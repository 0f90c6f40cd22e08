/**
 * The resolution of a scanned page's picture read off the PDF's objects (pdf-lib): each image XObject's
 * /Width and /Height and the matrix it is drawn with, from the page's content stream. Nothing is
 * decoded: render.ts's scanDpi gets the same figures from pdfjs's operator list, which decodes the
 * picture to get them (~0.09 s of CPU for a 150 dpi A4 scan), and the render after it decodes it again.
 *
 * The interpreter follows q/Q/cm/Do only, into form XObjects; anything it cannot follow (an inline image,
 * an encrypted file, an unterminated token) makes it give up (null) and the caller asks pdfjs.
 */
import { PDFArray, PDFBool, PDFDict, type PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFStream, decodePDFRawStream } from "pdf-lib";
import { isDelim, isWhite, pageContentReader } from "./page-content";

type Matrix = [number, number, number, number, number, number];

/** One picture drawn on the page: its pixels and the matrix mapping the unit square onto the page. */
export interface DrawnImage {
  width: number;
  height: number;
  ctm: Matrix;
}

function multiply(m: Matrix, n: Matrix): Matrix {
  // PDF convention: a point p goes to p·m first, then ·n (new CTM = m × CTM).
  return [
    m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}


type Op = { op: string; nums: number[]; name?: string };

/** The operators of a content stream with their number and last name operands; null when it cannot be followed. */
export function contentOps(content: Uint8Array): Op[] | null {
  const ops: Op[] = [];
  let nums: number[] = [];
  let name: string | undefined;
  const n = content.length;
  let i = 0;
  let depth = 0; // inside [ ] or << >>: operands, not operators
  while (i < n) {
    const c = content[i]!;
    if (isWhite(c)) i++;
    else if (c === 0x25) while (i < n && content[i] !== 0x0a && content[i] !== 0x0d) i++;
    else if (c === 0x28) {
      let level = 1;
      i++;
      while (i < n && level > 0) {
        if (content[i] === 0x5c) i++;
        else if (content[i] === 0x28) level++;
        else if (content[i] === 0x29) level--;
        i++;
      }
      if (level > 0) return null;
      name = undefined;
    } else if (c === 0x3c && content[i + 1] === 0x3c) {
      depth++;
      i += 2;
    } else if (c === 0x3e && content[i + 1] === 0x3e) {
      if (--depth < 0) return null;
      i += 2;
    } else if (c === 0x3c) {
      const end = content.indexOf(0x3e, i);
      if (end < 0) return null;
      i = end + 1;
    } else if (c === 0x5b) {
      depth++;
      i++;
    } else if (c === 0x5d) {
      if (--depth < 0) return null;
      i++;
    } else if (c === 0x2f) {
      let j = i + 1;
      while (j < n && !isWhite(content[j]!) && !isDelim(content[j]!)) j++;
      name = Buffer.from(content.subarray(i + 1, j)).toString("latin1");
      i = j;
    } else if (isDelim(c)) {
      return null;
    } else {
      let j = i;
      while (j < n && !isWhite(content[j]!) && !isDelim(content[j]!)) j++;
      const word = Buffer.from(content.subarray(i, j)).toString("latin1");
      i = j;
      const v = Number(word);
      if (word !== "" && !Number.isNaN(v) && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
        nums.push(v);
        continue;
      }
      if (depth > 0) continue; // true/false/null inside a dict or array
      // An inline image's data may hold anything: leave it to pdfjs.
      if (word === "BI" || word === "ID") return null;
      ops.push({ op: word, nums, name });
      nums = [];
      name = undefined;
    }
  }
  return depth === 0 ? ops : null;
}

const MAX_FORM_DEPTH = 8;

function walk(doc: PDFDocument, content: Uint8Array, resources: PDFDict | undefined, start: Matrix, out: DrawnImage[], depth: number): boolean {
  const ops = contentOps(content);
  if (!ops) return false;
  let ctm = start;
  const stack: Matrix[] = [];
  const xobjects = resources?.lookupMaybe(PDFName.of("XObject"), PDFDict);
  for (const { op, nums, name } of ops) {
    if (op === "q") stack.push(ctm);
    else if (op === "Q") ctm = stack.pop() ?? ctm;
    else if (op === "cm") {
      if (nums.length !== 6) return false;
      ctm = multiply(nums as Matrix, ctm);
    } else if (op === "Do") {
      if (!name || !xobjects) return false;
      const x = xobjects.lookup(PDFName.of(name));
      if (!(x instanceof PDFStream)) return false;
      const subtype = x.dict.lookupMaybe(PDFName.of("Subtype"), PDFName)?.asString();
      // An image mask is a stencil painted in the fill colour, not a picture (pdfjs reports it apart too).
      if (subtype === "/Image" && x.dict.lookupMaybe(PDFName.of("ImageMask"), PDFBool)?.asBoolean() !== true) {
        const w = x.dict.lookupMaybe(PDFName.of("Width"), PDFNumber)?.asNumber();
        const h = x.dict.lookupMaybe(PDFName.of("Height"), PDFNumber)?.asNumber();
        if (w === undefined || h === undefined) return false;
        out.push({ width: w, height: h, ctm });
      } else if (subtype === "/Form") {
        if (depth >= MAX_FORM_DEPTH || !(x instanceof PDFRawStream)) return false;
        const m = x.dict.lookupMaybe(PDFName.of("Matrix"), PDFArray)?.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : NaN));
        const matrix: Matrix = m && m.length === 6 && m.every((v) => Number.isFinite(v)) ? (m as Matrix) : [1, 0, 0, 1, 0, 0];
        const own = x.dict.lookupMaybe(PDFName.of("Resources"), PDFDict) ?? resources;
        if (!walk(doc, decodePDFRawStream(x).decode(), own, multiply(matrix, ctm), out, depth + 1)) return false;
      }
    }
  }
  return true;
}

/** Loads `pdf` once (pdf-lib) and answers for any page: the pictures drawn on it, or null (ask pdfjs). */
export function drawnImagesReader(pdf: Uint8Array): (pageNumber: number) => Promise<DrawnImage[] | null> {
  return pageContentReader(pdf, (doc, page, content) => {
    if (!content) return [];
    const out: DrawnImage[] = [];
    return walk(doc, content, page.Resources(), [1, 0, 0, 1, 0, 0], out, 0) ? out : null;
  });
}
