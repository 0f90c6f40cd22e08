/**
 * Shapes shared by the PII recognisers. The PDF engine produces `PageInput`; `detect()` returns
 * `Finding`s. Everything here is plain data so detectors stay pure (STYLE.md convention 6).
 */

import type { Box, Detection, Word as EngineWord } from "../../../sdk";

/** A rectangle in PDF points, origin at the top-left corner of the displayed (rotated) page. */
export type { Box };

/** One word as the PDF engine or OCR saw it. `confidence` is 0-100 and only set by OCR. */
export interface Word extends EngineWord {
  confidence?: number;
  /**
   * Set by the plugin on a text-layer word the rendered page does not show: "covered" (visibility.ts)
   * under an opaque box, image or highlight drawn on top, or in the colour of its background;
   * "offPage" (hidden-text.ts) drawn outside the page's visible box, its box then moved to the page edge.
   */
  hidden?: "covered" | "offPage";
}

/** One page of words. `page` is 1-based; width/height are the displayed page size in points. */
export interface PageInput {
  page: number;
  width: number;
  height: number;
  words: Word[];
  source: "text" | "ocr";
}

/** A detected entity, ready for review and redaction: the wire `Detection` (shared/wire/detections.ts). */
export type Finding = Detection;

/**
 * How much a recogniser's result can be trusted when spans collide. Checksum-validated matches
 * (IBAN, card numbers) beat format-validated ones (email, phone, IP, SSN, dates, custom patterns,
 * keywords), which beat NLP heuristics (people, places, organisations).
 */
export type Strength = "checksum" | "validated" | "heuristic";

/** A character span in a TextModel's `text`, before it is mapped back to boxes. */
export interface Candidate {
  start: number;
  /** Exclusive. */
  end: number;
  label: string;
  score: number;
  recognizer: string;
  strength: Strength;
}
