/**
 * Measurements and clean-up of a page image before OCR, on 8-bit greyscale pixels (one byte per pixel,
 * row-major). Pure functions, no I/O: ocr.ts decodes the image once with sharp and hands the pixels here.
 *
 * Why not a global threshold: on a dusty scan, normalise + threshold turns every speck into a black blob
 * that Tesseract's single-block mode then tries to read as text (the 0-word, 25 %-confidence
 * pages). Specks are removed as what they are, small isolated dark components, and the binarisation is
 * left to Tesseract's own (Otsu over its layout regions).
 */

export interface Grey {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Otsu's threshold of a greyscale histogram: the level that best separates ink from paper. */
export function otsu(img: Grey): number {
  const hist = new Float64Array(256);
  const { data } = img;
  // Every 4th pixel is plenty for a histogram and four times cheaper.
  for (let i = 0; i < data.length; i += 4) hist[data[i]!]!++;
  let total = 0;
  let sum = 0;
  for (let v = 0; v < 256; v++) {
    total += hist[v]!;
    sum += v * hist[v]!;
  }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let level = 128;
  for (let v = 0; v < 256; v++) {
    wB += hist[v]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += v * hist[v]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      level = v;
    }
  }
  return level;
}

/** Ink mask: 1 where the pixel is darker than `level`. */
export function inkMask(img: Grey, level: number): Uint8Array {
  const mask = new Uint8Array(img.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = img.data[i]! <= level ? 1 : 0;
  return mask;
}

export interface InkStats {
  /** Dark connected components (8-connected) of at most `speckArea` pixels: dust, not text. */
  specks: number;
  /** All dark components. */
  components: number;
  /** The typical stroke width in pixels (mode of horizontal ink runs of 2+ px). */
  stroke: number;
  /** Share of ink pixels. */
  ink: number;
  /**
   * Glyph-sized components (larger than a speck, smaller than a rule or picture) as flat [x0, y0, x1, y1]
   * pixel boxes: after a pass, those that no word covers are text Tesseract missed.
   */
  glyphs: Int32Array;
  /** The specks' pixel boxes, flat [x0, y0, x1, y1] (x1, y1 exclusive), for removeIsolated. */
  speckBoxes: Int32Array;
}

/**
 * Labels the 8-connected ink components; calls `onComponent(pixels)` with the pixel indices of each one
 * of at most `maxArea` pixels (larger ones are only counted). Iterative, no recursion.
 */
function scanComponents(
  mask: Uint8Array, width: number, height: number, maxArea: number, onSmall: (pixels: Int32Array, n: number) => void,
  onLarge?: (x0: number, y0: number, x1: number, y1: number) => void,
): number {
  const seen = new Uint8Array(mask.length);
  let stack = new Int32Array(1 << 16);
  const small = new Int32Array(maxArea + 1);
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    count++;
    let top = 0;
    let area = 0;
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const p = stack[--top]!;
      if (area <= maxArea) small[area] = p;
      area++;
      const x = p % width;
      const y = (p - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (mask[q] && !seen[q]) {
            seen[q] = 1;
            if (top === stack.length) {
              const grown = new Int32Array(stack.length * 2);
              grown.set(stack);
              stack = grown;
            }
            stack[top++] = q;
          }
        }
      }
    }
    if (area <= maxArea) onSmall(small, area);
    else onLarge?.(x0, y0, x1 + 1, y1 + 1);
  }
  return count;
}

/** Specks are at most this many pixels at 300 dpi (a 3x3 blot); a full stop of 8 pt type is ~12. */
export function speckArea(dpi: number): number {
  return Math.max(2, Math.round(9 * (dpi / 300) ** 2));
}

