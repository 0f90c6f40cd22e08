/**
 * EXPOSED_REDACTION on real PDFs: each way of "redacting" by drawing (an opaque box, an opaque highlight,
 * a picture of a box, text in the page colour) is built with pdf-lib, rendered by PDFium, judged by
 * visibility.ts, then detected; and the finding's box, accepted, really removes the hidden text.
 * Visible look-alikes stay out: light grey print, 6-pt print, white text on a dark bar, and a searchable
 * scan (an image of the words with an invisible text layer over it).
 */
import { createCanvas } from "@napi-rs/canvas";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import { createPdfPool } from "../../../../sdk/pdf/pool";
import { detect, type Finding, type PageInput } from "../../../../plugins/redaction/detect";
import { markHiddenWords, inkShare } from "../../../../plugins/redaction/detect/visibility";
import { markHiddenText } from "../../../../plugins/redaction/hidden-text";
import { applyRedactions } from "../../../../plugins/redaction/redact/apply";
import { redactionEngine } from "../../../../plugins/redaction/redact/engine-pool";

jest.setTimeout(120_000);
const pool = createPdfPool({ threads: 1 });
afterAll(async () => {
  await pool.close();
  await redactionEngine.close();
});

const H = 842;

function blackPng(w: number, h: number): Buffer {
  const c = createCanvas(w, h);
  const g = c.getContext("2d");
  g.fillStyle = "#000";
  g.fillRect(0, 0, w, h);
  return c.toBuffer("image/png");
}

function scanOf(lines: string[]): Buffer {
  const c = createCanvas(500, 60);
  const g = c.getContext("2d");
  g.fillStyle = "#f4f4f0";
  g.fillRect(0, 0, 500, 60);
  g.fillStyle = "#202020";
  g.font = "20px sans-serif";
  lines.forEach((l, i) => g.fillText(l, 4, 22 + i * 26));
  return c.toBuffer("image/png");
}

async function fakeRedactions(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setAuthor("Test");
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, H]);
  const text = (s: string, x: number, y: number, size = 11, color = rgb(0, 0, 0), opacity = 1) =>
    page.drawText(s, { x, y: H - y, size, font, color, opacity });
  const width = (s: string, size = 11) => font.widthOfTextAtSize(s, size);

  text("Customer record: Jane Visible", 60, 80);
  // 1. a black box drawn over the value (the text stays in the file)
  text("Account holder:", 60, 110);
  text("Paul Covered", 150, 110);
  page.drawRectangle({ x: 148, y: H - 113, width: width("Paul Covered") + 4, height: 14, color: rgb(0, 0, 0) });
  // 2. white text on the white page
  text("Contact:", 60, 140);
  text("secret.white@example.com", 110, 140, 11, rgb(1, 1, 1));
  // 3. an opaque "highlight" over the value
  text("IBAN:", 60, 170);
  text("DE89 3704 0044 0532 0130 00", 95, 170);
  page.drawRectangle({ x: 93, y: H - 173, width: width("DE89 3704 0044 0532 0130 00") + 4, height: 14, color: rgb(1, 0.9, 0.2) });
  // 4. a picture of a black box pasted over the value
  text("Phone:", 60, 200);
  text("+44 20 7946 0958", 100, 200);
  const img = await pdf.embedPng(blackPng(20, 20));
  page.drawImage(img, { x: 98, y: H - 203, width: width("+44 20 7946 0958") + 4, height: 14 });
  // visible look-alikes
  text("Light grey note by Maria Lightgrey", 60, 240, 11, rgb(0.6, 0.6, 0.6));
  text("Small print: Contact Peter Smallprint at peter.small@example.org", 60, 260, 6);
  page.drawRectangle({ x: 55, y: H - 293, width: 300, height: 18, color: rgb(0.1, 0.15, 0.4) });
  text("Header Bar Whitetext", 60, 290, 11, rgb(1, 1, 1));
  // a searchable scan: the image shows the words, an invisible text layer lies over them
  const scan = await pdf.embedPng(scanOf(["Scanned by Olivia Scanner"]));
  page.drawImage(scan, { x: 60, y: H - 360, width: 250, height: 30 });
  text("Scanned by Olivia Scanner", 62, 345, 10, rgb(0, 0, 0), 0);
  return pdf.save();
}

