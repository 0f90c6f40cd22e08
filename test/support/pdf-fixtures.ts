/**
 * PDF fixtures generated at test time (pdf-lib + @napi-rs/canvas), each with its ground truth.
 *
 * Truth boxes use the engine's convention (sdk/pdf/types.ts): PDF points on the displayed page,
 * top-left origin. They are computed here from the drawing instructions with our own arithmetic, not with
 * the engine, so a test comparing the two checks something.
 *
 * Only `encrypted.pdf` is checked in (pdf-lib cannot encrypt): it was made from `piiTextPdf()` with
 * `qpdf --encrypt docmill-user docmill-owner 256 --` (see ENCRYPTED_PASSWORD).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { GlobalFonts, createCanvas } from "@napi-rs/canvas";
import { PDFDocument, type PDFFont, type PDFPage, StandardFonts, degrees } from "pdf-lib";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TruthWord {
  text: string;
  /** Displayed page, top-left origin, points. */
  box: Box;
}

export interface TruthPage {
  page: number;
  /** Displayed size in points. */
  width: number;
  height: number;
  rotation: number;
  /** "text": a real text layer; "image": only a picture of text (needs OCR). */
  kind: "text" | "image";
  /** Tesseract language of the page. */
  lang: string;
  /** Expected reading order, one entry per line, words separated by one space. */
  lines: string[];
  words: TruthWord[];
}

export type EntityType =
  | "PERSON" | "EMAIL" | "PHONE" | "IBAN" | "CARD" | "SSN" | "IP" | "DATE_OF_BIRTH" | "ADDRESS" | "DATE";

export interface TruthEntity {
  type: EntityType;
  value: string;
  page: number;
}

export interface Truth {
  pageCount: number;
  title?: string;
  author?: string;
  password?: string;
  pages: TruthPage[];
  entities: TruthEntity[];
  /** For broken inputs: the PdfError code the engine must throw. */
  expectedError?: "PDF_ENCRYPTED" | "PDF_CORRUPT" | "PDF_EMPTY" | "PDF_TOO_MANY_PAGES";
}

export interface Fixture {
  bytes: Uint8Array;
  truth: Truth;
}

export const A4 = { width: 595.28, height: 841.89 };
/** Helvetica's ascender and descender (AFM), as fractions of the font size. */
const HELV_ASCENT = 0.718;
const HELV_DESCENT = -0.207;
export const ENCRYPTED_PASSWORD = "docmill-user";
export const FIXTURE_DIR = path.resolve(__dirname, "..", "fixtures");

// ---------------------------------------------------------------------------------------------------------
// Texts

export const PII_LINES = [
  "Customer record for John Smith",
  "Email: john.smith@example.com",
  "Phone: +44 20 7946 0958",
  "Date of birth: 14/03/1985",
  "SSN: 123-45-6789",
  "IBAN: GB82 WEST 1234 5698 7654 32",
  "Card: 4111 1111 1111 1111",
  "Last login from 192.168.1.20",
  "Address: 221B Baker Street, London NW1 6XE",
  "The quick brown fox jumps over the lazy dog.",
];

export function piiEntities(page: number): TruthEntity[] {
  return [
    { type: "PERSON", value: "John Smith", page },
    { type: "EMAIL", value: "john.smith@example.com", page },
    { type: "PHONE", value: "+44 20 7946 0958", page },
    { type: "DATE_OF_BIRTH", value: "14/03/1985", page },
    { type: "SSN", value: "123-45-6789", page },
    { type: "IBAN", value: "GB82 WEST 1234 5698 7654 32", page },
    { type: "CARD", value: "4111 1111 1111 1111", page },
    { type: "IP", value: "192.168.1.20", page },
    { type: "ADDRESS", value: "221B Baker Street, London NW1 6XE", page },
  ];
}

