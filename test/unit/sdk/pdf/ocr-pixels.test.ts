/**
 * The OCR of a PDF page (ocrPdfPages, extractWithOcr: redaction's full mode and tagging's text mode) gets
 * the canvas's pixels, not a PNG encoded only to be decoded again. That is only a speed change if the
 * pixels decode to the very grey image the PNG did: a different grey (alpha, premultiplication, channel
 * order) would change what Tesseract reads, and a missed word on a redaction scan is PII left in the output.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { type PdfPool, createPdfPool } from "../../../../sdk/pdf/pool";
import { scanPage, scanPdf } from "../../../support/scan-corpus";

const run = promisify(execFile);

const UNHURRIED = 600_000;
process.env.DOCMILL_OCR_PAGE_TIMEOUT_MS = String(UNHURRIED);

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 1 });
});
afterAll(() => pool.close());

test("a page's pixels decode to the same grey image as its PNG, byte for byte", async () => {
  // In a child process: pdfjs does not load inside jest's module system (it does in the pool's threads).
  const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(__dirname, "../../../support/pixel-identity.ts")], {
    cwd: path.join(__dirname, "../../../.."), maxBuffer: 1 << 20,
  });
  const got = JSON.parse(stdout.trim().split("\n").pop()!) as { compared: number; identical: number };
  expect(got.compared).toBeGreaterThanOrEqual(10);
  expect(got.identical).toBe(got.compared);
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
