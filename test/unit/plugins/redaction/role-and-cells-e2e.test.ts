/**
 * The newcomer's letter of d9d31ef, end to end: a PDF with a text layer (pdf-lib, Helvetica), its words
 * read by pdfjs, detect() with the default configuration, every finding accepted, the real redaction path
 * (applyRedactions, then verification), the output read back with poppler's pdftotext. On d9d31ef the
 * agent's name wrapped after "our agent" ("Tomás" / "Villanueva"), the German adviser's name and the card's
 * last group beside a phone number in one table row were still readable.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { createPdfPool } from "../../../../sdk/pdf/pool";
import { detect } from "../../../../plugins/redaction/detect";
import { applyRedactions } from "../../../../plugins/redaction/redact/apply";
import { redactionEngine } from "../../../../plugins/redaction/redact/engine-pool";
import type { RedactionArea } from "../../../../plugins/redaction/redact/geometry";
import { verifyRedaction } from "../../../../plugins/redaction/redact/verify";

jest.setTimeout(120_000);
const pool = createPdfPool({ threads: 1 });
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "docmill-role-cells-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await pool.close();
  await redactionEngine.close();
});

const W = 595;
const H = 842;
const PHONE = "+44 20 7946 0958";
// Luhn-valid Visa number ending in the group the newcomer saw left over
const CARD = "4000 1234 0103 0004";

async function letter(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage([W, H]);
  const line = (text: string, x: number, top: number, size = 10, f = font) => page.drawText(text, { x, y: H - top - size * 0.8, size, font: f });
  line("Harbour Insurance Ltd", 72, 60, 14, bold);
  line("Dear Customer,", 72, 110);
  line("Thank you for your letter of 3 March. If you have any questions, please contact our agent Tomás", 72, 130);
  line("Villanueva on the number below, or write to us at the address above.", 72, 144);
  // a table row: the phone cell and the card cell 6 points apart (one segment of the text model)
  const cardX = 72 + font.widthOfTextAtSize(PHONE, 9) + 6;
  line("Telephone", 72, 190, 9, bold);
  line("Card number", cardX, 190, 9, bold);
  line(PHONE, 72, 204, 9);
  line(CARD, cardX, 204, 9);
  line("Kind regards,", 72, 240);
  return pdf.save({ useObjectStreams: false });
}

function pdftotext(bytes: Uint8Array): string {
  const p = path.join(dir, "out.pdf");
  writeFileSync(p, bytes);
  return execFileSync("pdftotext", ["-enc", "UTF-8", p, "-"]).toString("utf8").replace(/\s+/g, " ");
}

describe("the newcomer's letter after accept-all", () => {
  it("no longer holds the wrapped agent's name, the phone or any group of the card; the rest stays readable", async () => {
    const input = await letter();
    const ex = await pool.extract(input);
    const findings = detect(ex.pages.map((p) => ({ page: p.page, width: p.width, height: p.height, source: "text" as const, words: p.words })));
    const areas: RedactionArea[] = findings.flatMap((f) => f.boxes.map((box) => ({ page: f.page, box, label: f.label, source: "detection" as const, findingId: f.id, text: f.text })));
    const out = await applyRedactions(input, areas, { pool });
    const v = await verifyRedaction(out.pdf, out.secrets, { inspect: out.inspect, ocr: out.ocr, pool });
    expect(v).toMatchObject({ leaks: 0, structureProblems: [] });
    const text = pdftotext(out.pdf);
    for (const secret of ["Tomás", "Villanueva", "7946", "0958", "4000", "1234", "0103", "0004"]) expect(text).not.toContain(secret);
    for (const kept of ["please contact our agent", "on the number below", "Telephone", "Card number", "Kind regards"]) expect(text).toContain(kept);
  });
});