export const GERMAN_LINES = [
  "Sehr geehrte Frau Müller,",
  "Ihre Rechnung vom 12.05.2023 über 1.234,56 EUR ist fällig.",
  "Bitte überweisen Sie den Betrag auf das Konto",
  "IBAN: DE89 3704 0044 0532 0130 00",
  "Anschrift: Hauptstraße 5, 10115 Berlin",
  "Telefon: +49 30 901820",
  "Mit freundlichen Grüßen",
];

export function germanEntities(page: number): TruthEntity[] {
  return [
    { type: "PERSON", value: "Frau Müller", page },
    { type: "DATE", value: "12.05.2023", page },
    { type: "IBAN", value: "DE89 3704 0044 0532 0130 00", page },
    { type: "ADDRESS", value: "Hauptstraße 5, 10115 Berlin", page },
    { type: "PHONE", value: "+49 30 901820", page },
  ];
}

const COLUMN_LEFT = [
  "Alpha column text begins here",
  "and continues with more words",
  "about the first topic of the",
  "report so that the reader can",
  "follow the left column first.",
];
const COLUMN_RIGHT = [
  "Beta column starts at the top",
  "of the right side and tells a",
  "second story which must come",
  "after the whole left column",
  "when the page is read aloud.",
];

const TABLE_ROWS = [
  ["Name", "Email", "Phone", "Born"],
  ["John Smith", "john.smith@example.com", "+44 20 7946 0958", "14/03/1985"],
  ["Jane Doe", "jane.doe@example.org", "+1 202 555 0143", "02/11/1990"],
  ["Ali Khan", "ali.khan@example.net", "+49 30 901820", "30/06/1978"],
];
const TABLE_X = [50, 140, 310, 460];

// ---------------------------------------------------------------------------------------------------------
// Geometry: displayed top-left <-> PDF user space for a page of user size W x H and a /Rotate.

