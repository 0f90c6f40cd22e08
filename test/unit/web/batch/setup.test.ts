import { parseCsv } from "../../../../web/src/batch/csv";
import { batchConfig, DEFAULT_OPTIONS, inputReducer, inputSummary, mappingReady, pickFiles, remapColumn, sheetProblem, sheetStartBody, type BatchInput } from "../../../../web/src/batch/setup";

const f = (name: string, type = "") => ({ name, type });

describe("batch setup", () => {
  it("a CSV among the dropped files names the documents; otherwise the PDFs are the batch; anything else is refused", () => {
    expect(pickFiles([f("a.pdf"), f("List.CSV"), f("b.pdf")])).toEqual({ kind: "csv", file: f("List.CSV") });
    expect(pickFiles([f("export", "text/csv")])).toEqual({ kind: "csv", file: f("export", "text/csv") });
    expect(pickFiles([f("a.PDF"), f("notes.txt"), f("scan", "application/pdf")])).toEqual({ kind: "pdfs", files: [f("a.PDF"), f("scan", "application/pdf")] });
    expect(pickFiles([f("notes.txt"), f("photo.jpg", "image/jpeg")])).toEqual({ kind: "none", message: "Drop PDF files or one CSV file." });
    expect(pickFiles([])).toEqual({ kind: "none", message: "Drop PDF files or one CSV file." });
  });

  it("says which rows of a sheet are broken before anything is sent, and refuses a sheet without rows", () => {
    const broken = parseCsv('title,file_path\n"Report,https://x.example/a.pdf\nB,https://x.example/b.pdf\n');
    expect(sheetProblem("docs.csv", broken)).toMatch(/^docs\.csv is not a well-formed CSV: .+/);
    expect(sheetProblem("empty.csv", parseCsv("title,file_path\n"))).toBe("empty.csv has no data rows.");
    expect(sheetProblem("ok.csv", parseCsv("title,file_path\nA,https://x.example/a.pdf\n"))).toBeNull();
  });

  it("a role belongs to one column: giving it to another takes it away from the first", () => {
    const m = { Name: "title", Link: "file_path" };
    expect(remapColumn(m, "Link", "title")).toEqual({ Link: "title" });
    expect(remapColumn(m, "Kind", "file_source_type")).toEqual({ Name: "title", Link: "file_path", Kind: "file_source_type" });
    expect(remapColumn(m, "Name", "")).toEqual({ Link: "file_path" });
  });

  it("a sheet can start once there is a title column and a file path column", () => {
    expect(mappingReady({ Name: "title", Link: "file_path" })).toBe(true);
    expect(mappingReady({ Name: "title", Kind: "file_source_type" })).toBe(false);
    expect(mappingReady({})).toBe(false);
  });

  it("sends no empty model or vocabulary, and only the columns that have a role", () => {
    const config = batchConfig({ numTags: 5, numPages: 2, model: "  ", vocabulary: "" });
    expect(config).toEqual({ num_tags: 5, num_pages: 2, model_name: undefined, vocabulary: undefined });
    expect(batchConfig({ numTags: 5, numPages: 2, model: " gpt-x ", vocabulary: "v1" })).toMatchObject({ model_name: "gpt-x", vocabulary: "v1" });
    const rows = [{ Name: "A", Link: "https://x.example/a.pdf", Notes: "n" }];
    expect(sheetStartBody(rows, { Name: "title", Link: "file_path", Notes: "" }, config)).toEqual({ documents: rows, config, column_mapping: { Name: "title", Link: "file_path" } });
  });

  it("holds PDFs or a sheet, never both: the latest drop replaces the other kind", () => {
    const none: BatchInput<{ name: string; type: string }> = { kind: "none" };
    const sheet = inputReducer(none, { type: "sheet", columns: ["Name", "Link"], rows: [{ Name: "A", Link: "u" }], mapping: { Name: "title" } });
    expect(inputSummary(sheet)).toEqual({ count: 1, ready: false });
    const mapped = inputReducer(sheet, { type: "role", column: "Link", role: "file_path" });
    expect(mapped).toEqual({ kind: "sheet", columns: ["Name", "Link"], rows: [{ Name: "A", Link: "u" }], mapping: { Name: "title", Link: "file_path" } });
    expect(inputSummary(mapped)).toEqual({ count: 1, ready: true });
    const pdfs = inputReducer(mapped, { type: "pdfs", files: [f("a.pdf"), f("b.pdf")] });
    expect(pdfs).toEqual({ kind: "pdfs", files: [f("a.pdf"), f("b.pdf")] });
    expect(inputSummary(pdfs)).toEqual({ count: 2, ready: true });
    // A column role means nothing without a sheet.
    expect(inputReducer(pdfs, { type: "role", column: "Link", role: "title" })).toBe(pdfs);
    expect(inputSummary(none)).toEqual({ count: 0, ready: false });
  });

  it("starts from the reference's defaults: 8 tags from 3 pages, no model, no vocabulary", () => {
    expect(batchConfig(DEFAULT_OPTIONS)).toEqual({ num_tags: 8, num_pages: 3, model_name: undefined, vocabulary: undefined });
  });
});
