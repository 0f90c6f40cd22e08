/** Public surface of the PII detectors (pure functions, no I/O). */
export * from "./types";
export * from "./config";
export { detect, detectPage, resolveOverlaps, findingId, OCR_TRUSTED_CONFIDENCE, OCR_MIN_FACTOR } from "./detect";
export { buildTextModel, spanToBoxes, wordsInSpan, type TextModel, type TextLine, type PlacedWord } from "./text-model";
export { compileSafeRegex, unsafeReason, MAX_USER_REGEX_LENGTH } from "./safe-regex";
export { score, type TruthItem, type LabelScore, type EvaluationReport, type ScoreOptions } from "./evaluate";
export { BUILT_IN_RECOGNIZERS, type Recognizer } from "./recognizers";
export { markHiddenWords, inkShare, type GrayImage } from "./visibility";
