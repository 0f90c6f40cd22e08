import { accepted, refusalMessage, sniff } from "../../../../kernel/storage/sniff";

describe("content sniffing", () => {
  it("recognises a PDF by its header, not its name", () => {
    expect(sniff(Buffer.from("%PDF-1.7\n..."))).toBe("application/pdf");
    expect(sniff(Buffer.from("hello, I am a text file named .pdf"))).toBe("text/plain");
  });

  it("recognises images and binary data", () => {
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("image/png");
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniff(Buffer.from([0, 1, 2, 3, 255]))).toBe("application/octet-stream");
    expect(sniff(Buffer.from('{"a":1}'))).toBe("application/json");
  });

  it("matches accepted types with wildcards", () => {
    expect(accepted("application/pdf", ["application/pdf"])).toBe(true);
    expect(accepted("text/plain", ["application/pdf"])).toBe(false);
    expect(accepted("application/json", ["text/*"])).toBe(true);
    expect(accepted("anything/else", [])).toBe(true);
  });

  it("explains a refused PDF", () => {
    expect(refusalMessage("text/plain", ["application/pdf"], "x.pdf")).toBe('"x.pdf" is not a PDF: its content does not start with %PDF- (detected text/plain)');
  });
});
