import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeTextString, markedContentOf, markedContentReader } from "../../../../sdk/pdf/actual-text";
import { type PdfPool, createPdfPool } from "../../../../sdk/pdf/pool";
import { devanagariDamage } from "../../../../plugins/tagging/devanagari";

const bytes = (s: string) => Buffer.from(s, "latin1");

describe("markedContentOf", () => {
  it.each([
    ["UTF-16BE hex ActualText", "BT /Span<</ActualText <feff0915093f> >> BDC <c5> Tj EMC ET", [{ tag: "Span", actualText: "कि" }]],
    ["literal ActualText with escapes", "/Span <</ActualText (f\\\\i\\) \\050x\\051)>> BDC (a) Tj EMC", [{ tag: "Span", actualText: "f\\i) (x)" }]],
    ["a property-list name has no inline ActualText", "/Span /MC0 BDC (a) Tj EMC", [{ tag: "Span", actualText: null }]],
    ["MCID only", "/P <</MCID 3>> BDC (a) Tj EMC", [{ tag: "P", actualText: null }]],
    ["a keyword inside the dictionary", "/Span <</Foo true /ActualText (x)>> BDC EMC", [{ tag: "Span", actualText: "x" }]],
    ["a nested dictionary's ActualText is not the span's", "/Span <</Sub <</ActualText (no)>> >> BDC EMC", [{ tag: "Span", actualText: null }]],
    ["BDC inside a string is text", "(BDC /Span) Tj /Span <</ActualText (y)>> BDC EMC", [{ tag: "Span", actualText: "y" }]],
    ["a comment is skipped", "% /Span <</ActualText (no)>> BDC\n/Span <</ActualText (z)>> BDC EMC", [{ tag: "Span", actualText: "z" }]],
    ["inline image data may hold anything", "BI /W 1 /H 1 /BPC 8 /CS /G ID \x00BDC)(<< EI Q /Span <</ActualText (w)>> BDC EMC", [{ tag: "Span", actualText: "w" }]],
    ["odd hex digits pad with 0", "/Span <</ActualText <4142 4> >> BDC EMC", [{ tag: "Span", actualText: "AB@" }]],
  ])("%s", (_name, content, want) => {
    expect(markedContentOf(bytes(content))).toEqual(want);
  });

  it.each([
    ["an unterminated string", "/Span <</ActualText (abc>> BDC"],
    ["an unterminated hex string", "/Span <</ActualText <feff BDC"],
    ["inline image without EI", "BI /W 1 ID \x01\x02"],
    ["BDC without a tag", "<</ActualText (x)>> BDC"],
  ])("gives up on %s", (_name, content) => {
    expect(markedContentOf(bytes(content))).toBeNull();
  });

  it("decodes text strings by their byte order mark", () => {
    expect(decodeTextString(Uint8Array.from([0xfe, 0xff, 0xd8, 0x3d, 0xde, 0x00]))).toBe("😀");
    expect(decodeTextString(Uint8Array.from([0xef, 0xbb, 0xbf, 0xc3, 0xa9]))).toBe("é");
    expect(decodeTextString(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]))).toBe("café");
  });
});

// Chromium (Skia) writes shaped Devanagari as glyphs plus ActualText spans; pdftotext honours them.
const CHROMIUM = "/usr/bin/chromium";
const SENTENCE = "ग्रामीण उत्तर प्रदेश में सौर सिंचाई पंपों का प्रसार और किसानों की आय पर प्रभाव";

async function chromiumPdf(html: string): Promise<Uint8Array> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: "load" });
    return new Uint8Array(await page.pdf({ format: "A4" }));
  } finally {
    await browser.close();
  }
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);

(existsSync(CHROMIUM) ? describe : describe.skip)("text layer of a Chromium PDF with shaped scripts", () => {
  let dir: string;
  let hindi: Uint8Array;
  let latin: Uint8Array;
  // pdfjs is ESM-only: it runs in the pool's threads, as services run it.
  let pool: PdfPool;
  beforeAll(async () => {
    pool = createPdfPool({ threads: 1 });
    dir = mkdtempSync(path.join(os.tmpdir(), "actual-text-"));
    const p = `<p style="font-family:'Lohit Devanagari';font-size:16pt">${SENTENCE}। ${SENTENCE}।</p>`;
    hindi = await chromiumPdf(`<html lang="hi"><body>${p}${p}</body></html>`);
    latin = await chromiumPdf(`<html lang="en"><body><p style="font-family:serif;font-size:14pt">The official affluent fjord offers fine efficient staffing.</p></body></html>`);
  }, 60_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pool.close();
  });

  it("reads every Devanagari word as written, as pdftotext does", async () => {
    const { pages } = await pool.extract(hindi);
    const text = pages[0].text;
    expect(devanagariDamage(text).damaged).toBe(0);
    for (const w of words(SENTENCE)) expect(text).toContain(w);
    expect(text).toContain(SENTENCE);
    const file = path.join(dir, "hi.pdf");
    writeFileSync(file, hindi);
    const poppler = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
    expect(words(text.replace(/।/g, " ")).filter((w) => /[\u0900-\u097f]/u.test(w))).toEqual(words(poppler.replace(/।/g, " ")).filter((w) => /[\u0900-\u097f]/u.test(w)));
    // Word boxes keep their text: each Devanagari word of the sentence is one word of the page.
    expect(pages[0].words.map((w) => w.text.replace(/।$/, ""))).toEqual(expect.arrayContaining(words(SENTENCE)));
  });

  it("the page carries its clusters as ActualText spans (what pdfjs alone misses)", async () => {
    const marks = await markedContentReader(hindi)(1);
    const spans = (marks ?? []).filter((m) => m.tag === "Span" && m.actualText !== null);
    expect(spans.length).toBeGreaterThan(20);
    // e.g. the conjunct ग्र and the pre-base vowel sign of सि are clusters the font's glyphs cannot spell.
    expect(spans.map((m) => m.actualText)).toEqual(expect.arrayContaining(["ग्रा", "सिं"]));
    expect(await markedContentReader(hindi)(2)).toBeNull();
  });

  it("leaves Latin text with ligatures as pdfjs reads it", async () => {
    const text = (await pool.extract(latin)).pages[0].text;
    expect(text).toContain("The official affluent fjord offers fine efficient staffing.");
  });
});
