/**
 * The last step of the engine, with pdf-lib: the document is written anew from PDFium's output (only
 * what the pages reach is copied, so replaced content streams and older revisions cannot survive, and
 * there is no incremental-update tail), the carriers of hidden text are stripped, raster fallback pages
 * are put in, and the invisible text layers (render mode 3) of the words no area touches are drawn on
 * raster pages and on redacted scans.
 */
import {
  PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, StandardFonts, TextRenderingMode, concatTransformationMatrix, popGraphicsState,
  pushGraphicsState, setCharacterSqueeze, setTextRenderingMode, type PDFFont, type PDFPage,
} from "pdf-lib";
import { createHash } from "node:crypto";
import { displayMatrix, invertMatrix, type Matrix } from "../../../sdk/pdf/layout";
import type { Word } from "../../../sdk";
import { EngineError, type EnginePage, type RasterPage } from "./engine";
import type { PaintedImage } from "./images";

/** What was removed from the document as a whole (counts, never content). */
export interface StructureRemoved {
  infoDictionary: boolean;
  xmpMetadata: boolean;
  annotations: number;
  formFields: boolean;
  attachmentsAndJavaScript: boolean;
  openAction: boolean;
  outlines: boolean;
  structureTree: boolean;
}

export interface TextLayer {
  page: number;
  words: Word[];
  /** OCR boxes are tight glyph boxes; text-layer boxes span ascent to descent. */
  fromOcr: boolean;
}

export interface FinishInput {
  pdf: Uint8Array;
  pages: EnginePage[];
  raster: RasterPage[];
  textLayers: TextLayer[];
  /** JPEG images painted by images.ts: their streams are replaced by the painted pixels (Flate). */
  painted?: PaintedImage[];
}

/** Helvetica's ascender and descender (AFM), as fractions of the font size. */
const ASCENT = 0.718;
const DESCENT = 0.207;

/** Page-level entries that can carry text or actions and that a copied page does not need. */
const PAGE_KEYS_DROPPED = ["Annots", "AA", "Metadata", "PieceInfo", "B", "Thumb", "StructParents", "Tabs"];

export async function finishDocument(input: FinishInput): Promise<{ pdf: Uint8Array; removed: StructureRemoved }> {
  const src = await PDFDocument.load(input.pdf, { updateMetadata: false });
  const removed = stripDocument(src);
  swapPainted(src, input.painted ?? []);
  const out = await PDFDocument.create({ updateMetadata: false });
  out.setProducer("docmill redaction");
  const raster = new Map(input.raster.map((r) => [r.page, r]));
  const keep = src.getPageIndices().filter((i) => !raster.has(i + 1));
  const copied = new Map<number, PDFPage>();
  (await out.copyPages(src, keep)).forEach((pg, k) => copied.set(keep[k]!, pg));
  const layers = new Map(input.textLayers.filter((l) => l.words.length).map((l) => [l.page, l]));
  const font = layers.size ? await out.embedFont(StandardFonts.Helvetica) : undefined;
  const info = new Map(input.pages.map((p) => [p.page, p]));
  for (let i = 0; i < src.getPageCount(); i++) {
    const r = raster.get(i + 1);
    const layer = layers.get(i + 1);
    if (!r) {
      const page = out.addPage(copied.get(i)!);
      const g = info.get(i + 1);
      if (layer && font && g) {
        // Words are in displayed top-left points; the page keeps its own user space, /Rotate and CropBox.
        const flip: Matrix = [1, 0, 0, -1, 0, g.height];
        const toUser = multiply(flip, invertMatrix(displayMatrix(g.view, g.rotation)));
        page.pushOperators(pushGraphicsState(), concatTransformationMatrix(...toUser));
        drawInvisibleWords(page, font, layer.words, g.height, layer.fromOcr);
        page.pushOperators(popGraphicsState());
      }
      continue;
    }
    const page = out.addPage([r.width, r.height]);
    page.drawImage(await out.embedJpg(r.jpeg), { x: 0, y: 0, width: r.width, height: r.height });
    if (layer && font) drawInvisibleWords(page, font, layer.words, r.height, layer.fromOcr);
  }
  // pdf-lib gives new pages an empty /Annots; an output page carries no annotations at all.
  for (const pg of out.getPages()) pg.node.delete(PDFName.of("Annots"));
  const pdf = await out.save({ useObjectStreams: true, addDefaultPage: false });
  return { pdf, removed };
}

/**
 * Puts the painted pixels of images.ts in place of their JPEG, CCITT or JBIG2 streams (found by their
 * bytes' hash), as FlateDecode (PNG predictors for JPEGs' 8-bit samples); the rest of each image dictionary (masks, intent, name) stays. An
 * image that cannot be swapped exactly (not found, used twice with different areas, a /Decode array,
 * colour space or depth the pixels were not painted for, an image mask) fails with REDACTION_ENGINE_RETRY: the caller runs the
 * document again with PDFium painting every image.
 */
