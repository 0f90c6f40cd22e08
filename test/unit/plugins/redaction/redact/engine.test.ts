/**
 * The object-level engine on odd PDFs (test/fixtures/redaction-engine-fixtures.ts), each read back with
 * readers that are not the engine's: poppler's pdftotext, pdfimages and pdffonts, qpdf's decompressed
 * QDF form of the whole file, and sharp for pixels. Areas come from pdfjs's word boxes, as detection's do.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { createPdfPool } from "../../../../../sdk/pdf/pool";
import type { Box } from "../../../../../sdk/pdf/types";
import { applyRedactions, type ApplyResult } from "../../../../../plugins/redaction/redact/apply";
import { closeComputePool } from "../../../../../sdk/compute/pool";
import { redactionEngine } from "../../../../../plugins/redaction/redact/engine-pool";
import type { RedactionArea } from "../../../../../plugins/redaction/redact/geometry";
import { verifyRedaction } from "../../../../../plugins/redaction/redact/verify";
import {
  actualTextPdf, brokenXrefPdf, ccittPdf, embeddedFontPdf, image16Pdf, jbig2Pdf, type3FontPdf, formXObjectPdf, imagePdf, incrementalPdf, inlineImagePdf, qpdf,
  rotatedCroppedPdf, signaturePdf, type EngineFixture,
} from "../../../../fixtures/redaction-engine-fixtures";
import { scannedPdf } from "../../../../support/pdf-fixtures";
import { readbackDir } from "../../../../support/readback-dir";

jest.setTimeout(180_000);
const pool = createPdfPool({ threads: 1 });
const scratch = readbackDir("docmill-engine-");
const { file, pdftotext } = scratch;
afterAll(async () => {
  await pool.close();
  await redactionEngine.close();
  await closeComputePool();
});

let n = 0;

/** Every string of the whole file, decompressed by qpdf, literal and hex, joined in order. */
function allStrings(bytes: Uint8Array): string {
  const out = path.join(scratch.dir, `q${n++}.pdf`);
  execFileSync("qpdf", ["--qdf", "--object-streams=disable", "--decode-level=all", file(bytes), out]);
  const raw = readFileSync(out).toString("latin1");
  let s = "";
  for (const m of raw.matchAll(/\((?:\\.|[^\\)])*\)|<([0-9A-Fa-f\s]+)>/g)) {
    if (m[1] !== undefined) s += Buffer.from(m[1].replace(/\s+/g, ""), "hex").toString("latin1");
    else s += m[0].slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return s + raw;
}

/** Box of the words spelling `s` on `page` (pdfjs), padded by one point. */
async function areaOf(bytes: Uint8Array, page: number, s: string): Promise<RedactionArea> {
  const words = (await pool.extract(bytes)).pages[page - 1]!.words;
  const parts = s.split(" ");
  const i = words.findIndex((w, k) => parts.every((p, j) => words[k + j]?.text.includes(p)));
  if (i < 0) throw new Error(`"${s}" not on page ${page}`);
  const ws = words.slice(i, i + parts.length);
  const x = Math.min(...ws.map((w) => w.box.x)) - 1;
  const y = Math.min(...ws.map((w) => w.box.y)) - 1;
  const box: Box = { x, y, width: Math.max(...ws.map((w) => w.box.x + w.box.width)) - x + 1, height: Math.max(...ws.map((w) => w.box.y + w.box.height)) - y + 1 };
  return { page, box, label: "PII", source: "detection", text: s };
}

async function redactAndVerify(bytes: Uint8Array, areas: RedactionArea[]): Promise<ApplyResult> {
  const out = await applyRedactions(bytes, areas, { pool });
  const v = await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool });
  expect(v).toMatchObject({ leaks: 0, leakDetails: [], structureProblems: [] });
  return out;
}

/** The assertions every text fixture shares: secrets gone everywhere, kept lines identical, written whole. */
async function textChecks(f: EngineFixture, out: ApplyResult) {
  const before = pdftotext(f.bytes);
  const after = pdftotext(out.pdf);
  const everything = allStrings(out.pdf);
  for (const s of f.secrets) {
    expect(Buffer.from(f.bytes).toString("latin1") + before).toContain(s.split(" ")[0]);
    expect(after).not.toContain(s);
    expect(everything).not.toContain(s);
  }
  for (const line of f.kept) {
    expect(before).toContain(line);
    expect(after).toContain(line);
  }
  const raw = Buffer.from(out.pdf).toString("latin1");
  expect(raw.match(/%%EOF/g)).toHaveLength(1);
  expect(raw).not.toMatch(/\/Prev\s/);
}

