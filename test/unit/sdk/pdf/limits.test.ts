import { checkPdfLimits, DEFAULT_PDF_LIMITS } from "../../../../sdk/pdf/limits";
import { isPdfError } from "../../../../sdk/pdf/errors";
import { blankPagesPdf } from "../../../e2e/runtime/support";
import { bombPdf, brokenXrefPdf, deepNestingPdf, doubleBombPdf, hugeImagePdf, manyObjectsPdf, manyStreamsBombPdf } from "../../../support/hostile-pdfs";

const MiB = 1024 * 1024;

function refusal(fn: () => unknown): { reason?: string; limit?: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (!isPdfError(err)) throw err;
    expect(err.code).toBe("PDF_LIMIT_EXCEEDED");
    expect(err.status).toBe(413);
    return { ...(err.data as { reason?: string; limit?: string }), message: err.message };
  }
  throw new Error("expected PDF_LIMIT_EXCEEDED");
}

describe("checkPdfLimits", () => {
  it("refuses a 1 GiB decompression bomb of about 1 MB, naming the setting", async () => {
    const pdf = await bombPdf(1024 * MiB);
    expect(pdf.length).toBeLessThan(1.5 * MiB);
    const r = refusal(() => checkPdfLimits(pdf));
    expect(r).toMatchObject({ reason: "maxStreamBytes", limit: "PDF_MAX_STREAM_BYTES" });
    expect(r.message).toBe(`A stream of the PDF inflates to more than ${100 * MiB} bytes (limit PDF_MAX_STREAM_BYTES=${100 * MiB})`);
  });

  it("refuses a bomb hidden under a second Flate layer", async () => {
    const pdf = await doubleBombPdf(200 * MiB);
    expect(refusal(() => checkPdfLimits(pdf))).toMatchObject({ reason: "maxStreamBytes" });
  });

  it("counts every stream towards the per-document limit", async () => {
    const pdf = await manyStreamsBombPdf(10, 8 * MiB);
    expect(checkPdfLimits(pdf).decompressedBytes).toBe(80 * MiB);
    const r = refusal(() => checkPdfLimits(pdf, { ...DEFAULT_PDF_LIMITS, maxDocumentBytes: 50 * MiB }));
    expect(r).toMatchObject({ reason: "maxDocumentBytes", limit: "PDF_MAX_DECOMPRESSED_BYTES" });
  });

  it("refuses nesting deeper than the limit and accepts ordinary depth", () => {
    expect(refusal(() => checkPdfLimits(deepNestingPdf(100_000)))).toMatchObject({ reason: "maxNesting", limit: "PDF_MAX_NESTING" });
    expect(checkPdfLimits(deepNestingPdf(20)).maxDepth).toBeGreaterThanOrEqual(21);
  });

  it("refuses an image declaring more pixels than the limit", () => {
    expect(refusal(() => checkPdfLimits(hugeImagePdf(100_000, 100_000)))).toMatchObject({ reason: "maxImagePixels", limit: "PDF_MAX_IMAGE_PIXELS" });
    expect(() => checkPdfLimits(hugeImagePdf(2000, 3000))).not.toThrow();
  });

  it("refuses more objects than the limit", () => {
    expect(refusal(() => checkPdfLimits(manyObjectsPdf(2000), { ...DEFAULT_PDF_LIMITS, maxObjects: 1000 }))).toMatchObject({ reason: "maxObjects" });
    expect(checkPdfLimits(manyObjectsPdf(2000)).objects).toBe(2003);
  });

  it("passes ordinary and merely damaged files on to the parser", () => {
    expect(() => checkPdfLimits(blankPagesPdf(50))).not.toThrow();
    expect(() => checkPdfLimits(brokenXrefPdf())).not.toThrow();
  });

  it("is not fooled by brackets inside strings and comments", () => {
    const text = Buffer.from(`%PDF-1.4\n1 0 obj\n<< /T (${"[".repeat(500)}) >>\nendobj\n% ${"[".repeat(500)}\n%%EOF\n`, "latin1");
    expect(checkPdfLimits(text).maxDepth).toBe(1);
  });
});