/** Counts specks, components and the stroke width of an ink mask. */
export function inkStats(mask: Uint8Array, width: number, height: number, dpi: number): InkStats {
  let specks = 0;
  const limit = 150 * (dpi / 300);
  const glyphs: number[] = [];
  const speckBoxes: number[] = [];
  const components = scanComponents(mask, width, height, speckArea(dpi), (pixels, n) => {
    specks++;
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    for (let i = 0; i < n; i++) {
      const p = pixels[i]!;
      const x = p % width;
      const y = (p - x) / width;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y >= y1) y1 = y + 1;
    }
    speckBoxes.push(x0, y0, x1, y1);
  }, (x0, y0, x1, y1) => {
    if (x1 - x0 <= limit && y1 - y0 <= limit) glyphs.push(x0, y0, x1, y1);
  });
  const runs = new Uint32Array(64);
  let ink = 0;
  for (let y = 0; y < height; y += 2) {
    let run = 0;
    const row = y * width;
    for (let x = 0; x <= width; x++) {
      const on = x < width && mask[row + x] === 1;
      if (on) {
        run++;
        ink++;
      } else if (run > 0) {
        if (run >= 2 && run < 64) runs[run]!++;
        run = 0;
      }
    }
  }
  let stroke = 2;
  for (let r = 2; r < 64; r++) if (runs[r]! > runs[stroke]!) stroke = r;
  // A letter or digit is several strokes tall; dots, dashes and blots are not glyphs we would miss.
  const tall: number[] = [];
  for (let i = 0; i < glyphs.length; i += 4) {
    if (glyphs[i + 3]! - glyphs[i + 1]! >= 3 * stroke) tall.push(glyphs[i]!, glyphs[i + 1]!, glyphs[i + 2]!, glyphs[i + 3]!);
  }
  return { specks, components, stroke, ink: ink / ((height / 2) * width), glyphs: Int32Array.from(tall), speckBoxes: Int32Array.from(speckBoxes) };
}

/** How far (pixels, at `dpi`) a speck must be from any other ink to count as isolated: 1/12 inch, 6 pt. */
export function isolationRadius(dpi: number): number {
  return Math.max(2, Math.round(dpi / 12));
}

/**
 * Paints white, in place, the specks (boxes from inkStats) that have no ink other than specks within
 * `radius` pixels (Chebyshev distance from the speck's box) and are not one dot of a dotted line. Returns
 * how many went.
 *
 * Why: a page with light dust (under the share at which the whole page is cleaned) still has the odd speck,
 * or two or three together, in the gap between a form label and its value; Tesseract reads them as `-`,
 * `.` or `|`, joins label and value into one line and misjudges their spaces ("Full name:" came back as
 * `Fullname:`, a date's box half again too long). Punctuation is never alone like that: a full stop, an
 * i's dot, a colon or an ellipsis has its letters within a few points. A dotted leader's middle dots are far
 * from letters, but each has dots on both sides on the same row (or column, on a page still lying on its
 * side), which dust has not.
 */
