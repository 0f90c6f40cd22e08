/**
 * Loads the PDF engine in a worker thread ahead of the first document: under tsx, pdfjs takes several
 * seconds to load in a fresh thread, which would otherwise land on the first user's request. Resolves
 * with the milliseconds it took and never throws (a failure only means the first document waits).
 */
import { PDFDocument, StandardFonts } from "pdf-lib";
import { pdfPool } from "./pool";

export async function warmPdfEngine(): Promise<number> {
  const started = performance.now();
  try {
    const doc = await PDFDocument.create();
    const page = doc.addPage([200, 100]);
    page.drawText("warm up", { x: 10, y: 50, size: 10, font: await doc.embedFont(StandardFonts.Helvetica) });
    await pdfPool.extract(await doc.save());
  } catch {
    /* the first document will start the engine itself */
  }
  return Math.round(performance.now() - started);
}
