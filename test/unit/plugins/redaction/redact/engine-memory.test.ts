/**
 * The redaction engine's memory caps (issue 14), through its real worker thread: PDFium's WebAssembly
 * memory is capped (PDFIUM_MAX_MB, here 128 MB, read by the thread when it starts), a document that needs
 * more fails with PDF_LIMIT_EXCEEDED naming it, and the engine goes on serving on a fresh thread; a
 * 200-inch page rasterised at 200 dpi becomes a bitmap under RENDER_MAX_PIXELS instead of 6 GB.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import sharp from "sharp";
import { createRedactionEngine } from "../../../../../plugins/redaction/redact/engine-pool";
import { hugePagePdf, textOverImagesPdf } from "../../../../support/hostile-pdfs";

jest.setTimeout(180_000);
process.env.PDFIUM_MAX_MB = "128";
const engine = createRedactionEngine(1);
let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), "docmill-engine-mem-"))));
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  delete process.env.PDFIUM_MAX_MB;
});

async function textPdf(line: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([612, 792]).drawText(line, { x: 36, y: 760, size: 9, font });
  return doc.save();
}

function pdftotext(bytes: Uint8Array): string {
  const f = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(f, bytes);
  return execFileSync("pdftotext", ["-enc", "UTF-8", f, "-"]).toString("utf8");
}

it("fails a page whose images need more PDFium memory than PDFIUM_MAX_MB, then redacts the next document", async () => {
  // One 9000 × 9000 image under the text: painting the area over it needs the decoded image in PDFium.
  const hostile = await textOverImagesPdf(1, 9000, 9000);
  await expect(engine.redact(hostile, [{ page: 1, boxes: [{ x: 60, y: 70, width: 300, height: 40 }] }])).rejects.toMatchObject({
    type: "PDF_LIMIT_EXCEEDED",
    message: "Redacting the PDF needed more than 128 MB of PDFium memory (limit PDFIUM_MAX_MB=128)",
  });
  const ok = await textPdf("Contact jane.roe@example.org today");
  const out = await engine.redact(ok, [{ page: 1, boxes: [{ x: 30, y: 20, width: 250, height: 20 }] }]);
  expect(out.pageCount).toBe(1);
  const finished = await engine.finish({ pdf: out.pdf, pages: out.pages, raster: out.raster, textLayers: [], painted: out.painted });
  const text = pdftotext(finished.pdf);
  expect(text).not.toContain("jane.roe");
});

it("rasterises a 200-inch page at a lowered scale: the raster holds at most RENDER_MAX_PIXELS", async () => {
  // Its 40-megapixel bitmap needs 160 MB of PDFium memory: an engine whose threads may have 1 GB.
  process.env.PDFIUM_MAX_MB = "1024";
  const roomy = createRedactionEngine(1);
  const out = await roomy.redact(hugePagePdf(14400, 14400), [{ page: 1, boxes: [{ x: 0, y: 0, width: 100, height: 100 }] }], { forceRaster: [1] });
  expect(out.raster.map((r) => r.page)).toEqual([1]);
  const meta = await sharp(out.raster[0]!.jpeg).metadata();
  expect(meta.width! * meta.height!).toBeLessThanOrEqual(40_000_000);
  expect(meta.width).toBeGreaterThan(6000);
  expect(out.raster[0]).toMatchObject({ width: 14400, height: 14400 });
  await roomy.close();
});
