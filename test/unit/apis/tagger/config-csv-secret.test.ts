import { checkConfig, parseConfigJson, storedConfig } from "../../../../apis/tagger/config";
import { parseCsv, rowsFromDocuments, resultsCsv } from "../../../../apis/tagger/csv";
import { openApiKey, sealApiKey } from "../../../../apis/tagger/secret";

describe("tagging config", () => {
  it("answers the reference's message for JSON that is not an object", () => {
    for (const raw of ["{not json", "[1,2]", "42", "null"]) expect(() => parseConfigJson(raw)).toThrow("Invalid config JSON format");
  });

  it("applies the reference's defaults and makes api_key optional", () => {
    expect(checkConfig({})).toEqual({ apiKey: null, model_name: null, num_pages: 3, num_tags: 8, exclusion_words: [], language: "eng", vocabulary: null });
  });

  it("names every field out of range", () => {
    try {
      checkConfig({ num_tags: 1000, num_pages: 0, language: "klingon" });
      throw new Error("accepted");
    } catch (err) {
      const fields = (err as { data: { fields: { field: string }[] } }).data.fields.map((f) => f.field);
      expect(fields).toEqual(["num_pages", "num_tags", "language"]);
    }
  });

  it("keeps the key out of the stored config", () => {
    const c = checkConfig({ api_key: "sk-secret", model_name: "openai/gpt-4o-mini" });
    expect(JSON.stringify(storedConfig(c))).not.toContain("sk-secret");
    expect(storedConfig(c).engine).toBe("llm");
  });
});

describe("batch CSV", () => {
  it("parses quoted fields, embedded commas, quotes and newlines", () => {
    const rows = parseCsv('title,file_path\r\n"Report, 2024","https://x.org/a.pdf"\n"He said ""hi""\nthere",https://x.org/b.pdf\n');
    expect(rows).toEqual([
      { title: "Report, 2024", file_path: "https://x.org/a.pdf" },
      { title: 'He said "hi"\nthere', file_path: "https://x.org/b.pdf" },
    ]);
  });

  it("refuses a sheet with an unterminated quote with VALIDATION_ERROR naming the row", () => {
    let err: unknown;
    try {
      parseCsv('title,file_path\n"Broken,https://x.org/a.pdf\nNext,https://x.org/b.pdf\n');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ type: "VALIDATION_ERROR", code: 422 });
    const fields = (err as { data: { fields: Array<{ field: string; message: string }> } }).data.fields;
    expect(fields[0]!.field).toMatch(/^csv_file/);
    expect(fields[0]!.message).toMatch(/quote/i);
  });

  it("reads a semicolon-separated sheet", () => {
    expect(parseCsv("title;file_path\nA;https://x.org/a.pdf\n")).toEqual([{ title: "A", file_path: "https://x.org/a.pdf" }]);
  });

  it("maps columns to roles and defaults the source type to url", () => {
    expect(rowsFromDocuments([{ Name: "A", Link: "https://x.org/a.pdf" }], { Name: "title", Link: "file_path" })).toEqual([
      { title: "A", description: null, file_path: "https://x.org/a.pdf", file_source_type: "url" },
    ]);
  });

  it("refuses rows without a path or with an unknown source type", () => {
    expect(() => rowsFromDocuments([{ title: "x" }], undefined)).toThrow(/file_path is required/);
    expect(() => rowsFromDocuments([{ file_path: "a", file_source_type: "ftp" }], undefined)).toThrow(/url, s3 or local/);
  });

  it("writes results with quoting", () => {
    expect(resultsCsv([{ row: 0, title: "a,b", file_path: "p", status: "success", tags: ["x", "y"], error_message: null }])).toBe('row_number,title,file_path,status,tags,error\n1,"a,b",p,success,x; y,\n');
  });
});

describe("sealed API keys", () => {
  const secret = "a-test-secret-of-enough-length-0123456789";
  it("opens what it sealed, and the sealed text does not contain the key", () => {
    const sealed = sealApiKey("sk-or-v1-abc", secret);
    expect(sealed).not.toContain("sk-or-v1-abc");
    expect(openApiKey(sealed, secret)).toBe("sk-or-v1-abc");
  });
  it("refuses a key sealed under another secret or tampered with", () => {
    const sealed = sealApiKey("sk-or-v1-abc", secret);
    expect(() => openApiKey(sealed, "another-secret-of-enough-length-000000")).toThrow();
    // Flip one bit of the ciphertext itself: changing the last base64 characters may only touch padding
    // bits (the same bytes decode), which made this check pass or fail by chance.
    const prefix = sealed.slice(0, sealed.lastIndexOf(":") + 1);
    const raw = Buffer.from(sealed.slice(prefix.length), "base64url");
    raw[raw.length - 1]! ^= 1;
    expect(() => openApiKey(prefix + raw.toString("base64url"), secret)).toThrow();
  });
});
