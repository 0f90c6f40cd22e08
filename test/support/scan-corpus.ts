/**
 * A generated corpus of degraded scans with ground truth, for the OCR tests and `npm run bench ocr`.
 *
 * Each page is a realistic document (letter, invoice, HR form, CV, bank statement, a Hindi notice, a mixed
 * Hindi/English form) filled with seeded @faker-js/faker data, drawn on a canvas at 200 or 300 dpi, then
 * degraded the way real scans are: salt-and-pepper specks, blur, heavy JPEG, skew up to ±3°, rotation by
 * 90/180/270°. The truth words carry their box in the engine's convention (points of the page as displayed,
 * top-left origin): for a skewed or rotated page, the axis-aligned box around the word's rotated rectangle,
 * computed here from the drawing transform with our own arithmetic, never by the engine under test.
 *
 *   npx tsx test/support/scan-corpus.ts [dir] [--seed N] [--per N]   writes the images and truth.json
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Faker, en, en_GB, en_IN, en_US, base } from "@faker-js/faker";
import { GlobalFonts, createCanvas, type SKRSContext2D } from "@napi-rs/canvas";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { seededRandom } from "./random";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScanWord {
  text: string;
  /** Displayed page, top-left origin, points: the axis-aligned hull of the word as it appears on the scan. */
  box: Box;
}

export type Degradation =
  | "clean" | "speckle" | "blur" | "jpeg" | "skew" | "rot90" | "rot180" | "rot270" | "dpi200" | "hindi" | "mixed";

export const DEGRADATIONS: readonly Degradation[] = [
  "clean", "speckle", "blur", "jpeg", "skew", "rot90", "rot180", "rot270", "dpi200", "hindi", "mixed",
];

export type Layout = "letter" | "invoice" | "form" | "cv" | "statement" | "hindi" | "mixed";

