import { defaultThreads, createPdfPool, type PdfPool } from "../../../../sdk/pdf/pool";
import { encryptedPdf, mixedPdf, multiPagePdf, piiTextPdf } from "../../../support/pdf-fixtures";

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 2 });
});
afterAll(() => pool.close());

describe("defaultThreads", () => {
  it("reads DOCMILL_PDF_THREADS", () => {
    expect(defaultThreads({ DOCMILL_PDF_THREADS: "3" })).toBe(3);
  });

  it("falls back to one thread per core", () => {
    expect(defaultThreads({})).toBeGreaterThanOrEqual(1);
  });

  it("refuses a value that is not a positive integer", () => {
    expect(() => defaultThreads({ DOCMILL_PDF_THREADS: "many" })).toThrow(/DOCMILL_PDF_THREADS/);
    expect(() => defaultThreads({ DOCMILL_PDF_THREADS: "0" })).toThrow(/DOCMILL_PDF_THREADS/);
  });
});

describe("PdfPool", () => {
  it("uses the text layer where there is one and OCR where there is only a picture", async () => {
    const fx = await mixedPdf();
    const result = await pool.extractWithOcr(fx.bytes, { lang: "eng" });
    expect(result.pageCount).toBe(2);
    expect(result.pages.map((p) => p.source)).toEqual(["text", "ocr"]);
    expect(result.pages[0]!.text).toBe(fx.truth.pages[0]!.lines.join("\n"));
    expect(result.pages[1]!.confidence).toBeGreaterThan(70);
    expect(result.pages[1]!.text).toContain("221B Baker Street, London NW1 6XE");
    // OCR boxes use the same convention as text-layer boxes: top-left origin, points.
    const truthAddress = fx.truth.pages[1]!.words.find((w) => w.text === "Baker")!;
    const ocrAddress = result.pages[1]!.words.find((w) => w.text === "Baker")!;
    expect(Math.abs(ocrAddress.box.x - truthAddress.box.x)).toBeLessThan(3);
    expect(Math.abs(ocrAddress.box.y - truthAddress.box.y)).toBeLessThan(3);
  }, 180_000);

  it("OCRs nothing when every page has enough text", async () => {
    const fx = await multiPagePdf(3);
    const result = await pool.extractWithOcr(fx.bytes, { minChars: 5 });
    expect(result.pages.map((p) => p.source)).toEqual(["text", "text", "text"]);
  });

  it("runs many documents at once", async () => {
    const fixtures = await Promise.all([piiTextPdf(), multiPagePdf(2), multiPagePdf(4), piiTextPdf()]);
    const results = await Promise.all(fixtures.map((f) => pool.extract(f.bytes)));
    expect(results.map((r) => r.pageCount)).toEqual([1, 2, 4, 1]);
  });

  it("rebuilds PdfErrors thrown in a worker thread", async () => {
    const fx = await encryptedPdf();
    await expect(pool.extractWithOcr(fx.bytes)).rejects.toMatchObject({ name: "PdfError", code: "PDF_ENCRYPTED", status: 422 });
  });

  it("starts again after close", async () => {
    const own = createPdfPool({ threads: 1 });
    const fx = await piiTextPdf();
    await own.extract(fx.bytes);
    await own.close();
    await expect(own.extract(fx.bytes)).resolves.toMatchObject({ pageCount: 1 });
    await own.close();
  });
});
