/**
 * Nothing left behind, through the product as a client uses it: generated documents (the CI seed's
 * first one-page text and scanned documents, one with a fake redaction, one with a name in its
 * metadata) go through the REST API of the embedded stack (upload, readyForReview, every finding
 * accepted with `{}`, finished, download: bench/leak-check-http.ts), and every ground-truth value is
 * searched in the downloaded PDF by readers independent of the engine: pdfjs text, 300-dpi OCR,
 * metadata, raw and decompressed bytes (bench/leak-check.ts searchOutput).
 *
 * The check itself must be able to fail: with e-mail detection switched off in the job's
 * configuration, the e-mail addresses are found in the output, in the text layer. And text drawn off
 * the page goes through the same flow: reported at the page edge, gone from the download.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { pdfPool } from "../../../sdk/pdf/pool";
import { redactionEngine } from "../../../plugins/redaction/redact/engine-pool";
import { DEFAULT_LABELS } from "../../../plugins/redaction/detect";
import { CI_SEED, generateCorpus, type GenDoc } from "../../fixtures/pii-corpus";
import { leakFold, leakWithin, type LeakReport } from "../../../bench/leak-check";
import { httpLeakCheck, redactOverHttp, startLeakStack, type LeakClient } from "../../../bench/leak-check-http";

jest.setTimeout(900_000);

let client: LeakClient;
let text: GenDoc[];
let scanned: GenDoc[];

beforeAll(async () => {
  client = await startLeakStack("leake2e");
  const docs = await generateCorpus(CI_SEED, 60);
  const onePage = docs.filter((d) => d.pages.length === 1);
  const textDocs = onePage.filter((d) => d.kind === "text");
  text = textDocs.slice(0, 3);
  const fake = textDocs.find((d) => d.truth.some((t) => t.label === "EXPOSED_REDACTION"));
  if (fake && !text.includes(fake)) text.push(fake);
  scanned = onePage.filter((d) => d.kind === "scanned").slice(0, 2);
});

afterAll(async () => {
  await client?.stack.stop();
  await pdfPool.close();
  await redactionEngine.close();
});

const summary = (r: LeakReport) => r.leaks.map((l) => `${l.doc} ${l.label} via ${l.channels.join("+")}`);

describe("leak check after accept-all through the HTTP API", () => {
  it("the sample covers text and scanned pages, a fake redaction, a name in the metadata and e-mails", () => {
    expect(text.length).toBeGreaterThanOrEqual(4);
    expect(scanned).toHaveLength(2);
    const all = [...text, ...scanned];
    expect(all.some((d) => d.truth.some((t) => t.label === "EXPOSED_REDACTION"))).toBe(true);
    expect(all.some((d) => d.meta)).toBe(true);
    expect(text.filter((d) => d.truth.some((t) => t.label === "EMAIL_ADDRESS")).length).toBeGreaterThanOrEqual(2);
  });

  it("finds none of the documents' personal data in the downloaded PDFs", async () => {
    const r = await httpLeakCheck([...text, ...scanned], pdfPool, leakFold, leakWithin, { client });
    expect(r.failed).toEqual([]);
    expect(r.documents).toBe(text.length + scanned.length);
    expect(r.values).toBeGreaterThan(30);
    expect(summary(r)).toEqual([]);
  });

  it("fails when one label is not redacted: with EMAIL_ADDRESS off, every e-mail is found in the output's text layer", async () => {
    const withMail = text.filter((d) => d.truth.some((t) => t.label === "EMAIL_ADDRESS"));
    const labels = DEFAULT_LABELS.filter((l) => l !== "EMAIL_ADDRESS");
    const r = await httpLeakCheck(withMail, pdfPool, leakFold, leakWithin, { client, detection: { labels } });
    expect(r.failed).toEqual([]);
    const mails = withMail.flatMap((d) => [...new Set(d.truth.filter((t) => t.label === "EMAIL_ADDRESS").map((t) => `${d.name} ${t.text}`))]);
    const leaked = r.leaks.filter((l) => l.label === "EMAIL_ADDRESS");
    expect(leaked.map((l) => `${l.doc} ${l.text}`).sort()).toEqual(mails.sort());
    for (const l of leaked) expect(l.channels).toContain("text");
  });
});

describe("text drawn off the page, through the HTTP API", () => {
  const W = 595;
  const H = 842;
  const OFF = ["Offpage Customername", "offpage.mail@example.com"];

  async function offPagePdf(): Promise<Uint8Array> {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([W, H]);
    page.drawText("Order summary for the visible customer account", { x: 60, y: 760, size: 11, font });
    page.drawText(OFF[0]!, { x: -320, y: 600, size: 11, font });
    page.drawText(OFF[1]!, { x: 120, y: H + 40, size: 11, font });
    return pdf.save();
  }

  function readers(bytes: Uint8Array): { poppler: string; streams: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "offpage-e2e-"));
    try {
      const file = path.join(dir, "in.pdf");
      writeFileSync(file, bytes);
      const poppler = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
      execFileSync("qpdf", ["--qdf", "--object-streams=disable", file, path.join(dir, "qdf.pdf")]);
      return { poppler, streams: readFileSync(path.join(dir, "qdf.pdf")).toString("latin1") };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const drawn = (raw: string, s: string) => raw.includes(s) || raw.toLowerCase().includes(Buffer.from(s, "latin1").toString("hex"));

  it("is reported as EXPOSED_REDACTION at the page edge and is gone from the downloaded PDF", async () => {
    const input = await offPagePdf();
    expect(OFF.every((s) => drawn(readers(input).streams, s))).toBe(true);
    const { pdf, findings } = await redactOverHttp(client, "offpage.pdf", input, { languages: ["en"] });
    const exposed = findings.filter((f) => f.label === "EXPOSED_REDACTION");
    expect(exposed.map((f) => f.text).sort()).toEqual([...OFF].sort());
    for (const f of exposed) {
      expect(f.recognizer).toBe("off-page-text");
      for (const b of f.boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(W);
        expect(b.y + b.height).toBeLessThanOrEqual(H);
      }
    }
    const out = readers(pdf);
    const pdfjs = (await pdfPool.extract(pdf)).pages.map((p) => p.text).join("\n");
    for (const s of ["Offpage", "Customername", "offpage.mail"]) {
      expect(drawn(out.streams, s)).toBe(false);
      expect(out.poppler).not.toContain(s);
      expect(pdfjs).not.toContain(s);
    }
    expect(pdfjs).toContain("Order summary for the visible customer account");
    expect(drawn(out.streams, "Order summary")).toBe(true);
  });
});
