/**
 * Shared shapes of the PDF engine.
 *
 * Coordinate convention (used by every box in this folder): PDF points (1/72 inch) on the page AS
 * DISPLAYED, i.e. after its /Rotate is applied, with the origin at the TOP-LEFT corner, x growing to the
 * right and y growing downwards. This is the convention of images and of screen overlays, so a box can
 * be drawn on a rendered page by multiplying by `dpi / 72`, and a redaction plugin never has to think about
 * /Rotate or the PDF's bottom-left user space. To go back to PDF user space, see `displayedToUserSpace`.
 */

/** An axis-aligned rectangle in displayed-page points, top-left origin (see file comment). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One whitespace-delimited word with its box (top-left origin, displayed page, PDF points). */
export interface Word {
  text: string;
  box: Box;
}

/** A word found by OCR, with Tesseract's confidence (0-100). */
export interface OcrWord extends Word {
  confidence: number;
}

export interface PageText {
  /** 1-based page number. */
  page: number;
  /** Width of the displayed (rotated) page in PDF points. */
  width: number;
  /** Height of the displayed (rotated) page in PDF points. */
  height: number;
  /** The page's /Rotate, normalised to 0, 90, 180 or 270. */
  rotation: number;
  /** Text in reading order: words of a line joined by one space, lines joined by "\n". */
  text: string;
  /** Words in the same reading order as `text`; boxes use the top-left displayed convention. */
  words: Word[];
}

export interface PdfInfo {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creator?: string;
  producer?: string;
  /** ISO 8601, when the document carries a parseable date. */
  creationDate?: string;
  modDate?: string;
  pdfVersion?: string;
}

export interface ExtractOptions {
  /** Refuse documents with more pages than this (PDF_TOO_MANY_PAGES). */
  maxPages?: number;
  /** Read only the first N pages (`pageCount` still counts all): a tagger that reads 3 pages parses 3. */
  firstPages?: number;
  /** User password of an encrypted document. */
  password?: string;
}

export interface ExtractResult {
  pageCount: number;
  info: PdfInfo;
  pages: PageText[];
}

export interface RenderOptions {
  /** Dots per inch of the output image (default 150). */
  dpi?: number;
  password?: string;
}

export interface RenderResult {
  png: Buffer;
  widthPx: number;
  heightPx: number;
  /** Pixels per PDF point (dpi / 72). */
  scale: number;
}

export interface OcrOptions {
  /** Tesseract language code(s) such as "eng" or ["eng", "deu"]; see languagesAvailable(). Default "eng". */
  lang?: string | string[];
  /** Size of the displayed page the image shows, in points: boxes are scaled from pixels to these. */
  pageWidthPt: number;
  pageHeightPt: number;
  /**
   * Ignored since issue 12 (a global threshold turns specks into text): the page is measured and
   * denoised instead. Kept so existing callers still type-check.
   */
  threshold?: boolean | number;
  /**
   * Add Hindi (`hin`) when the page turns out to be in Devanagari (OSD's script, or a second pass over
   * words the first could not read). Languages asked for are always used. Default true.
   */
  scriptDetection?: boolean;
  /** Milliseconds one page may take, all passes included (default DOCMILL_OCR_PAGE_TIMEOUT_MS or 60 s). */
  timeoutMs?: number;
  /**
   * "full" (default): words with exact boxes, and the ink no word covers read again (clusters, or a
   * sparse pass), which redaction needs. "text": the text only, for callers that read topics (tagging):
   * no word boxes returned (`words` is empty) and no cluster or sparse pass; a second pass only when the
   * first reads weakly, as in full mode.
   */
  mode?: OcrMode;
}

export type OcrMode = "full" | "text";

/** One recognition pass over a page. */
export interface OcrPass {
  name: string;
  langs: string[];
  /** Mean word confidence 0-100. */
  confidence: number;
  words: number;
  timedOut?: boolean;
}