export interface ScanPage {
  name: string;
  degradation: Degradation;
  layout: Layout;
  /** The image file as a scanner would deliver it: PNG, or JPEG for the "jpeg" degradation. */
  image: Buffer;
  format: "png" | "jpeg";
  dpi: number;
  /** Size of the displayed page in points (landscape for a page rotated by 90 or 270). */
  widthPt: number;
  heightPt: number;
  /** Clockwise rotation of the content on the scan: 0, 90, 180 or 270. */
  rotation: 0 | 90 | 180 | 270;
  /** Skew of the content in degrees (clockwise positive), 0 for straight pages. */
  skew: number;
  /** Tesseract languages of the text: ["eng"], ["hin"] or ["eng", "hin"]. */
  langs: string[];
  words: ScanWord[];
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: small, fast, seedable; good enough for noise. */
export const rng = seededRandom;

// ---------------------------------------------------------------------------------------------------------
// Fonts: Liberation ships inside pdfjs-dist; Lohit Devanagari is Debian's fonts-lohit-deva (.ci/run installs it).

const SANS = "DocmillScanSans";
const SANS_BOLD = "DocmillScanSansBold";
const DEVA = "DocmillScanDeva";
const DEVA_PATHS = [
  "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf",
  "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
];
let fontsReady = false;

function ensureFonts(): void {
  if (fontsReady) return;
  GlobalFonts.registerFromPath(require.resolve("pdfjs-dist/standard_fonts/LiberationSans-Regular.ttf"), SANS);
  GlobalFonts.registerFromPath(require.resolve("pdfjs-dist/standard_fonts/LiberationSans-Bold.ttf"), SANS_BOLD);
  const deva = DEVA_PATHS.find((p) => {
    try {
      return GlobalFonts.registerFromPath(p, DEVA) !== null;
    } catch {
      return false;
    }
  });
  if (!deva) throw new Error("No Devanagari font: install Debian's fonts-lohit-deva (listed in .ci/run APT_PACKAGES)");
  fontsReady = true;
}

// ---------------------------------------------------------------------------------------------------------
// Page content: positioned text runs in points (top-left origin of the upright page).

interface Run {
  text: string;
  x: number;
  /** Baseline, points from the top. */
  y: number;
  size: number;
  bold?: boolean;
  deva?: boolean;
}

const A4 = { width: 595.28, height: 841.89 };

const HINDI_SENTENCES = [
  "यह पत्र आपके खाते के बारे में है",
  "कृपया अपना पता और फ़ोन नंबर जांच लें",
  "आवेदन की अंतिम तिथि अगले महीने है",
  "हमारे कार्यालय में आपका स्वागत है",
  "भुगतान बैंक खाते में जमा किया जाएगा",
  "इस फ़ॉर्म को ध्यान से भरें",
  "कर्मचारी का नाम और पद नीचे लिखा है",
  "सभी दस्तावेज़ समय पर जमा करें",
  "आपकी शिकायत दर्ज कर ली गई है",
  "बैठक सोमवार को सुबह दस बजे होगी",
  "नया पहचान पत्र डाक से भेजा जाएगा",
  "किसी भी प्रश्न के लिए हमसे संपर्क करें",
];
const HINDI_LABELS = ["नाम", "पिता का नाम", "पता", "शहर", "राज्य", "मोबाइल", "जन्म तिथि", "विभाग"];
const HINDI_CITIES = ["दिल्ली", "मुंबई", "जयपुर", "लखनऊ", "पटना", "भोपाल", "इंदौर", "कानपुर"];
const HINDI_NAMES = ["राहुल शर्मा", "प्रिया वर्मा", "अमित कुमार", "सुनीता देवी", "विकास गुप्ता", "अंजलि सिंह", "रवि प्रसाद"];

function makeFaker(seed: number): Faker {
  const locales = [en_GB, en_US, en_IN];
  const f = new Faker({ locale: [locales[seed % locales.length]!, en, base] });
  f.seed(seed);
  return f;
}

function pick<T>(f: Faker, list: readonly T[]): T {
  return list[f.number.int({ min: 0, max: list.length - 1 })]!;
}

/**
 * English prose for letters and notes: faker's phrase generators (Latin lorem ipsum would test Tesseract
 * against a language model it does not have, which no real English document does).
 */
function sentences(f: Faker, n: number): string {
  const makers = [
    () => f.hacker.phrase(),
    () => `${f.company.catchPhrase()}.`,
    () => f.commerce.productDescription(),
    () => `We ${f.word.verb()} the ${f.word.adjective()} ${f.word.noun()} on ${f.date.weekday()}.`,
  ];
  return Array.from({ length: n }, () => f.helpers.arrayElement(makers)()).join(" ");
}

/** Word-wraps `text` into lines of at most `chars` characters. */
function wrap(text: string, chars: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > chars) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

function content(layout: Layout, f: Faker): Run[] {
  const runs: Run[] = [];
  const left = 60 + f.number.int({ min: 0, max: 20 });
  let y = 80 + f.number.int({ min: 0, max: 30 });
  const size: number = f.helpers.arrayElement([10, 11, 12]);
  const lead = size * 1.55;
  const line = (text: string, x = left, s = size, bold = false) => {
    runs.push({ text, x, y, size: s, bold });
    y += s * 1.55;
  };
  const para = (text: string, chars = 80) => {
    for (const l of wrap(text, chars)) line(l);
    y += lead * 0.6;
  };
  const name = f.person.fullName();
  switch (layout) {
    case "letter": {
      line(f.company.name(), left, 16, true);
      line(f.location.streetAddress());
      line(`${f.location.city()} ${f.location.zipCode()}`);
      y += lead;
      line(f.date.past({ years: 3 }).toISOString().slice(0, 10));
      y += lead;
      line(`Dear ${name},`);
      y += lead * 0.5;
      for (let i = 0; i < 3; i++) para(sentences(f, 3));
      para(`Please call ${f.phone.number()} or write to ${f.internet.email({ firstName: name.split(" ")[0] })}.`);
      line("Yours sincerely,");
      y += lead;
      line(f.person.fullName());
      line(f.person.jobTitle());
      break;
    }
    case "invoice": {
      line(`INVOICE ${f.string.numeric(6)}`, left, 18, true);
      line(f.company.name(), left, size, true);
      line(f.location.streetAddress({ useFullAddress: true }));
      line(`Date: ${f.date.recent({ days: 90 }).toISOString().slice(0, 10)}`);
      line(`Bill to: ${name}`);
      y += lead;
      const cols = [left, left + 250, left + 330, left + 410];
      const header = ["Description", "Qty", "Price", "Amount"];
      header.forEach((h, i) => runs.push({ text: h, x: cols[i]!, y, size, bold: true }));
      y += lead * 1.2;
      let total = 0;
      const rows = f.number.int({ min: 5, max: 9 });
      for (let r = 0; r < rows; r++) {
        const qty = f.number.int({ min: 1, max: 20 });
        const price = f.number.float({ min: 2, max: 400, fractionDigits: 2 });
        total += qty * price;
        const cells = [f.commerce.productName(), String(qty), price.toFixed(2), (qty * price).toFixed(2)];
        cells.forEach((c, i) => runs.push({ text: c, x: cols[i]!, y, size }));
        y += lead;
      }
      y += lead * 0.5;
      runs.push({ text: "Total", x: cols[2]!, y, size, bold: true }, { text: total.toFixed(2), x: cols[3]!, y, size, bold: true });
      y += lead * 2;
      line(`IBAN: ${f.finance.iban({ formatted: true })}`);
      line(`Payment due within ${f.number.int({ min: 10, max: 60 })} days.`);
      break;
    }
    case "form": {
      line("Employee Information Form", left, 16, true);
      y += lead * 0.5;
      const fields: Array<[string, string]> = [
        ["Full name", name],
        ["Date of birth", f.date.birthdate().toISOString().slice(0, 10)],
        ["Email", f.internet.email({ firstName: name.split(" ")[0] })],
        ["Phone", f.phone.number()],
        ["Address", f.location.streetAddress()],
        ["City", f.location.city()],
        ["Postcode", f.location.zipCode()],
        ["Department", f.commerce.department()],
        ["Job title", f.person.jobTitle()],
        ["Start date", f.date.past({ years: 5 }).toISOString().slice(0, 10)],
        ["Manager", f.person.fullName()],
        ["Emergency contact", f.person.fullName()],
      ];
      for (const [label, value] of fields) {
        runs.push({ text: `${label}:`, x: left, y, size }, { text: value, x: left + 150, y, size });
        y += lead * 1.4;
      }
      y += lead;
      para(sentences(f, 2));
      line("Signature ____________________");
      break;
    }
    case "cv": {
      line(name, left, 20, true);
      line(`${f.internet.email({ firstName: name.split(" ")[0] })} | ${f.phone.number()}`);
      line(`${f.location.city()}, ${f.location.country()}`);
      y += lead;
      line("Experience", left, 14, true);
      for (let i = 0; i < 3; i++) {
        line(`${f.person.jobTitle()} at ${f.company.name()}`, left, size, true);
        line(`${2010 + i * 4} - ${2014 + i * 4}`);
        para(sentences(f, 2));
      }
      line("Education", left, 14, true);
      line(`${f.location.city()} University, ${f.location.city()}`);
      line("Skills", left, 14, true);
      para(Array.from({ length: 8 }, () => f.hacker.noun()).join(", "));
      break;
    }
    case "statement": {
      line(`${f.company.name()} Bank`, left, 16, true);
      line(`Statement for ${name}`);
      line(`Account ${f.finance.accountNumber(10)}  Sort code ${f.string.numeric(2)}-${f.string.numeric(2)}-${f.string.numeric(2)}`);
      y += lead;
      const cols = [left, left + 80, left + 330, left + 410];
      ["Date", "Description", "Amount", "Balance"].forEach((h, i) => runs.push({ text: h, x: cols[i]!, y, size, bold: true }));
      y += lead * 1.2;
      let bal = f.number.float({ min: 100, max: 5000, fractionDigits: 2 });
      const rows = f.number.int({ min: 10, max: 16 });
      for (let r = 0; r < rows; r++) {
        const amt = f.number.float({ min: -300, max: 300, fractionDigits: 2 });
        bal += amt;
        const cells = [`${String(r + 1).padStart(2, "0")}/0${f.number.int({ min: 1, max: 9 })}`, f.finance.transactionType() + " " + f.company.name().split(" ")[0],
          amt.toFixed(2), bal.toFixed(2)];
        cells.forEach((c, i) => runs.push({ text: c, x: cols[i]!, y, size }));
        y += lead;
      }
      break;
    }
    case "hindi": {
      const dsize = size + 3;
      runs.push({ text: "सूचना पत्र", x: left, y, size: 20, deva: true });
      y += 20 * 1.8;
      for (const label of HINDI_LABELS.slice(0, 5)) {
        const value = label === "नाम" || label === "पिता का नाम" ? pick(f, HINDI_NAMES) : label === "शहर" ? pick(f, HINDI_CITIES) : pick(f, HINDI_CITIES);
        runs.push({ text: `${label}: ${value}`, x: left, y, size: dsize, deva: true });
        y += dsize * 1.9;
      }
      y += dsize;
      for (const s of f.helpers.shuffle([...HINDI_SENTENCES]).slice(0, 7)) {
        runs.push({ text: s, x: left, y, size: dsize, deva: true });
        y += dsize * 1.9;
      }
      break;
    }
    case "mixed": {
      line("Application Form / आवेदन पत्र", left, 15, true);
      runs[runs.length - 1]!.deva = true;
      y += lead * 0.5;
      const dsize = size + 3;
      const rows: Array<[string, string, boolean]> = [
        ["नाम", name, true],
        ["Email", f.internet.email({ firstName: name.split(" ")[0] }), false],
        ["शहर", pick(f, HINDI_CITIES), true],
        ["Phone", f.phone.number(), false],
        ["पता", f.location.streetAddress(), true],
      ];
      for (const [label, value, deva] of rows) {
        runs.push({ text: `${label}:`, x: left, y, size: dsize, deva }, { text: value, x: left + 120, y, size: dsize, deva: /[\u0900-\u097f]/.test(value) });
        y += dsize * 1.9;
      }
      y += dsize;
      for (const s of f.helpers.shuffle([...HINDI_SENTENCES]).slice(0, 3)) {
        runs.push({ text: s, x: left, y, size: dsize, deva: true });
        y += dsize * 1.9;
      }
      for (const l of wrap(sentences(f, 3), 75)) {
        runs.push({ text: l, x: left, y, size });
        y += lead;
      }
      break;
    }
  }
  return runs.filter((r) => r.y < A4.height - 40);
}

// ---------------------------------------------------------------------------------------------------------
// Drawing with a transform, and the truth boxes through the same transform

interface Geometry {
  /** Displayed page size in points (what the scan shows). */
  widthPt: number;
  heightPt: number;
  /** Maps a point of the upright page (points) to the displayed page (points). */
  map(x: number, y: number): [number, number];
  /** Applies the same mapping to a canvas context, in pixels. */
  apply(ctx: SKRSContext2D, k: number): void;
}

function geometry(rotation: 0 | 90 | 180 | 270, skewDeg: number): Geometry {
  const W = A4.width;
  const H = A4.height;
  const swap = rotation === 90 || rotation === 270;
  const widthPt = swap ? H : W;
  const heightPt = swap ? W : H;
  // Clockwise rotation about the page centre, then centred in the displayed page.
  const a = ((rotation + skewDeg) * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return {
    widthPt, heightPt,
    map(x, y) {
      const dx = x - W / 2;
      const dy = y - H / 2;
      return [widthPt / 2 + dx * cos - dy * sin, heightPt / 2 + dx * sin + dy * cos];
    },
    apply(ctx, k) {
      ctx.translate((widthPt / 2) * k, (heightPt / 2) * k);
      ctx.rotate(a);
      ctx.translate((-W / 2) * k, (-H / 2) * k);
    },
  };
}

function fontOf(run: Run, k: number): string {
  return `${run.size * k}px ${run.deva ? DEVA : run.bold ? SANS_BOLD : SANS}`;
}

function draw(runs: Run[], geo: Geometry, dpi: number): { raw: Buffer; width: number; height: number; words: ScanWord[] } {
  ensureFonts();
  const k = dpi / 72;
  const canvas = createCanvas(Math.round(geo.widthPt * k), Math.round(geo.heightPt * k));
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.save();
  geo.apply(ctx, k);
  ctx.fillStyle = "#1a1a1a";
  ctx.textBaseline = "alphabetic";
  const words: ScanWord[] = [];
  for (const run of runs) {
    ctx.font = fontOf(run, k);
    ctx.fillText(run.text, run.x * k, run.y * k);
    let offset = 0;
    for (const part of run.text.split(/( +)/)) {
      const m = ctx.measureText(part);
      if (part.trim() !== "") {
        const x0 = run.x + (offset + Math.min(0, -m.actualBoundingBoxLeft)) / k;
        const x1 = run.x + (offset + Math.max(m.width, m.actualBoundingBoxRight)) / k;
        const y0 = run.y - m.actualBoundingBoxAscent / k;
        const y1 = run.y + m.actualBoundingBoxDescent / k;
        const corners = [geo.map(x0, y0), geo.map(x1, y0), geo.map(x0, y1), geo.map(x1, y1)];
        const xs = corners.map((c) => c[0]);
        const ys = corners.map((c) => c[1]);
        const bx = Math.min(...xs);
        const by = Math.min(...ys);
        words.push({ text: part, box: { x: bx, y: by, width: Math.max(...xs) - bx, height: Math.max(...ys) - by } });
      }
      offset += m.width;
    }
  }
  ctx.restore();
  const rgba = canvas.data();
  const grey = Buffer.alloc(canvas.width * canvas.height);
  for (let i = 0; i < grey.length; i++) grey[i] = rgba[i * 4]!;
  return { raw: grey, width: canvas.width, height: canvas.height, words };
}

/** Salt-and-pepper: isolated dark specks of 1-3 px and a sprinkle of white pixels, like a dusty scanner glass. */
function speckle(raw: Buffer, width: number, height: number, rand: () => number, density: number): void {
  const specks = Math.round(width * height * density);
  for (let s = 0; s < specks; s++) {
    const x = Math.floor(rand() * width);
    const y = Math.floor(rand() * height);
    const r = rand() < 0.7 ? 0 : 1;
    const v = rand() < 0.8 ? Math.floor(rand() * 60) : 255;
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < width && yy < height) raw[yy * width + xx] = v;
      }
    }
  }
}

