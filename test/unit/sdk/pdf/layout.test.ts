import {
  type TextRun, charWeight, displayMatrix, displayedToUserSpace, applyMatrix, layoutPage, runsToWords,
} from "../../../../sdk/pdf/layout";
import type { Word } from "../../../../sdk/pdf/types";

const W = 600;
const H = 800;

function run(str: string, x: number, y: number, size = 10, extra: Partial<TextRun> = {}): TextRun {
  const width = (Array.from(str).reduce((s, c) => s + charWeight(c), 0) / 1000) * size;
  return { str, transform: [size, 0, 0, size, x, y], width, ascent: 0.8, descent: -0.2, ...extra };
}

function word(text: string, x: number, y: number, width = text.length * 6, height = 10): Word {
  return { text, box: { x, y, width, height } };
}

describe("displayMatrix", () => {
  it.each([
    [0, [10, 20], [10, H - 20]],
    [90, [10, 20], [20, 10]],
    [180, [10, 20], [W - 10, 20]],
    [270, [10, 20], [H - 20, W - 10]],
  ])("maps user space to top-left displayed points for /Rotate %i", (rotation, user, displayed) => {
    const m = displayMatrix([0, 0, W, H], rotation);
    const [x, y] = applyMatrix(m, user[0]!, user[1]!);
    expect(x).toBeCloseTo(displayed[0]!, 6);
    expect(y).toBeCloseTo(displayed[1]!, 6);
  });

  it("honours a crop box that does not start at the origin", () => {
    const m = displayMatrix([50, 100, 650, 900], 0);
    expect(applyMatrix(m, 50, 900)).toEqual([0, 0]);
  });

  it("round-trips a box back to user space", () => {
    const box = displayedToUserSpace({ x: 20, y: 10, width: 30, height: 5 }, [0, 0, W, H], 90);
    expect(box).toEqual({ x: 10, y: 20, width: 5, height: 30 });
  });
});

describe("runsToWords", () => {
  const identity = displayMatrix([0, 0, W, H], 0);

  it("splits a run at spaces, with boxes proportional to glyph widths", () => {
    const words = runsToWords([run("Hi there", 100, 700)], identity);
    expect(words.map((w) => w.text)).toEqual(["Hi", "there"]);
    const hi = words[0]!.box;
    expect(hi.x).toBeCloseTo(100, 6);
    expect(hi.width).toBeCloseTo(((722 + 222) / 1000) * 10, 6);
    // Top-left origin: the top of the box is the baseline (800 - 700) minus the ascent.
    expect(hi.y).toBeCloseTo(100 - 8, 6);
    expect(hi.height).toBeCloseTo(10, 6);
    expect(words[1]!.box.x).toBeGreaterThan(hi.x + hi.width);
  });

  it("glues a word that pdfjs cut into two touching runs", () => {
    const first = run("Smi", 100, 700);
    const words = runsToWords([first, run("th is", 100 + first.width, 700)], identity);
    expect(words.map((w) => w.text)).toEqual(["Smith", "is"]);
  });

  it("keeps runs apart when a space separates them", () => {
    const first = run("John ", 100, 700);
    const words = runsToWords([first, run("Smith", 100 + first.width, 700)], identity);
    expect(words.map((w) => w.text)).toEqual(["John", "Smith"]);
  });

  it("does not glue across a line end", () => {
    const words = runsToWords([run("end", 100, 700, 10, { hasEOL: true }), run("next", 100, 688)], identity);
    expect(words.map((w) => w.text)).toEqual(["end", "next"]);
  });

  it("gives vertical text on a rotated page a box along the text", () => {
    // Text rotated 90 degrees in user space on a /Rotate 90 page reads left to right on screen.
    const m = displayMatrix([0, 0, W, H], 90);
    const r: TextRun = { str: "Up", transform: [0, 10, -10, 0, 300, 100], width: 13.34, ascent: 0.8, descent: -0.2 };
    const [w] = runsToWords([r], m);
    expect(w!.box.x).toBeCloseTo(100, 6);
    expect(w!.box.width).toBeCloseTo(13.34, 2);
    expect(w!.box.y).toBeCloseTo(300 - 8, 6);
    expect(w!.box.height).toBeCloseTo(10, 6);
  });
});

describe("layoutPage", () => {
  it("reads a left column before a right column under a full-width heading", () => {
    const words: Word[] = [word("Heading", 50, 20, 400, 14)];
    for (let i = 0; i < 4; i++) {
      words.push(word(`right${i}`, 320, 60 + i * 14, 40), word("b", 365, 60 + i * 14, 10), word("c", 380, 60 + i * 14, 10));
      words.push(word(`left${i}`, 50, 60 + i * 14, 40), word("x", 95, 60 + i * 14, 10), word("y", 110, 60 + i * 14, 10));
    }
    const { text } = layoutPage(words);
    expect(text.split("\n")).toEqual([
      "Heading",
      "left0 x y", "left1 x y", "left2 x y", "left3 x y",
      "right0 b c", "right1 b c", "right2 b c", "right3 b c",
    ]);
  });

  it("reads a table of short cells row by row", () => {
    const words: Word[] = [];
    for (let r = 0; r < 3; r++) {
      words.push(word(`n${r}`, 50, 40 + r * 20), word(`e${r}`, 200, 40 + r * 20), word(`p${r}`, 350, 40 + r * 20));
    }
    expect(layoutPage(words).text).toBe("n0 e0 p0\nn1 e1 p1\nn2 e2 p2");
  });

  it("returns the words in the order of the text", () => {
    const words = [word("b", 100, 10), word("a", 10, 10), word("c", 10, 40)];
    const laid = layoutPage(words);
    expect(laid.words.map((w) => w.text).join(" ")).toBe(laid.text.replace(/\n/g, " "));
    expect(laid.text).toBe("a b\nc");
  });

  it("handles a page without words", () => {
    expect(layoutPage([])).toEqual({ text: "", words: [] });
  });
});
