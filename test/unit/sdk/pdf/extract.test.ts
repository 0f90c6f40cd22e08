/**
 * extractPages, run through the pool as services run it (pdfjs is ESM-only and loads in worker threads).
 */
import { type PdfError, isPdfError } from "../../../../sdk/pdf/errors";
import { type PdfPool, createPdfPool } from "../../../../sdk/pdf/pool";
import type { Box, PageText } from "../../../../sdk/pdf/types";
import {
  ENCRYPTED_PASSWORD, type Fixture, type TruthPage, emptyPdf, encryptedPdf, fiftyPagePdf, germanPdf, multiPagePdf,
  notPdf, piiTextPdf, rotatedPdf, tablePdf, truncatedPdf, twoColumnPdf,
} from "../../../support/pdf-fixtures";

let pool: PdfPool;
beforeAll(() => {
  pool = createPdfPool({ threads: 1 });
});
afterAll(() => pool.close());

/** Word boxes match the truth: same horizontal span, and the glyphs' ascender-descender band inside. */
function expectBoxesMatch(page: PageText, truth: TruthPage): void {
  expect(page.words.map((w) => w.text)).toEqual(truth.words.map((w) => w.text));
  page.words.forEach((w, i) => {
    const t: Box = truth.words[i]!.box;
    const where = `${w.text} ${JSON.stringify(w.box)} vs ${JSON.stringify(t)}`;
    expect({ where, dx: Math.abs(w.box.x - t.x) < 1 }).toEqual({ where, dx: true });
    expect({ where, dw: Math.abs(w.box.width - t.width) < 1 }).toEqual({ where, dw: true });
    expect({ where, top: w.box.y <= t.y + 0.5 }).toEqual({ where, top: true });
    expect({ where, bottom: w.box.y + w.box.height >= t.y + t.height - 0.5 }).toEqual({ where, bottom: true });
    expect({ where, tall: w.box.height <= t.height * 1.5 }).toEqual({ where, tall: true });
  });
}

async function extractError(fixture: Fixture, opts = {}): Promise<PdfError> {
  const err = await pool.extract(fixture.bytes, opts).then(() => undefined, (e: unknown) => e);
  if (!isPdfError(err)) throw new Error(`expected a PdfError, got ${String(err)}`);
  return err;
}

describe("extractPages", () => {
  it("returns the known sentences in reading order with word boxes at the drawn positions", async () => {
    const fx = await piiTextPdf();
    const result = await pool.extract(fx.bytes);
    expect(result.pageCount).toBe(1);
    const [page] = result.pages;
    expect(page!.page).toBe(1);
    expect(page!.width).toBeCloseTo(fx.truth.pages[0]!.width, 2);
    expect(page!.height).toBeCloseTo(fx.truth.pages[0]!.height, 2);
    expect(page!.rotation).toBe(0);
    expect(page!.text).toBe(fx.truth.pages[0]!.lines.join("\n"));
    expectBoxesMatch(page!, fx.truth.pages[0]!);
  });

  it("keeps the entity strings a redaction detector looks for intact", async () => {
    const fx = await piiTextPdf();
    const { pages } = await pool.extract(fx.bytes);
    for (const entity of fx.truth.entities) expect(pages[0]!.text).toContain(entity.value);
  });

  it("reads the document information dictionary", async () => {
    const fx = await piiTextPdf();
    const { info } = await pool.extract(fx.bytes);
    expect(info).toMatchObject({ title: "Customer Record 42", author: "Docmill Fixtures", creationDate: "2024-01-02T03:04:05.000Z" });
  });

  it("numbers pages from 1 and keeps each page's own text", async () => {
    const fx = await multiPagePdf(3);
    const { pages, pageCount } = await pool.extract(fx.bytes);
    expect(pageCount).toBe(3);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    pages.forEach((p, i) => expect(p.text).toBe(fx.truth.pages[i]!.lines.join("\n")));
  });

  it.each([90, 180, 270] as const)("gives upright boxes on the displayed page of a page rotated %i degrees", async (rotation) => {
    const fx = await rotatedPdf(rotation);
    const { pages } = await pool.extract(fx.bytes);
    const truth = fx.truth.pages[0]!;
    expect(pages[0]!.rotation).toBe(rotation);
    expect([pages[0]!.width, pages[0]!.height]).toEqual([truth.width, truth.height]);
    expect(pages[0]!.text).toBe(truth.lines.join("\n"));
    expectBoxesMatch(pages[0]!, truth);
  });

  it("reads the left column before the right one", async () => {
    const fx = await twoColumnPdf();
    const { pages } = await pool.extract(fx.bytes);
    expect(pages[0]!.text.split("\n")).toEqual(fx.truth.pages[0]!.lines);
  });

  it("reads a table row by row", async () => {
    const fx = await tablePdf();
    const { pages } = await pool.extract(fx.bytes);
    expect(pages[0]!.text.split("\n")).toEqual(fx.truth.pages[0]!.lines);
  });

  it("keeps umlauts and sharp s of a German page", async () => {
    const fx = await germanPdf();
    const { pages } = await pool.extract(fx.bytes);
    expect(pages[0]!.text).toBe(fx.truth.pages[0]!.lines.join("\n"));
    expect(pages[0]!.words.map((w) => w.text)).toContain("Grüßen");
  });

  it("opens an encrypted document with its user password", async () => {
    const fx = await encryptedPdf();
    const { pages } = await pool.extract(fx.bytes, { password: ENCRYPTED_PASSWORD });
    expect(pages[0]!.text).toBe(fx.truth.pages[0]!.lines.join("\n"));
  });
});

