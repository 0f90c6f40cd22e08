/**
 * The redaction engine: object-level redaction with PDFium (engine.ts) on every page with areas, the
 * raster fallback only for a page whose result could not be proven clean, then the whole document
 * rewritten and stripped (finish.ts). Pages without areas keep their content stream bytes.
 *
 * Text pages keep their own text (fonts, encodings, positions) minus the glyphs under the areas. Scanned
 * pages (a text layer of fewer than `minChars` characters) keep their image with the areas painted into
 * the pixels, and get an invisible text layer of the words OCR reads on the REDACTED page: one OCR pass
 * that is both the scan's searchable layer and verification's OCR of the output. Raster fallback pages get
 * the invisible layer of the original words no area touches (text pages) or the same OCR (scans).
 */
import { runOffLoop, type PdfPool, type Word } from "../../../sdk";
import { redactionEngine, type RedactionEngine } from "./engine-pool";
import type { EnginePage, PageMethod, Residue } from "./engine";
import type { StructureRemoved, TextLayer } from "./finish";
import { areasByPage, clampToPage, reachPastEdges, type PageSecrets, type RedactionArea } from "./geometry";
import type { InspectRequest } from "./inspect";
import type { PagePlan, PagePlanInput } from "./page-plan";

/** The per-page word and secret arithmetic (page-plan.ts), loaded by the compute thread. */
const PLAN_MODULE = require.resolve("./page-plan");

export type { StructureRemoved } from "./finish";

/** The part of the PDF engine's pool the redaction engine uses: OCR (tests may pass their own pool). */
export type RedactPool = Pick<PdfPool, "ocr">;

export interface ApplyOptions {
  pool: RedactPool;
  /** The PDFium threads (default: the process-wide engine). */
  engine?: RedactionEngine;
  /** Resolution of raster fallback pages and of the OCR renders of scans (default 200). */
  dpi?: number;
  /** Invisible text layer of the remaining words on scans and raster pages (default true). */
  searchable?: boolean;
  /** OCR languages for scanned pages (default "eng"). */
  lang?: string | string[];
  /** A page whose text layer has fewer non-space characters is treated as a scan (default 20, as detection). */
  minChars?: number;
  jpegQuality?: number;
  /** Pages to put through the raster fallback whatever the engine proves (tests, operators). */
  forceRaster?: number[];
  /**
   * Words detection already read on scanned pages (OCR, displayed top-left points), by page: those pages
   * are not OCRed again; their invisible text layer is these words minus the ones an area touches.
   */
  scanWords?: ReadonlyMap<number, Word[]>;
  /** Paint plain JPEG images natively (images.ts) rather than in PDFium (default true). */
  ownImages?: boolean;
  signal?: AbortSignal;
  onPage?(done: number, total: number): void | Promise<void>;
}

/** One redacted page in the report: how it was redacted and what was removed (counts, never content). */
export interface RedactedPage {
  page: number;
  width: number;
  height: number;
  areas: number;
  /** "objects": glyphs, pixels and paths removed in place; "raster": the page became an image (fallback). */
  method: PageMethod;
  /** The page had a text layer ("text") or was a scan ("scan"). */
  kind: "text" | "scan";
  /** Where the page's searchable text comes from after redaction. */
  textSource: "original" | "textLayer" | "ocr" | "none";
  keptWords: number;
  droppedWords: number;
  glyphsRemoved: number;
  imagesPainted: number;
  pathsRemoved: number;
  pathsCut: number;
  marksCleared: number;
  /** Why a page fell back to raster: what was still under an area after object-level redaction. */
  residue?: Residue;
}

/** The OCR of a redacted page's pixels, for verification. */
export interface OcrCheck {
  page: number;
  text: string;
}

