import { digitView, labelled } from "../evidence";
import type { Candidate } from "../types";
import { inIbanShape } from "./iban";
import { matches, type Recognizer } from "./recognizer";
import { NOT_PHONE_CONTEXT } from "./phone";

/** AAA-GG-SSSS with dashes, spaces (OCR often reads a dash as a space), dots or nothing between groups. */
const SSN = /(?<![\p{L}\p{N}\-./])(\d{3})([- .]?|[ ]?-[ ]?)(\d{2})\2(\d{4})(?![\p{L}\p{N}]|[-./]\d)/gu;
const CONTEXT = ["SSN", "SSN#", "SS#", "SS No", "social security", "social security number", "social security no", "social sec", "SSA", "soc. sec.", "taxpayer", "TIN"];
/** Numbers the SSA voided after they were printed on sample cards or advertised. */
const VOIDED = new Set(["078051120", "219099999", "457555462"]);

/** Whether a 9-digit string passes the SSA's structural rules (area, group, serial). */
export function isValidSsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || VOIDED.has(digits)) return false;
  const area = digits.slice(0, 3);
  return area !== "000" && area !== "666" && area[0] !== "9" && digits.slice(3, 5) !== "00" && digits.slice(5) !== "0000";
}

/**
 * SSN (US Social Security number). Candidates: 3-2-4 digit groups however separated. Evidence: the SSA's
 * structural rules (area 000/666/9xx, group 00, serial 0000 are never issued), an SSN label on the
 * line, above or in the header, an order/asset/serial label (lowers), a US document. The 3-2-4 shape
 * alone is common (order numbers, asset tags), so without a label it stays under the threshold.
 */
export const ssnRecognizer: Recognizer = {
  name: "UsSsnRecognizer",
  labels: ["SSN"],
  run(model) {
    const out: Candidate[] = [];
    const text = digitView(model);
    for (const m of matches(SSN, text)) {
      const digits = m[1]! + m[3]! + m[4]!;
      const start = m.index;
      const end = start + m[0].length;
      if (inIbanShape(model, start, end)) continue;
      const label = labelled(model, start, end, CONTEXT);
      const valid = isValidSsn(digits);
      if (!valid && !label) continue;
      const negative = !label && labelled(model, start, end, NOT_PHONE_CONTEXT.filter((w) => w !== "SSN" && w !== "social security"), 0) !== null;
      let score = m[2] === "-" ? 0.4 : m[2] === "" ? 0.2 : 0.3;
      if (valid) score += 0.05;
      else score -= 0.15;
      if (label) score += 0.5;
      if (negative) score -= 0.3;
      // a US document supports a labelled value; it must not lift an unlabelled 3-2-4 number (an asset
      // tag, an order number) to the threshold
      if (label && model.locale?.region === "US") score += 0.05;
      out.push({ start, end, label: "SSN", score: Math.max(0, Math.min(1, score)), recognizer: this.name, strength: "validated" });
    }
    return out;
  },
};
