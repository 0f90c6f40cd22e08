/**
 * Run as a script (node --import tsx): pdfjs loads only outside jest's module system, as in the pool's
 * threads. Renders every page of a few PDFs as PNG and as the canvas's pixels at 300 and 150 dpi, decodes
 * both the way the OCR does (sdk/pdf/ocr.ts decode) and prints one JSON line: how many renders were
 * compared and how many gave the same grey image byte for byte (size included).
 */
import { decode } from "../../sdk/pdf/ocr";
import { withDocument } from "../../sdk/pdf/pdfjs";
import { renderDocPage, renderDocPixels } from "../../sdk/pdf/render";
import { generateCorpus, renderTextPdf } from "../fixtures/pii-corpus";
import { scanPage, scanPdf } from "./scan-corpus";

async function main(): Promise<void> {
  // Scans (speckle PNG, JPEG, turned, a 150 dpi picture) and a vector text page (anti-aliased glyphs)
  const scans = await Promise.all([
    scanPage("speckle", 12_001, 0), scanPage("jpeg", 12_002, 1), scanPage("rot90", 12_003, 2), scanPage("clean", 12_004, 3, 150),
  ]);
  const text = (await generateCorpus(1313, 8)).find((d) => d.pageKinds[0] === "text")!;
  let compared = 0;
  let identical = 0;
  for (const pdf of [await scanPdf(scans), await renderTextPdf(text)]) {
    await withDocument(pdf, {}, async (doc) => {
      for (let p = 1; p <= doc.numPages; p++) {
        for (const dpi of [300, 150]) {
          const a = await decode((await renderDocPage(doc, p, dpi)).png);
          const px = await renderDocPixels(doc, p, dpi);
          const b = await decode({ rgba: px.rgba, width: px.widthPx, height: px.heightPx });
          compared++;
          if (a.width === b.width && a.height === b.height && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0) identical++;
        }
      }
    });
  }
  process.stdout.write(`${JSON.stringify({ compared, identical })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
