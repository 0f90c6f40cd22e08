/**
 * Redaction on tightly set lines (12 pt leading for 12 pt type): an area takes the glyphs of the words it
 * redacts, their own descenders and accents included, and no glyph of the lines above and below, whose
 * descenders, ascenders and accents reach into it. Run through the real path (applyRedactions, then
 * verification) with areas from pdfjs's word boxes padded by a point, as detection makes them; read back
 * with poppler (pdftotext for the text, pdftoppm for the pixels).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import sharp from "sharp";
import { createPdfPool } from "../../../../../sdk/pdf/pool";
import type { Box, Word } from "../../../../../sdk/pdf/types";
import { applyRedactions } from "../../../../../plugins/redaction/redact/apply";
import { closeComputePool } from "../../../../../sdk/compute/pool";
import { redactionEngine } from "../../../../../plugins/redaction/redact/engine-pool";
import type { RedactionArea } from "../../../../../plugins/redaction/redact/geometry";
import { verifyRedaction } from "../../../../../plugins/redaction/redact/verify";
import { tightLinesPdf, type TightLinesFixture } from "../../../../fixtures/redaction-engine-fixtures";
import { scannedPdf } from "../../../../support/pdf-fixtures";
import { readbackDir } from "../../../../support/readback-dir";

jest.setTimeout(180_000);
const pool = createPdfPool({ threads: 1 });
const scratch = readbackDir("docmill-tight-");
const { file, pdftotext } = scratch;
let f: TightLinesFixture;
let words: Word[];
beforeAll(async () => {
  f = await tightLinesPdf();
  words = (await pool.extract(f.bytes)).pages[0]!.words;
});
afterAll(async () => {
  await pool.close();
  await redactionEngine.close();
  await closeComputePool();
});

let n = 0;

const DPI = 100;
const S = DPI / 72;

/** pdftoppm's greyscale render of page 1. */
async function render(bytes: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const prefix = path.join(scratch.dir, `r${n++}`);
  execFileSync("pdftoppm", ["-r", String(DPI), "-gray", "-png", "-singlefile", file(bytes), prefix]);
  const { data, info } = await sharp(`${prefix}.png`).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The pdfjs words spelling `s`, in order. */
function wordsOf(s: string): Word[] {
  const parts = s.split(" ");
  const i = words.findIndex((_, k) => parts.every((p, j) => words[k + j]?.text === p));
  if (i < 0) throw new Error(`"${s}" is not on the page`);
  return words.slice(i, i + parts.length);
}

/** The area detection makes for `s`: the union of its pdfjs word boxes, padded by one point. */
function areaOf(s: string): RedactionArea {
  const ws = wordsOf(s);
  const x = Math.min(...ws.map((w) => w.box.x)) - 1;
  const y = Math.min(...ws.map((w) => w.box.y)) - 1;
  const box: Box = { x, y, width: Math.max(...ws.map((w) => w.box.x + w.box.width)) - x + 1, height: Math.max(...ws.map((w) => w.box.y + w.box.height)) - y + 1 };
  return { page: 1, box, label: "PII", source: "detection", text: s };
}

/**
 * Share of the solid ink pixels of `box` (points) in `before` that are paper in `after`: glyph parts lost.
 * One letter of a word is a tenth of its ink or more; two JPEG renders of a page differ at a few edge
 * pixels, so a share of 3 % or less is no letter lost.
 */
function inkLost(before: { data: Buffer; width: number }, after: { data: Buffer }, box: Box): number {
  let ink = 0;
  let lost = 0;
  for (let y = Math.floor(box.y * S); y < Math.ceil((box.y + box.height) * S); y++) {
    for (let x = Math.floor(box.x * S); x < Math.ceil((box.x + box.width) * S); x++) {
      const i = y * before.width + x;
      if (before.data[i]! >= 64) continue;
      ink++;
      if (after.data[i]! > 192) lost++;
    }
  }
  return ink ? lost / ink : 0;
}

/** Share of dark pixels in the middle band of `box` (its central half, top to bottom): 1 when painted over. */
function darkShare(img: { data: Buffer; width: number }, box: Box): number {
  let dark = 0;
  let all = 0;
  for (let y = Math.ceil((box.y + box.height / 4) * S); y < Math.floor((box.y + (3 * box.height) / 4) * S); y++) {
    for (let x = Math.ceil(box.x * S); x < Math.floor((box.x + box.width) * S); x++) {
      all++;
      if (img.data[y * img.width + x]! < 64) dark++;
    }
  }
  return dark / all;
}

describe.each([
  ["object-level", [] as number[]],
  ["raster fallback", [1]],
])("tightly set lines, %s", (_name, forceRaster) => {
  it("removes the redacted words whole and every other word stays whole, in text and in pixels", async () => {
    const areas = f.secrets.map(areaOf);
    const out = await applyRedactions(f.bytes, areas, { pool, forceRaster });
    const v = await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool });
    expect(v).toMatchObject({ leaks: 0, leakDetails: [], structureProblems: [] });
    expect(out.pages[0]!.method).toBe(forceRaster.length ? "raster" : "objects");

    const text = pdftotext(out.pdf);
    const secretWords = new Set(f.secrets.flatMap((s) => s.split(" ")));
    for (const s of f.secrets) expect(text).not.toContain(s);
    for (const w of secretWords) expect(text).not.toContain(w);
    // Every word no area is for, on every line (the redacted lines' other words too), whole.
    const kept = f.lines.flatMap((l) => l.text.split(" ")).filter((w) => !secretWords.has(w));
    const got = text.split(/\s+/);
    for (const w of kept) expect({ word: w, found: got.includes(w) }).toEqual({ word: w, found: true });

    // A raster page is PDFium's render through a JPEG, not poppler's: it is compared with the same fallback
    // of the same page for an area in an empty corner, far from every word.
    const corner: RedactionArea = { page: 1, box: { x: 520, y: 20, width: 40, height: 20 }, label: "PII", source: "manual" };
    const before = await render(forceRaster.length ? (await applyRedactions(f.bytes, [corner], { pool, forceRaster })).pdf : f.bytes);
    const after = await render(out.pdf);
    // Untouched words: no pixel of their glyphs turned to paper (where an area's box lies over a descender
    // tip, that tip is black, not gone).
    for (const w of words.filter((x) => !secretWords.has(x.text))) {
      expect({ word: w.text, whole: inkLost(before, after, w.box) <= 0.03 }).toEqual({ word: w.text, whole: true });
    }
    // Redacted words: painted over.
    for (const w of words.filter((x) => secretWords.has(x.text))) {
      expect({ word: w.text, dark: darkShare(after, w.box) > 0.97 }).toEqual({ word: w.text, dark: true });
    }
  });
});

