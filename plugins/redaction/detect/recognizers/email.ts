import { labelled } from "../evidence";
import type { TextModel } from "../text-model";
import type { Box, Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";
import { KNOWN_TLDS } from "./tlds";

/**
 * Generous e-mail shape: OCR puts spaces around "@" and "." ("jane . doe @ mail . com"), so one space
 * is allowed on either side of them, and a line may wrap right after a dot of the domain
 * ("jane@gmail.\ncom"); the span found still covers exactly the characters printed.
 */
const LOCAL = "[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]|\\s\\.\\s){0,63}";
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const EMAIL = new RegExp(
  `(?<![\\p{L}\\p{N}._%+-])${LOCAL}[ ]?@[ ]?(?:${LABEL}(?:\\.\\n?|[ ]\\.[ ]?)){1,8}[A-Za-z0-9]{2,24}(?![\\p{L}\\p{N}-]|\\.[\\p{L}\\p{N}])`,
  "gu",
);

/** A word that is a bare domain (no "@"), possibly with OCR's reading of "@" glued in front ("Ohotmail.com"). */
const DOMAIN_WORD = /^(?:[@©®OQ0]{1,2})?((?:[A-Za-z0-9-]+\.)+([A-Za-z]{2,24}))[>),;]*$/;
/** OCR's readings of a lone "@": O, OQ, Q, ©, 0, (a). */
const AT_WORD = /^(?:[@©®OQ0]{1,2}|\(a\))$/;
/** A local part as OCR leaves it: address characters only, with a dot, underscore or digit in it. */
const LOCAL_WORD = /^<?[A-Za-z0-9][A-Za-z0-9._%+-]{1,63}$/;

/** Label words of this recogniser (also never a name on their own: see person.ts). */
export const EMAIL_CONTEXT = ["email", "e-mail", "mail", "courriel", "correo", "contact", "E-Mail-Adresse"];

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
      let start = m.index;
      // OCR splits a local part after its dot or underscore ("Nadine. Trantow73@gmail.com",
      // "Madeline_ Adams@yahoo.com"): the word before belongs to the address when it ends in one and
      // touches it by one space on the same line
      const lead = /(?<![\p{L}\p{N}._%+-])[A-Za-z0-9][A-Za-z0-9%+-]*(?:[._][A-Za-z0-9%+-]+)*[._] $/u.exec(model.text.slice(Math.max(0, start - 64), start));
      // after a dot both halves must look like a split name ("Nadine. Trantow73"), not a sentence end ("us. jane@")
      const split = lead && (lead[0].endsWith("_ ") || /[._]/.test(lead[0].slice(0, -2)) || (/^[A-Z0-9]/.test(lead[0]) && /^[A-Z0-9]/.test(raw)));
      if (lead && split && /^[A-Za-z0-9]/.test(raw)) {
        start -= lead[0].length;
        raw = lead[0] + raw;
      }
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
      const label = labelled(model, start, end, EMAIL_CONTEXT) !== null;
      let score = known ? 0.85 : 0.35;
      if (/\s/.test(raw)) {
        // OCR spacing is believable in an address-like local part ("jane.doe @"), not after a plain word
        score -= /[._\d]/.test(local) || label ? 0.1 : 0.45;
      }
      if (label) score += 0.2;
      out.push({ start, end, label: "EMAIL_ADDRESS", score: Math.min(1, score), recognizer: this.name, strength: "validated" });
    }
    out.push(...brokenAt(model));
    return out;
  },
};

/**
 * E-mail addresses OCR broke at the "@": the "@" read as "O"/"Q"/"©" or lost, often as a word of its
 * own whose box sits apart, so the reading order may even put the domain on another line. Found on the
 * page's geometry: a bare domain word with a delegated TLD whose left neighbour on the same visual line
 * (after at most one "@"-like word) is a local-part-shaped word. One candidate when both halves are
 * adjacent in the text, else one per half, so both are boxed.
 */
function brokenAt(model: TextModel): Candidate[] {
  const out: Candidate[] = [];
  const words = model.words;
  const cand = (start: number, end: number, score: number) => out.push({ start, end, label: "EMAIL_ADDRESS", score, recognizer: "EmailRecognizer", strength: "validated" });
  for (let i = 0; i < words.length; i++) {
    const d = words[i]!;
    if (d.word.text.includes("@")) continue;
    const m = DOMAIN_WORD.exec(d.word.text);
    if (!m || /^(www|https?)\b/i.test(m[1]!) || !KNOWN_TLDS.has(m[2]!.toLowerCase())) continue;
    const left = (of: Box, pred: (t: string) => boolean): number => {
      let best = -1;
      let bestGap = Infinity;
      for (let j = 0; j < words.length; j++) {
        if (j === i) continue;
        const b = words[j]!.word.box;
        const h = Math.min(b.height, of.height);
        const overlap = Math.min(b.y + b.height, of.y + of.height) - Math.max(b.y, of.y);
        const gap = of.x - (b.x + b.width);
        // OCR may give the local part a box running over the rest of the address: it must START to the left
        if (overlap < 0.4 * h || b.x + 0.3 * h >= of.x || gap > 1.5 * h || !pred(words[j]!.word.text)) continue;
        if (Math.abs(gap) < bestGap) [best, bestGap] = [j, Math.abs(gap)];
      }
      return best;
    };
    const isLocal = (t: string) => LOCAL_WORD.test(t) && /[._\d]/.test(t) && /[A-Za-z]{2}/.test(t) && !/[.:]$/.test(t);
    let at = AT_WORD.test(words[i - 1]?.word.text ?? "") ? i - 1 : left(d.word.box, (t) => AT_WORD.test(t));
    let l = left(at >= 0 ? words[at]!.word.box : d.word.box, isLocal);
    if (l < 0 && at >= 0) {
      // the "@"-like word may be a stray mark: look past it
      l = left(d.word.box, isLocal);
      if (l >= 0) at = -1;
    }
    if (l < 0) continue;
    const first = at >= 0 ? Math.min(at, i) : i;
    const loc = words[l]!;
    const right = words[first]!;
    const score = 0.8 + (labelled(model, loc.start, d.end, EMAIL_CONTEXT) !== null ? 0.15 : 0);
    if (loc.end <= right.start && model.text.slice(loc.end, right.start).trim() === "") cand(loc.start, d.end, score);
    else {
      cand(loc.start, loc.end, score);
      cand(right.start, d.end, score);
    }
  }
  return out;
}
