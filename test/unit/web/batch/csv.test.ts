import { guessMapping, parseCsv, toCsv } from "../../../../web/src/batch/csv";

describe("batch CSV", () => {
  it("parses quoted fields with commas, doubled quotes and line breaks", () => {
    const { columns, rows } = parseCsv('\uFEFFtitle,file_path\r\n"Report, 2024","https://x.test/a.pdf"\n"Say ""hi""\nagain",b.pdf\n\n');
    expect(columns).toEqual(["title", "file_path"]);
    expect(rows).toEqual([
      { title: "Report, 2024", file_path: "https://x.test/a.pdf" },
      { title: 'Say "hi"\nagain', file_path: "b.pdf" },
    ]);
  });

  it("gives missing trailing cells as empty strings", () => {
    expect(parseCsv("a,b,c\n1").rows).toEqual([{ a: "1", b: "", c: "" }]);
  });

  it("writes CSV that parses back to the same rows and neutralises spreadsheet formulas", () => {
    const rows = [{ title: 'A "quoted", title', tags: ["x y", "z"], status: "success" }, { title: "=HYPERLINK(1)", tags: [], status: "failed" }];
    const text = toCsv(["title", "tags", "status"], rows);
    expect(parseCsv(text).rows).toEqual([
      { title: 'A "quoted", title', tags: "x y, z", status: "success" },
      { title: "'=HYPERLINK(1)", tags: "", status: "failed" },
    ]);
  });

  it("maps the template's column names to their roles", () => {
    expect(guessMapping(["Title", "File Path", "file_source_type", "Description", "publishing_date"])).toEqual({
      Title: "title",
      "File Path": "file_path",
      file_source_type: "file_source_type",
      Description: "description",
    });
  });
});
