/**
 * What the redaction plugin stores and exchanges: its options, the detection result (the `detections`
 * file and the pause result), the reviewer's input on resume and the final result. The orchestrator
 * service reads these shapes; keep them additive.
 */
import type { ScanWords } from "./redact/scan-words";
import type { DetectionConfigInput } from "./detect/config";
import type { RedactedPage, StructureRemoved } from "./redact/apply";
import type { DetectionPage, DetectionResult, VerificationRecord } from "../../sdk";
import type { Certificate } from "./redact/certificate";

export interface RedactionOptions {
  /** Merged detection configuration (the orchestrator merges the default configuration and the job's override). */
  detection: DetectionConfigInput;
  /** Tesseract languages for scanned pages. */
  ocrLanguages: string[];
  /** Invisible text layer of the unredacted words on redacted scans and raster fallback pages. */
  searchable: boolean;
  /** Resolution of raster fallback pages and of the OCR of redacted scans. */
  dpi: number;
  /** Resolution scanned pages are OCRed at during detection. */
  ocrDpi: number;
  maxPages: number;
}

export type { DetectionResult, VerificationRecord };
export type PageSummary = DetectionPage;

export const COORDINATES = {
  unit: "pt",
  origin: "top-left of the page as displayed (after /Rotate)",
  pages: "1-based",
} as const satisfies DetectionResult["coordinates"];

/**
 * The pause result at `readyForReview`: the `detections` file (the wire DetectionResult, shared/wire) plus
 * the OCR words of the scanned pages for the redaction run (redact/scan-words.ts), which the file leaves out.
 */
export type DetectionRun = DetectionResult & { scanWords?: ScanWords };

/** One area of the reviewer's list, as the orchestrator passes it to the plugin on resume. */
export interface ReviewArea {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  source: "detection" | "manual";
  findingId?: string;
}

export interface ReviewInput {
  areas: ReviewArea[];
  /** Who reviewed and when (user id, ISO time), for the certificate; absent from older orchestrators. */
  reviewer?: { id: string; at: string };
}

export interface ReportArea {
  page: number;
  box: { x: number; y: number; width: number; height: number };
  label: string;
  source: "detection" | "manual";
  findingId?: string;
  /** Recogniser and score of a detection area. */
  detector?: string;
  score?: number;
}

/** The `report` file: what was removed where; never any text of the document. */
export interface RedactionReport {
  jobId: string;
  fileName: string;
  pageCount: number;
  coordinates: typeof COORDINATES;
  areas: ReportArea[];
  pages: RedactedPage[];
  untouchedPages: number[];
  removed: StructureRemoved;
  verification: VerificationRecord;
  /** Signed redaction certificate (hashes, areas, review, verification); check with `docmill verify-certificate`. */
  certificate: Certificate;
}


/** The job's final result. */
export interface RedactionResult {
  phase: "redaction";
  pageCount: number;
  redactedPages: number[];
  areas: number;
  verification: VerificationRecord;
}
