import { BoxIndex, clampToPage, coveredShare, insidePage, leakedStrings, pageSecrets, partitionWords } from "../../../../../plugins/redaction/redact/geometry";
import { seededRandom } from "../../../../support/random";

const w = (text: string, x: number, y = 10, width = 40, height = 10) => ({ text, box: { x, y, width, height } });

describe("coverage", () => {
  it("gives the same share through the index as pair by pair, for boxes of every size and overlap", () => {
    const rnd = seededRandom(1419);
    const box = (maxH: number) => ({ x: rnd() * 600, y: rnd() * 800, width: 1 + rnd() * 200, height: 0.5 + rnd() * maxH });
    for (const maxH of [12, 40, 800]) {
      const areas = Array.from({ length: 150 }, () => box(maxH));
      // Areas of several object shapes, as pages mix PDFium's, OCR's and the reviewer's boxes.
      areas.push({ ...areas[0]!, width: 0 }, { height: 30, width: 30, x: 10, y: 10 });
      const index = new BoxIndex(areas);
      for (let i = 0; i < 2000; i++) {
        const word = box(14);
        expect(coveredShare(word, index)).toBeCloseTo(coveredShare(word, areas), 9);
      }
    }
    expect(coveredShare({ x: 0, y: 0, width: 10, height: 10 }, new BoxIndex([]))).toBe(0);
  });

  it.each([
    [{ x: 0, y: 10, width: 40, height: 10 }, 1],
    [{ x: 20, y: 10, width: 40, height: 10 }, 0.5],
    [{ x: 100, y: 10, width: 5, height: 5 }, 0],
  ])("covers %j of a 40x10 word at the origin by %d", (area, share) => {
    expect(coveredShare({ x: 0, y: 10, width: 40, height: 10 }, [area])).toBeCloseTo(share);
  });

  it("drops a word from the rebuilt text layer when an area touches more than a sliver of it", () => {
    const { kept, dropped } = partitionWords([w("keep", 0), w("gone", 50), w("edge", 100)], [{ x: 50, y: 10, width: 40, height: 10 }, { x: 138, y: 10, width: 10, height: 10 }]);
    expect(kept.map((k) => k.text)).toEqual(["keep"]);
    expect(dropped.map((k) => k.text)).toEqual(["gone", "edge"]);
  });

  it("keeps the words of the lines above and below whose descenders or accents reach into an area", () => {
    // OCR boxes of three 12 pt lines set 12 pt apart; the area is the middle line's name, padded by a point.
    const line = (text: string, x: number, y: number, height = 11) => ({ text, box: { x, y, width: 30, height } });
    const area = { x: 49, y: 110, width: 62, height: 14 };
    const words = [line("calling", 50, 99, 13), line("happy", 82, 99, 13), line("Maria", 50, 111), line("Lopez", 80, 111, 13), line("Élise", 50, 121, 14), line("lifted", 82, 123)];
    const { kept, dropped } = partitionWords(words, [area]);
    expect(dropped.map((k) => k.text)).toEqual(["Maria", "Lopez"]);
    expect(kept.map((k) => k.text)).toEqual(["calling", "happy", "Élise", "lifted"]);
  });

  it("clamps boxes to the page and tells boxes outside it", () => {
    expect(clampToPage({ x: -5, y: 10, width: 20, height: 5 }, 100, 100)).toEqual({ x: 0, y: 10, width: 15, height: 5 });
    expect(clampToPage({ x: 200, y: 10, width: 20, height: 5 }, 100, 100)).toBeNull();
    expect(insidePage({ x: 90, y: 90, width: 10.2, height: 10 }, 100, 100)).toBe(true);
    expect(insidePage({ x: 90, y: 90, width: 20, height: 10 }, 100, 100)).toBe(false);
    expect(insidePage({ x: 10, y: 10, width: 0, height: 10 }, 100, 100)).toBe(false);
  });
});

describe("secrets of a page", () => {
  const words = [w("Smith", 0), w("called", 50), w("Smith", 100, 40), w("of", 150)];

  it("lists the finding text and the covered words, allowing the copies that stay visible", () => {
    const s = pageSecrets(1, words, [
      { page: 1, box: { x: 0, y: 10, width: 40, height: 10 }, label: "PERSON", source: "detection", text: "Smith" },
      { page: 1, box: { x: 150, y: 10, width: 40, height: 10 }, label: "MANUAL", source: "manual" },
    ]);
    expect(s.strings).toEqual(["smith"]);
    // The second "Smith" was not selected by the reviewer: one copy may remain.
    expect(s.allowed).toEqual({ smith: 1 });
    expect(s.unchecked).toBe(1);
  });

  it("finds a leak only when a string occurs more often than allowed", () => {
    const s = { page: 1, strings: ["smith", "john.smith@example.com"], allowed: { smith: 1, "john.smith@example.com": 0 }, unchecked: 0 };
    expect(leakedStrings(s, "Mr Smith called")).toEqual([]);
    expect(leakedStrings(s, "Smith and SMITH")).toEqual(["smith"]);
    expect(leakedStrings(s, "mail: john.smith@ example.com")).toEqual(["john.smith@example.com"]);
  });
});
