/**
 * The redaction engine: every page with an area is rebuilt as an image with the areas painted opaque, so
 * nothing under them survives in any form (text, vector, image, OCR layer, marked content); pages without
 * areas are copied unchanged (same content stream bytes), so their text stays selectable. Document-level
 * carriers of hidden text are dropped from every page and from the catalog.
 *
 * Rebuilt pages get an invisible text layer (render mode 3) of the words no area touches, so the output
 * stays searchable: the text layer's own words for pages that had one (exact and cheap), OCR of the
 * original page image for scans.
 */
import sharp from "sharp";
import {
  PDFDict, PDFDocument, PDFName, StandardFonts, TextRenderingMode, popGraphicsState, pushGraphicsState,
  setCharacterSqueeze, setTextRenderingMode, type PDFFont, type PDFPage,
} from "pdf-lib";
import type { PdfPool } from "../../../services/lib/pdf/pool";
import type { Box, Word } from "../../../services/lib/pdf/types";
import { areasByPage, clampToPage, pageSecrets, partitionWords, type PageSecrets, type RedactionArea } from "./geometry";

/** The parts of the PDF engine's pool the engine uses (tests may pass their own pool). */
export type RedactPool = Pick<PdfPool, "extract" | "render" | "ocr">;

export interface ApplyOptions {
  pool: RedactPool;
  /** Resolution of rebuilt pages (default 200). */
  dpi?: number;
  /** Invisible text layer of the remaining words on rebuilt pages (default true). */
  searchable?: boolean;
  /** OCR languages for scanned pages (default "eng"). */
  lang?: string | string[];
  /** A page whose text layer has fewer non-space characters is treated as a scan (default 20, as detection). */
  minChars?: number;
  jpegQuality?: number;
  signal?: AbortSignal;
  onPage?(done: number, total: number): void | Promise<void>;
}

export interface RebuiltPage {
  page: number;
  width: number;
  height: number;
  areas: number;
  /** Where the invisible text layer's words came from. */
  textSource: "textLayer" | "ocr" | "none";
  keptWords: number;
  droppedWords: number;
}

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

export interface ApplyResult {
  pdf: Uint8Array;
  pageCount: number;
  rebuilt: RebuiltPage[];
  /** Per rebuilt page, what verification must not find. */
  secrets: PageSecrets[];
  removed: StructureRemoved;
}

/** Helvetica's ascender and descender (AFM), as fractions of the font size. */
const ASCENT = 0.718;
const DESCENT = 0.207;

/** Page-level entries that can carry text or actions and that a copied page does not need. */
const PAGE_KEYS_DROPPED = ["Annots", "AA", "Metadata", "PieceInfo", "B", "Thumb", "StructParents", "Tabs"];

export class RedactionInputError extends Error {
  readonly type = "REDACTION_INVALID";
}

