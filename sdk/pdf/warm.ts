/**
 * Loads the PDF engine in a worker thread ahead of the first document: under tsx, pdfjs takes several
 * seconds to load in a fresh thread, which would otherwise land on the first user's request. Resolves
 * with the milliseconds it took and never throws (a failure only means the first document waits).
 *
 * Loading the module is not all of it: pdfjs compiles its code lazily, path by path, and the first
 * document that takes a path pays for compiling it, in each thread. A Helvetica-only page leaves the
 * costly paths cold: embedded TrueType fonts (pdfjs sanitises and rebuilds each one), Type3 fonts (every
 * glyph procedure parsed as an operator list) and ActualText spans (the page parsed a second time with
 * pdf-lib, actual-text.ts). Chromium writes Hindi with all three, and the first Hindi page of each
 * thread took 190-200 ms against 50-80 ms for the next ones (issue 17's 0.207 s hi-02). The warm-up
 * document below has one of each.
 *
 * One thread only, as before. Warming every thread was tried and measured no better: sequential
 * documents then alternate between two threads, and the tagging bench's Hindi text median was
 * 0.077-0.092 s with it against 0.052-0.053 s without (seeds 17, 4711), though main alone also gave
 * 0.083 s on a later run: within the bench's run-to-run spread, so the simpler warm-up stays.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PDFDocument, PDFHexString, PDFName, StandardFonts, type PDFRef } from "pdf-lib";
import { bool, type Env } from "../env";
import { pdfPool, type PdfPool } from "./pool";

/** A ToUnicode CMap mapping each code (hex, `bytes` long) to its text. */
function toUnicode(map: Array<[number, string]>, bytes: 1 | 2): string {
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, "0");
  const utf16 = (s: string) => [...s].map((c) => hex(c.charCodeAt(0), 4)).join("");
  const lo = hex(0, bytes * 2);
  const hi = "F".repeat(bytes * 2);
  return [
    "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def", "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
    "1 begincodespacerange", `<${lo}> <${hi}>`, "endcodespacerange",
    `${map.length} beginbfchar`, ...map.map(([code, s]) => `<${hex(code, bytes * 2)}> <${utf16(s)}>`), "endbfchar",
    "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
  ].join("\n");
}

/**
 * A one-page PDF taking the text paths a Chromium-made Hindi or English page takes: a CID TrueType font
 * with an embedded font file (pdfjs's own Liberation Sans, Identity-H, ToUnicode), a Type3 font whose
 * glyphs are drawn paths, and Devanagari inside `/Span <</ActualText …>>` marked content. Its text reads
 * `warm क कि warm` when the ActualText is honoured (`कि` is drawn as `ि` then `क`, as a shaper does).
 */
export async function warmDocument(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const ctx = doc.context;
  const ttf = readFileSync(path.join(path.dirname(require.resolve("pdfjs-dist/package.json")), "standard_fonts", "LiberationSans-Regular.ttf"));
  const fontFile = ctx.register(ctx.flateStream(ttf, { Length1: ttf.length }));
  const descriptor = (name: string, extra: Record<string, unknown>) =>
    ctx.obj({ Type: "FontDescriptor", FontName: name, Flags: 32, FontBBox: [-200, -250, 1100, 950], ItalicAngle: 0, Ascent: 905, Descent: -212, CapHeight: 716, StemV: 80, ...extra });
  // Glyph ids of w, a, r, m in Liberation Sans; the text comes from the ToUnicode map either way.
  const gids: Array<[number, string]> = [[90, "w"], [68, "a"], [85, "r"], [80, "m"]];
  const cid = ctx.register(ctx.obj({
    Type: "Font", Subtype: "CIDFontType2", BaseFont: "AAAAAA+LiberationSans", CIDToGIDMap: "Identity",
    CIDSystemInfo: { Registry: PDFHexString.fromText("Adobe"), Ordering: PDFHexString.fromText("Identity"), Supplement: 0 },
    FontDescriptor: ctx.register(descriptor("AAAAAA+LiberationSans", { FontFile2: fontFile })), DW: 556,
  }));
  const type0 = ctx.register(ctx.obj({
    Type: "Font", Subtype: "Type0", BaseFont: "AAAAAA+LiberationSans", Encoding: "Identity-H", DescendantFonts: [cid],
    ToUnicode: ctx.register(ctx.flateStream(toUnicode(gids, 2))),
  }));
  // Type3: glyph 1 is क, glyph 2 the vowel sign ि; each a filled box (d1: width, then the glyph's bbox).
  const procs: Record<string, PDFRef> = {
    g1: ctx.register(ctx.flateStream("600 0 0 0 500 700 d1\n50 0 400 700 re f")),
    g2: ctx.register(ctx.flateStream("300 0 0 0 250 900 d1\n0 0 m 100 900 l 250 900 l 200 0 l h f")),
  };
  const type3 = ctx.register(ctx.obj({
    Type: "Font", Subtype: "Type3", FontBBox: [0, 0, 600, 900], FontMatrix: [0.001, 0, 0, 0.001, 0, 0],
    CharProcs: ctx.obj(procs), Encoding: { Type: "Encoding", Differences: [1, PDFName.of("g1"), PDFName.of("g2")] },
    FirstChar: 1, LastChar: 2, Widths: [600, 300], Resources: {},
    ToUnicode: ctx.register(ctx.flateStream(toUnicode([[1, "क"], [2, "ि"]], 1))),
  }));
  const page = doc.addPage([300, 200]);
  page.node.setFontDictionary(PDFName.of("F1"), type0);
  page.node.setFontDictionary(PDFName.of("F3"), type3);
  const actual = PDFHexString.fromText("कि").toString();
  const content = [
    "BT /F1 12 Tf 20 150 Td <005A004400550050> Tj ET",
    "BT /F3 12 Tf 80 150 Td <01> Tj ET",
    `/Span <</ActualText ${actual}>> BDC BT /F3 12 Tf 100 150 Td <0201> Tj ET EMC`,
    "BT /F1 12 Tf 130 150 Td <005A004400550050> Tj ET",
  ].join("\n");
  page.node.set(PDFName.of("Contents"), ctx.register(ctx.flateStream(content)));
  return doc.save();
}

