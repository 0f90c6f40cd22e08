import { PDFDict, PDFDocument, PDFName } from "pdf-lib";
import { createPdfPool, type PdfPool } from "../../../../sdk/pdf/pool";
import { warmDocument, warmOcrForPlugins } from "../../../../sdk/pdf/warm";

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 2 });
});
afterAll(() => pool.close());

describe("warm-up document", () => {
  it("has the fonts a Chromium page has: an embedded CID TrueType and a Type3", async () => {
    const doc = await PDFDocument.load(await warmDocument());
    const fonts = doc.getPage(0).node.Resources()!.lookup(PDFName.of("Font"), PDFDict);
    const subtypes = fonts.keys().map((k) => fonts.lookup(k, PDFDict).lookup(PDFName.of("Subtype"), PDFName).asString());
    expect(subtypes.sort()).toEqual(["/Type0", "/Type3"]);
  });

  it("reads through the ActualText path: the span's Devanagari comes out as written, not in glyph order", async () => {
    const { pages } = await pool.extract(await warmDocument());
    // pdfjs alone gives `िक` for the span (its glyphs, vowel sign first); only the ActualText reads `कि`.
    expect(pages[0]!.words.map((w) => w.text)).toEqual(["warm", "क", "कि", "warm"]);
  });
});

describe("OCR warm-up at worker start", () => {
  // One thread, so the pool's answer is the state warm-up left in that thread.
  let one: PdfPool;
  beforeEach(() => {
    one = createPdfPool({ threads: 1 });
  });
  afterEach(() => one.close());

  it("a worker hosting a plugin that OCRs starts with its Tesseract workers loaded", async () => {
    expect(await warmOcrForPlugins([{}, { ocrLanguages: ["eng"] }], one, {})).toEqual(["eng"]);
    expect((await one.ocrWorkersLoaded()).sort()).toEqual(["eng", "eng_best_int", "osd"]);
  });

  it("loads nothing when no hosted plugin OCRs, or DOCMILL_OCR_WARM is off", async () => {
    expect(await warmOcrForPlugins([{}], one, {})).toEqual([]);
    expect(await warmOcrForPlugins([{ ocrLanguages: ["eng"] }], one, { DOCMILL_OCR_WARM: "false" })).toEqual([]);
    expect(await one.ocrWorkersLoaded()).toEqual([]);
  });

  it("reads a page of text in every thread, as a scan is read, before it resolves", async () => {
    // A thread's first recognition is slower than its next ones (issue 17: the first scan of a run);
    // the warm-up takes it. Every OCR call it makes is recorded with what it read.
    const two = createPdfPool({ threads: 2 });
    const reads: Array<{ opts: unknown; text: string }> = [];
    const recording = new Proxy(two, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== "ocrPdfPages" || typeof v !== "function") return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        return async (...a: Parameters<PdfPool["ocrPdfPages"]>) => {
          const r = await (v as PdfPool["ocrPdfPages"]).apply(target, a);
          reads.push({ opts: a[2], text: r.map((p) => p.text).join("\n") });
          return r;
        };
      },
    });
    try {
      expect(await warmOcrForPlugins([{ ocrLanguages: ["eng"] }], recording, {})).toEqual(["eng"]);
      expect(reads).toHaveLength(2);
      for (const r of reads) {
        expect(r.opts).toMatchObject({ mode: "text", lang: ["eng"] });
        expect(r.text).toMatch(/warm-up page reads like a paragraph/);
      }
    } finally {
      await two.close();
    }
  });

  it("refuses a malformed DOCMILL_OCR_WARM by name", () => {
    expect(() => warmOcrForPlugins([{ ocrLanguages: ["eng"] }], one, { DOCMILL_OCR_WARM: "sometimes" })).toThrow(/DOCMILL_OCR_WARM/);
  });
});
