/**
 * The `detections` output's text: exactly `JSON.stringify(result, null, 2) + "\n"`, but the findings a
 * few hundred at a time with the event loop let go between them. A long document has tens of thousands of
 * findings (megabytes of JSON), and one synchronous stringify of them held the loop the gateway shares
 * in the embedded shape (issue 14).
 */
import { setImmediate as yieldLoop } from "node:timers/promises";
import type { DetectionResult } from "./types";

/** Findings stringified between two turns of the event loop. */
const PER_TURN = 500;

export async function detectionsJson(result: DetectionResult, perTurn = PER_TURN): Promise<string> {
  const findings = result.findings;
  const frame = JSON.stringify({ ...result, findings: [] }, null, 2) + "\n";
  if (!findings.length) return frame;
  const pieces: string[] = [];
  for (let i = 0; i < findings.length; i += perTurn) {
    if (i) await yieldLoop();
    // One level deeper than a stringify of the finding alone: JSON strings hold no raw line breaks.
    for (const f of findings.slice(i, i + perTurn)) pieces.push("    " + JSON.stringify(f, null, 2).replace(/\n/g, "\n    "));
  }
  const list = "[\n" + pieces.join(",\n") + "\n  ]";
  // A top-level key is the only text at two spaces' indent after a line break.
  return frame.replace('\n  "findings": []', () => `\n  "findings": ${list}`);
}
