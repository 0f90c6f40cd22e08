/**
 * The redaction plugin's public contract: the only file of this plugin an API family (apis/orchestrator)
 * may import (test/unit/boundaries.test.ts). The orchestrator validates a detection configuration when it
 * is saved, plans review areas and labels hand-drawn ones with MANUAL_LABEL; all of that is the plugin's
 * knowledge, exported here.
 */
export { validateDetectionConfig, type DetectionConfigInput } from "./detect/config";
export type { ReviewArea, ReviewInput, DetectionResult, DetectionRun, RedactionOptions, RedactionResult, RedactionReport } from "./types";

/** The label of an area a reviewer drew by hand (no finding behind it). */
export const MANUAL_LABEL = "MANUAL";