describe("tightly set lines on a scan (OCR words, 12 pt leading for 12 pt type)", () => {
  it("paints the redacted words, and the text layer keeps every other word OCR read", async () => {
    const scan = (await scannedPdf({ lines: f.lines.map((l) => l.text), size: 12, leading: 12 })).bytes;
    const ocrWords = (await pool.extractWithOcr(scan)).pages[0]!.words;
    const secretWords = new Set(f.secrets.flatMap((s) => s.split(" ")));
    const hit = ocrWords.filter((w) => secretWords.has(w.text));
    // OCR reads the parts of the names and the number, all but one at most (else the case tests nothing;
    // tesseract may misread the umlaut of "Jörg" at this size).
    expect(hit.length).toBeGreaterThanOrEqual(secretWords.size - 1);
    expect(hit.map((w) => w.text)).toEqual(expect.arrayContaining(["Maria", "Lopez", "0171", "555", "0199", "Quigley"]));
    const areas: RedactionArea[] = hit.map((w) => ({
      page: 1, box: { x: w.box.x - 1, y: w.box.y - 1, width: w.box.width + 2, height: w.box.height + 2 }, label: "PII", source: "detection", text: w.text,
    }));
    const out = await applyRedactions(scan, areas, { pool, scanWords: new Map([[1, ocrWords]]) });
    expect(out.pages[0]).toMatchObject({ kind: "scan", textSource: "ocr" });
    const v = await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool });
    expect(v).toMatchObject({ leaks: 0, leakDetails: [], structureProblems: [] });
    const got = pdftotext(out.pdf).split(/\s+/);
    for (const w of hit) expect(got).not.toContain(w.text);
    for (const w of ocrWords.filter((x) => !secretWords.has(x.text))) {
      expect({ word: w.text, found: got.includes(w.text) }).toEqual({ word: w.text, found: true });
    }
    const before = await render(scan);
    const after = await render(out.pdf);
    for (const w of ocrWords.filter((x) => !secretWords.has(x.text))) {
      expect({ word: w.text, whole: inkLost(before, after, w.box) <= 0.03 }).toEqual({ word: w.text, whole: true });
    }
    for (const w of hit) expect({ word: w.text, dark: darkShare(after, w.box) > 0.97 }).toEqual({ word: w.text, dark: true });
  });
});
