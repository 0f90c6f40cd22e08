/**
 * docmill's one CSV library, on papaparse, for the server and the web app alike (pure, free of Node
 * APIs). Every CSV docmill writes (the batch results.csv, the template, the browser's results
 * download) goes through `writeCsv`; every sheet it reads (an uploaded batch CSV, in the API and in the
 * browser) through `parseCsv`.
 *
 * Writing: RFC 4180 quoting, and with `escapeFormulae` a `'` before any cell starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return, so a value taken from a document (a title, a tag, an error)
 * cannot run as a spreadsheet formula when the sheet is opened (OWASP "CSV injection").
 *
 * Reading: the delimiter is detected (`,`, `;`, tab: spreadsheets in many locales save `;`), a BOM is
 * dropped, quotes may hold delimiters and newlines; a malformed sheet (an unterminated quote, a row with
 * more fields than the header) is reported in `errors` with its row, instead of silently swallowing
 * the rows after it.
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

export interface CsvProblem {
  /** 1-based data row (the header is row 0), or null when the problem is not tied to a row. */
  row: number | null;
  message: string;
}

export interface ParsedCsv {
  /** Header names, trimmed. */
  columns: string[];
  /** One object per non-empty data row: every column present (missing cells ""), values trimmed. */
  rows: Array<Record<string, string>>;
  /** Malformed parts of the sheet; empty for a well-formed one. */
  errors: CsvProblem[];
}

/** Parses a sheet with a header line. Never throws: problems are in `errors`. */
export function parseCsv(source: string): ParsedCsv {
  // Sheets edited on several systems mix CRLF and LF; papaparse takes one line ending for the file.
  const src = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const result = Papa.parse<string[]>(src, { header: false, newline: "\n", skipEmptyLines: "greedy", delimitersToGuess: [",", ";", "\t", "|"] });
  const records = result.data.filter((r) => r.some((c) => c.trim() !== ""));
  const errors: CsvProblem[] = result.errors
    // A one-column sheet has no delimiter to detect; that is not a problem.
    .filter((e) => e.code !== "UndetectableDelimiter")
    .map((e) => ({ row: typeof e.row === "number" ? e.row : null, message: e.row === undefined ? e.message : `Row ${e.row}: ${e.message}` }));
  const [header, ...body] = records;
  if (!header) return { columns: [], rows: [], errors };
  const columns = header.map((h) => h.trim());
  const rows = body.map((r, i) => {
    if (r.length > columns.length && r.slice(columns.length).some((c) => c.trim() !== "")) {
      errors.push({ row: i + 1, message: `Row ${i + 1}: ${r.length} fields, but the header names ${columns.length}` });
    }
    return Object.fromEntries(columns.map((c, j) => [c, (r[j] ?? "").trim()]));
  });
  return { columns, rows, errors };
}
