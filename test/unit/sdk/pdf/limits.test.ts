import zlib from "node:zlib";
import Ascii85Stream from "pdf-lib/cjs/core/streams/Ascii85Stream";
import LZWStream from "pdf-lib/cjs/core/streams/LZWStream";
import Stream from "pdf-lib/cjs/core/streams/Stream";
import { checkPdfLimits, DEFAULT_PDF_LIMITS } from "../../../../sdk/pdf/limits";
import { isPdfError } from "../../../../sdk/pdf/errors";
import { blankPagesPdf } from "../../../e2e/runtime/support";
import {
  ascii85Encode, bombPdf, brokenXrefPdf, deepNestingPdf, deflatedZeros, doubleBombPdf, filteredStreamPdf, hugeImagePdf, lzwEncode,
  manyObjectsPdf, manyStreamsBombPdf, runLengthZeros,
} from "../../../support/hostile-pdfs";

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

  describe("streams under filters other than Flate alone", () => {
    const small = { ...DEFAULT_PDF_LIMITS, maxStreamBytes: 2 * MiB };

    it("the test encoders are what a PDF reader decodes (checked with pdf.js's decoders)", () => {
      const text = Buffer.from("BT /F1 12 Tf (Hello, hello, hello) Tj ET ".repeat(50), "latin1");
      expect(Buffer.from(new LZWStream(new Stream(lzwEncode(text)), undefined, 1).decode())).toEqual(text);
      expect(Buffer.from(new Ascii85Stream(new Stream(ascii85Encode(text))).decode())).toEqual(text);
    });

    it("refuses an LZW bomb", () => {
      const lzw = lzwEncode(Buffer.alloc(4 * MiB));
      expect(lzw.length).toBeLessThan(MiB / 16);
      expect(refusal(() => checkPdfLimits(filteredStreamPdf("/LZWDecode", lzw), small))).toMatchObject({ reason: "maxStreamBytes" });
    });

    it("refuses a RunLength bomb", () => {
      expect(refusal(() => checkPdfLimits(filteredStreamPdf("/RunLengthDecode", runLengthZeros(4 * MiB)), small))).toMatchObject({ reason: "maxStreamBytes" });
    });

    it("refuses a Flate bomb hidden behind ASCII85 or ASCIIHex", async () => {
      const deflated = await deflatedZeros(4 * MiB);
      const a85 = filteredStreamPdf("[/ASCII85Decode /FlateDecode]", ascii85Encode(deflated));
      const ahx = filteredStreamPdf("[/AHx /Fl]", Buffer.from(`${deflated.toString("hex")}>`, "latin1"));
      expect(refusal(() => checkPdfLimits(a85, small))).toMatchObject({ reason: "maxStreamBytes" });
      expect(refusal(() => checkPdfLimits(ahx, small))).toMatchObject({ reason: "maxStreamBytes" });
    });

    it("counts what such chains decode to and passes ordinary ones", () => {
      const content = Buffer.from("q 1 0 0 1 72 720 cm BT /F1 12 Tf (ok) Tj ET Q\n".repeat(100), "latin1");
      const pdf = filteredStreamPdf("[/ASCII85Decode /FlateDecode]", ascii85Encode(zlib.deflateSync(content)));
      expect(checkPdfLimits(pdf).decompressedBytes).toBe(content.length);
      expect(checkPdfLimits(filteredStreamPdf("/LZWDecode", lzwEncode(content))).decompressedBytes).toBe(content.length);
    });

    it("leaves damaged encodings and image codecs to the parser", () => {
      expect(() => checkPdfLimits(filteredStreamPdf("[/ASCII85Decode /FlateDecode]", Buffer.from("not base 85 at all {}~>", "latin1")))).not.toThrow();
      expect(() => checkPdfLimits(filteredStreamPdf("/DCTDecode", Buffer.alloc(1000, 7)))).not.toThrow();
    });
  });
});