export interface CorpusOptions {
  seed?: number;
  /** Pages per degradation. */
  per?: number;
  degradations?: readonly Degradation[];
  /** Scan every page at this resolution (default 300, 200 for the dpi200 pages): `npm run bench ocr -- --scan-dpi 150`. */
  dpi?: number;
}

const LATIN_LAYOUTS: Layout[] = ["letter", "invoice", "form", "cv", "statement"];

/** Builds the corpus: `per` pages for each degradation, layouts cycling so every degradation sees several. */
export async function scanCorpus(opts: CorpusOptions = {}): Promise<ScanPage[]> {
  const seed = opts.seed ?? 12;
  const per = opts.per ?? 2;
  const pages: ScanPage[] = [];
  for (const [di, degradation] of (opts.degradations ?? DEGRADATIONS).entries()) {
    for (let i = 0; i < per; i++) {
      const pageSeed = seed * 1000 + DEGRADATIONS.indexOf(degradation) * 37 + i * 7919;
      pages.push(await scanPage(degradation, pageSeed, (di + i) % LATIN_LAYOUTS.length, opts.dpi));
    }
  }
  return pages;
}

/** One degraded page. `layoutIndex` picks the document type for the Latin-script degradations. */
export async function scanPage(degradation: Degradation, seed: number, layoutIndex = 0, dpiOverride?: number): Promise<ScanPage> {
  const f = makeFaker(seed);
  const rand = rng(seed ^ 0x9e3779b9);
  const layout: Layout = degradation === "hindi" ? "hindi" : degradation === "mixed" ? "mixed" : LATIN_LAYOUTS[layoutIndex % LATIN_LAYOUTS.length]!;
  const rotation = degradation === "rot90" ? 90 : degradation === "rot180" ? 180 : degradation === "rot270" ? 270 : 0;
  // Real scans are never perfectly straight: a little skew everywhere, up to ±3° on the "skew" pages.
  const skew = degradation === "skew"
    ? (rand() < 0.5 ? -1 : 1) * (1 + rand() * 2)
    : (rand() - 0.5) * 0.6;
  const dpi = dpiOverride ?? (degradation === "dpi200" ? 200 : 300);
  const geo = geometry(rotation, Math.round(skew * 100) / 100);
  const { raw, width, height, words } = draw(content(layout, f), geo, dpi);
  // Every scan gets light noise; the "speckle" pages get the dusty-glass kind that broke the old pipeline.
  speckle(raw, width, height, rand, degradation === "speckle" ? 0.004 : 0.00005);
  let img = sharp(raw, { raw: { width, height, channels: 1 } });
  if (degradation === "blur") img = img.blur(dpi / 300 * (1.1 + rand() * 0.4));
  else img = img.blur(0.5);
  const format = degradation === "jpeg" ? "jpeg" : "png";
  const image = format === "jpeg"
    ? await img.jpeg({ quality: 22 + Math.floor(rand() * 10), chromaSubsampling: "4:2:0" }).toBuffer()
    : await img.png({ compressionLevel: 6 }).toBuffer();
  return {
    name: `${degradation}-${layout}-${seed}`,
    degradation, layout, image, format, dpi,
    widthPt: geo.widthPt, heightPt: geo.heightPt,
    rotation, skew: Math.round(skew * 100) / 100,
    langs: layout === "hindi" ? ["hin"] : layout === "mixed" ? ["eng", "hin"] : ["eng"],
    words,
  };
}

