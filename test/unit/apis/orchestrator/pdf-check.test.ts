import { Readable } from "node:stream";
import { assertReadablePdf, scanPdf } from "../../../../apis/orchestrator/pdf-check";
import { mergeConfigurations } from "../../../../apis/orchestrator/configs";

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));
const typeOf = (fn: () => void) => {
  try {
    fn();
    return "ok";
  } catch (err) {
    return (err as { type: string }).type;
  }
};

describe("the upload check", () => {
  it("accepts a plain PDF envelope", async () => {
    const scan = await scanPdf(chunks("%PDF-1.7\n1 0 obj\n", "trailer << /Root 1 0 R >>\n%%EOF\n"));
    expect(scan).toMatchObject({ header: true, eof: true, encrypted: false });
    expect(typeOf(() => assertReadablePdf(scan))).toBe("ok");
  });

  it("finds /Encrypt even when it is split across two chunks", async () => {
    const scan = await scanPdf(chunks("%PDF-1.7\ntrailer << /Enc", "rypt 5 0 R >>\n%%EOF"));
    expect(typeOf(() => assertReadablePdf(scan))).toBe("PDF_ENCRYPTED");
  });

  it.each([
    ["no header", ["PNG....", "%%EOF"]],
    ["no end marker (truncated)", ["%PDF-1.4\n", "stream data"]],
  ])("refuses a file with %s as PDF_INVALID", async (_name, parts) => {
    const scan = await scanPdf(chunks(...parts));
    expect(typeOf(() => assertReadablePdf(scan))).toBe("PDF_INVALID");
  });
});

describe("configuration merge", () => {
  it("lets the job's fields replace the default's, field by field", () => {
    expect(mergeConfigurations({ labels: ["IBAN"], scoreThreshold: 0.7 }, { labels: ["EMAIL_ADDRESS"], boxPadding: 2 })).toEqual({
      labels: ["EMAIL_ADDRESS"], scoreThreshold: 0.7, boxPadding: 2,
    });
    expect(mergeConfigurations(undefined, undefined)).toEqual({});
  });
});
