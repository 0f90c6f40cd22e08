/**
 * EXPOSED_REDACTION for text drawn outside the page's visible box: beyond each edge and a corner of the
 * MediaBox, inside the MediaBox but outside a CropBox, on a rotated page. Nothing of it shows, yet pdfjs,
 * copy-paste and indexers read it. Each is reported with a box at the page edge (inside the page, so the
 * review can show and the API accept it), and accepting the finding removes the text: read back with
 * pdfjs and with poppler's pdftotext (which reads the whole MediaBox), and checked by verification.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts, degrees } from "pdf-lib";
import { createPdfPool } from "../../../../sdk/pdf/pool";
import { detect, findingId, type Finding, type PageInput } from "../../../../plugins/redaction/detect";
import {
  detectionPages, edgeBox, findHiddenText, offPageInput, onPageShare, placeOffPageFindings, splitOffPage, type OffPageText,
} from "../../../../plugins/redaction/hidden-text";
import { applyRedactions } from "../../../../plugins/redaction/redact/apply";
import { redactionEngine } from "../../../../plugins/redaction/redact/engine-pool";
import { EDGE_BAND, EDGE_STRIP, insidePage, reachPastEdges } from "../../../../plugins/redaction/redact/geometry";
import { verifyRedaction } from "../../../../plugins/redaction/redact/verify";

jest.setTimeout(120_000);
const pool = createPdfPool({ threads: 1 });
afterAll(async () => {
  await pool.close();
  await redactionEngine.close();
});

const W = 595;
const H = 842;

describe("off-page words (pure): split, detected on a page of their own, put back at the edge", () => {
  const word = (x: number, y: number, width = 60, height = 10, text = "Secret") => ({ text, box: { x, y, width, height } });
  const near = (b: { x: number; y: number; width: number; height: number }) => ({
    left: b.x <= EDGE_BAND, top: b.y <= EDGE_BAND, right: b.x + b.width >= W - EDGE_BAND, bottom: b.y + b.height >= H - EDGE_BAND,
  });
  it.each([
    ["left of the page", word(-300, 400), ["left"]],
    ["right of the page", word(700, 400), ["right"]],
    ["above the page", word(100, -50), ["top"]],
    ["below the page", word(100, H + 20), ["bottom"]],
    ["beyond the top-left corner", word(-200, -100), ["left", "top"]],
    ["beyond the bottom-right corner", word(W + 5, H + 5), ["right", "bottom"]],
    ["mostly off the left edge", word(-50, 300), ["left"]],
  ])("%s: the review box is inside the page against that edge, and redaction reaches the real place", (_d, w, edges) => {
    const box = edgeBox(w.box, W, H);
    expect(insidePage(box, W, H)).toBe(true);
    const n = near(box);
    for (const e of ["left", "top", "right", "bottom"] as const) expect(n[e]).toBe(edges.includes(e));
    // along the edge, the box keeps the word's place and size
    if (!edges.includes("top") && !edges.includes("bottom")) expect([box.y, box.height]).toEqual([w.box.y, w.box.height]);
    if (!edges.includes("left") && !edges.includes("right")) expect([box.x, box.width]).toEqual([w.box.x, w.box.width]);
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(EDGE_STRIP - 1e-9);
    const reach = reachPastEdges(box, W, H);
    expect(reach.x).toBeLessThanOrEqual(w.box.x);
    expect(reach.y).toBeLessThanOrEqual(w.box.y);
    expect(reach.x + reach.width).toBeGreaterThanOrEqual(w.box.x + w.box.width);
    expect(reach.y + reach.height).toBeGreaterThanOrEqual(w.box.y + w.box.height);
  });
  it.each([
    ["inside the page", word(100, 400)],
    ["at the very edge, inside", word(0, 0)],
    ["mostly on the page, over the right edge", word(W - 40, 400)],
  ])("%s: stays on the page", (_d, w) => {
    const page: PageInput = { page: 1, width: W, height: H, source: "text", words: [w] };
    expect(splitOffPage(page)).toEqual({ page });
  });
  it("takes off-page words off the page, adds the engine's once, and keeps an OCR page's own words", () => {
    const page: PageInput = { page: 2, width: W, height: H, source: "text", words: [word(100, 100, 60, 10, "Visible"), word(-80, 200, 60, 10, "Twin")] };
    const split = splitOffPage(page, [word(-80, 200, 60, 10, "Twin"), word(-200, 500, 60, 10, "Extra")]);
    expect(split.page.words.map((w) => w.text)).toEqual(["Visible"]);
    expect(split.offPage!.words.map((w) => `${w.text}:${w.hidden}`)).toEqual(["Twin:offPage", "Extra:offPage"]);
    expect(split.offPage!.words[1]!.box).toEqual({ x: -200, y: 500, width: 60, height: 10 });
    const ocr: PageInput = { page: 1, width: W, height: H, source: "ocr", words: [word(-300, 400)] };
    expect(splitOffPage(ocr)).toEqual({ page: ocr });
    expect(splitOffPage(ocr, [word(-300, 500, 60, 10, "Layer")]).offPage!.words.map((w) => w.text)).toEqual(["Layer"]);
  });
  it("detects a line drawn off the page as one finding of its own text, placed back at the edge", () => {
    const t: OffPageText = { page: 3, width: W, height: H, words: [word(-400, 300, 22, 10, "Jane"), word(-375, 300, 40, 10, "Hidden"), word(-332, 300, 42, 10, "Person")].map((w) => ({ ...w, hidden: "offPage" as const })) };
    const { input } = offPageInput(t);
    expect(input.page).toBe(-3);
    expect(input.words.every((w) => w.box.x > 0 && w.box.y > 0 && w.box.x + w.box.width < input.width)).toBe(true);
    const found = placeOffPageFindings(detect([input]), [t]).filter((f) => f.label === "EXPOSED_REDACTION");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ page: 3, text: "Jane Hidden Person", recognizer: "off-page-text" });
    const b = found[0]!.boxes[0]!;
    expect(b.x).toBe(0);
    expect(b.width).toBe(EDGE_STRIP);
    expect(b.y).toBeLessThanOrEqual(300);
    expect(b.y + b.height).toBeGreaterThanOrEqual(310);
    expect(found[0]!.id).toBe(findingId(3, "EXPOSED_REDACTION", "Jane Hidden Person", found[0]!.boxes));
  });
  it("measures the share on the page", () => {
    expect(onPageShare({ x: -30, y: 0, width: 60, height: 10 }, W, H)).toBeCloseTo(0.5);
    expect(onPageShare({ x: 0, y: 0, width: 0, height: 10 }, W, H)).toBe(0);
  });
  it("reachPastEdges moves only the sides within the band of the edge", () => {
    expect(reachPastEdges({ x: 10, y: 10, width: 50, height: 10 }, W, H)).toEqual({ x: 10, y: 10, width: 50, height: 10 });
    const r = reachPastEdges({ x: 2, y: 10, width: 50, height: 10 }, W, H);
    expect(r.x).toBeLessThan(-10_000);
    expect(r.x + r.width).toBe(52);
    expect(r.y).toBe(10);
    const b = reachPastEdges({ x: 100, y: H - 12, width: 50, height: 10 }, W, H);
    expect(b.y).toBe(H - 12);
    expect(b.y + b.height).toBeGreaterThan(H + 10_000);
  });
});

/** The off-page values, where they are drawn (pdf-lib: bottom-left origin), and on which page. */
const OFF_PAGE = [
  { page: 1, text: "Leftside Hiddenperson", x: -300, y: 500 },
  { page: 1, text: "right.hidden@example.com", x: W + 80, y: 450 },
  { page: 1, text: "DE89 3704 0044 0532 0130 00", x: 80, y: H + 60 },
  { page: 1, text: "+44 20 7946 0958", x: 200, y: -40 },
  { page: 1, text: "Corner Secretvalue", x: -250, y: -120 },
  // page 2: MediaBox 595 x 842, CropBox 60 60 535 782: inside the MediaBox, outside what is shown
  { page: 2, text: "Cropped Awayname", x: 100, y: 30 },
  { page: 2, text: "margin.hidden@example.org", x: 60 + 475 + 4, y: 300 },
  // page 3: /Rotate 90, drawn left of its MediaBox
  { page: 3, text: "Rotated Offpagename", x: -220, y: 300 },
];
const VISIBLE = ["Customer record: Jane Visible", "Framed page: Mark Shown", "Turned page: Ann Upright"];

