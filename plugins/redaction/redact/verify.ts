/**
 * Proof after every redaction: the output is read back the way an attacker would (its text layer with
 * pdfjs, the rebuilt pages' pixels with OCR, its structure with pdf-lib) and every redacted string is
 * looked for on its page. A result with leaks must fail the job; the verification record never carries
 * the strings themselves, only counts and page numbers.
 */
import { PDFDocument, PDFName } from "pdf-lib";
import type { RedactPool } from "./apply";
import { leakedStrings, type PageSecrets } from "./geometry";

export type VerificationMethod = "textLayer" | "ocr" | "structure";

export interface Leak {
  page: number;
  method: VerificationMethod;
  /** How many distinct redacted strings were found (never the strings). */
  count: number;
}

export interface Verification {
  method: VerificationMethod[];
  /** Distinct redacted strings looked for, summed over pages. */
  redactedStrings: number;
  /** Covered words too short to check reliably. */
  unchecked: number;
  pagesChecked: number[];
  leaks: number;
  leakDetails: Leak[];
  /** Structure problems found (names of the entries still present); empty when clean. */
  structureProblems: string[];
}

export interface VerifyOptions {
  pool: RedactPool;
  /** OCR the rebuilt pages too (default true). */
  ocr?: boolean;
  dpi?: number;
  lang?: string | string[];
  signal?: AbortSignal;
}

export async function verifyRedaction(output: Uint8Array, secrets: readonly PageSecrets[], opts: VerifyOptions): Promise<Verification> {
  const useOcr = opts.ocr ?? true;
  const leakDetails: Leak[] = [];
  const extracted = await opts.pool.extract(output);
  for (const s of secrets) {
    const page = extracted.pages[s.page - 1];
    const found = page ? leakedStrings(s, page.text) : s.strings;
    if (found.length) leakDetails.push({ page: s.page, method: "textLayer", count: found.length });
  }
  if (useOcr) {
    for (const s of secrets) {
      opts.signal?.throwIfAborted();
      if (!s.strings.length) continue;
      const info = extracted.pages[s.page - 1]!;
      const { png } = await opts.pool.render(output, s.page, { dpi: opts.dpi ?? 200 });
      const ocr = await opts.pool.ocr(png, { lang: opts.lang, pageWidthPt: info.width, pageHeightPt: info.height });
      const found = leakedStrings(s, ocr.text);
      if (found.length) leakDetails.push({ page: s.page, method: "ocr", count: found.length });
    }
  }
  const structureProblems = await structureOf(output);
  const redactedStrings = secrets.reduce((n, s) => n + s.strings.length, 0);
  return {
    method: useOcr ? ["textLayer", "ocr", "structure"] : ["textLayer", "structure"],
    redactedStrings,
    unchecked: secrets.reduce((n, s) => n + s.unchecked, 0),
    pagesChecked: secrets.map((s) => s.page),
    leaks: leakDetails.reduce((n, l) => n + l.count, 0) + structureProblems.length,
    leakDetails,
    structureProblems,
  };
}

/** Entries that must not be in a redacted document (they can carry text outside the page content). */
async function structureOf(output: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(output, { updateMetadata: false });
  const problems: string[] = [];
  for (const k of ["Metadata", "AcroForm", "Names", "OpenAction", "AA", "Outlines", "StructTreeRoot"]) {
    if (doc.catalog.has(PDFName.of(k))) problems.push(`catalog /${k}`);
  }
  doc.getPages().forEach((p, i) => {
    // An empty /Annots array carries nothing (pdf-lib writes one on new pages).
    if ((p.node.Annots()?.size() ?? 0) > 0) problems.push(`page ${i + 1} /Annots`);
    if (p.node.has(PDFName.of("AA"))) problems.push(`page ${i + 1} /AA`);
  });
  return problems;
}

/** A sentence for a failed verification: pages and methods, never the strings. */
export function describeLeaks(v: Verification): string {
  const parts = v.leakDetails.map((l) => `page ${l.page} (${l.method}: ${l.count})`);
  if (v.structureProblems.length) parts.push(`structure (${v.structureProblems.join(", ")})`);
  return `Verification found redacted content still extractable from the output on ${parts.join(", ")}; the redacted PDF was not released`;
}
