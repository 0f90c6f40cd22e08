import sharp from "sharp";
import { type PdfPool, createPdfPool } from "../../../../sdk/pdf/pool";
import { piiTextPdf, rotatedPdf } from "../../../support/pdf-fixtures";

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 1 });
});
afterAll(() => pool.close());

/** Mean grey level (0 black .. 255 white) of a rectangle of a PNG given in points. */
async function meanGrey(png: Buffer, scale: number, box: { x: number; y: number; width: number; height: number }) {
  const region = {
    left: Math.round(box.x * scale), top: Math.round(box.y * scale),
    width: Math.max(1, Math.round(box.width * scale)), height: Math.max(1, Math.round(box.height * scale)),
  };
  const { data } = await sharp(png).extract(region).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data.reduce((s, v) => s + v, 0) / data.length;
}

describe("renderPage", () => {
  it("renders a PNG of the page size at the requested dpi", async () => {
    const fx = await piiTextPdf();
    const img = await pool.render(fx.bytes, 1, { dpi: 144 });
    expect(img.scale).toBe(2);
    expect(img.widthPx).toBe(Math.ceil(595.28 * 2));
    expect(img.heightPx).toBe(Math.ceil(841.89 * 2));
    const meta = await sharp(img.png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", img.widthPx, img.heightPx]);
  });

  it("draws ink inside the word boxes of the text layer and none in the margin", async () => {
    const fx = await piiTextPdf();
    const [img, text] = await Promise.all([pool.render(fx.bytes, 1, { dpi: 100 }), pool.extract(fx.bytes)]);
    for (const w of text.pages[0]!.words.slice(0, 5)) {
      expect(await meanGrey(img.png, img.scale, w.box)).toBeLessThan(235);
    }
    expect(await meanGrey(img.png, img.scale, { x: 0, y: 0, width: 60, height: 60 })).toBe(255);
  });

  it("renders a rotated page in its displayed orientation, text where the boxes say", async () => {
    const fx = await rotatedPdf(90);
    const [img, text] = await Promise.all([pool.render(fx.bytes, 1, { dpi: 72 }), pool.extract(fx.bytes)]);
    expect(img.widthPx).toBeGreaterThan(img.heightPx);
    const first = text.pages[0]!.words[0]!;
    expect(await meanGrey(img.png, img.scale, first.box)).toBeLessThan(235);
  });

  it("refuses a page that does not exist", async () => {
    const fx = await piiTextPdf();
    await expect(pool.render(fx.bytes, 2)).rejects.toThrow(/Page 2 does not exist/);
  });
});
