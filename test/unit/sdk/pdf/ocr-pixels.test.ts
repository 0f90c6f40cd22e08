/**
 * The OCR of a PDF page (ocrPdfPages, extractWithOcr: redaction's full mode and tagging's text mode) gets
 * the canvas's pixels, not a PNG encoded only to be decoded again. That is only a speed change if the
 * pixels decode to the very grey image the PNG did: a different grey (alpha, premultiplication, channel
 * order) would change what Tesseract reads, and a missed word on a redaction scan is PII left in the output.
 */
import { decode } from "../../../../sdk/pdf/ocr";
import { withDocument } from "../../../../sdk/pdf/pdfjs";
import { type PdfPool, createPdfPool } from "../../../../sdk/pdf/pool";
import { renderDocPage, renderDocPixels } from "../../../../sdk/pdf/render";
import { renderTextPdf, generateCorpus } from "../../../fixtures/pii-corpus";
import { scanPage, scanPdf } from "../../../support/scan-corpus";

const UNHURRIED = 600_000;
process.env.DOCMILL_OCR_PAGE_TIMEOUT_MS = String(UNHURRIED);

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 1 });
});
afterAll(() => pool.close());

test("a page's pixels decode to the same grey image as its PNG, byte for byte", async () => {
  // Scans (speckle PNG, JPEG, turned, a 150 dpi picture) and a vector text page (anti-aliased glyphs)
  const scans = await Promise.all([
    scanPage("speckle", 12_001, 0), scanPage("jpeg", 12_002, 1), scanPage("rot90", 12_003, 2), scanPage("clean", 12_004, 3, 150),
  ]);
  const text = (await generateCorpus(1313, 8)).find((d) => d.pageKinds[0] === "text")!;
  const pdfs = [await scanPdf(scans), await renderTextPdf(text)];
  let compared = 0;
  for (const pdf of pdfs) {
    await withDocument(pdf, {}, async (doc) => {
      for (let p = 1; p <= doc.numPages; p++) {
        for (const dpi of [300, 150]) {
          const png = await renderDocPage(doc, p, dpi);
          const px = await renderDocPixels(doc, p, dpi);
          const a = await decode(png.png);
          const b = await decode({ rgba: px.rgba, width: px.widthPx, height: px.heightPx });
          expect({ w: b.width, h: b.height }).toEqual({ w: a.width, h: a.height });
          expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))).toBe(0);
          compared++;
        }
      }
    });
  }
  expect(compared).toBeGreaterThanOrEqual(10);
}, 300_000);

test("full mode reads the same words, boxes and passes from the pixels as from the page's PNG", async () => {
  const page = await scanPage("speckle", 12_005, 1);
  const pdf = await scanPdf([page]);
  const [fromPixels] = await pool.ocrPdfPages(pdf, [1], { lang: "eng", dpi: 300 });
  const png = await pool.render(pdf, 1, { dpi: 300 });
  const fromPng = await pool.ocr(png.png, { lang: "eng", pageWidthPt: png.widthPx / png.scale, pageHeightPt: png.heightPx / png.scale });
  expect(fromPixels!.words.length).toBeGreaterThan(30);
  expect(fromPixels!.words).toEqual(fromPng.words);
  expect(fromPixels!.report?.passes).toEqual(fromPng.report?.passes);
  expect(fromPixels!.report?.preprocessing).toEqual(fromPng.report?.preprocessing);
}, 300_000);
