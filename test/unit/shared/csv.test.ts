import { parseCsv, writeCsv } from "../../../shared/csv";

describe("shared CSV reading", () => {
  it("reads a sheet a German spreadsheet saved (semicolons, BOM, CRLF, quoted semicolon)", () => {
    const sheet = parseCsv('\uFEFFtitle;file_path;description\r\n"Bericht; 2024";https://x.test/a.pdf;Jahresbericht\r\nÜbersicht;https://x.test/b.pdf;\r\n');
    expect(sheet.errors).toEqual([]);
    expect(sheet.columns).toEqual(["title", "file_path", "description"]);
    expect(sheet.rows).toEqual([
      { title: "Bericht; 2024", file_path: "https://x.test/a.pdf", description: "Jahresbericht" },
      { title: "Übersicht", file_path: "https://x.test/b.pdf", description: "" },
    ]);
  });

  it("reads tab-separated sheets", () => {
    expect(parseCsv("title\tfile_path\nA\thttps://x.test/a.pdf\n").rows).toEqual([{ title: "A", file_path: "https://x.test/a.pdf" }]);
  });

  it("reads a one-column sheet without reporting a missing delimiter", () => {
    expect(parseCsv("file_path\nhttps://x.test/a.pdf\n")).toEqual({ columns: ["file_path"], rows: [{ file_path: "https://x.test/a.pdf" }], errors: [] });
  });

  it("reports an unterminated quote instead of swallowing the rows after it", () => {
    const sheet = parseCsv('title,file_path\n"Broken title,https://x.test/a.pdf\nNext,https://x.test/b.pdf\n');
    expect(sheet.errors).toHaveLength(1);
    expect(sheet.errors[0]!.message).toMatch(/quote/i);
  });

  it("reports a row with more fields than the header, naming the row", () => {
    const sheet = parseCsv("title,file_path\nA,https://x.test/a.pdf\nB,https://x.test/b.pdf,extra\n");
    expect(sheet.errors).toEqual([{ row: 2, message: "Row 2: 3 fields, but the header names 2" }]);
  });
});

describe("shared CSV writing", () => {
  it.each(["=HYPERLINK(\"http://evil\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"])("guards the formula trigger in %j", (cell) => {
    const text = writeCsv(["v"], [[cell]], { newline: "\n" });
    const back = parseCsv(text).rows[0]!.v;
    expect(back.startsWith("'")).toBe(true);
    expect(back.slice(1).trim()).toBe(cell.trim());
  });

  it("round-trips quotes, commas, semicolons and line breaks", () => {
    const rows = [['He said "hi", twice', "a; b", "line one\nline two"]];
    const sheet = parseCsv(writeCsv(["a", "b", "c"], rows));
    expect(sheet.errors).toEqual([]);
    expect(sheet.rows).toEqual([{ a: 'He said "hi", twice', b: "a; b", c: "line one\nline two" }]);
  });
});