/** How a page was read: what was measured, what was done to it, which pass won. */
export interface OcrPageReport {
  /**
   * "unreadable": no words after every pass; "timeout": the page timeout ran out before any pass finished
   * (no words). A later pass that runs out of time leaves status "ok" with the earlier pass's words and
   * `timedOut` set.
   */
  status: "ok" | "unreadable" | "timeout";
  /**
   * The step the page timeout stopped ("osd", "auto", a retry's name, "clusters", "sparse"); `terminated`:
   * a recognition was running and its Tesseract worker was killed and is replaced for the next page.
   */
  timedOut?: { step: string; terminated: boolean; limitMs: number };
  /** The pass whose words were kept. */
  pass: "primary" | "retry";
  passes: OcrPass[];
  /** Languages of the kept pass. */
  langs: string[];
  /** Clockwise rotation the content had on the image (0, 90, 180, 270); the page was OCR'd upright. */
  rotation: 0 | 90 | 180 | 270;
  /** Skew corrected, degrees (clockwise positive), 0 when none. */
  skew: number;
  /** The steps applied, in order, e.g. ["median3", "despeckle:812", "rotate:270", "deskew:1.4"]. */
  preprocessing: string[];
  /**
   * dpi, specks per megapixel, stroke width px, ink %, column/row profile ratio (> 1: text runs vertically),
   * % of glyph-sized ink no word of the kept pass covers; `scanDpi` (text mode only): the resolution of the
   * page's scanned picture when the page is one (the page was rendered at it when below the dpi asked for).
   */
  measured: { dpi: number; specksPerMp: number; stroke: number; ink: number; sideways?: number; uncovered?: number; scanDpi?: number };
  osd?: { script?: string; scriptConfidence: number; orientationConfidence: number };
  /**
   * What the glyph shapes said before recognition: letters judged, ascender-like and descender-like glyphs,
   * Devanagari headlines on top / at the bottom, the turn that makes the page upright (null: unclear, OSD
   * was asked) and whether Devanagari was seen.
   */
  probe?: { letters: number; above: number; below: number; headlinesTop: number; headlinesBottom: number; rotate: 0 | 90 | 180 | 270 | null; devanagari: boolean };
  /** Total milliseconds, and per step (decode, measure, denoise, probe, osd, skew, rotate, pass1, pass2). */
  ms: number;
  timings: Record<string, number>;
}

export interface OcrResult {
  text: string;
  /** Mean word confidence 0-100 (0 when nothing was recognised). */
  confidence: number;
  words: OcrWord[];
  /** How the page was read (absent only for results made before issue 12). */
  report?: OcrPageReport;
}

export interface ExtractWithOcrOptions extends ExtractOptions {
  lang?: string | string[];
  /** A page whose text layer has fewer non-space characters than this is OCRed (default 20). */
  minChars?: number;
  /** Resolution pages are rendered at for OCR (default 300). */
  dpi?: number;
  /** See OcrOptions.scriptDetection; also looks at the text-layer pages. Default true. */
  scriptDetection?: boolean;
  /** A cancelled job: the OCR tasks still queued or running are stopped (the task rejects with AbortError). */
  signal?: AbortSignal;
  /**
   * A scanned page whose OCR ran out of time (DOCMILL_OCR_PAGE_TIMEOUT_MS) before any pass finished:
   * "fail" (default) throws PdfError PDF_LIMIT_EXCEEDED (reason "ocr-time", naming the page), since a
   * page read as empty would pass its PII through a redaction unseen; "keep" returns it with no words and
   * `ocr.status: "timeout"`.
   */
  ocrTimeout?: "fail" | "keep";
  /** Milliseconds the OCR of one scanned page may take, all passes included (default DOCMILL_OCR_PAGE_TIMEOUT_MS or 60 s). */
  ocrTimeoutMs?: number;
}

export interface PageTextWithSource extends PageText {
  source: "text" | "ocr";
  /** Mean OCR confidence of the page when source is "ocr". */
  confidence?: number;
  /** How an OCR'd page was read (passes, rotation, skew, languages). */
  ocr?: OcrPageReport;
}

export interface ExtractWithOcrResult {
  pageCount: number;
  info: PdfInfo;
  pages: PageTextWithSource[];
}
