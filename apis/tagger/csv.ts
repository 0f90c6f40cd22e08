/** CSV for batches: uploaded sheets, the template, rows from a column mapping, the results sheet (shared/csv.ts). Pure. */
import { parseCsv as parseSheet, writeCsv } from "../../shared/csv";
import { validationError } from "../../kernel/errors";
import type { NewRow } from "./core";
import type { SourceType } from "./models";
import type { BatchTemplate } from "../../shared/wire/tagging";

/**
 * The rows of an uploaded batch sheet (shared/csv.ts). Throws VALIDATION_ERROR naming the row when the
 * sheet is malformed (an unterminated quote used to swallow every row after it).
 */
export function parseCsv(text: string): Record<string, string>[] {
  const sheet = parseSheet(text);
  if (sheet.errors.length) {
    throw validationError(sheet.errors.map((e) => ({ field: e.row === null ? "csv_file" : `csv_file.${e.row}`, message: e.message, kind: "csv" })));
  }
  return sheet.rows;
}

export const TEMPLATE_COLUMNS = [
  { name: "title", required: true, description: "Document title" },
  { name: "description", required: false, description: "Short description" },
  { name: "file_source_type", required: true, description: "url (s3 and local are refused by this server)" },
  { name: "file_path", required: true, description: "http(s) URL of the PDF" },
  { name: "publishing_date", required: false, description: "Publishing date (kept with the row)" },
  { name: "file_size", required: false, description: "File size (informational)" },
];

export function templateCsv(): string {
  return writeCsv(TEMPLATE_COLUMNS.map((c) => c.name), [["Example report", "An example", "url", "https://example.org/report.pdf", "2024-01-15", ""]], { newline: "\n" });
}

/** GET /api/batch/template: the sheet and its columns explained. */
export function templateView(): BatchTemplate {
  return { template: templateCsv(), columns: TEMPLATE_COLUMNS.map((c) => ({ ...c })) };
}

const ROLES = ["title", "file_path", "file_source_type", "description"] as const;
type Role = (typeof ROLES)[number];

/** Rows of a batch from CSV-like objects and the reference's `column_mapping` ({column: role}). */
export function rowsFromDocuments(documents: Record<string, unknown>[], mapping: Record<string, string> | undefined): NewRow[] {
  const columnOf: Partial<Record<Role, string>> = {};
  for (const r of ROLES) columnOf[r] = r;
  for (const [column, role] of Object.entries(mapping ?? {})) if ((ROLES as readonly string[]).includes(role)) columnOf[role as Role] = column;
  const problems: { field: string; message: string; kind: string }[] = [];
  const rows = documents.map((d, i) => {
    const get = (r: Role) => {
      const v = d[columnOf[r]!];
      return v === undefined || v === null ? "" : String(v).trim();
    };
    const path = get("file_path");
    const type = (get("file_source_type") || "url").toLowerCase();
    if (!path) problems.push({ field: `documents.${i}.file_path`, message: `Row ${i + 1}: file_path is required`, kind: "missing" });
    if (!["url", "s3", "local"].includes(type)) problems.push({ field: `documents.${i}.file_source_type`, message: `Row ${i + 1}: file_source_type must be url, s3 or local`, kind: "enum" });
    return { title: get("title") || path.split("/").pop() || `Document ${i + 1}`, description: get("description") || null, file_path: path, file_source_type: type as SourceType };
  });
  if (problems.length) throw validationError(problems);
  return rows;
}

/** The results sheet of a batch: one line per document with its status, tags and error (formula-guarded, see shared/csv.ts). */
export function resultsCsv(docs: Array<{ row: number; title: string; file_path: string; status: string; tags: string[]; error_message: string | null }>): string {
  return writeCsv(
    ["row_number", "title", "file_path", "status", "tags", "error"],
    docs.map((d) => [d.row + 1, d.title, d.file_path, d.status, (d.tags ?? []).join("; "), d.error_message ?? ""]),
    { newline: "\n" },
  );
}