export interface ApplyResult {
  pdf: Uint8Array;
  pageCount: number;
  pages: RedactedPage[];
  /** Per redacted page, what verification must not find. */
  secrets: PageSecrets[];
  /** What verification's object and stream inspection looks at. */
  inspect: InspectRequest[];
  /** OCR of the output's pixels on pages whose image content was touched. */
  ocr: OcrCheck[];
  removed: StructureRemoved;
  /** Milliseconds per stage (the engine's own stages, OCR, the rewrite), for benchmarks; never content. */
  timings: Record<string, number>;
}

export class RedactionInputError extends Error {
  readonly type = "REDACTION_INVALID";
}

export async function applyRedactions(input: Uint8Array, areas: readonly RedactionArea[], opts: ApplyOptions): Promise<ApplyResult> {
  const byPage = areasByPage(areas);
  for (const p of byPage.keys()) if (!Number.isInteger(p) || p < 1) throw new RedactionInputError(`Page ${p} does not exist`);
  try {
    return await applyOnce(input, byPage, opts, opts.ownImages ?? true);
  } catch (err) {
    // An image images.ts painted could not be put back exactly: PDFium paints them all instead.
    if ((err as { type?: string })?.type !== "REDACTION_ENGINE_RETRY") throw err;
    return applyOnce(input, byPage, opts, false);
  }
}

