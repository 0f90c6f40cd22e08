/**
 * The page measurements and geometry of OCR preprocessing, on synthetic pixels (pure functions).
 */
import {
  type Grey, compose, despeckle, hasDevanagari, inkMask, inkStats, isolationRadius, mapBox, otsu, removeIsolated, sidewaysRatio, skewAngle, speckArea, unrotate,
} from "../../../../sdk/pdf/preprocess";
import { rng } from "../../../support/scan-corpus";

function page(width: number, height: number): Grey {
  return { data: new Uint8Array(width * height).fill(255), width, height };
}

/** Dark bars like lines of text, rotated clockwise by `deg` about the centre. */
function lines(img: Grey, deg: number, opts: { vertical?: boolean } = {}): void {
  const a = (deg * Math.PI) / 180;
  const cx = img.width / 2;
  const cy = img.height / 2;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      // Undo the rotation: where was this pixel on the straight page?
      const dx = x - cx;
      const dy = y - cy;
      let ux = cx + dx * Math.cos(a) + dy * Math.sin(a);
      let uy = cy - dx * Math.sin(a) + dy * Math.cos(a);
      if (opts.vertical) [ux, uy] = [uy, ux];
      const inText = ux > 80 && ux < img.width - 80 && uy > 60 && uy < img.height - 60;
      // 14 px "lines" every 40 px, broken into "words" of 50 px.
      if (inText && uy % 40 < 14 && ux % 60 < 50) img.data[y * img.width + x] = 20;
    }
  }
}

describe("otsu and inkMask", () => {
  it("separates ink from paper", () => {
    const img = page(100, 100);
    for (let i = 0; i < 2000; i++) img.data[i] = 30;
    const level = otsu(img);
    expect(level).toBeGreaterThanOrEqual(30);
    expect(level).toBeLessThan(255);
    const mask = inkMask(img, level);
    expect(mask.reduce((s, v) => s + v, 0)).toBe(2000);
  });
});

describe("inkStats and despeckle", () => {
  it("counts specks apart from text and removes only the specks", () => {
    const img = page(600, 400);
    lines(img, 0);
    const rand = rng(7);
    // 300 isolated specks of 1 or 3x3 pixels in the margins and between lines.
    let placed = 0;
    while (placed < 300) {
      const x = 1 + Math.floor(rand() * 597);
      const y = 1 + Math.floor(rand() * 397);
      const r = rand() < 0.5 ? 0 : 1;
      let clear = true;
      for (let dy = -r - 1; dy <= r + 1; dy++) for (let dx = -r - 1; dx <= r + 1; dx++) {
        if (img.data[(y + dy) * 600 + x + dx] !== 255) clear = false;
      }
      if (!clear) continue;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) img.data[(y + dy) * 600 + x + dx] = 10;
      placed++;
    }
    const textInk = (() => {
      const clean = page(600, 400);
      lines(clean, 0);
      return inkMask(clean, 128).reduce((s, v) => s + v, 0);
    })();
    const mask = inkMask(img, otsu(img));
    const stats = inkStats(mask, 600, 400, 300);
    expect(stats.specks).toBe(300);
    expect(stats.stroke).toBeGreaterThanOrEqual(14);
    expect(despeckle(img, mask, speckArea(300))).toBe(300);
    expect(inkMask(img, 128).reduce((s, v) => s + v, 0)).toBe(textInk);
  });

  it("removes the dust between a label and its value, keeps full stops and dotted leaders (removeIsolated)", () => {
    const img = page(900, 300);
    const box = (x: number, y: number, w: number, h: number) => {
      for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) img.data[yy * 900 + xx] = 15;
    };
    // Row 1 (300 dpi, text 40 px tall): "label" 40-240, a gap of 160 px with a cluster of three specks and a
    // lone one in it, "value" 400-600.
    box(40, 40, 200, 40);
    box(400, 40, 200, 40);
    const dust: Array<[number, number, number]> = [[300, 60, 2], [306, 66, 1], [311, 58, 2], [350, 45, 1]];
    for (const [x, y, r] of dust) box(x, y, r, r);
    // Row 2: a word ending in a full stop (3x3, 4 px after it) and an i's dot over a stem.
    box(40, 140, 150, 40);
    box(194, 177, 3, 3);
    box(230, 140, 6, 30);
    box(231, 133, 3, 3);
    // Row 3: a dotted leader of 3x3 dots every 12 px, its middle far (> 25 px) from any letter.
    box(40, 240, 60, 30);
    const leader: number[] = [];
    for (let x = 110; x < 500; x += 12) {
      box(x, 267, 3, 3);
      leader.push(x);
    }
    box(510, 240, 60, 30);

    const mask = inkMask(img, otsu(img));
    const stats = inkStats(mask, 900, 300, 300);
    expect(stats.specks).toBe(dust.length + 2 + leader.length);
    const ink = (x: number, y: number) => img.data[y * 900 + x]! < 128;
    expect(removeIsolated(img, mask, stats.speckBoxes, isolationRadius(300))).toBe(dust.length);
    for (const [x, y] of dust) expect(ink(x, y)).toBe(false);
    expect(ink(195, 178)).toBe(true);
    expect(ink(232, 134)).toBe(true);
    for (const x of leader) expect(ink(x + 1, 268)).toBe(true);
    // The mask follows the image; everything else is untouched.
    expect(mask.reduce((s, v) => s + v, 0)).toBe(inkMask(img, 128).reduce((s, v) => s + v, 0));
    expect(ink(100, 60) && ink(500, 60)).toBe(true);
    expect(isolationRadius(300)).toBe(25);
  });

  it("keeps a speck with dust-free ink near it, and every dot of a vertical leader on a page on its side", () => {
    const img = page(200, 600);
    const box = (x: number, y: number, w: number, h: number) => {
      for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) img.data[yy * 200 + xx] = 15;
    };
    box(80, 20, 30, 60);
    const column: number[] = [];
    for (let y = 100; y < 500; y += 12) {
      box(100, y, 3, 3);
      column.push(y);
    }
    box(80, 520, 30, 60);
    const mask = inkMask(img, otsu(img));
    const stats = inkStats(mask, 200, 600, 300);
    expect(removeIsolated(img, mask, stats.speckBoxes, isolationRadius(300))).toBe(0);
    for (const y of column) expect(img.data[(y + 1) * 200 + 101]).toBeLessThan(128);
  });

  it("scales the speck size with the resolution", () => {
    expect(speckArea(300)).toBe(9);
    expect(speckArea(200)).toBe(4);
    expect(speckArea(600)).toBe(36);
  });
});