export function removeIsolated(img: Grey, mask: Uint8Array, speckBoxes: Int32Array, radius: number): number {
  const { width, height } = img;
  const n = speckBoxes.length / 4;
  // Speck pixels are marked 2 while the check runs, so the window count below sees other ink only.
  for (let i = 0; i < n; i++) {
    for (let y = speckBoxes[4 * i + 1]!; y < speckBoxes[4 * i + 3]!; y++) {
      for (let x = speckBoxes[4 * i]!; x < speckBoxes[4 * i + 2]!; x++) if (mask[y * width + x]) mask[y * width + x] = 2;
    }
  }
  // Speck centres in a grid of radius-sized cells, for the dotted-line test.
  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  const cells = new Map<number, number[]>();
  const cols = Math.ceil(width / radius) + 1;
  for (let i = 0; i < n; i++) {
    cx[i] = (speckBoxes[4 * i]! + speckBoxes[4 * i + 2]!) / 2;
    cy[i] = (speckBoxes[4 * i + 1]! + speckBoxes[4 * i + 3]!) / 2;
    const key = Math.floor(cy[i]! / radius) * cols + Math.floor(cx[i]! / radius);
    const list = cells.get(key);
    if (list) list.push(i);
    else cells.set(key, [i]);
  }
  const dotted = (i: number): boolean => {
    let row = 0;
    let column = 0;
    const gx = Math.floor(cx[i]! / radius);
    const gy = Math.floor(cy[i]! / radius);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const j of cells.get((gy + dy) * cols + gx + dx) ?? []) {
          if (j === i) continue;
          const ox = Math.abs(cx[j]! - cx[i]!);
          const oy = Math.abs(cy[j]! - cy[i]!);
          if (ox > radius || oy > radius) continue;
          if (oy <= 1.5 && ox >= 2) row++;
          if (ox <= 1.5 && oy >= 2) column++;
        }
      }
    }
    return row >= 2 || column >= 2;
  };
  const remove: boolean[] = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    const x0 = speckBoxes[4 * i]!;
    const y0 = speckBoxes[4 * i + 1]!;
    const x1 = speckBoxes[4 * i + 2]!;
    const y1 = speckBoxes[4 * i + 3]!;
    let near = false;
    const wy1 = Math.min(height, y1 + radius);
    const wx0 = Math.max(0, x0 - radius);
    const wx1 = Math.min(width, x1 + radius);
    for (let y = Math.max(0, y0 - radius); y < wy1 && !near; y++) {
      const row = y * width;
      for (let x = wx0; x < wx1; x++) {
        if (mask[row + x] === 1) {
          near = true;
          break;
        }
      }
    }
    remove[i] = !near && !dotted(i);
  }
  let removed = 0;
  for (let i = 0; i < n; i++) {
    if (remove[i]) removed++;
    for (let y = speckBoxes[4 * i + 1]!; y < speckBoxes[4 * i + 3]!; y++) {
      for (let x = speckBoxes[4 * i]!; x < speckBoxes[4 * i + 2]!; x++) {
        const p = y * width + x;
        if (mask[p] !== 2) continue;
        if (remove[i]) {
          mask[p] = 0;
          img.data[p] = 255;
        } else {
          mask[p] = 1;
        }
      }
    }
  }
  return removed;
}

/** Paints every ink component of at most `maxArea` pixels white, in place. Returns how many went. */
export function despeckle(img: Grey, mask: Uint8Array, maxArea: number): number {
  let removed = 0;
  scanComponents(mask, img.width, img.height, maxArea, (pixels, n) => {
    for (let i = 0; i < n; i++) {
      img.data[pixels[i]!] = 255;
      mask[pixels[i]!] = 0;
    }
    removed++;
  });
  return removed;
}

/**
 * Skew of the text lines in degrees (clockwise positive, as sharp's rotate), by projection profiles: the
 * angle at which the row sums of the ink are most peaked (lines of text lie along rows). Searched over
 * ±`range` degrees, coarse then fine, on a subsample of ink pixels. 0 when the page has too little ink.
 * `around` centres the search: 90 for a page whose lines run vertically gives the angle (near 90) that
 * turns its lines horizontal.
 */
export function skewAngle(mask: Uint8Array, width: number, height: number, range = 5, around = 0): number {
  // Subsample: at most ~60k ink points, from every `step`-th pixel both ways.
  const step = Math.max(1, Math.round(Math.sqrt(width * height / 2_000_000)));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      if (mask[y * width + x]) {
        xs.push(x - width / 2);
        ys.push(y - height / 2);
      }
    }
  }
  if (xs.length < 200) return around;
  const keep = Math.max(1, Math.floor(xs.length / 60_000));
  const bins = Math.ceil(Math.hypot(width, height) / step) + 2;
  const hist = new Float64Array(bins);
  const score = (deg: number): number => {
    hist.fill(0);
    const a = (-deg * Math.PI) / 180;
    const s = Math.sin(a);
    const c = Math.cos(a);
    // Undo a clockwise skew of `deg`: rotate the points counter-clockwise and take the row index.
    for (let i = 0; i < xs.length; i += keep) {
      const yr = xs[i]! * s + ys[i]! * c;
      hist[Math.floor(yr / step + bins / 2)]!++;
    }
    let sq = 0;
    for (let i = 0; i < bins; i++) sq += hist[i]! * hist[i]!;
    return sq;
  };
  let best = around;
  let bestScore = -1;
  for (let d = around - range; d <= around + range + 1e-9; d += 0.5) {
    const v = score(d);
    if (v > bestScore) {
      bestScore = v;
      best = d;
    }
  }
  const coarse = best;
  for (let d = coarse - 0.5; d <= coarse + 0.5 + 1e-9; d += 0.05) {
    const v = score(d);
    if (v > bestScore) {
      bestScore = v;
      best = d;
    }
  }
  return Math.round(best * 100) / 100;
}