/**
 * A pathological scan for the page timeout: an A4 page at 300 dpi packed edge to edge with tiny print
 * (3 pt random characters, ~80,000 of them). Native tesseract reads it for over two minutes; a real
 * page of small print that Tesseract grinds through looks like this to it. No ground truth: nothing on it
 * is meant to be read in time.
 */
export async function densePrintPage(seed: number): Promise<Pick<ScanPage, "image" | "format" | "dpi" | "widthPt" | "heightPt">> {
  ensureFonts();
  const rand = rng(seed);
  const width = 2480;
  const height = 3508;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#000000";
  ctx.font = `12px ${SANS}`;
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (let y = 20; y < height; y += 14) {
    let line = "";
    for (let i = 0; i < 330; i++) line += rand() < 0.15 ? " " : chars[Math.floor(rand() * chars.length)];
    ctx.fillText(line, 10, y);
  }
  const image = await sharp(canvas.toBuffer("image/png")).greyscale().png({ compressionLevel: 6 }).toBuffer();
  return { image, format: "png", dpi: 300, widthPt: 595.28, heightPt: 841.89 };
}

/** The page as an image-only PDF page (what a scanner's PDF is): no text layer at all. */
export async function scanPdf(pages: Array<Pick<ScanPage, "image" | "format" | "widthPt" | "heightPt">>): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setCreationDate(new Date("2024-01-02T03:04:05Z"));
  doc.setModificationDate(new Date("2024-01-02T03:04:05Z"));
  for (const p of pages) {
    const img = p.format === "jpeg" ? await doc.embedJpg(p.image) : await doc.embedPng(p.image);
    const page = doc.addPage([p.widthPt, p.heightPt]);
    page.drawImage(img, { x: 0, y: 0, width: p.widthPt, height: p.heightPt });
  }
  return doc.save({ addDefaultPage: false });
}