function userFromDisplayed(rotation: number, W: number, H: number, X: number, Y: number): [number, number] {
  switch (rotation) {
    case 90: return [Y, X];
    case 180: return [W - X, Y];
    case 270: return [W - Y, H - X];
    default: return [X, H - Y];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Text pages (pdf-lib, Helvetica)

interface TextBlock {
  lines: string[];
  /** Displayed x of the line starts and displayed y of the first baseline, points. */
  x: number;
  y: number;
  size?: number;
  leading?: number;
}

/**
 * Draws lines of text so that they read upright on the displayed page (the text is rotated in user space by
 * the page's /Rotate), and returns each word's displayed box: advance width horizontally, Helvetica's
 * ascender to descender vertically.
 */
function drawBlock(page: PDFPage, font: PDFFont, rotation: number, block: TextBlock): TruthWord[] {
  const { width: W, height: H } = page.getSize();
  const size = block.size ?? 12;
  const leading = block.leading ?? size * 1.5;
  const words: TruthWord[] = [];
  block.lines.forEach((line, i) => {
    const baseline = block.y + i * leading;
    const [ux, uy] = userFromDisplayed(rotation, W, H, block.x, baseline);
    page.drawText(line, { x: ux, y: uy, size, font, rotate: degrees(rotation) });
    let offset = 0;
    for (const part of line.split(/( +)/)) {
      const w = advance(font, part, size);
      if (part.trim() !== "") {
        words.push({
          text: part,
          box: { x: block.x + offset, y: baseline - HELV_ASCENT * size, width: w, height: (HELV_ASCENT - HELV_DESCENT) * size },
        });
      }
      offset += w;
    }
  });
  return words;
}

/**
 * Advance width as drawn. pdf-lib's widthOfTextAtSize adds kerning, but drawText writes a plain Tj without
 * kerning, so the truth sums single glyphs.
 */
function advance(font: PDFFont, text: string, size: number): number {
  return Array.from(text).reduce((sum, ch) => sum + font.widthOfTextAtSize(ch, size), 0);
}

async function newDoc(meta?: { title?: string; author?: string }): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  // Fixed dates keep the bytes reproducible.
  doc.setCreationDate(new Date("2024-01-02T03:04:05Z"));
  doc.setModificationDate(new Date("2024-01-02T03:04:05Z"));
  doc.setProducer("docmill test fixtures");
  if (meta?.title) doc.setTitle(meta.title);
  if (meta?.author) doc.setAuthor(meta.author);
  return doc;
}

async function addTextPage(
  doc: PDFDocument,
  blocks: TextBlock[],
  opts: { rotation?: number; lang?: string; lines?: string[] } = {},
): Promise<TruthPage> {
  const rotation = opts.rotation ?? 0;
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([A4.width, A4.height]);
  if (rotation) page.setRotation(degrees(rotation));
  const words = blocks.flatMap((b) => drawBlock(page, font, rotation, b));
  const swap = rotation === 90 || rotation === 270;
  return {
    page: doc.getPageCount(),
    width: swap ? A4.height : A4.width,
    height: swap ? A4.width : A4.height,
    rotation,
    kind: "text",
    lang: opts.lang ?? "eng",
    lines: opts.lines ?? blocks.flatMap((b) => b.lines),
    words,
  };
}

// ---------------------------------------------------------------------------------------------------------
// "Scanned" pages: text drawn on a canvas, the PNG is the whole page, no text layer.

let fontRegistered = false;
const SCAN_FONT = "DocmillFixtureSans";

/** LiberationSans ships inside pdfjs-dist, so the picture does not depend on the machine's fonts. */
function ensureScanFont(): void {
  if (fontRegistered) return;
  GlobalFonts.registerFromPath(require.resolve("pdfjs-dist/standard_fonts/LiberationSans-Regular.ttf"), SCAN_FONT);
  fontRegistered = true;
}

export interface ScanOptions {
  lines?: string[];
  dpi?: number;
  /** Font size in points. */
  size?: number;
  /** Points from one baseline to the next (default twice the size). */
  leading?: number;
  lang?: string;
}

/** Renders lines of text to a PNG the size of an A4 page, with tight glyph boxes of every word (points). */
export function renderTextImage(opts: ScanOptions = {}): { png: Buffer; words: TruthWord[]; lines: string[] } {
  ensureScanFont();
  const lines = opts.lines ?? PII_LINES;
  const dpi = opts.dpi ?? 300;
  const size = opts.size ?? 14;
  const k = dpi / 72;
  const canvas = createCanvas(Math.round(A4.width * k), Math.round(A4.height * k));
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#111111";
  ctx.font = `${size * k}px ${SCAN_FONT}`;
  ctx.textBaseline = "alphabetic";
  const words: TruthWord[] = [];
  const x0 = 72;
  lines.forEach((line, i) => {
    const baseline = 90 + i * (opts.leading ?? size * 2);
    ctx.fillText(line, x0 * k, baseline * k);
    let offset = 0;
    for (const part of line.split(/( +)/)) {
      const m = ctx.measureText(part);
      if (part.trim() !== "") {
        words.push({
          text: part,
          box: {
            x: x0 + offset / k,
            y: baseline - m.actualBoundingBoxAscent / k,
            width: m.width / k,
            height: (m.actualBoundingBoxAscent + m.actualBoundingBoxDescent) / k,
          },
        });
      }
      offset += m.width;
    }
  });
  return { png: canvas.toBuffer("image/png"), words, lines };
}

async function addScannedPage(doc: PDFDocument, opts: ScanOptions = {}): Promise<TruthPage> {
  const { png, words, lines } = renderTextImage(opts);
  const image = await doc.embedPng(png);
  const page = doc.addPage([A4.width, A4.height]);
  page.drawImage(image, { x: 0, y: 0, width: A4.width, height: A4.height });
  return {
    page: doc.getPageCount(), width: A4.width, height: A4.height, rotation: 0, kind: "image",
    lang: opts.lang ?? "eng", lines, words,
  };
}

async function finish(doc: PDFDocument, truth: Omit<Truth, "pageCount">): Promise<Fixture> {
  // addDefaultPage: false, or pdf-lib would quietly give the empty document a blank page.
  const bytes = await doc.save({ useObjectStreams: false, addDefaultPage: false });
  return { bytes, truth: { pageCount: doc.getPageCount(), ...truth } };
}

// ---------------------------------------------------------------------------------------------------------
// The fixtures

/** One page of entity-rich English text, with a title and author in the info dictionary. */
export async function piiTextPdf(): Promise<Fixture> {
  const doc = await newDoc({ title: "Customer Record 42", author: "Docmill Fixtures" });
  const page = await addTextPage(doc, [{ lines: PII_LINES, x: 72, y: 100 }]);
  return finish(doc, { title: "Customer Record 42", author: "Docmill Fixtures", pages: [page], entities: piiEntities(1) });
}

/** `pages` pages, each with its own sentences (page n says "Page n of N"). */
export async function multiPagePdf(pages = 3): Promise<Fixture> {
  const doc = await newDoc({ title: `${pages} pages` });
  const truthPages: TruthPage[] = [];
  for (let n = 1; n <= pages; n++) {
    truthPages.push(await addTextPage(doc, [{
      lines: [`Page ${n} of ${pages}`, `This sentence belongs to page number ${n} only.`],
      x: 72, y: 80,
    }]));
  }
  return finish(doc, { title: `${pages} pages`, pages: truthPages, entities: [] });
}

/** A 50-page document (page-limit tests). */
export function fiftyPagePdf(): Promise<Fixture> {
  return multiPagePdf(50);
}

/** One page that is only a 300 dpi picture of the PII text. */
export async function scannedPdf(opts: ScanOptions = {}): Promise<Fixture> {
  const doc = await newDoc({ title: "Scanned record" });
  const page = await addScannedPage(doc, opts);
  const entities = (opts.lines ?? PII_LINES) === PII_LINES ? piiEntities(1) : [];
  return finish(doc, { title: "Scanned record", pages: [page], entities });
}

/** Page 1 has a text layer, page 2 is a scan. */
export async function mixedPdf(): Promise<Fixture> {
  const doc = await newDoc({ title: "Mixed" });
  const first = await addTextPage(doc, [{ lines: PII_LINES.slice(0, 5), x: 72, y: 100 }]);
  const second = await addScannedPage(doc, { lines: PII_LINES.slice(5) });
  const entities = piiEntities(1).map((e) => ({ ...e, page: PII_LINES.slice(0, 5).some((l) => l.includes(e.value)) ? 1 : 2 }));
  return finish(doc, { title: "Mixed", pages: [first, second], entities });
}

/** A page with /Rotate (90 by default) whose text reads upright on screen. */
export async function rotatedPdf(rotation: 90 | 180 | 270 = 90): Promise<Fixture> {
  const doc = await newDoc({ title: `Rotated ${rotation}` });
  const page = await addTextPage(doc, [{ lines: PII_LINES.slice(0, 4), x: 60, y: 90 }], { rotation });
  return finish(doc, { title: `Rotated ${rotation}`, pages: [page], entities: piiEntities(1).slice(0, 4) });
}

/** A full-width heading over two columns: the left column must be read before the right one. */
export async function twoColumnPdf(): Promise<Fixture> {
  const doc = await newDoc({ title: "Two columns" });
  const page = await addTextPage(doc, [
    { lines: ["Annual report of the docmill project for the year"], x: 72, y: 80, size: 14 },
    { lines: COLUMN_LEFT, x: 72, y: 130, size: 11, leading: 16 },
    { lines: COLUMN_RIGHT, x: 320, y: 130, size: 11, leading: 16 },
  ]);
  return finish(doc, { title: "Two columns", pages: [page], entities: [] });
}

/** A table without rules: four columns of short cells, to be read row by row. */
export async function tablePdf(): Promise<Fixture> {
  const doc = await newDoc({ title: "Table" });
  const size = 10;
  const blocks: TextBlock[] = TABLE_ROWS.flatMap((row, r) =>
    row.map((cell, c) => ({ lines: [cell], x: TABLE_X[c]!, y: 100 + r * 20, size })));
  const page = await addTextPage(doc, blocks, { lines: TABLE_ROWS.map((row) => row.join(" ")) });
  const entities: TruthEntity[] = TABLE_ROWS.slice(1).flatMap((row) => [
    { type: "PERSON" as const, value: row[0]!, page: 1 },
    { type: "EMAIL" as const, value: row[1]!, page: 1 },
    { type: "PHONE" as const, value: row[2]!, page: 1 },
    { type: "DATE_OF_BIRTH" as const, value: row[3]!, page: 1 },
  ]);
  return finish(doc, { title: "Table", pages: [page], entities });
}

/** A German text page (umlauts, ß) for language handling. */
export async function germanPdf(): Promise<Fixture> {
  const doc = await newDoc({ title: "Rechnung" });
  const page = await addTextPage(doc, [{ lines: GERMAN_LINES, x: 72, y: 100 }], { lang: "deu" });
  return finish(doc, { title: "Rechnung", pages: [page], entities: germanEntities(1) });
}

/** A German scan, for OCR with the "deu" data. */
export async function germanScannedPdf(): Promise<Fixture> {
  const doc = await newDoc({ title: "Rechnung (Scan)" });
  const page = await addScannedPage(doc, { lines: GERMAN_LINES, lang: "deu" });
  return finish(doc, { title: "Rechnung (Scan)", pages: [page], entities: germanEntities(1) });
}

/** The checked-in AES-256 encrypted copy of piiTextPdf(); user password ENCRYPTED_PASSWORD. */
export async function encryptedPdf(): Promise<Fixture> {
  const bytes = new Uint8Array(readFileSync(path.join(FIXTURE_DIR, "encrypted.pdf")));
  const plain = await piiTextPdf();
  return { bytes, truth: { ...plain.truth, password: ENCRYPTED_PASSWORD, expectedError: "PDF_ENCRYPTED" } };
}

/** The first 60% of piiTextPdf(): what an interrupted upload looks like. */
export async function truncatedPdf(): Promise<Fixture> {
  const full = await piiTextPdf();
  return {
    bytes: full.bytes.slice(0, Math.floor(full.bytes.length * 0.6)),
    truth: { pageCount: 0, pages: [], entities: [], expectedError: "PDF_CORRUPT" },
  };
}

/** A PNG named like a PDF. */
export function notPdf(): Fixture {
  return {
    bytes: new Uint8Array(renderTextImage({ lines: ["not a pdf"], dpi: 36 }).png),
    truth: { pageCount: 0, pages: [], entities: [], expectedError: "PDF_CORRUPT" },
  };
}

/** A syntactically valid PDF whose page tree is empty. */
export async function emptyPdf(): Promise<Fixture> {
  const doc = await newDoc();
  return finish(doc, { pages: [], entities: [], expectedError: "PDF_EMPTY" });
}

/** Every fixture by file name, for make-fixtures.ts. */
export const ALL_FIXTURES: Record<string, () => Fixture | Promise<Fixture>> = {
  "pii-text.pdf": piiTextPdf,
  "multi-page.pdf": () => multiPagePdf(3),
  "fifty-pages.pdf": fiftyPagePdf,
  "scanned.pdf": () => scannedPdf(),
  "mixed.pdf": mixedPdf,
  "rotated-90.pdf": () => rotatedPdf(90),
  "rotated-180.pdf": () => rotatedPdf(180),
  "rotated-270.pdf": () => rotatedPdf(270),
  "two-column.pdf": twoColumnPdf,
  "table.pdf": tablePdf,
  "german.pdf": germanPdf,
  "german-scanned.pdf": germanScannedPdf,
  "encrypted.pdf": encryptedPdf,
  "truncated.pdf": truncatedPdf,
  "not-a-pdf.pdf": notPdf,
  "empty.pdf": emptyPdf,
};
