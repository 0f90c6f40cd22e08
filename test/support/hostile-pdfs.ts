/**
 * Hostile PDFs for the security suite (issue 14), written object by object so each one is exactly the
 * attack it names: decompression bombs, deep nesting, huge declared images, object floods, a broken xref,
 * a GIF/PDF polyglot. Every one is small on disk.
 */
import zlib from "node:zlib";

type Obj = string | { dict: string; stream: Buffer };

/** Serialises objects 1..n (object 1 the catalog) with a correct xref, unless `breakXref`. */
export function buildPdf(objects: Obj[], opts: { breakXref?: boolean; prefix?: Buffer } = {}): Buffer {
  const parts: Buffer[] = [opts.prefix ?? Buffer.alloc(0), Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts.reduce((n, p) => n + p.length, 0);
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(offset);
    const head = Buffer.from(`${i + 1} 0 obj\n`, "latin1");
    const body =
      typeof o === "string"
        ? Buffer.from(`${o}\nendobj\n`, "latin1")
        : Buffer.concat([Buffer.from(`<< ${o.dict} /Length ${o.stream.length} >>\nstream\n`, "latin1"), o.stream, Buffer.from("\nendstream\nendobj\n", "latin1")]);
    parts.push(head, body);
    offset += head.length + body.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, "0000000000 65535 f \n", ...offsets.map((o) => `${String(opts.breakXref ? o + 7919 : o).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${opts.breakXref ? offset + 13 : offset}\n%%EOF\n`, "latin1"));
  return Buffer.concat(parts);
}

const page = (contents: string, resources = "<< >>") => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${resources} /Contents ${contents} >>`;

/** Deflated NUL bytes (whitespace to a PDF reader), fed to zlib in chunks so memory stays flat. */
export async function deflatedZeros(bytes: number): Promise<Buffer> {
  const chunk = Buffer.alloc(Math.min(bytes, 16 * 1024 * 1024));
  const deflate = zlib.createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (d: Buffer) => out.push(d));
  const done = new Promise<void>((resolve, reject) => deflate.on("end", resolve).on("error", reject));
  for (let left = bytes; left > 0; left -= chunk.length) {
    if (!deflate.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((r) => deflate.once("drain", r));
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/** One page whose content stream inflates to `inflated` bytes. */
export async function bombPdf(inflated: number): Promise<Buffer> {
  return buildPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Count 1 /Kids [3 0 R] >>", page("4 0 R"), { dict: "/Filter /FlateDecode", stream: await deflatedZeros(inflated) }]);
}

/** Many small streams, each under the per-stream limit, together over the per-document one. */
export async function manyStreamsBombPdf(streams: number, each: number): Promise<Buffer> {
  const data = await deflatedZeros(each);
  const contents = Array.from({ length: streams }, (_, i) => `${4 + i} 0 R`).join(" ");
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    page(`[${contents}]`),
    ...Array.from({ length: streams }, () => ({ dict: "/Filter /FlateDecode", stream: data })),
  ]);
}

/** A content stream deflated twice: the outer layer is small, the inner one is the bomb. */
export async function doubleBombPdf(inflated: number): Promise<Buffer> {
  const inner = await deflatedZeros(inflated);
  return buildPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Count 1 /Kids [3 0 R] >>", page("4 0 R"), { dict: "/Filter [/FlateDecode /FlateDecode]", stream: zlib.deflateSync(inner, { level: 9 }) }]);
}

/** An array nested `depth` levels deep in the page's dictionary. */
export function deepNestingPdf(depth: number): Buffer {
  return buildPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Count 1 /Kids [3 0 R] >>", `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Deep ${"[".repeat(depth)}0${"]".repeat(depth)} >>`]);
}

/** An image XObject that declares `w` × `h` pixels (its data is a few bytes). */
export function hugeImagePdf(w: number, h: number): Buffer {
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    page("4 0 R", "<< /XObject << /Im0 5 0 R >> >>"),
    { dict: "", stream: Buffer.from("q 612 0 0 792 0 0 cm /Im0 Do Q", "latin1") },
    { dict: `/Type /XObject /Subtype /Image /Width ${w} /Height ${h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, stream: zlib.deflateSync(Buffer.alloc(1024)) },
  ]);
}

/** `n` tiny objects besides one page. */
export function manyObjectsPdf(n: number): Buffer {
  return buildPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Count 1 /Kids [3 0 R] >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>", ...Array.from({ length: n }, (_, i) => String(i))]);
}

/** A text page with a wrong xref table (every offset off): readers must repair or refuse, never hang. */
export function brokenXrefPdf(): Buffer {
  return buildPdf(
    ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Count 1 /Kids [3 0 R] >>", page("4 0 R", "<< /Font << /F1 5 0 R >> >>"), { dict: "", stream: Buffer.from("BT /F1 12 Tf 72 700 Td (Broken xref but readable text here) Tj ET", "latin1") }, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"],
    { breakXref: true },
  );
}

/** A GIF header and image block, then a PDF: image viewers and lenient PDF readers both open it. */
export function gifPdfPolyglot(pdf: Uint8Array): Buffer {
  const gif = Buffer.from("474946383961010001008000000000ffffff2c00000000010001000002024401003b", "hex");
  return Buffer.concat([gif, Buffer.from(pdf)]);
}

