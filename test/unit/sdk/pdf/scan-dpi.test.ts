import { PDFDocument, PDFName } from "pdf-lib";
import { contentOps, drawnImagesReader } from "../../../../sdk/pdf/scan-dpi";

/** A page whose content is `content`, with image /Im0 (`w` x `h` pixels declared) and optionally a form /Fm0 drawing it. */
async function pdfWith(content: string, opts: { w?: number; h?: number; form?: { matrix: number[]; content: string }; mask?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const ctx = doc.context;
  const page = doc.addPage([595, 842]);
  // Only the declared size counts (the reader never decodes a picture): a few bytes stand for the pixels.
  const img = { ref: ctx.register(ctx.stream(new Uint8Array(16), {
    Type: "XObject", Subtype: "Image", Width: opts.w ?? 1240, Height: opts.h ?? 1754, BitsPerComponent: opts.mask ? 1 : 8,
    ...(opts.mask ? { ImageMask: true } : { ColorSpace: "DeviceGray" }),
  })) };
  page.node.setXObject(PDFName.of("Im0"), img.ref);
  if (opts.form) {
    const form = ctx.register(ctx.flateStream(opts.form.content, {
      Type: "XObject", Subtype: "Form", BBox: [0, 0, 595, 842], Matrix: opts.form.matrix, Resources: { XObject: { Im0: img.ref } },
    }));
    page.node.setXObject(PDFName.of("Fm0"), form);
  }
  page.node.set(PDFName.of("Contents"), ctx.register(ctx.flateStream(content)));
  return doc.save();
}

describe("contentOps", () => {
  it("reads operators with their number operands and last name", () => {
    expect(contentOps(Buffer.from("q 595 0 0 842 0 0 cm /Im0 Do Q"))).toEqual([
      { op: "q", nums: [], name: undefined },
      { op: "cm", nums: [595, 0, 0, 842, 0, 0], name: undefined },
      { op: "Do", nums: [], name: "Im0" },
      { op: "Q", nums: [], name: undefined },
    ]);
  });

  it("skips strings, arrays and dictionaries (a marked-content span, a TJ) without taking their words for operators", () => {
    const ops = contentOps(Buffer.from("/Span <</ActualText (a \\) Do q) /B true>> BDC [(x) -20 (y Q)] TJ EMC .5 -1.25 Td"));
    expect(ops?.map((o) => o.op)).toEqual(["BDC", "TJ", "EMC", "Td"]);
    expect(ops?.[3]?.nums).toEqual([0.5, -1.25]);
  });

  it("gives up on an inline image or an unterminated string", () => {
    expect(contentOps(Buffer.from("q BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q"))).toBeNull();
    expect(contentOps(Buffer.from("BT (never closed Tj ET"))).toBeNull();
  });
});

describe("drawnImagesReader", () => {
  it("finds a scan's picture and the matrix it is drawn with, through q/cm nesting", async () => {
    const pdf = await pdfWith("q 0.5 0 0 0.5 0 0 cm q 1190 0 0 1684 0 0 cm /Im0 Do Q Q");
    const [img, ...rest] = (await drawnImagesReader(pdf)(1))!;
    expect(rest).toEqual([]);
    expect(img).toEqual({ width: 1240, height: 1754, ctm: [595, 0, 0, 842, 0, 0] });
    // 1240 px over 595 pt: a 150 dpi scan.
    expect((img!.width * 72) / Math.hypot(img!.ctm[0], img!.ctm[1])).toBeCloseTo(150.05, 2);
  });

  it("follows a form XObject's /Matrix, and a sideways picture's matrix keeps its axes", async () => {
    const pdf = await pdfWith("q /Fm0 Do Q", { form: { matrix: [0.5, 0, 0, 0.5, 0, 0], content: "q 0 1684 -1190 0 1190 0 cm /Im0 Do Q" } });
    expect(await drawnImagesReader(pdf)(1)).toEqual([{ width: 1240, height: 1754, ctm: [0, 842, -595, 0, 595, 0] }]);
  });

  it("does not count an image mask (a stencil in the fill colour) as a picture", async () => {
    const pdf = await pdfWith("q 595 0 0 842 0 0 cm /Im0 Do Q", { mask: true });
    expect(await drawnImagesReader(pdf)(1)).toEqual([]);
  });

  it("answers null (ask pdfjs) for what it cannot follow: an inline image, a missing XObject, a page that does not exist", async () => {
    expect(await drawnImagesReader(await pdfWith("BI /W 4 /H 4 /CS /G /BPC 8 ID 0123456789abcdef EI"))(1)).toBeNull();
    expect(await drawnImagesReader(await pdfWith("q 595 0 0 842 0 0 cm /Nope Do Q"))(1)).toBeNull();
    expect(await drawnImagesReader(await pdfWith("q Q"))(2)).toBeNull();
  });
});