export async function warmPdfEngine(): Promise<number> {
  const started = performance.now();
  try {
    await pdfPool.extract(await warmDocument());
  } catch {
    /* the first document will start the engine itself */
  }
  return Math.round(performance.now() - started);
}

/**
 * Warms OCR at a processor worker's start when a hosted plugin OCRs scanned pages (it declares
 * `ocrLanguages` in its manifest): without it the first scan of a run paid for starting Tesseract
 * (issue 17: 2.06 s and 2.62 s against the < 2 s target, the next scans ~1.2 s), and then reads one
 * page of text in every thread (warmRecognition: a thread's first recognition is slower). On by default;
 * DOCMILL_OCR_WARM=false turns it off for a worker short of memory: warm English + OSD measured
 * +128 MB RSS per thread (0.7 s), held from start instead of from the first scan (docs/pdf-engine.md). Warms every thread, since any one may
 * take the first scanned page. Resolves with the languages warmed (empty when off or no plugin OCRs);
 * throws nothing: a failure only means the first scan waits.
 */
export function warmOcrForPlugins(
  plugins: ReadonlyArray<{ ocrLanguages?: string[] }>, pool: PdfPool = pdfPool, env: Env = process.env,
): Promise<string[]> {
  // Read before anything starts, so a bad value refuses start-up (ConfigError naming the variable).
  if (!bool(env, "DOCMILL_OCR_WARM", true)) return Promise.resolve([]);
  const langs = [...new Set(plugins.flatMap((p) => p.ocrLanguages ?? []))].sort();
  if (langs.length === 0) return Promise.resolve([]);
  return pool
    .warmOcr(langs)
    .then(() => warmRecognition(langs, pool))
    .then(() => langs, () => []);
}

/**
 * An A4 page of plain text (Helvetica, which pdfjs draws from its own standard fonts, so no system font
 * is needed): ten lines of text on a full-size page.
 */
export async function warmScanDocument(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  const line = "The warm-up page reads like a paragraph of a scanned document, in words of every length";
  for (let i = 0; i < 10; i += 1) page.drawText(`${i + 1}. ${line}.`, { x: 56, y: 780 - i * 18, size: 10.5, font });
  return doc.save();
}

/**
 * One page read in every thread, the way a scanned page is (rendered, measured, deskewed, recognised in
 * text mode at a scan's 150 dpi). Loading the workers is not all of it: a thread's first recognition of
 * a full page took ~0.3 s longer than its next ones (wasm memory grown to a page's size, code paths
 * compiled: issue 17, the first scan of seed 4711, 1.74 s against 1.41 s of recognition for the same
 * page read again), and that landed on the first scan of a run. Failures are ignored.
 */
async function warmRecognition(langs: string[], pool: PdfPool): Promise<void> {
  const pdf = await warmScanDocument();
  await Promise.all(Array.from({ length: pool.threads }, () => pool.ocrPdfPages(pdf, [1], { dpi: 150, lang: langs, mode: "text" }).catch(() => undefined)));
}
