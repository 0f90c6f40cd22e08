/**
 * The redaction engine on small generated PDFs, read back with pdfjs and OCR through the PDF engine's pool.
 */
import { PDFDocument, PDFName, decodePDFRawStream, type PDFPage, type PDFRawStream } from "pdf-lib";
import { createPdfPool } from "../../../../../sdk/pdf/pool";
import { applyRedactions } from "../../../../../plugins/redaction/redact/apply";
import { pageSecrets, type RedactionArea } from "../../../../../plugins/redaction/redact/geometry";
import { decodeScanWords, encodeScanWords } from "../../../../../plugins/redaction/redact/scan-words";
import { verifyRedaction } from "../../../../../plugins/redaction/redact/verify";
import { closeComputePool } from "../../../../../sdk/compute/pool";
import { redactionEngine } from "../../../../../plugins/redaction/redact/engine-pool";
import { reviewDocument, UNTOUCHED_LINES } from "../../../../fixtures/redaction-corpus";
import { scannedPdf } from "../../../../support/pdf-fixtures";

jest.setTimeout(120_000);
const pool = createPdfPool({ threads: 1 });
afterAll(async () => {
  await pool.close();
  await redactionEngine.close();
  await closeComputePool();
});

function contentOf(page: PDFPage): Buffer {
  const c = page.node.Contents();
  const streams = c && "asArray" in c ? c.asArray().map((r) => page.doc.context.lookup(r)) : [c];
  return Buffer.concat(streams.map((s) => Buffer.from(decodePDFRawStream(s as PDFRawStream).decode())));
}

async function areaOver(pdf: Uint8Array, page: number, word: string, label = "EMAIL_ADDRESS"): Promise<RedactionArea> {
  const w = (await pool.extract(pdf)).pages[page - 1]!.words.find((x) => x.text === word)!;
  return { page, box: { x: w.box.x - 1, y: w.box.y - 1, width: w.box.width + 2, height: w.box.height + 2 }, label, source: "detection", text: word };
}

describe("a text page", () => {
  let input: Uint8Array;
  let out: Awaited<ReturnType<typeof applyRedactions>>;
  beforeAll(async () => {
    input = await reviewDocument();
    out = await applyRedactions(input, [await areaOver(input, 1, "john.smith@example.com")], { pool });
  });

  it("removes the area's text from the text layer and from the pixels", async () => {
    const text = await pool.extract(out.pdf);
    expect(text.pages[0]!.text).not.toContain("john.smith@example.com");
    const { png } = await pool.render(out.pdf, 1, { dpi: 200 });
    const ocr = await pool.ocr(png, { pageWidthPt: text.pages[0]!.width, pageHeightPt: text.pages[0]!.height });
    expect(ocr.text.replace(/\s+/g, "")).not.toContain("john.smith@example.com");
    expect(ocr.text).toContain("Customer record");
  });

  it("keeps the other words of the redacted page as real text", async () => {
    const page = (await pool.extract(out.pdf)).pages[0]!.text;
    for (const s of ["Customer record for John Smith", "Email:", "GB82 WEST 1234 5698 7654 32", "lazy dog."]) expect(page).toContain(s);
    expect(out.pages).toEqual([expect.objectContaining({ page: 1, method: "objects", textSource: "original", droppedWords: 1 })]);
  });

  it("copies the untouched page with byte-identical content", async () => {
    const src = await PDFDocument.load(input);
    const red = await PDFDocument.load(out.pdf);
    expect(contentOf(red.getPage(1)).equals(contentOf(src.getPage(1)))).toBe(true);
    expect((await pool.extract(out.pdf)).pages[1]!.text).toBe(UNTOUCHED_LINES.join("\n"));
  });

  it("drops the metadata and the annotations", async () => {
    const red = await PDFDocument.load(out.pdf, { updateMetadata: false });
    expect([red.getTitle(), red.getAuthor(), red.getSubject()]).toEqual([undefined, undefined, undefined]);
    expect(red.getPages().some((p) => p.node.has(PDFName.of("Annots")))).toBe(false);
    expect(out.removed).toMatchObject({ infoDictionary: true, annotations: 1 });
  });

  it("verifies clean output, and catches a redaction that only painted over the text", async () => {
    const ok = await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool });
    expect(ok).toMatchObject({ leaks: 0, redactedStrings: 1, pagesChecked: [1], method: ["textLayer", "objects", "streams", "structure"] });
    // The input itself stands for an overlay-only "redaction": the string is still in its text layer.
    const secrets = [pageSecrets(1, (await pool.extract(input)).pages[0]!.words, [await areaOver(input, 1, "john.smith@example.com")])];
    const bad = await verifyRedaction(input, secrets, { inspect: out.inspect, pool });
    expect(bad.leaks).toBeGreaterThan(0);
    expect(bad.leakDetails).toEqual(expect.arrayContaining([
      { page: 1, method: "textLayer", count: 1 },
      { page: 1, method: "objects", count: "john.smith@example.com".length },
      expect.objectContaining({ page: 0, method: "streams" }),
    ]));
    expect(bad.structureProblems).toEqual(expect.arrayContaining(["page 1 /Annots", "trailer /Info"]));
  });

  it("gives a raster fallback page the invisible layer of the words left, or none when searchable is off", async () => {
    const area = await areaOver(input, 1, "john.smith@example.com");
    const raster = await applyRedactions(input, [area], { pool, forceRaster: [1] });
    expect(raster.pages[0]).toMatchObject({ method: "raster", textSource: "textLayer", droppedWords: 1 });
    const text = (await pool.extract(raster.pdf)).pages[0]!.text;
    expect(text).toContain("Customer record for John Smith");
    expect(text).not.toContain("john.smith@example.com");
    expect((await verifyRedaction(raster.pdf, raster.secrets, { inspect: raster.inspect, ocr: raster.ocr, pool })).leaks).toBe(0);
    const plain = await applyRedactions(input, [area], { pool, searchable: false, forceRaster: [1] });
    expect((await pool.extract(plain.pdf)).pages[0]!.text).toBe("");
  });
});

