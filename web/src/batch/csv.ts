/** CSV in and out for batches (RFC 4180: quotes, doubled quotes, commas and newlines inside quotes). Pure. */
import { writeCsv, type CsvCell } from "../../../shared/csv-writer";

export function parseCsv(text: string): { columns: string[]; rows: Array<Record<string, string>> } {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || record.length) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => r.some((f) => f.trim() !== ""));
  if (!nonEmpty.length) return { columns: [], rows: [] };
  const columns = nonEmpty[0].map((c) => c.trim());
  const rows = nonEmpty.slice(1).map((r) => Object.fromEntries(columns.map((c, i) => [c, (r[i] ?? "").trim()])));
  return { columns, rows };
}

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
