/**
 * The structure check of a redacted output (verify.ts): catalog and page entries that can carry text
 * outside the page content. pdf-lib parses the whole document, so this runs on the engine's threads, on
 * the document inspect.ts already parsed for its stream scan: not on the event loop a worker renews its
 * job lease on (and, in the embedded shape, the gateway answers on).
 */
import { PDFDict, PDFDocument, PDFName } from "pdf-lib";

/** Entries that must not be in a redacted document (they can carry text outside the page content). */
export function structureOf(doc: PDFDocument): string[] {
  const problems: string[] = [];
  for (const k of ["Metadata", "AcroForm", "Names", "OpenAction", "AA", "Outlines", "StructTreeRoot"]) {
    if (doc.catalog.has(PDFName.of(k))) problems.push(`catalog /${k}`);
  }
  // The engine writes an Info dictionary with its Producer only; anything else came from the input.
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  if (info instanceof PDFDict && info.keys().some((k) => k.decodeText() !== "Producer")) problems.push("trailer /Info");
  doc.getPages().forEach((p, i) => {
    // An empty /Annots array carries nothing (pdf-lib writes one on new pages).
    if ((p.node.Annots()?.size() ?? 0) > 0) problems.push(`page ${i + 1} /Annots`);
    if (p.node.has(PDFName.of("AA"))) problems.push(`page ${i + 1} /AA`);
  });
  return problems;
}