async function offPagePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const pages = [pdf.addPage([W, H]), pdf.addPage([W, H]), pdf.addPage([W, H])];
  pages[1]!.setCropBox(60, 60, 475, 722);
  pages[2]!.setRotation(degrees(90));
  pages[0]!.drawText(VISIBLE[0]!, { x: 60, y: 760, size: 11, font });
  pages[0]!.drawText("Mostly visible footer", { x: W - 100, y: 40, size: 11, font }); // runs a little past the edge
  pages[1]!.drawText(VISIBLE[1]!, { x: 100, y: 700, size: 11, font });
  pages[2]!.drawText(VISIBLE[2]!, { x: 60, y: 500, size: 11, font });
  for (const o of OFF_PAGE) pages[o.page - 1]!.drawText(o.text, { x: o.x, y: o.y, size: 11, font });
  return pdf.save();
}

/**
 * The file's content streams as qpdf writes them uncompressed (QDF): what any parser that reads the
 * content (pdfminer, PDFium, indexers) finds, off the page or not.
 */
function contentStreams(bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), "offpage-"));
  try {
    const file = path.join(dir, "in.pdf");
    writeFileSync(file, bytes);
    execFileSync("qpdf", ["--qdf", "--object-streams=disable", file, path.join(dir, "out.pdf")]);
    return readFileSync(path.join(dir, "out.pdf")).toString("latin1");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `s` in `raw` as PDF string bytes: literal or hex (WinAnsi: one byte per character). */
function drawn(raw: string, s: string): boolean {
  return raw.includes(s) || raw.toLowerCase().includes(Buffer.from(s, "latin1").toString("hex"));
}

function pdftotext(bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), "offpage-"));
  try {
    const file = path.join(dir, "out.pdf");
    writeFileSync(file, bytes);
    return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const squash = (s: string) => s.replace(/\s+/g, " ");

describe("off-page text in a real PDF", () => {
  let input: Uint8Array;
  let pages: PageInput[];
  let findings: Finding[];
  beforeAll(async () => {
    input = await offPagePdf();
    const ex = await pool.extract(input);
    const hidden = await findHiddenText(input, ex.pages.map((p) => ({ page: p.page, width: p.width, height: p.height, source: "text" as const, words: p.words })));
    pages = hidden.pages;
    // as the plugin does (plugins/redaction/index.ts)
    findings = placeOffPageFindings(detect(detectionPages(hidden)), hidden.offPage);
  });

  it("is in the input, though pdfjs leaves it out: pdftotext reads the part inside the MediaBox", async () => {
    const text = squash((await pool.extract(input)).pages.map((p) => p.text).join("\n"));
    for (const o of OFF_PAGE) expect(text).not.toContain(o.text);
    const poppler = squash(pdftotext(input));
    expect(poppler).toContain("Cropped Awayname");
    expect(poppler).toContain("Jane Visible");
    const raw = contentStreams(input);
    for (const o of OFF_PAGE) expect(drawn(raw, o.text)).toBe(true);
  });

  it("is reported as EXPOSED_REDACTION (recogniser off-page-text) with a box at the page edge, inside the page", () => {
    const exposed = findings.filter((f) => f.label === "EXPOSED_REDACTION");
    // One finding per off-page line; on the rotated page the two words stand upright and are read as
    // one-word lines (too few words to tell the page's direction), each still found.
    const wordsOf = (list: Array<{ page: number; text: string }>) => list.flatMap((x) => x.text.split(" ").map((w) => `${x.page}:${w}`)).sort();
    expect(wordsOf(exposed)).toEqual(wordsOf(OFF_PAGE));
    expect(exposed.filter((f) => f.page !== 3).map((f) => `${f.page}:${f.text}`).sort()).toEqual(OFF_PAGE.filter((o) => o.page !== 3).map((o) => `${o.page}:${o.text}`).sort());
    for (const f of exposed) {
      expect(f.recognizer).toBe("off-page-text");
      const p = pages[f.page - 1]!;
      for (const b of f.boxes) {
        expect(insidePage(b, p.width, p.height)).toBe(true);
        const atEdge = b.x <= EDGE_BAND || b.y <= EDGE_BAND || b.x + b.width >= p.width - EDGE_BAND || b.y + b.height >= p.height - EDGE_BAND;
        expect(atEdge).toBe(true);
      }
    }
    // the e-mail and IBAN off the page are not reported a second time under their own labels
    expect(findings.filter((f) => f.label !== "EXPOSED_REDACTION" && /hidden@|DE89|7946/.test(f.text))).toEqual([]);
  });

  it("leaves visible text on its page and unflagged, also a word running a little past the edge", () => {
    const words = pages.flatMap((p) => p.words);
    expect(words.filter((w) => w.hidden)).toEqual([]);
    const onPage = words.map((w) => w.text).join(" ");
    for (const s of ["Jane", "Visible", "Mark", "Shown", "Ann", "Upright", "Mostly", "footer"]) expect(onPage).toContain(s);
    expect(findings.filter((f) => f.label === "EXPOSED_REDACTION" && /Visible|Shown|Upright|footer/.test(f.text))).toEqual([]);
  });

  it("accepting the findings removes the off-page text from the file, visible text stays, verification passes", async () => {
    const areas = findings.filter((f) => f.label === "EXPOSED_REDACTION")
      .flatMap((f) => f.boxes.map((box) => ({ page: f.page, box, label: f.label, source: "detection" as const, findingId: f.id, text: f.text })));
    const out = await applyRedactions(input, areas, { pool });
    const v = await verifyRedaction(out.pdf, out.secrets, { pool, inspect: out.inspect, ocr: out.ocr });
    expect(v.leaks).toBe(0);
    expect(v.redactedStrings).toBeGreaterThanOrEqual(OFF_PAGE.length);
    const pdfjs = squash((await pool.extract(out.pdf)).pages.map((p) => p.text).join("\n"));
    const poppler = squash(pdftotext(out.pdf));
    const raw = contentStreams(out.pdf);
    for (const o of OFF_PAGE) {
      for (const part of o.text.split(" ").filter((s) => s.length >= 4)) {
        expect(pdfjs).not.toContain(part);
        expect(poppler).not.toContain(part);
        expect(drawn(raw, part)).toBe(false);
      }
    }
    for (const s of [...VISIBLE, "Mostly visible"]) {
      expect(pdfjs).toContain(s);
      expect(poppler).toContain(s);
    }
    // the same reading of the content finds what stays (the visible lines, rewritten by the engine)
    expect(drawn(raw, "Jane Visible")).toBe(true);
    expect(out.pages.every((p) => p.method === "objects")).toBe(true);
  });

  it("a rejected off-page finding stays in the file (the reviewer's choice)", async () => {
    const keep = findings.find((f) => f.text === "Leftside Hiddenperson")!;
    const areas = findings.filter((f) => f.label === "EXPOSED_REDACTION" && f.id !== keep.id && f.page === 1 && f.boxes[0]!.x > EDGE_BAND)
      .flatMap((f) => f.boxes.map((box) => ({ page: f.page, box, label: f.label, source: "detection" as const, findingId: f.id, text: f.text })));
    expect(areas.length).toBeGreaterThan(0);
    const out = await applyRedactions(input, areas, { pool });
    const raw = contentStreams(out.pdf);
    expect(drawn(raw, "Leftside Hiddenperson")).toBe(true);
    expect(drawn(raw, "right.hidden")).toBe(false);
  });
});
