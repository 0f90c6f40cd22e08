/** Render scale caps (sdk/pdf/memory.ts) and a huge page rendered through the real PDF thread pool. */
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { fitScale, renderMaxPixels } from "../../../../sdk/pdf/memory";
import { createPdfPool } from "../../../../sdk/pdf/pool";
import { hugePagePdf } from "../../../support/hostile-pdfs";

jest.setTimeout(120_000);
const pool = createPdfPool({ threads: 1 });
afterAll(() => pool.close());

it("keeps the asked scale when the bitmap fits, lowers it to the cap when not", () => {
  expect(fitScale(612, 792, 300 / 72, 40_000_000)).toBe(300 / 72);
  const s = fitScale(14400, 14400, 300 / 72, 40_000_000);
  expect(Math.ceil(14400 * s) ** 2).toBeLessThanOrEqual(40_000_000);
  expect(Math.ceil(14400 * s) ** 2).toBeGreaterThan(39_000_000);
  const thin = fitScale(14400, 10, 600 / 72, 1_000_000);
  expect(Math.ceil(14400 * thin) * Math.ceil(10 * thin)).toBeLessThanOrEqual(1_000_000);
});

it("reads RENDER_MAX_PIXELS, refusing nonsense", () => {
  expect(renderMaxPixels({})).toBe(40_000_000);
  expect(renderMaxPixels({ RENDER_MAX_PIXELS: "2000000" })).toBe(2_000_000);
  expect(() => renderMaxPixels({ RENDER_MAX_PIXELS: "10" })).toThrow(/RENDER_MAX_PIXELS/);
});

it("renders a 200-inch page at 300 dpi as a bitmap under the cap, with the scale that maps it back", async () => {
  const pdf = hugePagePdf(14400, 14400);
  expect((await PDFDocument.load(pdf)).getPage(0).getSize()).toEqual({ width: 14400, height: 14400 });
  const r = await pool.render(pdf, 1, { dpi: 300 });
  const meta = await sharp(r.png).metadata();
  expect(meta.width! * meta.height!).toBeLessThanOrEqual(40_000_000);
  expect({ w: meta.width, h: meta.height }).toEqual({ w: r.widthPx, h: r.heightPx });
  expect(Math.abs(r.widthPx / r.scale - 14400)).toBeLessThan(5);
  // The grey square drawn at the page's corner (10 × 10 pt) is still there, at the lowered scale.
  const px = Math.floor(5 * r.scale);
  const { data, info } = await sharp(r.png).extract({ left: px, top: r.heightPx - px - 1, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
  expect(data[0]).toBeLessThan(200);
  expect(info.width).toBe(1);
});
