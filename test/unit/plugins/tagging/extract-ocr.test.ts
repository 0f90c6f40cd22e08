/**
 * Tagging reads scans through the PDF engine's one OCR path (issue 12): rendered at 300 dpi in the pool's
 * threads, preprocessed, turned upright, Hindi found by script. Real pool, real tesseract.js, generated
 * image-only PDFs from the scan corpus (ground truth from the drawing, not from the engine).
 */
import plugin from "../../../../plugins/tagging";
import { OCR_DPI, extractForTagging } from "../../../../plugins/tagging/extract";
import { pdfPool } from "../../../../sdk/pdf/pool";
import { validateOptions } from "../../../../kernel/plugins/options";
import { normWord, scanPage, scanPdf } from "../../../support/scan-corpus";

jest.setTimeout(300_000);
afterAll(() => pdfPool.close());

/** Share of the truth words that appear in the text (order-free: tagging keeps text, not boxes). */
function textRecall(truth: Array<{ text: string }>, text: string): number {
  const found = new Set(text.split(/\s+/).map(normWord).filter(Boolean));
  const words = truth.map((w) => normWord(w.text)).filter(Boolean);
  return words.filter((w) => found.has(w)).length / words.length;
}

describe("tagging's OCR", () => {
  it("renders at 300 dpi like the shared path", () => {
    expect(OCR_DPI).toBe(300);
  });

  it("reads an upside-down English scan and a Hindi scan asked for as English only", async () => {
    const flipped = await scanPage("rot180", 4711, 1);
    const hindi = await scanPage("hindi", 4712);
    const pdf = await scanPdf([flipped, hindi]);
    const doc = await extractForTagging(pdf, { engine: pdfPool, numPages: 3, ocrLangs: ["eng"] });
    expect(doc.ocrPages).toEqual([1, 2]);
    expect(doc.extractionMethod).toBe("tesseract_ocr");
    expect(textRecall(flipped.words, doc.pageTexts[0]!)).toBeGreaterThan(0.9);
    expect(doc.pageTexts[1]).toMatch(/[\u0900-\u097F]{3}/u);
    expect(textRecall(hindi.words, doc.pageTexts[1]!)).toBeGreaterThan(0.85);
    expect(doc.pages[0]!.confidence).toBeGreaterThan(70);
  });
});

describe("the language option", () => {
  const check = (language: string) => validateOptions(plugin.optionsSchema!, { language }, "tagging");
  it("accepts Hindi (the tag generator's first-class script), alone or with English", () => {
    for (const l of ["hin", "hi", "hin+eng", "eng+hin", "eng+hin+deu"]) expect(check(l).language).toBe(l);
  });
  it("still refuses a language it does not know", () => {
    expect(() => check("klingon")).toThrow(expect.objectContaining({ type: "VALIDATION_ERROR", code: 422 }));
    expect(() => check("eng+xx")).toThrow();
  });
});