/**
 * The glyph boxes (flat [x0, y0, x1, y1]) whose centre lies in none of `boxes` (same pixels, each grown by
 * `pad`): ink on the page that no recognised word accounts for.
 */
export function uncovered(glyphs: Int32Array, boxes: ReadonlyArray<{ x0: number; y0: number; x1: number; y1: number }>, pad: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < glyphs.length; i += 4) {
    const cx = (glyphs[i]! + glyphs[i + 2]!) / 2;
    const cy = (glyphs[i + 1]! + glyphs[i + 3]!) / 2;
    const hit = boxes.some((b) => cx >= b.x0 - pad && cx <= b.x1 + pad && cy >= b.y0 - pad && cy <= b.y1 + pad);
    if (!hit) out.push(i / 4);
  }
  return out;
}

/**
 * How much more the ink lines up along columns than along rows: > 1 means the text lines run vertically
 * (a page turned by 90 or 270 degrees). Compares the peakedness of the two projection profiles.
 */
export function sidewaysRatio(mask: Uint8Array, width: number, height: number): number {
  const step = Math.max(1, Math.round(Math.sqrt(width * height / 2_000_000)));
  const rows = new Float64Array(Math.ceil(height / step) + 1);
  const cols = new Float64Array(Math.ceil(width / step) + 1);
  let n = 0;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      if (mask[y * width + x]) {
        rows[(y / step) | 0]!++;
        cols[(x / step) | 0]!++;
        n++;
      }
    }
  }
  if (n < 200) return 1;
  // Normalised second moment: sum of squares over the square of the sum, scaled by the number of bins.
  const peak = (h: Float64Array) => {
    let sq = 0;
    for (let i = 0; i < h.length; i++) sq += h[i]! * h[i]!;
    return (sq * h.length) / (n * n);
  };
  return peak(cols) / peak(rows);
}

/**
 * A 2-D affine map [a, b, c, d, e, f]: x' = a x + b y + c, y' = d x + e y + f. Used to carry word boxes
 * from the processed (rotated) image back to the pixels of the image the caller gave.
 */
export type Affine = [number, number, number, number, number, number];

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

/**
 * The map from pixels of an image rotated clockwise by `deg` about its centre, with the canvas enlarged
 * to hold it (sharp's `rotate`), back to pixels of the source image of size w x h.
 */
