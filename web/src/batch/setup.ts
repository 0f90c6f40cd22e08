/**
 * The batch setup screen's decisions: which dropped files count, whether a sheet can be used, how a
 * column's role is changed, and what the start request carries. Pure; unit-tested in
 * test/unit/web/batch/setup.test.ts.
 */
import type { BatchStartBody, ColumnRole, TaggingConfig } from "../api/tagging";
import type { ParsedCsv } from "../../../shared/csv";

export const ROLES: Array<{ value: ColumnRole | ""; label: string }> = [
  { value: "", label: "(ignore)" },
  { value: "title", label: "Title" },
  { value: "file_path", label: "File path or URL" },
  { value: "file_source_type", label: "Source type (url/s3/local)" },
  { value: "description", label: "Description" },
];

type Named = { name: string; type: string };

/** One CSV (the first, if several) names the documents; otherwise the PDFs are the batch. */
export function pickFiles<F extends Named>(files: F[]): { kind: "csv"; file: F } | { kind: "pdfs"; files: F[] } | { kind: "none"; message: string } {
  const csv = files.find((f) => /\.csv$/i.test(f.name) || f.type === "text/csv");
  if (csv) return { kind: "csv", file: csv };
  const pdfs = files.filter((f) => /\.pdf$/i.test(f.name) || f.type === "application/pdf");
  return pdfs.length ? { kind: "pdfs", files: pdfs } : { kind: "none", message: "Drop PDF files or one CSV file." };
}

/** Why a parsed sheet cannot start a batch (the server refuses the same sheet with a 422), or null. */
export function sheetProblem(name: string, parsed: Pick<ParsedCsv, "errors" | "rows">): string | null {
  if (parsed.errors.length) return `${name} is not a well-formed CSV: ${parsed.errors.slice(0, 3).map((e) => e.message).join("; ")}`;
  if (!parsed.rows.length) return `${name} has no data rows.`;
  return null;
}

/** Gives `column` the role `role` ("" = ignore it); a role belongs to one column, so any other column loses it. */
export function remapColumn(mapping: Record<string, string>, column: string, role: string): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(mapping).filter(([k, v]) => k !== column && v !== role));
  return role ? { ...kept, [column]: role } : kept;
}

/** A sheet can start once one column is the title and one the file path or URL. */
export function mappingReady(mapping: Record<string, string>): boolean {
  const roles = Object.values(mapping);
  return roles.includes("title") && roles.includes("file_path");
}

export interface BatchOptions {
  numTags: number;
  numPages: number;
  model: string;
  vocabulary: string;
}

export function batchConfig(o: BatchOptions): TaggingConfig {
  return { num_tags: o.numTags, num_pages: o.numPages, model_name: o.model.trim() || undefined, vocabulary: o.vocabulary || undefined };
}

/** The JSON start request of a sheet: its rows, the options and the columns that have a role. */
export function sheetStartBody(rows: Array<Record<string, string>>, mapping: Record<string, string>, config: TaggingConfig): BatchStartBody {
  const column_mapping = Object.fromEntries(Object.entries(mapping).filter(([, v]) => v)) as Record<string, ColumnRole>;
  return { documents: rows, config, column_mapping };
}

/** What the batch is made of: nothing yet, dropped PDFs, or a sheet whose columns are being mapped. One or the other, never both. */
export type BatchInput<F> = { kind: "none" } | { kind: "pdfs"; files: F[] } | { kind: "sheet"; columns: string[]; rows: Array<Record<string, string>>; mapping: Record<string, string> };

export type InputAction<F> =
  | { type: "pdfs"; files: F[] }
  | { type: "sheet"; columns: string[]; rows: Array<Record<string, string>>; mapping: Record<string, string> }
  | { type: "role"; column: string; role: string };

export function inputReducer<F>(s: BatchInput<F>, a: InputAction<F>): BatchInput<F> {
  switch (a.type) {
    case "pdfs":
      return { kind: "pdfs", files: a.files };
    case "sheet":
      return { kind: "sheet", columns: a.columns, rows: a.rows, mapping: a.mapping };
    case "role":
      return s.kind === "sheet" ? { ...s, mapping: remapColumn(s.mapping, a.column, a.role) } : s;
  }
}

/** How many documents the batch would have, and whether it can start (a sheet needs its title and path columns). */
export function inputSummary<F>(s: BatchInput<F>): { count: number; ready: boolean } {
  if (s.kind === "pdfs") return { count: s.files.length, ready: s.files.length > 0 };
  if (s.kind === "sheet") return { count: s.rows.length, ready: s.rows.length > 0 && mappingReady(s.mapping) };
  return { count: 0, ready: false };
}

export const DEFAULT_OPTIONS: BatchOptions = { numTags: 8, numPages: 3, model: "", vocabulary: "" };