describe.each([90, 180, 270] as const)("a page rotated %i°, cropped, with its MediaBox off the origin", (rotation) => {
  it("loses the area's glyphs and nothing else, as real text", async () => {
    const f = await rotatedCroppedPdf(rotation);
    const out = await redactAndVerify(f.bytes, [await areaOf(f.bytes, 1, f.secrets[0]!)]);
    expect(out.pages[0]).toMatchObject({ method: "objects", textSource: "original" });
    await textChecks(f, out);
    // "Email" and "today" share the line with the address and are outside the area: still there.
    expect(pdftotext(out.pdf)).toMatch(/^Email$/m);
    expect(pdftotext(out.pdf)).toMatch(/^today$/m);
  });
});

it("keeps an embedded subset font embedded and its non-WinAnsi text identical", async () => {
  const f = await embeddedFontPdf();
  const out = await redactAndVerify(f.bytes, [await areaOf(f.bytes, 1, f.secrets[0]!)]);
  expect(out.pages[0]!.method).toBe("objects");
  await textChecks(f, out);
  // Same font, same type and encoding, still embedded, still with its ToUnicode map.
  const fonts = (b: Uint8Array) => execFileSync("pdffonts", [file(b)]).toString().split("\n").slice(2).map((l) => l.replace(/\s+\d+\s+\d+\s*$/, ""));
  expect(fonts(out.pdf)).toEqual(fonts(f.bytes));
  expect(fonts(out.pdf)[0]).toMatch(/LiberationSans.*CID TrueType\s+Identity-H\s+yes\s+\w+\s+yes/);
  expect(pdftotext(out.pdf)).toMatch(/Telefon\s+oder Ęmail/);
});

it("removes text inside a form XObject, or falls back to raster for that page and says so", async () => {
  const f = await formXObjectPdf();
  const out = await redactAndVerify(f.bytes, [await areaOf(f.bytes, 1, f.secrets[0]!)]);
  await textChecks(f, out);
  if (out.pages[0]!.method === "raster") expect(out.pages[0]!.residue).toBeDefined();
});

