/** CSV in and out for batches, through docmill's one CSV library (shared/csv.ts, papaparse). Pure. */
import { parseCsv as parseSheet, writeCsv, type CsvCell } from "../../../shared/csv";

/** An uploaded sheet: columns, rows and what is malformed in it (shared/csv.ts, the server's parser too). */
export const parseCsv = parseSheet;

/** The results download: docmill's one CSV writer (formula guard included), shared with the server. */
export function toCsv(columns: string[], rows: Array<Record<string, unknown>>): string {
  const value = (v: unknown): CsvCell => (v === null || v === undefined ? "" : Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : (v as CsvCell));
  return writeCsv(columns, rows.map((r) => columns.map((c) => value(r[c]))));
}

/** Guesses which column plays which role from its name (title, file_path, file_source_type, description). */
export function guessMapping(columns: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of columns) {
    const n = c.toLowerCase().replace(/[^a-z]/g, "");
    if (n === "title" || n === "name" || n === "documenttitle") out[c] = "title";
    else if (n === "filepath" || n === "path" || n === "url" || n === "link" || n === "fileurl") out[c] = "file_path";
    else if (n === "filesourcetype" || n === "sourcetype" || n === "source" || n === "type") out[c] = "file_source_type";
    else if (n === "description" || n === "summary") out[c] = "description";
  }
  return out;
}
