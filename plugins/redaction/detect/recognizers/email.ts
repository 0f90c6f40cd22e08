import { boost, hasContext } from "../context";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";
import { KNOWN_TLDS } from "./tlds";

const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\p{L}\p{N}-]|\.[\p{L}\p{N}])/gu;

const CONTEXT = ["email", "e-mail", "mail", "courriel", "correo", "contact"];

/** EMAIL_ADDRESS: RFC-ish shape, no leading/trailing/double dot in the local part, known TLD. */
export const emailRecognizer: Recognizer = {
  name: "EmailRecognizer",
  labels: ["EMAIL_ADDRESS"],
  run(model) {
    const out: Candidate[] = [];
    for (const m of matches(EMAIL, model.text)) {
      const [local, domain] = m[0].split("@") as [string, string];
      if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) continue;
      const tld = domain.slice(domain.lastIndexOf(".") + 1).toLowerCase();
      if (!KNOWN_TLDS.has(tld)) continue;
      const start = m.index;
      const end = start + m[0].length;
      out.push({
        start,
        end,
        label: "EMAIL_ADDRESS",
        score: boost(0.9, hasContext(model, start, end, CONTEXT)),
        recognizer: this.name,
        strength: "validated",
      });
    }
    return out;
  },
};
