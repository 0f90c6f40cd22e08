import { boost, hasContext } from "../context";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";

const SSN = /(?<![\p{L}\p{N}-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\p{L}\p{N}]|-\d)/gu;
const CONTEXT = ["SSN", "SSN#", "SS#", "social security", "social security number", "social sec", "SSA"];
/** Numbers the SSA voided after they were printed on sample cards or advertised. */
const VOIDED = new Set(["078051120", "219099999", "457555462"]);

/** Whether a 9-digit string passes the SSA's structural rules (area, group, serial). */
export function isValidSsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || VOIDED.has(digits)) return false;
  const area = digits.slice(0, 3);
  return area !== "000" && area !== "666" && area[0] !== "9" && digits.slice(3, 5) !== "00" && digits.slice(5) !== "0000";
}

/**
 * SSN (US Social Security number): AAA-GG-SSSS, AAA GG SSSS or 9 bare digits, with the SSA's invalid
 * area (000, 666, 900-999), group (00) and serial (0000) rules. Bare digits only pass the default
 * threshold next to a context word, since any 9-digit number has that shape.
 */
export const ssnRecognizer: Recognizer = {
  name: "UsSsnRecognizer",
  labels: ["SSN"],
  run(model) {
    const out: Candidate[] = [];
    for (const m of matches(SSN, model.text)) {
      if (!isValidSsn(m[1]! + m[3]! + m[4]!)) continue;
      const start = m.index;
      const end = start + m[0].length;
      const base = m[2] === "-" ? 0.6 : m[2] === " " ? 0.5 : 0.3;
      out.push({
        start,
        end,
        label: "SSN",
        score: boost(base, hasContext(model, start, end, CONTEXT)),
        recognizer: this.name,
        strength: "validated",
      });
    }
    return out;
  },
};
