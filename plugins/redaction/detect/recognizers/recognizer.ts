import type { DetectionConfig } from "../config";
import type { TextModel } from "../text-model";
import type { Candidate } from "../types";

/** A built-in recogniser: a pure function from a page's text model to candidate spans. */
export interface Recognizer {
  name: string;
  /** Labels it can emit; detect() skips it when none of them is enabled. */
  labels: readonly string[];
  run(model: TextModel, config: DetectionConfig): Candidate[];
}

/** Iterate a global regex over the page text without sharing lastIndex state between calls. */
export function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  const r = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
  let m: RegExpExecArray | null;
  while ((m = r.exec(text))) {
    if (m[0].length === 0) {
      r.lastIndex++;
      continue;
    }
    yield m;
  }
}