describe("skewAngle", () => {
  it.each([-3, -1.2, 0, 0.7, 2.5])("finds a skew of %p degrees within 0.15", (deg) => {
    const img = page(640, 480);
    lines(img, deg);
    expect(Math.abs(skewAngle(inkMask(img, 128), 640, 480) - deg)).toBeLessThanOrEqual(0.15);
  });

  it("is 0 for a page without ink", () => {
    expect(skewAngle(new Uint8Array(100 * 100), 100, 100)).toBe(0);
  });
});

describe("sidewaysRatio", () => {
  it("tells vertical text lines from horizontal ones", () => {
    const upright = page(600, 800);
    lines(upright, 0);
    const sideways = page(800, 600);
    lines(sideways, 0, { vertical: true });
    expect(sidewaysRatio(inkMask(upright, 128), 600, 800)).toBeLessThan(1);
    expect(sidewaysRatio(inkMask(sideways, 128), 800, 600)).toBeGreaterThan(1.15);
  });
});

describe("unrotate, compose, mapBox", () => {
  /** Clockwise rotation about the centre into the enlarged canvas, the forward map of sharp's rotate. */
  function forward(deg: number, w: number, h: number, x: number, y: number): [number, number] {
    const a = (deg * Math.PI) / 180;
    const W = Math.abs(Math.cos(a)) * w + Math.abs(Math.sin(a)) * h;
    const H = Math.abs(Math.sin(a)) * w + Math.abs(Math.cos(a)) * h;
    const dx = x - w / 2;
    const dy = y - h / 2;
    return [W / 2 + dx * Math.cos(a) - dy * Math.sin(a), H / 2 + dx * Math.sin(a) + dy * Math.cos(a)];
  }

  it.each([90, 180, 270, 2.5, -1.75])("maps points of a %p-degree rotation back exactly", (deg) => {
    const { map, width, height } = unrotate(deg, 2480, 3508);
    if (deg % 90 === 0) expect([width, height]).toEqual(deg % 180 === 0 ? [2480, 3508] : [3508, 2480]);
    for (const [x, y] of [[0, 0], [2480, 0], [1000, 2000], [2480, 3508]] as const) {
      const [fx, fy] = forward(deg, 2480, 3508, x, y);
      const b = mapBox(map, fx, fy, fx, fy);
      expect(b.x0).toBeCloseTo(x, 6);
      expect(b.y0).toBeCloseTo(y, 6);
    }
  });

  it("composes a quarter turn and a deskew into one map", () => {
    const quarter = unrotate(90, 2480, 3508);
    const skew = unrotate(-1.5, quarter.width, quarter.height);
    const both = compose(quarter.map, skew.map);
    const [ax, ay] = forward(90, 2480, 3508, 300, 400);
    const [bx, by] = forward(-1.5, quarter.width, quarter.height, ax, ay);
    const b = mapBox(both, bx, by, bx, by);
    expect(b.x0).toBeCloseTo(300, 6);
    expect(b.y0).toBeCloseTo(400, 6);
  });

  it("gives the axis-aligned hull of a rotated box", () => {
    const { map } = unrotate(90, 100, 200);
    // A box on the upright (rotated) image maps to a box with swapped sides on the source.
    const b = mapBox(map, 10, 20, 50, 30);
    expect(b.x1 - b.x0).toBeCloseTo(10, 6);
    expect(b.y1 - b.y0).toBeCloseTo(40, 6);
  });
});

describe("hasDevanagari", () => {
  it("sees Hindi text, also mixed with English, and not stray signs", () => {
    expect(hasDevanagari("यह पत्र आपके खाते के बारे में है")).toBe(true);
    expect(hasDevanagari("Application Form / आवेदन पत्र, Name: Rahul Sharma, City: दिल्ली")).toBe(true);
    expect(hasDevanagari("Invoice 42 for services rendered, total ₹ 4,000")).toBe(false);
    expect(hasDevanagari("A long English letter with one word: नाम")).toBe(false);
  });
});
