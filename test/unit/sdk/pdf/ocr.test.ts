/**
 * OCR: language discovery runs in jest directly; recognition runs in the pool's threads (tesseract.js
 * spawns its own worker, which jest's module system cannot host).
 */
import { isPdfError } from "../../../../sdk/pdf/errors";
import { busyFactor, languagesAvailable, pageTimeoutMs, parseLangs } from "../../../../sdk/pdf/ocr";
import { type PdfPool, createPdfPool } from "../../../../sdk/pdf/pool";
import type { Word } from "../../../../sdk/pdf/types";
import { A4, GERMAN_LINES, type TruthWord, germanScannedPdf, renderTextImage } from "../../../support/pdf-fixtures";

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 1 });
});
afterAll(() => pool.close());

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}@.+/-]/gu, "");

/** Truth words that OCR found at the same place: same text (case-insensitive) and centre within 4 pt. */
function matched(truth: TruthWord[], found: Word[]): Array<{ truth: TruthWord; found: Word }> {
  const pairs: Array<{ truth: TruthWord; found: Word }> = [];
  for (const t of truth) {
    const cx = t.box.x + t.box.width / 2;
    const cy = t.box.y + t.box.height / 2;
    const f = found.find((w) => norm(w.text) === norm(t.text) &&
      Math.abs(w.box.x + w.box.width / 2 - cx) < 4 && Math.abs(w.box.y + w.box.height / 2 - cy) < 4);
    if (f) pairs.push({ truth: t, found: f });
  }
  return pairs;
}

describe("languagesAvailable", () => {
  it("lists the languages shipped as npm packages", () => {
    expect(languagesAvailable()).toEqual(expect.arrayContaining(["deu", "eng", "fra", "hin", "spa"]));
    // osd is orientation data, not a language one could OCR with.
    expect(languagesAvailable()).not.toContain("osd");
  });
});

describe("parseLangs", () => {
  it("accepts a list or a plus-joined string and sorts it", () => {
    expect(parseLangs(["eng", "deu"])).toEqual(["deu", "eng"]);
    expect(parseLangs("fra+eng")).toEqual(["eng", "fra"]);
    expect(parseLangs(undefined)).toEqual(["eng"]);
  });

  it("refuses a language that is not shipped", () => {
    let err: unknown;
    try {
      parseLangs(["eng", "tlh"]);
    } catch (e) {
      err = e;
    }
    expect(isPdfError(err) && err.code).toBe("OCR_LANGUAGE_UNAVAILABLE");
  });
});

describe("ocrImage", () => {
  it("reads the words of a 300 dpi scan with boxes at the drawn positions", async () => {
    const scan = renderTextImage();
    const result = await pool.ocr(scan.png, { lang: "eng", pageWidthPt: A4.width, pageHeightPt: A4.height });
    const pairs = matched(scan.words, result.words);
    // Allow a small error rate: Tesseract may merge or misread a token or two.
    expect(pairs.length / scan.words.length).toBeGreaterThanOrEqual(0.9);
    for (const { truth, found } of pairs) {
      expect(Math.abs(found.box.x - truth.box.x)).toBeLessThan(3);
      expect(Math.abs(found.box.x + found.box.width - (truth.box.x + truth.box.width))).toBeLessThan(3);
      expect(Math.abs(found.box.y - truth.box.y)).toBeLessThan(3);
      expect(Math.abs(found.box.height - truth.box.height)).toBeLessThan(3);
    }
    expect(result.confidence).toBeGreaterThan(70);
    expect(result.text).toContain("john.smith@example.com");
    expect(result.text).toContain("Baker Street");
    expect(result.text.split("\n")).toHaveLength(scan.lines.length);
  });

  it("scales boxes to the page size it is given", async () => {
    const scan = renderTextImage({ lines: ["Scale check words"] });
    const a = await pool.ocr(scan.png, { pageWidthPt: A4.width, pageHeightPt: A4.height });
    const b = await pool.ocr(scan.png, { pageWidthPt: A4.width * 2, pageHeightPt: A4.height * 2 });
    expect(b.words.map((w) => w.text)).toEqual(a.words.map((w) => w.text));
    expect(b.words[0]!.box.x).toBeCloseTo(a.words[0]!.box.x * 2, 1);
    expect(b.words[0]!.box.height).toBeCloseTo(a.words[0]!.box.height * 2, 1);
  });

  it("returns nothing for a blank page", async () => {
    const blank = renderTextImage({ lines: [] });
    const result = await pool.ocr(blank.png, { pageWidthPt: A4.width, pageHeightPt: A4.height });
    expect(result).toMatchObject({ text: "", confidence: 0, words: [] });
    expect(result.report).toMatchObject({ status: "ok", preprocessing: ["blank"], passes: [] });
  });

  it("reads German with the German model", async () => {
    const fx = await germanScannedPdf();
    const result = await pool.extractWithOcr(fx.bytes, { lang: "deu" });
    const words = result.pages[0]!.words;
    expect(result.pages[0]!.source).toBe("ocr");
    const pairs = matched(fx.truth.pages[0]!.words, words);
    expect(pairs.length / fx.truth.pages[0]!.words.length).toBeGreaterThanOrEqual(0.85);
    expect(result.pages[0]!.text).toContain("Hauptstraße");
    expect(result.pages[0]!.text).toContain(GERMAN_LINES[6]);
  }, 180_000);

  it("fails with OCR_LANGUAGE_UNAVAILABLE across the thread boundary", async () => {
    const scan = renderTextImage({ lines: ["x"], dpi: 72 });
    await expect(pool.ocr(scan.png, { lang: "xxx", pageWidthPt: A4.width, pageHeightPt: A4.height }))
      .rejects.toMatchObject({ name: "PdfError", code: "OCR_LANGUAGE_UNAVAILABLE" });
  });
});

describe("page timeout on a busy machine", () => {
  test("the configured limit is stretched by the load per core, 1x to 4x", () => {
    expect(busyFactor(0.4, 2)).toBe(1);
    expect(busyFactor(2, 2)).toBe(1);
    expect(busyFactor(5, 2)).toBe(2.5);
    expect(busyFactor(9.5, 2)).toBe(4);
    expect(busyFactor(3, 0)).toBe(3);
  });

  test("the configured limit itself comes from DOCMILL_OCR_PAGE_TIMEOUT_MS, 60 s by default", () => {
    expect(pageTimeoutMs({})).toBe(60_000);
    expect(pageTimeoutMs({ DOCMILL_OCR_PAGE_TIMEOUT_MS: "90000" })).toBe(90_000);
    expect(pageTimeoutMs({ DOCMILL_OCR_PAGE_TIMEOUT_MS: "5" })).toBe(60_000);
  });
});