function swapPainted(doc: PDFDocument, painted: readonly PaintedImage[]): void {
  if (!painted.length) return;
  const lengths = new Set(painted.map((p) => p.length));
  const wanted = new Map<string, PaintedImage>();
  for (const p of painted) {
    if (wanted.has(p.sha256)) throw new EngineError("REDACTION_ENGINE_RETRY", "One image is painted on two pages");
    wanted.set(p.sha256, p);
  }
  const done = new Set<string>();
  const num = (v: unknown) => (v instanceof PDFNumber ? v.asNumber() : undefined);
  const CS = { 1: "DeviceGray", 3: "DeviceRGB", 4: "DeviceCMYK" } as const;
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream) || !lengths.has(obj.contents.length)) continue;
    const d = obj.dict;
    if (d.get(PDFName.of("Subtype")) !== PDFName.of("Image")) continue;
    const filter = d.get(PDFName.of("Filter"));
    if (!(filter instanceof PDFName)) continue;
    const hash = createHash("sha256").update(obj.contents).digest("hex");
    const p = wanted.get(hash);
    if (!p) continue;
    const decode = d.lookup(PDFName.of("Decode"));
    const decodeOk = p.decode === "none" ? decode === undefined
      : decode instanceof PDFArray && decode.size() === 2 * p.colors && decode.asArray().every((v, i) => num(v) === (i % 2 === 0 ? 1 : 0));
    const ok = filter === PDFName.of(p.filter) && d.get(PDFName.of("ColorSpace")) === PDFName.of(CS[p.colors]) &&
      num(d.get(PDFName.of("BitsPerComponent"))) === p.bpc && decodeOk && !d.has(PDFName.of("ImageMask")) &&
      num(d.get(PDFName.of("Width"))) === p.width && num(d.get(PDFName.of("Height"))) === p.height;
    if (!ok || done.has(hash)) throw new EngineError("REDACTION_ENGINE_RETRY", "A painted image cannot be put back as it was painted");
    const dict = d.clone(doc.context);
    dict.set(PDFName.of("Filter"), PDFName.of("FlateDecode"));
    // The CCITT / JBIG2 parameters (and JBIG2Globals) go with their filter.
    if (p.predictor) dict.set(PDFName.of("DecodeParms"), doc.context.obj({ Predictor: 15, Colors: p.colors, BitsPerComponent: p.bpc, Columns: p.width }));
    else dict.delete(PDFName.of("DecodeParms"));
    doc.context.assign(ref, PDFRawStream.of(dict, p.flate));
    done.add(hash);
  }
  if (done.size !== wanted.size) throw new EngineError("REDACTION_ENGINE_RETRY", "A painted image was not found in the document");
}

function multiply(child: Matrix, parent: Matrix): Matrix {
  const [a, b, c, d, e, f] = child;
  const [A, B, C, D, E, F] = parent;
  return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F];
}

/** Characters Helvetica (WinAnsi) can show; others become "?" rather than failing the page. */
function encodable(font: PDFFont, s: string): string {
  const set = new Set(font.getCharacterSet());
  return [...s].map((ch) => (set.has(ch.codePointAt(0)!) ? ch : "?")).join("");
}

/**
 * Draws each word invisibly (render mode 3) over its box: sized so the glyphs span the box height and
 * squeezed horizontally to its width, so selecting or searching highlights the right place.
 * Coordinates: x from the left, baseline from the bottom of the displayed page.
 */
function drawInvisibleWords(page: PDFPage, font: PDFFont, words: readonly Word[], pageHeight: number, fromOcr: boolean): void {
  page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.Invisible));
  for (const w of words) {
    const t = encodable(font, w.text);
    if (!t.trim()) continue;
    // An OCR box ends at the baseline unless the word has a descender, then at the descender's foot: drawn
    // on the box's bottom, a "y" or "g" would reach a fifth of a line into the line below, where an area may
    // be, and verification would rightly count that glyph as text under the area. Such words are sized so
    // ascent and descent both fit in the box, like text-layer words.
    const descends = !fromOcr || /[gjpqyQ,;()[\]{}|@_$]/.test(t);
    const size = Math.max(1, descends ? w.box.height / (ASCENT + DESCENT) : w.box.height / ASCENT);
    const natural = font.widthOfTextAtSize(t, size);
    const squeeze = natural > 0 ? Math.max(1, Math.min(1000, (100 * w.box.width) / natural)) : 100;
    const baseline = pageHeight - (w.box.y + w.box.height) + (descends ? DESCENT * size : 0);
    page.pushOperators(setCharacterSqueeze(squeeze));
    page.drawText(t, { x: w.box.x, y: baseline, size, font });
  }
  page.pushOperators(setCharacterSqueeze(100), popGraphicsState());
}

/**
 * Drops what could carry text outside the page content: the Info dictionary and XMP metadata, forms,
 * attachments and JavaScript (the Names tree), open actions, outlines, the structure tree (ActualText,
 * Alt) and, per page, annotations and actions. The output is a new document built from copied pages, so
 * catalog entries never reach it anyway; stripping the source also keeps copyPages from following them.
 */
function stripDocument(doc: PDFDocument): StructureRemoved {
  const cat = doc.catalog;
  const has = (k: string) => cat.has(PDFName.of(k));
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  const removed: StructureRemoved = {
    infoDictionary: info instanceof PDFDict && info.keys().length > 0,
    xmpMetadata: has("Metadata"),
    annotations: 0,
    formFields: has("AcroForm"),
    attachmentsAndJavaScript: has("Names"),
    openAction: has("OpenAction") || has("AA"),
    outlines: has("Outlines"),
    structureTree: has("StructTreeRoot") || has("MarkInfo"),
  };
  for (const k of ["Metadata", "AcroForm", "Names", "OpenAction", "AA", "Outlines", "StructTreeRoot", "MarkInfo", "Dests", "PieceInfo"]) cat.delete(PDFName.of(k));
  for (const page of doc.getPages()) {
    const annots = page.node.Annots();
    if (annots) removed.annotations += annots.size();
    for (const k of PAGE_KEYS_DROPPED) page.node.delete(PDFName.of(k));
  }
  return removed;
}
