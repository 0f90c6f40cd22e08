/**
 * The review viewer's colours: the fake-redaction label (EXPOSED_REDACTION, plugins/redaction/hidden-text.ts)
 * must stand out from every other label and stay visible on the page and on the black box it lies on.
 * Contrast per WCAG 2.x (relative luminance); distance as CIE76 ΔE in CIELAB (D65), both written out here.
 */
import { colorFor, FIXED, PALETTE } from "../../../../web/src/viewer/colors";
import { labelInfo } from "../../../../web/src/viewer/legend";

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const luminance = (hex: string) => {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};
function lab(hex: string): [number, number, number] {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
const deltaE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

describe("review viewer colours", () => {
  const exposed = colorFor("EXPOSED_REDACTION");

  it("gives fake redactions a colour of their own, the same whatever the case", () => {
    expect(exposed).toMatch(/^#[0-9a-f]{6}$/i);
    expect(colorFor("exposed_redaction")).toBe(exposed);
  });

  it("is far from every other label's colour and from every colour a custom label can get", () => {
    const others = [...new Set([...Object.entries(FIXED).filter(([k]) => k !== "EXPOSED_REDACTION").map(([, v]) => v), ...PALETTE])];
    const nearest = Math.min(...others.map((c) => deltaE(exposed, c)));
    // ΔE ≈ 2.3 is a just-noticeable difference; 40 is "another colour" even at a glance on a busy page.
    expect(nearest).toBeGreaterThan(40);
  });

  it("is readable on white (side list: 4.5:1, as text) and visible on black (the fake box it lies on: 3:1)", () => {
    expect(contrast(exposed, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrast(exposed, "#000000")).toBeGreaterThanOrEqual(3);
  });

  it("the contrast arithmetic itself: black on white is 21:1, a colour against itself 1:1", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast(exposed, exposed)).toBe(1);
    expect(deltaE("#ffffff", "#000000")).toBeCloseTo(100, 0);
  });

  it("explains the label in the legend (colour is not the only sign: its boxes are hatched too)", () => {
    const info = labelInfo("EXPOSED_REDACTION");
    expect(info?.title).toBe("Fake redaction");
    expect(info?.explanation).toMatch(/text under a box that hides nothing/i);
    expect(info?.explanation).toMatch(/still in the file/);
    expect(info?.explanation).toMatch(/box at the page edge is text drawn off the page/);
    expect(info?.hatched).toBe(true);
    expect(labelInfo("PERSON")).toBeUndefined();
  });
});
