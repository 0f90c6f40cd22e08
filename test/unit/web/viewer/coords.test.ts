import {
  clampRect,
  displayedRectToUser,
  displayedSize,
  displayedToUser,
  fitWidthZoom,
  normalizeRotation,
  nudgeRect,
  pdfToScreen,
  rectFromPoints,
  rectFromScreen,
  rectToScreen,
  screenToPdf,
  stepZoom,
  userRectToDisplayed,
  userToDisplayed,
  type PageGeometry,
} from "../../../../web/src/viewer/coords";

// A4 portrait: 595 x 842 points.
const A4 = (rotation: number, view: PageGeometry["view"] = [0, 0, 595, 842]): PageGeometry => ({ view, rotation });

/**
 * pdf.js's PageViewport matrix for a view box, rotation and scale (display_utils.js), written out here
 * as an independent reference: the viewer draws detections over pdf.js's canvas, so both must agree.
 */
function pdfjsViewportPoint(p: { x: number; y: number }, g: PageGeometry, scale: number) {
  const [x0, y0, x1, y1] = g.view;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  let a: number, b: number, c: number, d: number;
  switch (((g.rotation % 360) + 360) % 360) {
    case 180:
      [a, b, c, d] = [-1, 0, 0, 1];
      break;
    case 90:
      [a, b, c, d] = [0, 1, 1, 0];
      break;
    case 270:
      [a, b, c, d] = [0, -1, -1, 0];
      break;
    default:
      [a, b, c, d] = [1, 0, 0, -1];
  }
  const rotated = a === 0;
  const w = rotated ? Math.abs(y1 - y0) * scale : Math.abs(x1 - x0) * scale;
  const h = rotated ? Math.abs(x1 - x0) * scale : Math.abs(y1 - y0) * scale;
  const ox = w / 2 - a * scale * cx - c * scale * cy;
  const oy = h / 2 - b * scale * cx - d * scale * cy;
  const m = [a * scale, b * scale, c * scale, d * scale, ox, oy];
  return { x: m[0] * p.x + m[2] * p.y + m[4], y: m[1] * p.x + m[3] * p.y + m[5] };
}

const close = (a: { x: number; y: number }, b: { x: number; y: number }) => {
  expect(a.x).toBeCloseTo(b.x, 6);
  expect(a.y).toBeCloseTo(b.y, 6);
};

