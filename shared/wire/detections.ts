/**
 * The redaction plugin's findings and verification on the wire, declared once: the plugin builds them
 * (plugins/redaction, through the SDK's re-export: plugins import only sdk/), the orchestrator serves
 * them (the job's `detections` file, the job view's `verification`), the web review screen reads them
 * (web/src/api/redaction.ts). Types only. Coordinates are PDF points with a top-left origin on the page
 * as displayed (rotation applied); pages are 1-based.
 */

export interface DetectionBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a page's words came from: its text layer or OCR of its pixels. */
export type DetectionSource = "text" | "ocr";

/** One page of the detections file. */
export interface DetectionPage {
  page: number;
  width: number;
  height: number;
  rotation: number;
  source: DetectionSource;
  /** Mean OCR confidence (0..100) of a scanned page. */
  confidence?: number;
}

/** One finding. */
export interface Detection {
  /** Stable id: a hash of page, label, text and boxes, so re-running detection yields the same ids. */
  id: string;
  label: string;
  text: string;
  page: number;
  /** One rectangle per text line the entity spans (union of its word boxes on that line, padded). */
  boxes: DetectionBox[];
  /** 0..1, after context boosting and OCR-confidence reduction. */
  score: number;
  source: DetectionSource;
  /** Name of the recogniser that produced it (built-in name or the configured custom name). */
  recognizer: string;
}

/** How the file states its coordinates (the plugin writes this; a reader may assume it when absent). */
export const DETECTION_COORDINATES = {
  unit: "pt",
  origin: "top-left of the page as displayed (after /Rotate)",
  pages: "1-based",
} as const;
export type DetectionCoordinates = typeof DETECTION_COORDINATES;

/** The job's `detections` file (GET /v1/jobs/:id/files/detections), the pause result at readyForReview. */
export interface DetectionResult {
  phase: "detection";
  pageCount: number;
  coordinates: DetectionCoordinates;
  pages: DetectionPage[];
  findings: Detection[];
  /** Labels the job may use for hand-drawn areas (built-in plus the configuration's custom labels). */
  labels: string[];
}

export type VerificationMethod = "textLayer" | "ocr" | "objects" | "streams" | "structure";

export interface VerificationLeak {
  page: number;
  method: VerificationMethod;
  /** How many distinct redacted strings (or residues, for "objects") were found (never the strings). */
  count: number;
}

/** The read-back after a redaction (counts and page numbers, never the strings). */
export interface Verification {
  method: VerificationMethod[];
  /** Distinct redacted strings looked for, summed over pages. */
  redactedStrings: number;
  /** Covered words too short to check reliably. */
  unchecked: number;
  pagesChecked: number[];
  /** Pages whose pixels were OCRed (their image content was touched). */
  pagesOcr: number[];
  /** Decompressed streams searched. */
  streamsScanned: number;
  leaks: number;
  leakDetails: VerificationLeak[];
  /** Structure problems found (names of the entries still present); empty when clean. */
  structureProblems: string[];
}

/** The verification a finished job shows (the job view's `verification`, the report's). */
export interface VerificationRecord extends Verification {
  verifiedAt: string;
}