describe("a scanned page", () => {
  it("paints the area, and gives the page an OCR text layer of the words left", async () => {
    const input = (await scannedPdf()).bytes;
    const words = (await pool.extractWithOcr(input)).pages[0]!.words;
    const email = words.find((w) => w.text.includes("john.smith"))!;
    const out = await applyRedactions(input, [{ page: 1, box: email.box, label: "EMAIL_ADDRESS", source: "detection", text: "john.smith@example.com" }], { pool });
    expect(out.pages[0]).toMatchObject({ method: "objects", kind: "scan", textSource: "ocr", imagesPainted: 1 });
    const text = (await pool.extract(out.pdf)).pages[0]!.text;
    expect(text).not.toContain("john.smith");
    expect(text).toContain("Customer");
    expect((await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool })).leaks).toBe(0);
  });

  it("uses detection's OCR words instead of OCRing again, and verification still reads the output's pixels", async () => {
    const input = (await scannedPdf()).bytes;
    const words = (await pool.extractWithOcr(input)).pages[0]!.words;
    const email = words.find((w) => w.text.includes("john.smith"))!;
    const area: RedactionArea = { page: 1, box: email.box, label: "EMAIL_ADDRESS", source: "detection", text: "john.smith@example.com" };
    // Through the detection result's encoding, as the plugin carries them.
    const scanWords = decodeScanWords(JSON.parse(JSON.stringify(encodeScanWords([{ page: 1, words }]))));
    const out = await applyRedactions(input, [area], { pool, scanWords });
    expect(out.ocr).toEqual([]); // no page OCRed at redaction
    expect(out.pages[0]).toMatchObject({ method: "objects", kind: "scan", textSource: "ocr", imagesPainted: 1, keptWords: words.length - 1 });
    const text = (await pool.extract(out.pdf)).pages[0]!.text;
    expect(text).not.toContain("john.smith");
    expect(text).toContain("Customer");
    // The original's covered word is a secret too now (its text is known), and the crop OCR ran.
    expect(out.secrets[0]!.strings).toContain("john.smith@example.com");
    const v = await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool });
    expect(v).toMatchObject({ leaks: 0, pagesOcr: [1] });
    expect(v.method).toContain("ocr");
  });

  it("draws the words left so no glyph reaches into an area on the line below (descenders included)", async () => {
    // An OCR box of a word with a descender ends at the descender's foot. Drawn with its baseline there, the
    // "j" and "p" of "jumps" reached a fifth of a line down, into an area right under the word, and
    // verification refused the output (objects: glyphs under an area): seed 77077's mailto: line below a
    // line of prose.
    const input = (await scannedPdf()).bytes;
    const words = (await pool.extractWithOcr(input)).pages[0]!.words;
    const jumps = words.find((w) => w.text === "jumps")!;
    // the whole line of "The quick brown fox jumps over the lazy dog." (q, j, p, y, g descend), an area a
    // tenth of a point under its lowest box
    const line = words.filter((w) => Math.abs(w.box.y - jumps.box.y) < jumps.box.height / 2);
    const foot = Math.max(...line.map((w) => w.box.y + w.box.height));
    const left = Math.min(...line.map((w) => w.box.x));
    const right = Math.max(...line.map((w) => w.box.x + w.box.width));
    const below = { x: left, y: foot + 0.1, width: right - left, height: jumps.box.height };
    const area: RedactionArea = { page: 1, box: below, label: "URL", source: "detection", text: "mailto:x@example.com" };
    const out = await applyRedactions(input, [area], { pool, scanWords: new Map([[1, words]]) });
    expect(out.pages[0]).toMatchObject({ kind: "scan", textSource: "ocr", keptWords: words.length });
    const page = (await pool.extract(out.pdf)).pages[0]!;
    expect(page.text).toContain("jumps");
    const v = await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool });
    expect(v.leakDetails).toEqual([]);
  });

  it("fails verification of a scan whose pixels still show the string (the OCR of the area's band reads it)", async () => {
    const input = (await scannedPdf()).bytes;
    const words = (await pool.extractWithOcr(input)).pages[0]!.words;
    const email = words.find((w) => w.text.includes("john.smith"))!;
    const area: RedactionArea = { page: 1, box: email.box, label: "EMAIL_ADDRESS", source: "detection", text: "john.smith@example.com" };
    const out = await applyRedactions(input, [area], { pool, scanWords: new Map([[1, words]]) });
    // The unredacted input checked against the redaction's secrets: as if the painting had not happened.
    const v = await verifyRedaction(input, out.secrets, { inspect: out.inspect, pool });
    expect(v.leakDetails.map((l) => l.method)).toEqual(expect.arrayContaining(["ocr", "objects"]));
  });
});
