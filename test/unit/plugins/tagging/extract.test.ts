import { documentTitle } from "../../../../plugins/tagging/extract";

describe("documentTitle", () => {
  it("prefers a meaningful metadata title", () => {
    expect(documentTitle("Annual Budget 2024", "Something else", "a.pdf")).toBe("Annual Budget 2024");
  });
  it("ignores meaningless metadata titles and takes the first heading-like line", () => {
    expect(documentTitle("Microsoft Word - draft3.docx", "\n2024\nDigital Governance Framework\nThis sentence ends with a period.", "a.pdf")).toBe("Digital Governance Framework");
    expect(documentTitle("untitled", "Public Health Report", "a.pdf")).toBe("Public Health Report");
  });
  it("falls back to the file name without .pdf", () => {
    expect(documentTitle(undefined, "a. b. c.", "scan-0042.pdf")).toBe("scan-0042");
  });
});