describe("extractPages failures", () => {
  it("classifies an encrypted document without a password as PDF_ENCRYPTED", async () => {
    const err = await extractError(await encryptedPdf());
    expect(err).toMatchObject({ code: "PDF_ENCRYPTED", status: 422, data: { reason: "password-required" } });
  });

  it("classifies a wrong password as PDF_ENCRYPTED", async () => {
    const err = await extractError(await encryptedPdf(), { password: "wrong" });
    expect(err).toMatchObject({ code: "PDF_ENCRYPTED", data: { reason: "password-incorrect" } });
  });

  it("classifies a truncated document as PDF_CORRUPT", async () => {
    const err = await extractError(await truncatedPdf());
    expect(err).toMatchObject({ code: "PDF_CORRUPT", data: { reason: "truncated" } });
  });

  it("classifies a file that is not a PDF as PDF_CORRUPT", async () => {
    const err = await extractError(notPdf());
    expect(err).toMatchObject({ code: "PDF_CORRUPT", data: { reason: "not-pdf" } });
  });

  it("classifies an empty byte array as PDF_CORRUPT", async () => {
    const err = await extractError({ bytes: new Uint8Array(0), truth: notPdf().truth });
    expect(err.code).toBe("PDF_CORRUPT");
  });

  it("classifies a document with a damaged body as PDF_CORRUPT", async () => {
    const fx = await piiTextPdf();
    // Keep the header and the end marker, wipe the objects in between: nothing is left to repair from.
    const bytes = fx.bytes.slice();
    bytes.fill(0x20, 16, bytes.length - 16);
    const err = await extractError({ bytes, truth: fx.truth });
    expect(err.code).toBe("PDF_CORRUPT");
  });

  it("classifies a document with zero pages as PDF_EMPTY", async () => {
    const err = await extractError(await emptyPdf());
    expect(err).toMatchObject({ code: "PDF_EMPTY", data: { pageCount: 0 } });
  });

  it("refuses more pages than maxPages with PDF_TOO_MANY_PAGES", async () => {
    const err = await extractError(await fiftyPagePdf(), { maxPages: 10 });
    expect(err).toMatchObject({ code: "PDF_TOO_MANY_PAGES", status: 413, data: { pageCount: 50, maxPages: 10 } });
  });

  it("accepts a document at exactly maxPages", async () => {
    const fx = await fiftyPagePdf();
    const { pageCount, pages } = await pool.extract(fx.bytes, { maxPages: 50 });
    expect(pageCount).toBe(50);
    expect(pages[49]!.text).toBe("Page 50 of 50\nThis sentence belongs to page number 50 only.");
  });

  it("leaves the caller's bytes usable", async () => {
    const fx = await piiTextPdf();
    await pool.extract(fx.bytes);
    expect(fx.bytes.byteLength).toBeGreaterThan(0);
    await expect(pool.extract(fx.bytes)).resolves.toMatchObject({ pageCount: 1 });
  });
});