it("removes a drawn signature under the area and keeps the rule crossing it", async () => {
  const f = await signaturePdf();
  const area: RedactionArea = { page: 1, box: { x: 90, y: 842 - 690, width: 170, height: 80 }, label: "SIGNATURE", source: "manual" };
  const out = await redactAndVerify(f.bytes, [area]);
  expect(out.pages[0]).toMatchObject({ method: "objects" });
  await textChecks(f, out);
  const qdf = allStrings(out.pdf);
  // The signature was the only curve (`c` operator) on the page; the rule and the red box are lines and `re`.
  expect(qdf).not.toMatch(/\s[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ c\s/);
  expect(qdf).toMatch(/\.80*1? \.10*1? \.10*1? rg 0 G 0 w 1 0 0 1 400 100 cm 0 0 100 40 re f/);
  const png = path.join(scratch.dir, "sig");
  execFileSync("pdftoppm", ["-r", "72", "-png", file(out.pdf), png]);
  const { data, info } = await sharp(`${png}-1.png`).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
  expect(at(50, 842 - 640)).toBeLessThan(100); // the rule, left of the area
  expect(at(500, 842 - 640)).toBeLessThan(100); // and right of it
});

it("cuts a signature at the area's edge: the part under the area is gone, the rest still drawn", async () => {
  const f = await signaturePdf();
  // The signature runs from x 100 to 250 (user space) around y 650; the area takes its right half.
  const area: RedactionArea = { page: 1, box: { x: 175, y: 842 - 690, width: 90, height: 80 }, label: "SIGNATURE", source: "manual" };
  const out = await redactAndVerify(f.bytes, [area]);
  expect(out.pages[0]).toMatchObject({ method: "objects" });
  expect(out.pages[0]!.pathsCut + out.pages[0]!.pathsRemoved).toBeGreaterThan(0);
  await textChecks(f, out);
  const a = await render(f.bytes, 144);
  const b = await render(out.pdf, 144);
  let ink = 0;
  let diff = 0;
  let light = 0;
  for (let y = 2 * (842 - 690); y < 2 * (842 - 610); y++) {
    for (let x = 2 * 90; x < 2 * 300; x++) {
      const o = y * a.width + x;
      if (x < 2 * 175 - 2) {
        if (a.data[o]! < 200) ink++;
        diff += Math.abs(a.data[o]! - b.data[o]!);
      } else if (x > 2 * 175 + 1 && x < 2 * 265 - 1 && y > 2 * (842 - 690) + 1 && y < 2 * (842 - 610) - 1 && b.data[o]! > 30) light++;
    }
  }
  expect(ink).toBeGreaterThan(200); // the left half of the signature is there to compare
  expect(diff / ink).toBeLessThan(8); // and drawn as before (antialiasing of the flattened curves aside)
  expect(light).toBe(0);
});

/** Pixels of the first image of a PDF (pdfimages), as RGB. */
async function firstImage(bytes: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const prefix = path.join(scratch.dir, `img${n++}`);
  execFileSync("pdfimages", ["-png", file(bytes), prefix]);
  const first = readdirSync(scratch.dir).filter((x) => x.startsWith(path.basename(prefix))).sort()[0]!;
  const { data, info } = await sharp(path.join(scratch.dir, first)).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe.each(["jpeg", "gray", "png-alpha", "cmyk", "cmyk-flate"] as const)("an image (%s) under an area", (kind) => {
  it("is painted black in its own data inside the area and unchanged outside it", async () => {
    const f = await imagePdf(kind);
    // Image pixels are points here (400 x 300 px drawn at 400 x 300 pt).
    const box = { x: f.image.x + 50, y: f.image.y + 60, width: 120, height: 60 };
    const out = await redactAndVerify(f.bytes, [{ page: 1, box, label: "PHOTO", source: "manual" }]);
    expect(out.pages[0]).toMatchObject({ method: "objects", imagesPainted: 1 });
    const a = await firstImage(f.bytes);
    const b = await firstImage(out.pdf);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    const ch = 3;
    let inside = 0;
    let darkInside = 0;
    let outside = 0;
    let diff = 0;
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        const o = (y * a.width + x) * ch;
        const inArea = x >= 52 && x < 168 && y >= 62 && y < 118;
        const nearArea = x >= 46 && x < 174 && y >= 56 && y < 124;
        if (inArea) {
          inside++;
          if (b.data[o]! < 40 && b.data[o + 1]! < 40 && b.data[o + 2]! < 40) darkInside++;
        } else if (!nearArea) {
          outside++;
          diff += Math.abs(a.data[o]! - b.data[o]!) + Math.abs(a.data[o + 1]! - b.data[o + 1]!) + Math.abs(a.data[o + 2]! - b.data[o + 2]!);
        }
      }
    }
    expect(darkInside).toBe(inside);
    // Decoders differ by a level or two on JPEG; a painted or shifted region would be far more (PDFium
    // alone re-encodes a painted CMYK image as RGB, a shift of about 6 levels).
    expect(diff / outside / 3).toBeLessThan(2);
    // Same colour space and depth as before: a CMYK picture stays CMYK.
    expect(imageList(out.pdf)[0]!.slice(3, 6)).toEqual(imageList(f.bytes)[0]!.slice(3, 6));
  });
});

/** pdfimages -list rows: [type, width, height, color, comp, bpc, enc]. */
function imageList(bytes: Uint8Array): string[][] {
  return execFileSync("pdfimages", ["-list", file(bytes)]).toString().split("\n").slice(2).filter(Boolean)
    .map((l) => l.trim().split(/\s+/).slice(2, 9));
}