export async function applyRedactions(input: Uint8Array, areas: readonly RedactionArea[], opts: ApplyOptions): Promise<ApplyResult> {
  const dpi = opts.dpi ?? 200;
  const minChars = opts.minChars ?? 20;
  const searchable = opts.searchable ?? true;
  const text = await opts.pool.extract(input);
  const src = await PDFDocument.load(input, { updateMetadata: false });
  const pageCount = src.getPageCount();
  const byPage = areasByPage(areas);
  for (const p of byPage.keys()) {
    if (!Number.isInteger(p) || p < 1 || p > pageCount) throw new RedactionInputError(`Page ${p} does not exist: the document has ${pageCount} pages`);
  }

  const removed = stripDocument(src);
  const out = await PDFDocument.create({ updateMetadata: false });
  out.setProducer("docmill redaction");
  const untouched = src.getPageIndices().filter((i) => !byPage.has(i + 1));
  const copied = new Map<number, PDFPage>();
  (await out.copyPages(src, untouched)).forEach((pg, k) => copied.set(untouched[k]!, pg));
  const font = searchable ? await out.embedFont(StandardFonts.Helvetica) : undefined;

  const rebuilt: RebuiltPage[] = [];
  const secrets: PageSecrets[] = [];
  let done = 0;
  for (let i = 0; i < pageCount; i++) {
    const kept = copied.get(i);
    if (kept) {
      out.addPage(kept);
      continue;
    }
    opts.signal?.throwIfAborted();
    const info = text.pages[i]!;
    const pageAreas = byPage.get(i + 1)!.map((a) => ({ ...a, box: clampToPage(a.box, info.width, info.height) }))
      .filter((a): a is RedactionArea => a.box !== null);
    const boxes = pageAreas.map((a) => a.box);
    const { png, scale } = await opts.pool.render(input, i + 1, { dpi });
    const isScan = info.text.replace(/\s+/g, "").length < minChars;
    let words: Word[] = info.words;
    if (isScan) words = (await opts.pool.ocr(png, { lang: opts.lang, pageWidthPt: info.width, pageHeightPt: info.height })).words;
    const image = await paint(png, boxes, scale, opts.jpegQuality ?? 85);
    const part = partitionWords(words, boxes);
    const page = out.addPage([info.width, info.height]);
    page.drawImage(await out.embedJpg(image), { x: 0, y: 0, width: info.width, height: info.height });
    if (font) drawInvisibleWords(page, font, part.kept, info.height, isScan);
    rebuilt.push({
      page: i + 1, width: info.width, height: info.height, areas: pageAreas.length,
      textSource: !font ? "none" : isScan ? "ocr" : "textLayer", keptWords: font ? part.kept.length : 0, droppedWords: part.dropped.length,
    });
    secrets.push(pageSecrets(i + 1, words, pageAreas));
    await opts.onPage?.(++done, byPage.size);
  }
  // pdf-lib gives new pages an empty /Annots; an output page carries no annotations at all.
  for (const pg of out.getPages()) pg.node.delete(PDFName.of("Annots"));
  const pdf = await out.save({ useObjectStreams: true, addDefaultPage: false });
  return { pdf, pageCount, rebuilt, secrets, removed };
}

/** Paints the boxes opaque black on the page image and re-encodes it (the pixels under them are gone). */
export async function paint(png: Buffer, boxes: readonly Box[], scale: number, quality: number): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  const W = meta.width ?? 0;
  const H = meta.height ?? 0;
  const overlays = boxes.flatMap((b) => {
    // Outwards rounding: a partly covered pixel is painted too.
    const left = Math.max(0, Math.floor(b.x * scale));
    const top = Math.max(0, Math.floor(b.y * scale));
    const right = Math.min(W, Math.ceil((b.x + b.width) * scale));
    const bottom = Math.min(H, Math.ceil((b.y + b.height) * scale));
    if (right <= left || bottom <= top) return [];
    return [{ input: { create: { width: right - left, height: bottom - top, channels: 3 as const, background: { r: 0, g: 0, b: 0 } } }, left, top }];
  });
  return sharp(png).flatten({ background: "#ffffff" }).composite(overlays).jpeg({ quality }).toBuffer();
}

/** Characters Helvetica (WinAnsi) can show; others become "?" rather than failing the page. */
function encodable(font: PDFFont, s: string): string {
  const set = new Set(font.getCharacterSet());
  return [...s].map((ch) => (set.has(ch.codePointAt(0)!) ? ch : "?")).join("");
}

/**
 * Draws each word invisibly (render mode 3) over its box: sized so the glyphs span the box height and
 * squeezed horizontally to its width, so selecting or searching highlights the right place.
 */
function drawInvisibleWords(page: PDFPage, font: PDFFont, words: readonly Word[], pageHeight: number, fromOcr: boolean): void {
  page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.Invisible));
  for (const w of words) {
    const t = encodable(font, w.text);
    if (!t.trim()) continue;
    // OCR boxes are tight glyph boxes (cap height to baseline for most words); text-layer boxes span ascent..descent.
    const size = Math.max(1, fromOcr ? w.box.height / ASCENT : w.box.height / (ASCENT + DESCENT));
    const natural = font.widthOfTextAtSize(t, size);
    const squeeze = natural > 0 ? Math.max(1, Math.min(1000, (100 * w.box.width) / natural)) : 100;
    const baseline = pageHeight - (w.box.y + w.box.height) + (fromOcr ? 0 : DESCENT * size);
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
