/**
 * The glyph probe (preprocess.ts probeScript / readProbe) that decides orientation and script before any
 * recognition: generated scans (test/support/scan-corpus.ts, seeds the OCR tests do not use), each turned
 * by 0/90/180/270 degrees with sharp; the probe must name the turn that makes it upright, or say it does
 * not know (then OSD is asked), never a wrong one; and see Devanagari on Hindi and mixed pages only.
 */
import sharp from "sharp";
import { type Grey, headlinesAreScript, inkMask, inkStats, otsu, probeScript, readProbe, sidewaysRatio, skewAngle } from "../../../../sdk/pdf/preprocess";
import { type Degradation, scanPage } from "../../../support/scan-corpus";

jest.setTimeout(120_000);

async function probe(image: Buffer, dpi: number) {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  const img: Grey = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  const mask = inkMask(img, otsu(img));
  const stats = inkStats(mask, img.width, img.height, dpi);
  const transposed = sidewaysRatio(mask, img.width, img.height) > 1.15;
  const around = transposed ? 90 : 0;
  const residual = skewAngle(mask, img.width, img.height, 5, around) - around;
  const p = probeScript(mask, img.width, stats.glyphs, stats.stroke, transposed, transposed ? -residual : residual);
  return { p, read: readProbe(p, transposed) };
}

const cases: Array<[Degradation, number, number]> = [["clean", 3101, 0], ["skew", 3102, 3], ["hindi", 3103, 0], ["mixed", 3104, 0], ["dpi200", 3105, 4]];

describe.each(cases)("probe on a %s page", (degradation, seed, layout) => {
  it.each([0, 90, 180, 270])("turned by %i° more: the turn upright, and the script", async (extra) => {
    const page = await scanPage(degradation, seed, layout);
    const image = extra ? await sharp(page.image).rotate(extra).png().toBuffer() : page.image;
    const { p, read } = await probe(image, page.dpi);
    const content = (page.rotation + extra) % 360;
    // Never a wrong turn; unclear only when there is little to judge.
    if (read.rotate === undefined) expect(p.letters + 3 * (p.headlinesTop + p.headlinesBottom)).toBeLessThan(400);
    else expect(read.rotate).toBe((360 - content) % 360);
    expect(read.devanagari).toBe(page.langs.includes("hin"));
    expect(read.devanagariMain).toBe(degradation === "hindi");
  });
});

describe("readProbe", () => {
  const base = { letters: 300, above: 0, below: 0, headlinesTop: 0, headlinesBottom: 0 };
  it("needs a clear majority and enough glyphs", () => {
    expect(readProbe({ ...base, above: 80, below: 20 }, false).rotate).toBe(0);
    expect(readProbe({ ...base, above: 20, below: 80 }, false).rotate).toBe(180);
    expect(readProbe({ ...base, above: 50, below: 40 }, false).rotate).toBeUndefined();
    expect(readProbe({ ...base, above: 9, below: 1 }, false).rotate).toBeUndefined();
  });
  it("reads a transposed page as turned by 90 or 270", () => {
    expect(readProbe({ ...base, above: 80, below: 20 }, true).rotate).toBe(90);
    expect(readProbe({ ...base, above: 20, below: 80 }, true).rotate).toBe(270);
  });
  it("counts a headline as three letters, and Devanagari from five headlines on one side", () => {
    expect(readProbe({ ...base, letters: 40, headlinesBottom: 10, above: 8 }, false)).toEqual({ rotate: 180, devanagari: true, devanagariMain: true });
    expect(readProbe({ ...base, above: 60, below: 20, headlinesTop: 3 }, false).devanagari).toBe(false);
    expect(readProbe({ ...base, above: 60, below: 20, headlinesTop: 4, headlinesBottom: 1 }, false).devanagari).toBe(false);
  });
  it("takes bars on both sides for table rules: no Devanagari, no turn from them", () => {
    // An upright statement table (1313's 034-statement-en_US p3): rules under the figures.
    expect(readProbe({ ...base, letters: 142, above: 0, below: 2, headlinesTop: 8, headlinesBottom: 15 }, false)).toEqual({ rotate: undefined, devanagari: false, devanagariMain: false });
    expect(readProbe({ ...base, letters: 800, above: 195, below: 31, headlinesTop: 2, headlinesBottom: 3 }, false)).toEqual({ rotate: 0, devanagari: false, devanagariMain: false });
  });
});

describe("headlinesAreScript (text mode's reading of the bars)", () => {
  const base = { above: 200, below: 50 };
  // Probes measured on 150 dpi scans of the tagging corpus (seeds 17 and 31337) and the OCR scan corpus.
  it.each<[string, number, number, number, boolean]>([
    ["Latin page, bars from letters run together, both sides", 866, 6, 5, false],
    ["Latin page, bars below only", 1055, 0, 6, false],
    ["Latin page, bars on top only", 1135, 6, 0, false],
    ["Latin page, more bars on top", 1043, 9, 3, false],
    ["Hindi page", 572, 79, 0, true],
    ["Hindi page, fewest bars for its letters", 613, 60, 0, true],
    ["Hindi page with a few bars below", 481, 53, 3, true],
    ["Hindi page upside down", 572, 0, 79, true],
    ["Hindi and English lines, fewest bars", 224, 7, 0, true],
    ["Hindi and English lines", 238, 9, 0, true],
    ["four bars: too few to be a script", 100, 4, 0, false],
  ])("%s (letters %p, top %p, bottom %p): %p", (_name, letters, headlinesTop, headlinesBottom, script) => {
    expect(headlinesAreScript({ ...base, letters, headlinesTop, headlinesBottom })).toBe(script);
  });
});