/** pdftoppm's greyscale render of page 1 at `dpi`. */
async function render(bytes: Uint8Array, dpi: number): Promise<{ data: Buffer; width: number; height: number }> {
  const prefix = path.join(scratch.dir, `r${n++}`);
  execFileSync("pdftoppm", ["-r", String(dpi), "-gray", "-png", "-singlefile", file(bytes), prefix]);
  const { data, info } = await sharp(`${prefix}.png`).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

it("removes the glyphs of a Type 3 font under the area and keeps the others as Type 3 text, still drawn", async () => {
  const f = await type3FontPdf();
  const area: RedactionArea = { page: 1, box: f.area, label: "EMAIL_ADDRESS", source: "detection", text: f.secrets[0] };
  const out = await redactAndVerify(f.bytes, [area]);
  expect(out.pages[0]).toMatchObject({ method: "objects", textSource: "original" });
  await textChecks(f, out);
  const fonts = execFileSync("pdffonts", [file(out.pdf)]).toString();
  expect(fonts).toMatch(/Type 3/);
  // The kept lines still draw their glyph procedures (ink where the first line is), the area is black.
  const a = await render(f.bytes, 72);
  const b = await render(out.pdf, 72);
  const ink = (img: typeof a, x0: number, y0: number, x1: number, y1: number) => {
    let dark = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (img.data[y * img.width + x]! < 100) dark++;
    return dark / ((x1 - x0) * (y1 - y0));
  };
  const firstLine = [60, 842 - 772, 300, 842 - 760] as const;
  expect(ink(b, ...firstLine)).toBeGreaterThan(0.2);
  expect(ink(b, ...firstLine)).toBeCloseTo(ink(a, ...firstLine), 5);
  expect(ink(b, Math.ceil(area.box.x + 1), Math.ceil(area.box.y + 1), Math.floor(area.box.x + area.box.width - 1), Math.floor(area.box.y + area.box.height - 1))).toBe(1);
});

it("paints a 16-bit image under the area black and keeps its picture elsewhere", async () => {
  const f = await image16Pdf();
  const box = { x: f.image.x + 50, y: f.image.y + 60, width: 120, height: 60 };
  const out = await redactAndVerify(f.bytes, [{ page: 1, box, label: "PHOTO", source: "manual" }]);
  expect(out.pages[0]).toMatchObject({ method: "objects", imagesPainted: 1 });
  await textChecks(f, out);
  const a = await render(f.bytes, 72);
  const b = await render(out.pdf, 72);
  let diff = 0;
  let outside = 0;
  for (let y = f.image.y; y < f.image.y + f.image.height; y++) {
    for (let x = f.image.x; x < f.image.x + f.image.width; x++) {
      const o = y * a.width + x;
      if (x >= box.x + 1 && x < box.x + box.width - 1 && y >= box.y + 1 && y < box.y + box.height - 1) expect(b.data[o]).toBeLessThan(20);
      else if (x < box.x - 2 || x >= box.x + box.width + 2 || y < box.y - 2 || y >= box.y + box.height + 2) {
        outside++;
        diff += Math.abs(a.data[o]! - b.data[o]!);
      }
    }
  }
  expect(diff / outside).toBeLessThan(1.5);
  // Still 16 bits per component, RGB.
  expect(imageList(out.pdf)[0]!.slice(3, 6)).toEqual(["rgb", "3", "16"]);
});

describe.each([["CCITT G4", ccittPdf], ["JBIG2 (MMR)", jbig2Pdf]] as const)("a bilevel %s scan", (_name, make) => {
  it("is painted in its own data inside the area, every other pixel unchanged, still bilevel, searchable", async () => {
    const f = await make();
    const out = await redactAndVerify(f.bytes, [{ page: 1, box: f.area, label: "IBAN", source: "detection", text: f.secrets[0] }]);
    expect(out.pages[0]).toMatchObject({ method: "objects", kind: "scan", imagesPainted: 1 });
    // Still a 1-bit grey image (PDFium alone would re-encode it as 8-bit RGB), now Flate.
    expect(imageList(out.pdf)).toEqual([["image", "1240", "625", "gray", "1", "1", "image"]]);
    // Compared with the picture the fixture was made from (poppler reads this JBIG2 stream a few columns
    // differently from PDFium and from the G4 truth; the output no longer depends on a JBIG2 decoder).
    const a = { data: Buffer.alloc(f.pixels.width * f.pixels.height * 3), width: f.pixels.width, height: f.pixels.height };
    for (let i = 0; i < f.pixels.data.length; i++) a.data.fill(f.pixels.data[i]!, i * 3, i * 3 + 3);
    if (_name === "CCITT G4") expect((await firstImage(f.bytes)).data.equals(a.data)).toBe(true);
    const b = await firstImage(out.pdf);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    const k = a.width / f.scan.width;
    const [x0, y0, x1, y1] = [f.area.x, f.area.y - f.scan.y, f.area.x + f.area.width, f.area.y - f.scan.y + f.area.height].map((v) => v * k) as [number, number, number, number];
    let inside = 0;
    let lightInside = 0;
    let changedOutside = 0;
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        const o = (y * a.width + x) * 3;
        if (x >= x0 + 1 && x < x1 - 1 && y >= y0 + 1 && y < y1 - 1) {
          inside++;
          if (b.data[o]! > 40) lightInside++;
        } else if (x < x0 - 1 || x >= x1 + 1 || y < y0 - 1 || y >= y1 + 1) {
          if (a.data[o] !== b.data[o]) changedOutside++;
        }
      }
    }
    expect(inside).toBeGreaterThan(10_000);
    expect(lightInside).toBe(0);
    expect(changedOutside).toBe(0);
    const text = pdftotext(out.pdf);
    expect(text).not.toMatch(/3704|0532|DE89/);
    expect(text).toContain("holder");
    expect(text).toContain("redacted.");
  });
});