/**
 * PDF LZW (MSB-first codes, EarlyChange 1). The table is cleared every 250 codes so every code is 9 bits
 * wide, which keeps the encoder trivially in step with any decoder; zeros still expand about 100x.
 */
export function lzwEncode(data: Buffer): Buffer {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  const emit = (code: number) => {
    acc = (acc << 9) | code;
    bits += 9;
    while (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  };
  let table = new Map<string, number>();
  let next = 258;
  let count = 0;
  emit(256);
  let w = -1;
  for (const c of data) {
    if (w < 0) {
      w = c;
      continue;
    }
    const key = `${w},${c}`;
    const known = table.get(key);
    if (known !== undefined) {
      w = known;
      continue;
    }
    emit(w);
    if (++count >= 250) {
      emit(256);
      table = new Map();
      next = 258;
      count = 0;
    } else table.set(key, next++);
    w = c;
  }
  if (w >= 0) emit(w);
  emit(257);
  if (bits > 0) out.push((acc << (8 - bits)) & 0xff);
  return Buffer.from(out);
}

/** RunLength runs of 128 NUL bytes: 2 bytes on disk per 128 decoded. */
export function runLengthZeros(bytes: number): Buffer {
  const runs = Math.ceil(bytes / 128);
  const out = Buffer.alloc(runs * 2 + 1);
  for (let i = 0; i < runs; i++) out[i * 2] = 129; // 257 - 128
  out[runs * 2] = 128; // EOD
  return out;
}

/** ASCII85 with the `~>` end marker (no `z` shortcut, which is optional). */
export function ascii85Encode(data: Buffer): Buffer {
  let s = "";
  for (let i = 0; i < data.length; i += 4) {
    const n = Math.min(4, data.length - i);
    const word = Buffer.alloc(4);
    data.copy(word, 0, i, i + n);
    let v = word.readUInt32BE(0);
    const digits: string[] = [];
    for (let k = 0; k < 5; k++) {
      digits.unshift(String.fromCharCode(33 + (v % 85)));
      v = Math.floor(v / 85);
    }
    s += digits.slice(0, n + 1).join("");
  }
  return Buffer.from(`${s}~>`, "latin1");
}

/** One page whose content stream is `stream` under `filter` (a /Filter value). */
export function filteredStreamPdf(filter: string, stream: Buffer): Buffer {
  return buildPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Count 1 /Kids [3 0 R] >>", page("4 0 R"), { dict: `/Filter ${filter}`, stream }]);
}

/**
 * One page drawing `count` different images of `w` × `h` grey pixels (real, deflated data), each under
 * the pixel limit and together under the decompressed-bytes limit: what it costs is the memory of
 * decoding and painting them (pdfjs turns each into an RGBA bitmap), outside any JavaScript heap.
 */
export async function manyImagesPdf(count: number, w: number, h: number): Promise<Buffer> {
  const data = await deflatedZeros(w * h);
  const names = Array.from({ length: count }, (_, i) => `/Im${i} ${5 + i} 0 R`).join(" ");
  const draw = Array.from({ length: count }, (_, i) => `q 612 0 0 792 0 0 cm /Im${i} Do Q`).join("\n");
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    page("4 0 R", `<< /XObject << ${names} >> >>`),
    { dict: "", stream: Buffer.from(draw, "latin1") },
    ...Array.from({ length: count }, (_, i) => ({
      // A different /Decode per image keeps readers from sharing one decoded copy.
      dict: `/Type /XObject /Subtype /Image /Width ${w} /Height ${h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Decode [0 ${(1 - i / 1000).toFixed(3)}]`,
      stream: data,
    })),
  ]);
}

/** One blank page of `widthPt` × `heightPt` points (14400 is the largest a reader must accept). */
export function hugePagePdf(widthPt: number, heightPt: number): Buffer {
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${widthPt} ${heightPt}] /Resources << >> /Contents 4 0 R >>`,
    { dict: "", stream: Buffer.from("0.5 g 0 0 10 10 re f", "latin1") },
  ]);
}

/**
 * A text line over `count` full-page images of `w` × `h` grey pixels: an area over the line covers the
 * images too, so a redaction engine must decode (and paint) each of them.
 */
export async function textOverImagesPdf(count: number, w: number, h: number, text = "Call 555 0100 today"): Promise<Buffer> {
  const data = await deflatedZeros(w * h);
  const names = Array.from({ length: count }, (_, i) => `/Im${i} ${6 + i} 0 R`).join(" ");
  const draw = Array.from({ length: count }, (_, i) => `q 612 0 0 792 0 0 cm /Im${i} Do Q`).join("\n");
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    page("4 0 R", `<< /Font << /F1 5 0 R >> /XObject << ${names} >> >>`),
    { dict: "", stream: Buffer.from(`${draw}\n1 g BT /F1 14 Tf 72 700 Td (${text}) Tj ET`, "latin1") },
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ...Array.from({ length: count }, (_, i) => ({
      dict: `/Type /XObject /Subtype /Image /Width ${w} /Height ${h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Decode [0 ${(1 - i / 1000).toFixed(3)}]`,
      stream: data,
    })),
  ]);
}