describe("viewer coordinates", () => {
  it("maps the corners of an unrotated page to a top-left origin", () => {
    close(userToDisplayed({ x: 0, y: 842 }, A4(0)), { x: 0, y: 0 });
    close(userToDisplayed({ x: 0, y: 0 }, A4(0)), { x: 0, y: 842 });
    close(userToDisplayed({ x: 595, y: 0 }, A4(0)), { x: 595, y: 842 });
  });

  it("turns the page clockwise for /Rotate 90: the user-space top-left corner lands top-right", () => {
    expect(displayedSize(A4(90))).toEqual({ width: 842, height: 595 });
    close(userToDisplayed({ x: 0, y: 842 }, A4(90)), { x: 842, y: 0 });
    close(userToDisplayed({ x: 0, y: 0 }, A4(90)), { x: 0, y: 0 });
    close(userToDisplayed({ x: 595, y: 0 }, A4(90)), { x: 0, y: 595 });
  });

  it("turns the page upside down for /Rotate 180", () => {
    expect(displayedSize(A4(180))).toEqual({ width: 595, height: 842 });
    close(userToDisplayed({ x: 0, y: 842 }, A4(180)), { x: 595, y: 842 });
    close(userToDisplayed({ x: 595, y: 0 }, A4(180)), { x: 0, y: 0 });
  });

  it("turns the page counter-clockwise for /Rotate 270", () => {
    expect(displayedSize(A4(270))).toEqual({ width: 842, height: 595 });
    close(userToDisplayed({ x: 0, y: 842 }, A4(270)), { x: 0, y: 595 });
    close(userToDisplayed({ x: 595, y: 842 }, A4(270)), { x: 0, y: 0 });
  });

  it.each([0, 90, 180, 270, -90, 450])("agrees with pdf.js's viewport at rotation %i, zoom 1.5, with an offset view box", (rotation) => {
    const g = A4(rotation, [10, 20, 622, 812]);
    for (const p of [
      { x: 10, y: 20 },
      { x: 622, y: 812 },
      { x: 100.5, y: 300.25 },
      { x: 400, y: 700 },
    ]) {
      close(pdfToScreen(p, g, 1.5), pdfjsViewportPoint(p, g, 1.5));
    }
  });

  it.each([0, 90, 180, 270])("converts screen pixels back to the same PDF point at rotation %i", (rotation) => {
    const g = A4(rotation, [5, 7, 600, 849]);
    for (const zoom of [0.5, 1, 2.75]) {
      for (const p of [
        { x: 5, y: 7 },
        { x: 123.4, y: 567.8 },
        { x: 600, y: 849 },
      ]) {
        close(screenToPdf(pdfToScreen(p, g, zoom), g, zoom), p);
        close(displayedToUser(userToDisplayed(p, g), g), p);
      }
    }
  });

  it("scales rectangles with the zoom and back", () => {
    const r = { x: 72, y: 100, width: 50, height: 12 };
    expect(rectToScreen(r, 2)).toEqual({ x: 144, y: 200, width: 100, height: 24 });
    expect(rectFromScreen(rectToScreen(r, 1.25), 1.25)).toEqual(r);
    expect(() => rectFromScreen(r, 0)).toThrow(RangeError);
  });

  it("turns a user-space word rectangle into the displayed rectangle on a rotated page and back", () => {
    // A word at x 100..150, y 700..712 (bottom-left origin) on a page rotated 90 degrees.
    const word = { x: 100, y: 700, width: 50, height: 12 };
    const shown = userRectToDisplayed(word, A4(90));
    expect(shown).toEqual({ x: 700, y: 100, width: 12, height: 50 });
    expect(displayedRectToUser(shown, A4(90))).toEqual(word);
    expect(userRectToDisplayed(word, A4(0))).toEqual({ x: 100, y: 130, width: 50, height: 12 });
  });

  it("builds a rectangle from a drag in any direction", () => {
    expect(rectFromPoints({ x: 50, y: 80 }, { x: 10, y: 20 })).toEqual({ x: 10, y: 20, width: 40, height: 60 });
  });

  it("keeps drawn areas inside the page", () => {
    const size = { width: 595, height: 842 };
    expect(clampRect({ x: -10, y: 830, width: 50, height: 40 }, size)).toEqual({ x: 0, y: 802, width: 50, height: 40 });
    expect(nudgeRect({ x: 590, y: 10, width: 5, height: 5 }, "ArrowRight", "move", 10, size)).toEqual({ x: 590, y: 10, width: 5, height: 5 });
    expect(nudgeRect({ x: 10, y: 10, width: 20, height: 20 }, "ArrowDown", "move", 10, size)).toEqual({ x: 10, y: 20, width: 20, height: 20 });
    expect(nudgeRect({ x: 10, y: 10, width: 20, height: 20 }, "ArrowLeft", "resize", 50, size)).toEqual({ x: 10, y: 10, width: 2, height: 20 });
  });

  it("refuses rotations that are not quarter turns and normalises the rest", () => {
    expect(normalizeRotation(-90)).toBe(270);
    expect(normalizeRotation(720)).toBe(0);
    expect(() => normalizeRotation(45)).toThrow(RangeError);
  });

  it("fits the page width and steps through zoom presets", () => {
    expect(fitWidthZoom(595, 1190)).toBe(2);
    expect(fitWidthZoom(595, 10)).toBe(0.25);
    expect(stepZoom(1, 1)).toBe(1.25);
    expect(stepZoom(1.1, -1)).toBe(1);
    expect(stepZoom(0.5, -1)).toBe(0.5);
  });
});