async function applyOnce(input: Uint8Array, byPage: Map<number, RedactionArea[]>, opts: ApplyOptions, ownImages: boolean): Promise<ApplyResult> {
  const engine = opts.engine ?? redactionEngine;
  const dpi = opts.dpi ?? 200;
  const minChars = opts.minChars ?? 20;
  const searchable = opts.searchable ?? true;
  const known = opts.scanWords ?? new Map<number, Word[]>();
  const t0 = performance.now();
  // PDFium reads the input's text layer (words for the secrets and raster pages' layers) in the same
  // pass that redacts it: no second parser holding a whole document in memory.
  const engineOut = await engine.redact(input, [...byPage].map(([page, list]) => ({ page, boxes: list.map((a) => a.box) })), {
    dpi, jpegQuality: opts.jpegQuality, forceRaster: opts.forceRaster, minChars, ownImages,
    wordsKnown: [...known.keys()], renderScans: searchable,
  }, opts.signal).catch((err: { type?: string; message?: string }) => {
    throw err?.type === "REDACTION_INVALID" ? new RedactionInputError(err.message) : err;
  });
  const pageCount = engineOut.pageCount;
  const timings: Record<string, number> = { engine: performance.now() - t0, ocr: 0 };
  for (const [k, v] of Object.entries(engineOut.timings)) timings[`engine.${k}`] = v;
  opts.signal?.throwIfAborted();
  const enginePages = new Map(engineOut.pages.map((p) => [p.page, p]));
  const requests: Array<{ page: number; areas: RedactionArea[]; scan: boolean }> = [];
  for (const [page, list] of byPage) {
    const ep = enginePages.get(page);
    if (!ep) continue; // every area was off the page
    const clamped = list.map((a) => ({ ...a, box: clampToPage(a.box, ep.width, ep.height) }))
      .filter((a): a is RedactionArea => a.box !== null);
    requests.push({ page, areas: clamped, scan: ep.scan });
  }
  const rasters = new Map(engineOut.raster.map((r) => [r.page, r]));
  const renders = new Map(engineOut.renders.map((r) => [r.page, r]));

  const pages: RedactedPage[] = [];
  const secrets: PageSecrets[] = [];
  const layers: TextLayer[] = [];
  const ocr: OcrCheck[] = [];
  const pixelPages = new Set<number>();
  let done = 0;
  await Promise.all(requests.map(async (req) => {
    const ep = enginePages.get(req.page)!;
    const info = { width: ep.width, height: ep.height, words: ep.words };
    const raster = rasters.get(req.page);
    // A scan whose words detection did not pass along is OCRed once, for its text layer: the engine
    // rendered it with the areas painted. (Verification OCRs the finished output's areas itself.)
    const image = raster?.jpeg ?? renders.get(req.page)?.png;
    let ocrWords = req.scan ? known.get(req.page) : undefined;
    const fromOriginal = ocrWords !== undefined;
    if (!ocrWords && image && req.scan) {
      opts.signal?.throwIfAborted();
      const o0 = performance.now();
      const r = await opts.pool.ocr(image, { lang: opts.lang, pageWidthPt: info.width, pageHeightPt: info.height });
      timings.ocr! += performance.now() - o0;
      ocrWords = r.words;
      ocr.push({ page: req.page, text: r.text });
    }
    // A "scan" may still carry a little real text (a page number, a caption): that text stays as it is,
    // so OCR words over it are not added a second time. A scan's secrets: the findings' text, with the
    // copies OCR still reads outside every area allowed; with the original page's words (detection's
    // OCR), also every word an area covers. In a compute thread: on a dense page this is seconds of
    // arithmetic over a long document, which must not hold the loop the API shares (issue 14).
    const needsLayer = searchable && (req.scan || raster !== undefined);
    const plan = await runOffLoop<PagePlan>(PLAN_MODULE, "planPage", [{
      page: req.page,
      words: req.scan ? (ocrWords ?? []) : info.words,
      ...(req.scan ? { textWords: info.words } : {}),
      // As the engine applies them: an area at the page edge covers the words drawn beyond it, so they
      // are secrets verification checks and stay out of a rebuilt page's text layer.
      areas: req.areas.map((a) => ({ ...a, box: reachPastEdges(a.box, info.width, info.height) })),
      coveredWords: !req.scan || fromOriginal,
      keepWords: needsLayer,
    } satisfies PagePlanInput], opts.signal);
    // PDFium's word boxes are tight glyph boxes, like OCR's.
    if (needsLayer && plan.kept?.length) layers.push({ page: req.page, words: plan.kept, fromOcr: true });
    secrets.push(plan.secrets);
    if (req.scan || raster || ep.imageTouched) pixelPages.add(req.page);
    pages.push(describe(req.page, info, ep, req.areas.length, req.scan, needsLayer, plan));
    await opts.onPage?.(++done, requests.length);
  }));
  pages.sort((a, b) => a.page - b.page);
  secrets.sort((a, b) => a.page - b.page);
  ocr.sort((a, b) => a.page - b.page);

  const f0 = performance.now();
  timings.pages = f0 - t0 - timings.engine!;
  // finish.ts needs each page's geometry, not its words: they would only be copied to the thread and back.
  const geometry = engineOut.pages.map(({ words: _words, ...p }) => ({ ...p, words: [] }));
  const finished = await engine.finish({ pdf: engineOut.pdf, pages: geometry, raster: engineOut.raster, textLayers: layers, painted: engineOut.painted }, opts.signal);
  return {
    pdf: finished.pdf,
    pageCount,
    pages,
    secrets,
    inspect: requests.map((r) => ({ page: r.page, boxes: r.areas.map((a) => a.box), ...(pixelPages.has(r.page) ? { ocr: true } : {}) })),
    ocr,
    removed: finished.removed,
    timings: { ...timings, finish: performance.now() - f0 },
  };
}

function describe(
  page: number, info: { width: number; height: number }, ep: EnginePage, areas: number, scan: boolean, layered: boolean,
  plan: Pick<PagePlan, "keptCount" | "droppedCount">,
): RedactedPage {
  const textSource = !scan && ep.method === "objects" ? "original" : !layered ? "none" : scan ? "ocr" : "textLayer";
  return {
    page, width: info.width, height: info.height, areas, method: ep.method, kind: scan ? "scan" : "text", textSource,
    keptWords: plan.keptCount, droppedWords: plan.droppedCount,
    glyphsRemoved: ep.glyphsRemoved, imagesPainted: ep.method === "objects" ? ep.imagesPainted : 0,
    pathsRemoved: ep.pathsRemoved, pathsCut: ep.pathsCut, marksCleared: ep.marksCleared,
    ...(ep.residue ? { residue: ep.residue } : {}),
  };
}