// ---------------------------------------------------------------------------------------------------------
// Scoring, shared by the tests and the benchmark

/** Comparison form of a word: case-folded, punctuation at the ends dropped, Devanagari kept. */
export function normWord(s: string): string {
  return s.normalize("NFC").toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

export interface Found {
  text: string;
  box: Box;
}

/**
 * Word recall against the truth: a truth word counts when a found word with the same text lies at the
 * same place (centres within `tol` points). Also returns the matched pairs, for box accuracy.
 */
export function recall(truth: readonly ScanWord[], found: readonly Found[], tol = 6): { recall: number; pairs: Array<{ truth: ScanWord; found: Found }>; total: number } {
  const used = new Set<number>();
  const pairs: Array<{ truth: ScanWord; found: Found }> = [];
  const scored = truth.filter((t) => normWord(t.text) !== "");
  for (const t of scored) {
    const cx = t.box.x + t.box.width / 2;
    const cy = t.box.y + t.box.height / 2;
    const n = normWord(t.text);
    let best = -1;
    let bestD = Infinity;
    found.forEach((w, i) => {
      if (used.has(i) || normWord(w.text) !== n) return;
      const d = Math.hypot(w.box.x + w.box.width / 2 - cx, w.box.y + w.box.height / 2 - cy);
      if (d < tol && d < bestD) {
        best = i;
        bestD = d;
      }
    });
    if (best >= 0) {
      used.add(best);
      pairs.push({ truth: t, found: found[best]! });
    }
  }
  return { recall: scored.length ? pairs.length / scored.length : 1, pairs, total: scored.length };
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name: string, dflt: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const dir = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a)) ?? "/tmp/docmill-scan-corpus";
  mkdirSync(dir, { recursive: true });
  const pages = await scanCorpus({ seed: flag("seed", 12), per: flag("per", 2) });
  for (const p of pages) writeFileSync(path.join(dir, `${p.name}.${p.format === "jpeg" ? "jpg" : "png"}`), p.image);
  writeFileSync(path.join(dir, "truth.json"), JSON.stringify(pages.map(({ image: _image, ...rest }) => rest), null, 1));
  console.log(`${pages.length} pages in ${dir}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
