/**
 * Word boxes inside one long text run. Chromium's "Print to PDF" (and many report generators) write a whole
 * line as one run, and pdfjs gives only the run's advance, so extraction spreads it over the characters by
 * a font's proportions. Measured with Helvetica's for every font, the words in the middle of a Times line
 * drifted by up to 6.8 pt (a glyph), and redaction took the neighbouring letter ("from +44 ..." became
 * "fro ███"). Lines of faker sentences with a value in the middle, one run per line, in Times-Roman,
 * Helvetica and Courier: every word's box is within a point of where pdf-lib drew it.
 */
import { faker } from "@faker-js/faker";
import { PDFDocument, StandardFonts, type PDFFont } from "pdf-lib";
import { type PdfPool, createPdfPool } from "../../../../sdk/pdf/pool";

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 1 });
});
afterAll(() => pool.close());

interface Drawn {
  text: string;
  x: number;
  width: number;
}

/** One page, `lines` drawn one run each at 12 pt from x = 56; the words' spans from the font's own metrics. */
async function linePdf(fontName: StandardFonts, lines: string[]): Promise<{ bytes: Uint8Array; words: Drawn[] }> {
  const doc = await PDFDocument.create();
  const font: PDFFont = await doc.embedFont(fontName);
  const page = doc.addPage([612, 792]);
  const size = 12;
  const words: Drawn[] = [];
  // drawText writes the string with Tj, without kerning; pdf-lib's widthOfTextAtSize of a string adds the
  // font's kerning pairs, so the advance is summed one character at a time.
  const advance = (text: string) => Array.from(text).reduce((w, ch) => w + font.widthOfTextAtSize(ch, size), 0);
  lines.forEach((line, i) => {
    page.drawText(line, { x: 56, y: 740 - i * 20, size, font });
    for (const m of line.matchAll(/\S+/g)) words.push({ text: m[0], x: 56 + advance(line.slice(0, m.index)), width: advance(m[0]) });
  });
  return { bytes: await doc.save(), words };
}

function sentences(seed: number): string[] {
  faker.seed(seed);
  return Array.from({ length: 12 }, () => {
    const value = faker.helpers.arrayElement([faker.phone.number({ style: "international" }), faker.internet.email(), faker.finance.iban({ formatted: true }).slice(0, 19)]);
    return `${faker.lorem.words({ min: 4, max: 7 })} ${faker.person.lastName()} ${value} ${faker.lorem.words({ min: 2, max: 4 })}`.slice(0, 70).trimEnd(); // 70 characters of Courier at 12 pt still fit the page
  });
}

describe.each([
  { font: StandardFonts.TimesRoman, name: "Times-Roman (serif)" },
  { font: StandardFonts.Helvetica, name: "Helvetica (sans-serif)" },
  { font: StandardFonts.Courier, name: "Courier (monospace)" },
])("a whole line as one run in $name", ({ font }) => {
  it.each([{ seed: 32 }, { seed: 3232 }])("puts every word within a point of where it was drawn (faker seed $seed)", async ({ seed }) => {
    const { bytes, words } = await linePdf(font, sentences(seed));
    const [page] = (await pool.extract(bytes)).pages;
    const got = page!.words;
    expect(got.map((w) => w.text)).toEqual(words.map((w) => w.text));
    const off = got
      .map((w, i) => ({ word: w.text, dx: +(w.box.x - words[i]!.x).toFixed(2), dw: +(w.box.width - words[i]!.width).toFixed(2) }))
      .filter((d) => Math.abs(d.dx) >= 1 || Math.abs(d.dw) >= 1);
    expect(off).toEqual([]);
  });
});
