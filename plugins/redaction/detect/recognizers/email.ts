import { labelled } from "../evidence";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";
import { KNOWN_TLDS } from "./tlds";

/**
 * Generous e-mail shape: OCR puts spaces around "@" and "." ("jane . doe @ mail . com"), so one space
 * is allowed on either side of them; the span found still covers exactly the characters printed.
 */
const LOCAL = "[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]|\\s\\.\\s){0,63}";
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const EMAIL = new RegExp(
  `(?<![\\p{L}\\p{N}._%+-])${LOCAL}[ ]?@[ ]?(?:${LABEL}(?:\\.|[ ]\\.[ ]?)){1,8}[A-Za-z0-9]{2,24}(?![\\p{L}\\p{N}-]|\\.[\\p{L}\\p{N}])`,
  "gu",
);

const CONTEXT = ["email", "e-mail", "mail", "courriel", "correo", "contact", "E-Mail-Adresse"];

/**
 * EMAIL_ADDRESS, candidate -> evidence -> decision. Candidates: the shape above. Evidence: the
 * top-level domain is delegated by IANA (`tlds`, after undoing OCR's 0/o and 1/l), no leading,
 * trailing or double dot in the local part, no spaces (OCR-spaced addresses score a little lower), an
 * e-mail label. An unknown TLD needs a label.
 */
export const emailRecognizer: Recognizer = {
  name: "EmailRecognizer",
  labels: ["EMAIL_ADDRESS"],
  run(model) {
    const out: Candidate[] = [];
    for (const m of matches(EMAIL, model.text)) {
      let raw = m[0];
      const start = m.index;
      // an unknown last label may be the next sentence's first word ("mail.com .The"): cut it back
      let known = false;
      let compact = "";
      for (;;) {
        compact = raw.replace(/\s+/g, "");
        const tld = compact.slice(compact.lastIndexOf(".") + 1).toLowerCase();
        known = KNOWN_TLDS.has(/\d/.test(tld) ? tld.replace(/0/g, "o").replace(/1/g, "l") : tld);
        const shorter = raw.replace(/\s?\.\s?[A-Za-z0-9]+$/, "");
        if (known || !shorter.slice(shorter.indexOf("@")).includes(".")) break;
        raw = shorter;
      }
      const [local, domain] = compact.split("@") as [string, string];
      if (!domain || local.startsWith(".") || local.endsWith(".") || local.includes("..")) continue;
      const end = start + raw.length;
      const label = labelled(model, start, end, CONTEXT) !== null;
      let score = known ? 0.85 : 0.35;
      if (/\s/.test(raw)) {
        // OCR spacing is believable in an address-like local part ("jane.doe @"), not after a plain word
        score -= /[._\d]/.test(local) || label ? 0.1 : 0.45;
      }
      if (label) score += 0.2;
      out.push({ start, end, label: "EMAIL_ADDRESS", score: Math.min(1, score), recognizer: this.name, strength: "validated" });
    }
    return out;
  },
};
