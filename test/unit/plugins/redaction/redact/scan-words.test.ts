/**
 * Detection's OCR words carried to redaction (scan-words.ts), and the bands verification OCRs (ocrRegions).
 */
import { decodeScanWords, encodeScanWords } from "../../../../../plugins/redaction/redact/scan-words";
import { ocrRegions } from "../../../../../plugins/redaction/redact/inspect";

const word = (text: string, x: number, y: number) => ({ text, box: { x, y, width: 40.123, height: 11.987 } });

describe("scan words", () => {
  it("round-trips through JSON, boxes rounded to 0.01 pt", () => {
    const enc = encodeScanWords([{ page: 2, words: [word("Email:", 10, 20), word("a@b.example", 60, 20)] }]);
    const back = decodeScanWords(JSON.parse(JSON.stringify(enc)));
    expect([...back.keys()]).toEqual([2]);
    expect(back.get(2)).toEqual([
      { text: "Email:", box: { x: 10, y: 20, width: 40.12, height: 11.99 } },
      { text: "a@b.example", box: { x: 60, y: 20, width: 40.12, height: 11.99 } },
    ]);
  });

  it("carries nothing when there are no scans or too much text (redaction OCRs again then)", () => {
    expect(encodeScanWords([])).toBeUndefined();
    const many = Array.from({ length: 2000 }, (_, i) => word(`word${i}`, i, i));
    expect(encodeScanWords([{ page: 1, words: many }], 10_000)).toBeUndefined();
  });

  it("skips malformed entries instead of trusting them", () => {
    const back = decodeScanWords({ "1": [["ok", 1, 2, 3, 4], ["bad", "x", 2, 3, 4], [5, 1, 2, 3, 4]], "0": [["p0", 1, 1, 1, 1]], x: [] });
    expect(back.get(1)).toEqual([{ text: "ok", box: { x: 1, y: 2, width: 3, height: 4 } }]);
    expect(back.has(0)).toBe(false);
    expect(decodeScanWords(null).size).toBe(0);
  });
});

describe("ocrRegions", () => {
  it("grows an area along its line, merges neighbours and stays on the page", () => {
    const r = ocrRegions([{ x: 100, y: 100, width: 120, height: 12 }], 595, 842);
    expect(r).toHaveLength(1);
    expect(r[0]!.x).toBeLessThan(100 - 24 + 0.01);
    expect(r[0]!.x + r[0]!.width).toBeGreaterThan(244 - 0.01);
    expect(r[0]!.height).toBeLessThan(12 * 2.5); // its own line, not the lines around it
    const two = ocrRegions([{ x: 100, y: 100, width: 60, height: 12 }, { x: 180, y: 101, width: 60, height: 12 }], 595, 842);
    expect(two).toHaveLength(1);
    const edge = ocrRegions([{ x: 2, y: 830, width: 50, height: 12 }], 595, 842);
    expect(edge[0]!.x).toBe(0);
    expect(edge[0]!.y + edge[0]!.height).toBeLessThanOrEqual(842);
  });

  it("reads a tall area (sideways text) along its height", () => {
    const r = ocrRegions([{ x: 300, y: 100, width: 12, height: 150 }], 595, 842);
    expect(r[0]!.height).toBeGreaterThan(150 + 48);
    expect(r[0]!.width).toBeLessThan(12 * 2.5);
  });
});