export function unrotate(deg: number, w: number, h: number): { map: Affine; width: number; height: number } {
  const a = (deg * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  // Exact for right angles (no 1e-17 dust) so 90-degree pages map back to the pixel.
  const c = Math.abs(cos) < 1e-12 ? 0 : cos;
  const s = Math.abs(sin) < 1e-12 ? 0 : sin;
  const W = Math.abs(c) * w + Math.abs(s) * h;
  const H = Math.abs(s) * w + Math.abs(c) * h;
  // p = R(-a)(p' - c') + c
  return {
    map: [c, s, w / 2 - c * (W / 2) - s * (H / 2), -s, c, h / 2 + s * (W / 2) - c * (H / 2)],
    width: W,
    height: H,
  };
}

/** The inverse map (the affines here are rotations and translations, always invertible). */
export function invert(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Groups glyph boxes into word-like clusters: boxes on the same line (vertical overlap of half the smaller
 * height) less than one glyph height apart horizontally.
 */
export function clusters(boxes: PixelBox[]): PixelBox[] {
  const out = boxes.map((b) => ({ ...b }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i]!;
        const b = out[j]!;
        const h = Math.max(a.y1 - a.y0, b.y1 - b.y0);
        const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        const gap = Math.max(a.x0, b.x0) - Math.min(a.x1, b.x1);
        if (overlap >= 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0) && gap < h) {
          out[i] = { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
          out.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return out;
}

/** A copy of the box (x0, y0)-(x1, y1) of `img` with a white margin of `pad` pixels all round. */
export function crop(img: Grey, b: PixelBox, pad: number): { img: Grey; x: number; y: number } {
  const x0 = Math.max(0, Math.floor(b.x0));
  const y0 = Math.max(0, Math.floor(b.y0));
  const x1 = Math.min(img.width, Math.ceil(b.x1));
  const y1 = Math.min(img.height, Math.ceil(b.y1));
  const w = Math.max(1, x1 - x0) + 2 * pad;
  const h = Math.max(1, y1 - y0) + 2 * pad;
  const data = new Uint8Array(w * h).fill(255);
  for (let y = y0; y < y1; y++) {
    data.set(img.data.subarray(y * img.width + x0, y * img.width + x1), (y - y0 + pad) * w + pad);
  }
  return { img: { data, width: w, height: h }, x: x0 - pad, y: y0 - pad };
}

/** a ∘ b: first b, then a. */
export function compose(a: Affine, b: Affine): Affine {
  return [
    a[0] * b[0] + a[1] * b[3], a[0] * b[1] + a[1] * b[4], a[0] * b[2] + a[1] * b[5] + a[2],
    a[3] * b[0] + a[4] * b[3], a[3] * b[1] + a[4] * b[4], a[3] * b[2] + a[4] * b[5] + a[5],
  ];
}

/** The axis-aligned box around the image under `m` of the box (x0, y0)-(x1, y1). */
export function mapBox(m: Affine, x0: number, y0: number, x1: number, y1: number): { x0: number; y0: number; x1: number; y1: number } {
  const px = [x0, x1, x0, x1];
  const py = [y0, y0, y1, y1];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < 4; i++) {
    const x = m[0] * px[i]! + m[1] * py[i]! + m[2];
    const y = m[3] * px[i]! + m[4] * py[i]! + m[5];
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return { x0: minX, y0: minY, x1: maxX, y1: maxY };
}

const DEVANAGARI = /[\u0900-\u097F]/gu;
const LATIN = /[A-Za-z\u00C0-\u024F]/gu;

/** True when Devanagari letters make up a noticeable part of the text (≥ 10 % of its letters, ≥ 4). */
export function hasDevanagari(text: string): boolean {
  const deva = text.match(DEVANAGARI)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  return deva >= 4 && deva / (deva + latin) >= 0.1;
}

export interface ScriptProbe {
  /** Glyphs (letter-sized components) that sat in a line with enough neighbours to be judged. */
  letters: number;
  /** Glyphs reaching well above their neighbours' tops (b, d, h, k, l, t, capitals in upright Latin). */
  above: number;
  /** Glyphs reaching well below their neighbours' bottoms (g, p, q, y in upright Latin). */
  below: number;
  /** Word-wide glyphs with one straight full-width bar in their upper part (the Devanagari headline). */
  headlinesTop: number;
  /** The same with the bar in their lower part: Devanagari upside down. */
  headlinesBottom: number;
}

/**
 * Orientation and script read off the glyph shapes, before any recognition (a few ms instead of a wasted
 * Tesseract pass or a 0.3-0.5 s OSD run):
 * - Latin text has about five times as many ascenders (b d f h k l t and capitals) as descenders (g j p q
 *   y): compared with the glyphs next to it in its line, a glyph sticks out above far more often than
 *   below on an upright page, and the other way round on a page upside down.
 * - Devanagari joins the letters of a word under one straight headline (shirorekha): word-wide components
 *   with a full-width bar in their upper part and none in their lower part. Upside down, the bar is below.
 * `skew` (degrees, clockwise positive, in the frame read) straightens the lines for comparing neighbours.
 * `transposed` reads the mask and boxes with x and y swapped, which is how a page turned by 90 or 270
 * degrees is judged without rotating it (a transposed page is a mirror image of one upright or upside
 * down; mirroring left-right changes none of the counts). Glyph boxes are flat [x0, y0, x1, y1] as inkStats gives.
 */
export function probeScript(mask: Uint8Array, width: number, glyphs: Int32Array, stroke: number, transposed = false, skew = 0): ScriptProbe {
  const n = glyphs.length / 4;
  const x0s = new Float64Array(n);
  const y0s = new Float64Array(n);
  const x1s = new Float64Array(n);
  const y1s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, c, d] = [glyphs[i * 4]!, glyphs[i * 4 + 1]!, glyphs[i * 4 + 2]!, glyphs[i * 4 + 3]!];
    if (transposed) {
      x0s[i] = b; y0s[i] = a; x1s[i] = d; y1s[i] = c;
    } else {
      x0s[i] = a; y0s[i] = b; x1s[i] = c; y1s[i] = d;
    }
  }
  // Line positions with the skew taken out (a shear is enough at a few degrees); the headline scan below
  // still reads the unsheared pixels, whose boxes it keeps.
  const shear = Math.tan((skew * Math.PI) / 180);
  const ly0 = new Float64Array(n);
  const ly1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dy = ((x0s[i]! + x1s[i]!) / 2) * shear;
    ly0[i] = y0s[i]! - dy;
    ly1[i] = y1s[i]! - dy;
  }
  const at = transposed ? (x: number, y: number) => mask[x * width + y]! : (x: number, y: number) => mask[y * width + x]!;
  const out: ScriptProbe = { letters: 0, above: 0, below: 0, headlinesTop: 0, headlinesBottom: 0 };

  // Headlines: the longest horizontal ink run of each row of a word-wide glyph.
  for (let i = 0; i < n; i++) {
    const w = x1s[i]! - x0s[i]!;
    const h = y1s[i]! - y0s[i]!;
    if (h < 3 * stroke || w < 1.8 * h) continue;
    let top = false;
    let bottom = false;
    for (let y = y0s[i]!; y < y1s[i]!; y++) {
      let run = 0;
      let longest = 0;
      for (let x = x0s[i]!; x < x1s[i]!; x++) {
        if (at(x, y)) {
          run++;
          if (run > longest) longest = run;
        } else run = 0;
      }
      if (longest >= 0.75 * w) {
        const rel = (y - y0s[i]!) / h;
        if (rel < 0.45) top = true;
        else if (rel > 0.55) bottom = true;
      }
    }
    if (top && !bottom) out.headlinesTop++;
    else if (bottom && !top) out.headlinesBottom++;
  }

  // Lines: glyphs chained left to right to a neighbour that overlaps them vertically and is close.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x0s[a]! - x0s[b]!);
  const lines: number[][] = [];
  const open: number[] = [];
  for (const i of order) {
    const h = ly1[i]! - ly0[i]!;
    let best = -1;
    let bestOverlap = 0;
    for (let k = open.length - 1; k >= 0; k--) {
      const line = lines[open[k]!]!;
      const j = line[line.length - 1]!;
      const hj = ly1[j]! - ly0[j]!;
      // A line left far behind can take nothing more.
      if (x0s[i]! - x1s[j]! > 3 * Math.max(h, hj)) {
        open.splice(k, 1);
        continue;
      }
      const overlap = Math.min(ly1[i]!, ly1[j]!) - Math.max(ly0[i]!, ly0[j]!);
      if (overlap >= 0.5 * Math.min(h, hj) && x0s[i]! - x1s[j]! <= 1.5 * Math.max(h, hj) && overlap > bestOverlap) {
        best = open[k]!;
        bestOverlap = overlap;
      }
    }
    if (best >= 0) lines[best]!.push(i);
    else {
      lines.push([i]);
      open.push(lines.length - 1);
    }
  }
  const median = (v: number[]) => {
    v.sort((a, b) => a - b);
    return v[v.length >> 1]!;
  };
  for (const line of lines) {
    if (line.length < 5) continue;
    for (let k = 0; k < line.length; k++) {
      // Neighbours on both sides, so a skewed line is judged locally.
      const near = line.slice(Math.max(0, k - 4), k).concat(line.slice(k + 1, k + 5));
      const top = median(near.map((j) => ly0[j]!));
      const bottom = median(near.map((j) => ly1[j]!));
      const xh = bottom - top;
      if (xh <= 0) continue;
      const i = line[k]!;
      out.letters++;
      if (ly0[i]! < top - 0.25 * xh) out.above++;
      if (ly1[i]! > bottom + 0.25 * xh) out.below++;
    }
  }
  return out;
}

/**
 * What a probe says: the clockwise turn (0, 90, 180, 270) that makes the page upright, undefined when the
 * glyphs do not say clearly (too few, or no clear majority: digits-only tables, capitals); whether the page
 * has Devanagari, and whether Devanagari is its main script. `transposed` as given to probeScript.
 * A headline counts as much as three letters: a Devanagari word has one, and its letters are few components.
 */
export function readProbe(p: ScriptProbe, transposed: boolean): { rotate?: 0 | 90 | 180 | 270; devanagari: boolean; devanagariMain: boolean } {
  // Devanagari puts its headlines all on one side: a page of it upright has them on top only, upside down
  // at the bottom only. Bars on both sides, or a handful, are table rules under figures, underlines and
  // letters run together (statements: 8 on top and 15 below; Latin article scans: 1-3 each): not a
  // script, and not a clue to the orientation either.
  const script = headlinesOneSided(p);
  const headlines = script ? p.headlinesTop + p.headlinesBottom : 0;
  const up = p.above + (script ? 3 * p.headlinesTop : 0);
  const down = p.below + (script ? 3 * p.headlinesBottom : 0);
  let flipped: boolean | undefined;
  if (up + down >= 20 && up >= 1.6 * down) flipped = false;
  else if (up + down >= 20 && down >= 1.6 * up) flipped = true;
  // A transposed page that reads upright is a mirror of the page turned by 270 (fixed by turning 90).
  const rotate = flipped === undefined ? undefined : transposed ? (flipped ? 270 : 90) : flipped ? 180 : 0;
  return { rotate, devanagari: script, devanagariMain: script && 4 * headlines >= p.letters };
}

/** Headline bars on one side: at least five, and three times as many as on the other (both modes). */
function headlinesOneSided(p: ScriptProbe): boolean {
  const main = Math.max(p.headlinesTop, p.headlinesBottom);
  const other = Math.min(p.headlinesTop, p.headlinesBottom);
  return main >= 5 && main >= 3 * other;
}

/** Text mode's floor for Devanagari from the glyphs: headlines on the main side per letter judged. */
export const MIN_HEADLINE_SHARE = 0.02;

/**
 * Whether a probe's headline bars are a script, by text mode's stricter reading: readProbe's one-sided
 * rule (which the full mode uses alone) and at least MIN_HEADLINE_SHARE of the letters. A Devanagari word
 * carries one headline, so a page with Devanagari on it has them by the dozen and on one side: on 150 dpi
 * scans of the tagging corpus Hindi pages had 40-79 on top (0.10-0.25 of the letters), pages mixing Hindi
 * and English lines 7-15 (0.03-0.07), while 42 of 114 Latin pages had 4-11 bars from letters that blur
 * and JPEG ran together, never more than 0.013 of the letters; each of those cost a pass in eng+hin
 * (2-3 s). A page with only a few Devanagari words is still read with Hindi after a weak first pass (the
 * many-unreadable-words retry).
 */
export function headlinesAreScript(p: ScriptProbe): boolean {
  return headlinesOneSided(p) && Math.max(p.headlinesTop, p.headlinesBottom) >= MIN_HEADLINE_SHARE * p.letters;
}
