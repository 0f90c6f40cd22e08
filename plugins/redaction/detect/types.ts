/**
 * Shapes shared by the PII recognisers. The PDF engine produces `PageInput`; `detect()` returns
 * `Finding`s. Everything here is plain data so detectors stay pure (STYLE.md convention 6).
 */

import type { Box, Word as EngineWord } from "../../../sdk";

/** A rectangle in PDF points, origin at the top-left corner of the displayed (rotated) page. */
export type { Box };

/** One word as the PDF engine or OCR saw it. `confidence` is 0-100 and only set by OCR. */
export interface Word extends EngineWord {
  confidence?: number;
}

/** One page of words. `page` is 1-based; width/height are the displayed page size in points. */
export interface PageInput {
  page: number;
  width: number;
  height: number;
  words: Word[];
  source: "text" | "ocr";
}

/** A detected entity, ready for review and redaction. */
export interface Finding {
  /** Stable id: a hash of page, label, text and boxes, so re-running detection yields the same ids. */
  id: string;
  label: string;
  text: string;
  page: number;
  /** One rectangle per text line the entity spans (union of its word boxes on that line, padded). */
  boxes: Box[];
  /** 0..1, after context boosting and OCR-confidence reduction. */
  score: number;
  source: "text" | "ocr";
  /** Name of the recogniser that produced it (built-in name or the configured custom name). */
  recognizer: string;
}

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