it("paints an inline image under the area (or rasterises the page and says so)", async () => {
  const f = await inlineImagePdf();
  const box = { x: 150, y: 842 - 600, width: 80, height: 60 };
  const out = await redactAndVerify(f.bytes, [{ page: 1, box, label: "PHOTO", source: "manual" }]);
  await textChecks(f, out);
  const png = path.join(scratch.dir, "inline");
  execFileSync("pdftoppm", ["-r", "72", "-png", file(out.pdf), png]);
  const { data, info } = await sharp(`${png}-1.png`).raw().toBuffer({ resolveWithObject: true });
  for (const [x, y] of [[160, 250], [220, 290], [190, 270]] as const) expect(data[(y * info.width + x) * info.channels]).toBeLessThan(30);
  expect(data[(350 * info.width + 280) * info.channels]).toBeGreaterThan(30); // the image outside the area
});

it("drops ActualText and Alt that spell the redacted string", async () => {
  const f = await actualTextPdf();
  const out = await redactAndVerify(f.bytes, [await areaOf(f.bytes, 1, f.secrets[0]!)]);
  await textChecks(f, out);
  expect(out.pages[0]!.marksCleared).toBeGreaterThan(0);
});

it("writes an incrementally updated file whole: the older revision's secret is gone too", async () => {
  const f = await incrementalPdf();
  expect(Buffer.from(f.bytes).toString("latin1")).toContain("OLDSECRET");
  const out = await redactAndVerify(f.bytes, [await areaOf(f.bytes, 1, "lea.new@example.com")]);
  await textChecks(f, out);
});

it.each([
  ["broken xref", () => brokenXrefPdf()],
  ["linearised", async () => qpdf(await rotatedCroppedPdf(90), ["--linearize"], "linearised")],
  ["object streams", async () => qpdf(await embeddedFontPdf(), ["--object-streams=generate"], "object streams")],
] as const)("redacts a %s file", async (_name, make) => {
  const f = await make();
  const out = await redactAndVerify(f.bytes, [await areaOf(f.bytes, 1, f.secrets[0]!)]);
  expect(out.pages[0]!.method).toBe("objects");
  await textChecks(f, out);
});

it("refuses an encrypted PDF with a readable error code", async () => {
  const bytes = readFileSync(path.join(__dirname, "../../../../fixtures/encrypted.pdf"));
  await expect(applyRedactions(bytes, [{ page: 1, box: { x: 10, y: 10, width: 10, height: 10 }, label: "X", source: "manual" }], { pool }))
    .rejects.toMatchObject({ code: "PDF_ENCRYPTED" });
});

it("keeps a scan's image with only the areas painted: black inside, the same pixels elsewhere", async () => {
  const f = await scannedPdf();
  const words = (await pool.extractWithOcr(f.bytes)).pages[0]!.words;
  const email = words.find((w) => w.text.includes("john.smith"))!;
  const out = await redactAndVerify(f.bytes, [{ page: 1, box: email.box, label: "EMAIL_ADDRESS", source: "detection", text: "john.smith@example.com" }]);
  expect(out.pages[0]).toMatchObject({ method: "objects", kind: "scan", textSource: "ocr", imagesPainted: 1 });
  const a = await firstImage(f.bytes);
  const b = await firstImage(out.pdf);
  const k = a.width / 595.28;
  const [x0, y0, x1, y1] = [email.box.x, email.box.y, email.box.x + email.box.width, email.box.y + email.box.height].map((v) => Math.round(v * k));
  let changedOutside = 0;
  let lightInside = 0;
  for (let y = 0; y < a.height; y += 2) {
    for (let x = 0; x < a.width; x += 2) {
      const o = (y * a.width + x) * 3;
      if (x > x0! + 3 && x < x1! - 3 && y > y0! + 3 && y < y1! - 3) {
        if (b.data[o]! > 40) lightInside++;
      } else if (x < x0! - 3 || x > x1! + 3 || y < y0! - 3 || y > y1! + 3) {
        if (a.data[o] !== b.data[o]) changedOutside++;
      }
    }
  }
  expect(lightInside).toBe(0);
  expect(changedOutside).toBe(0);
  const text = pdftotext(out.pdf);
  expect(text).not.toContain("john.smith");
  expect(text).toContain("Customer");
});