describe("EXPOSED_REDACTION", () => {
  let input: Uint8Array;
  let pages: PageInput[];
  let findings: Finding[];
  beforeAll(async () => {
    input = await fakeRedactions();
    const ex = await pool.extract(input);
    pages = await markHiddenText(input, ex.pages.map((p) => ({ page: p.page, width: p.width, height: p.height, source: "text" as const, words: p.words })));
    findings = detect(pages);
  });

  it("marks exactly the words a reader cannot see", () => {
    const hidden = pages[0]!.words.filter((w) => w.hidden).map((w) => w.text);
    expect(hidden).toEqual(["Paul", "Covered", "secret.white@example.com", "DE89", "3704", "0044", "0532", "0130", "00", "+44", "20", "7946", "0958"]);
  });

  it("reports each hidden run as one finding with the hidden text's box, outranking the data's own label", () => {
    const exposed = findings.filter((f) => f.label === "EXPOSED_REDACTION");
    expect(exposed.map((f) => f.text)).toEqual(["Paul Covered", "secret.white@example.com", "DE89 3704 0044 0532 0130 00", "+44 20 7946 0958"]);
    const words = pages[0]!.words;
    for (const f of exposed) {
      const first = words.find((w) => w.text === f.text.split(" ")[0])!;
      expect(f.boxes).toHaveLength(1);
      expect(f.boxes[0]!.x).toBeLessThanOrEqual(first.box.x);
      expect(f.boxes[0]!.x + f.boxes[0]!.width).toBeGreaterThan(first.box.x + first.box.width);
      expect(f.score).toBeGreaterThanOrEqual(0.9);
    }
    // the IBAN, e-mail and phone under the fakes are not reported a second time under their own label
    expect(findings.filter((f) => ["IBAN", "EMAIL_ADDRESS", "PHONE_NUMBER"].includes(f.label) && /DE89|secret\.white|7946/.test(f.text))).toEqual([]);
  });

  it("leaves visible text alone: light grey, 6-pt, white on a dark bar, a searchable scan", () => {
    const visible = findings.filter((f) => f.label !== "EXPOSED_REDACTION").map((f) => f.text);
    expect(visible).toEqual(expect.arrayContaining(["Jane Visible", "peter.small@example.org"]));
    const hiddenText = pages[0]!.words.filter((w) => w.hidden).map((w) => w.text).join(" ");
    for (const s of ["Lightgrey", "Smallprint", "Whitetext", "Olivia", "Scanner"]) expect(hiddenText).not.toContain(s);
  });

  it("accepting the findings removes the hidden text from the file", async () => {
    const exposed = findings.filter((f) => f.label === "EXPOSED_REDACTION");
    const out = await applyRedactions(input, exposed.flatMap((f) => f.boxes.map((box) => ({ page: f.page, box, label: f.label, source: "detection" as const, findingId: f.id, text: f.text }))), { pool });
    const text = (await pool.extract(out.pdf)).pages[0]!.text;
    for (const s of ["Paul Covered", "secret.white@example.com", "DE89 3704", "7946 0958"]) expect(text).not.toContain(s);
    expect(text).toContain("Customer record: Jane Visible");
  });
});

describe("visibility on a synthetic image", () => {
  const img = (fill: number, inkRows: number[] = []) => {
    const data = new Uint8Array(100 * 20).fill(fill);
    for (const y of inkRows) for (let x = 0; x < 100; x += 2) data[y * 100 + x] = fill > 128 ? 0 : 255;
    return { data, width: 100, height: 20, scale: 1 };
  };
  const word = { text: "Secret", box: { x: 10, y: 2, width: 60, height: 16 } };
  it.each([
    ["a uniform white patch", img(255), true],
    ["a uniform black patch", img(0), true],
    ["strokes on white", img(255, [8, 9, 10, 11]), false],
    ["strokes on black", img(0, [8, 9, 10, 11]), false],
  ])("%s", (_d, image, hidden) => {
    expect(markHiddenWords({ page: 1, width: 100, height: 20, source: "text", words: [word] }, image).words[0]!.hidden === "covered").toBe(hidden);
  });
  it("does not judge OCR pages, one-character words or boxes off the image", () => {
    expect(markHiddenWords({ page: 1, width: 100, height: 20, source: "ocr", words: [word] }, img(255)).words[0]!.hidden).toBeUndefined();
    expect(markHiddenWords({ page: 1, width: 100, height: 20, source: "text", words: [{ text: ".", box: word.box }] }, img(255)).words[0]!.hidden).toBeUndefined();
    expect(inkShare(img(255), { text: "Off", box: { x: 200, y: 2, width: 30, height: 16 } })).toBeUndefined();
  });
});
