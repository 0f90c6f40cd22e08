/**
 * The texts of a finished redaction that list every area (the signed certificate body, the report and
 * the certificate files), made in a compute thread (issue 14). For a directory of 58,717 areas they are
 * megabytes of JSON each: one synchronous stringify of the report, the certificate and the canonical body
 * held the event loop the gateway shares in the embedded shape for about 1.5 s together, and building
 * them in turns on the loop traded that for collector pauses of a few hundred milliseconds (every
 * string of the text is garbage on the loop's heap). Here only the areas cross, in pieces
 * (runOffLoopInPieces), and the strings come back as bytes. Pure: no I/O, no key (the signing of the
 * canonical text stays with the caller).
 */
import { canonicalJson } from "./certificate";

/** canonicalJson of `frame` with its `areas` set to `areas` (the key order does not matter: it is sorted). */
export function canonicalBody(frame: Record<string, unknown>, areas: unknown[]): string[] {
  return [canonicalJson({ ...frame, areas })];
}

/**
 * `JSON.stringify(x, null, 2) + "\n"` of the report and of the certificate, with the areas put back where
 * the frames hold empty lists (in place, so every key keeps its position).
 */
export function reportTexts(report: Record<string, unknown> & { certificate: Record<string, unknown> }, reportAreas: unknown[], certificateAreas: unknown[]): string[] {
  report.areas = reportAreas;
  report.certificate.areas = certificateAreas;
  return [JSON.stringify(report, null, 2) + "\n", JSON.stringify(report.certificate, null, 2) + "\n"];
}
