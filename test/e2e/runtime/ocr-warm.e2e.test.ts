/**
 * A processor worker hosting a plugin that OCRs scanned pages starts its OCR at start-up
 * (DOCMILL_OCR_WARM, on by default), so the first scanned page of a run does not wait for Tesseract:
 * a started worker's PDF thread holds the declared language and orientation detection before any job.
 */
import { resetConfig } from "../../../kernel/config";
import { pdfPool } from "../../../sdk/pdf/pool";
import { startStack, type Stack } from "../../support/stack";
import { waitForState } from "./views";

jest.setTimeout(180_000);

let stack: Stack | undefined;

beforeAll(() => {
  process.env.DOCMILL_PDF_THREADS = "1";
  delete process.env.PLUGINS_DIR;
  delete process.env.DOCMILL_OCR_WARM;
  resetConfig();
});

afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
});

it("a started worker has warm OCR before its first job", async () => {
  await pdfPool.close();
  stack = await startStack({ services: ["jobs", "storage", "worker"] });
  const loaded = await waitForState("OCR warm", () => pdfPool.ocrWorkersLoaded(), (l) => l.includes("eng") && l.includes("osd"), 120_000, 200);
  expect(loaded).toEqual(expect.arrayContaining(["eng", "osd"]));
});
