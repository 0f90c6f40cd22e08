/**
 * The one CSV writer of docmill: every CSV export (the batch results.csv, the template, the browser's
 * results download) goes through `writeCsv`. papaparse quotes per RFC 4180 and, with `escapeFormulae`,
 * prefixes a `'` to any cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return, so a value
 * taken from a document (a title, a tag, an error) cannot run as a spreadsheet formula when the sheet is
 * opened (OWASP "CSV injection": `=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`). Pure, and free of Node
 * APIs: the web app imports it too.
 */
import Papa from "papaparse";

export type CsvCell = string | number | boolean | null | undefined | readonly string[];

function text(v: CsvCell): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.join("; ");
  return String(v);
}

/** A CSV document: the header line, then one line per row, each line ended by `newline` (default CRLF). */
export function writeCsv(columns: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>, opts: { newline?: "\n" | "\r\n" } = {}): string {
  const newline = opts.newline ?? "\r\n";
  const body = Papa.unparse({ fields: [...columns], data: rows.map((r) => r.map(text)) }, { escapeFormulae: true, newline, quotes: false, skipEmptyLines: false });
  return body + newline;
}
