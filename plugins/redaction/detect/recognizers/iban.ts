import { countrySpecs, validateIBAN, ValidationErrorsIBAN } from "ibantools";
import { forLanguages } from "../context";
import { labelled } from "../evidence";
import type { TextModel } from "../text-model";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";

// check digits as OCR may read them: "ESl4", "FR7O"; repairIban() decides whether the reading holds
const START = /(?<![\p{L}\p{N}])[A-Za-z]{2}\s?[\dOoIlS]{2}/gu;
/** Label words of this recogniser (also never a name on their own: see person.ts). */
export const IBAN_CONTEXT = {
  en: ["IBAN", "account", "bank", "bank account", "paid into", "SEPA"],
  de: ["IBAN", "Konto", "Bankverbindung", "Kontonummer"],
  fr: ["IBAN", "compte", "RIB"],
  it: ["IBAN", "conto"],
  es: ["IBAN", "cuenta", "cuenta bancaria"],
  pt: ["IBAN", "conta", "NIB"],
  nl: ["IBAN", "rekening", "rekeningnummer"],
} as const;
export const IBAN_NEGATIVE = ["ref", "ref.", "reference", "order", "invoice", "contract", "mandate", "Referenz", "Vertrag", "Réf.", "référence", "referencia"];

/** ISO 7064 mod 97-10 over the electronic form (the IBAN's own check digits). */
export function ibanMod97(iban: string): boolean {
  const s = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? String(code - 55) : ch;
    for (const d of v) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

/** OCR confusions, each way: a letter read where the format has a digit, a digit where it has a letter. */
const TO_DIGIT: Record<string, string> = { O: "0", D: "0", Q: "0", I: "1", L: "1", "|": "1", Z: "2", S: "5", G: "6", B: "8" };
const TO_LETTER: Record<string, string> = { "0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B" };
const layouts = new Map<string, string | null>();
/** The country's IBAN as one class per position: "a" letter, "n" digit, "c" either (from ibantools' BBAN pattern). */
function layoutOf(cc: string): string | null {
  if (layouts.has(cc)) return layouts.get(cc)!;
  const re = countrySpecs[cc]?.bban_regexp;
  let out: string | null = "aann";
  const body = re?.replace(/^\^|\$$/g, "") ?? "";
  for (const m of body.matchAll(/\[([^\]]+)\]\{(\d+)\}|(.)/g)) {
    if (m[3] !== undefined) {
      out = null;
      break;
    }
    const cls = m[1] === "A-Z" ? "a" : m[1] === "0-9" ? "n" : "c";
    out += cls.repeat(Number(m[2]));
  }
  if (!body) out = null;
  layouts.set(cc, out);
  return out;
}

/**
 * An IBAN as OCR read it, with letter/digit confusions undone where the country's format says which
 * one belongs ("GB07 12ZZ ..." -> "GB07 IZZW ...", "ESl4 O844" -> "ES14 0844"). Returned only when the
 * repaired value passes the mod 97 check, so a wrong repair, or a decoy with a bad checksum, stays out.
 */
export function repairIban(electronic: string): string | null {
  const layout = layoutOf(electronic.slice(0, 2));
  if (!layout || layout.length !== electronic.length) return null;
  let out = "";
  for (let i = 0; i < electronic.length; i++) {
    const c = electronic[i]!;
    out += layout[i] === "n" ? (TO_DIGIT[c] ?? c) : layout[i] === "a" ? (TO_LETTER[c] ?? c) : c;
  }
  return out !== electronic && /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(out) && ibanMod97(out) ? out : null;
}

/** A run shaped like an IBAN: a country code, check digits and exactly the country's registered length. */
export interface IbanShape {
  start: number;
  end: number;
  /** the electronic form, O read for 0 in the check digits undone, OCR confusions repaired when that makes the checksum hold */
  iban: string;
  checksum: boolean;
  /** the BBAN fits the country's format (letters and digits where they belong, national check digits) */
  bban: boolean;
  /** the BBAN has the country's letters and digits where they belong (national check digits not asked) */
  format: boolean;
}

const shapes = new WeakMap<TextModel, IbanShape[]>();

/**
 * Every IBAN-shaped run of a page, valid or not, read with or without spaces between groups and
 * continued on the next line when wrapped. Computed once per page: the IBAN recogniser decides which are
 * IBANs, and the numeric recognisers leave alone the digits inside one that fits its country's format
 * (the tail of a bad-checksum IBAN, "GB74 WGVL 0020 0405 4994 27", is not a phone number "0020 0405 ...":
 * it is an account or reference number, and a checksum failure makes it no other identifier).
 */
export function ibanShapes(model: TextModel): IbanShape[] {
  const cached = shapes.get(model);
  if (cached) return cached;
  const out: IbanShape[] = [];
  const text = model.text;
  for (const m of matches(START, text)) {
    const cc = m[0].slice(0, 2).toUpperCase();
    const spec = countrySpecs[cc];
    if (!spec?.chars) continue;
    let count = 0;
    let i = m.index;
    let chars = "";
    let breaks = 0;
    while (i < text.length && count < spec.chars) {
      const c = text[i]!;
      if (/[A-Za-z0-9]/.test(c)) {
        chars += c;
        count++;
        i++;
      } else if ((c === " " || c === "\n") && count > 0 && /[A-Za-z0-9]/.test(text[i + 1] ?? "")) {
        if (c === "\n" && ++breaks > 1) break;
        i++;
      } else if (c === " " && text[i + 1] === "\n" && breaks === 0 && /[A-Za-z0-9]/.test(text[i + 2] ?? "")) {
        i += 2;
        breaks++;
      } else break;
    }
    if (count !== spec.chars || /[\p{L}\p{N}]/u.test(text[i] ?? "")) continue;
    const up = chars.toUpperCase();
    let iban = up.slice(0, 2) + up.slice(2, 4).replace(/O/g, "0") + up.slice(4);
    if (!ibanMod97(iban)) iban = repairIban(up) ?? iban;
    const checksum = ibanMod97(iban);
    // check digits with no digit at all ("FROS") are a reading only the checksum can confirm
    if (!checksum && !/\d/.test(up.slice(2, 4))) continue;
    const errors = validateIBAN(iban).errorCodes;
    const format = !errors.some((e) => e === ValidationErrorsIBAN.WrongBBANFormat || e === ValidationErrorsIBAN.WrongBBANLength);
    const bban = format && !errors.includes(ValidationErrorsIBAN.WrongAccountBankBranchChecksum);
    out.push({ start: m.index, end: i, iban, checksum, bban, format });
  }
  shapes.set(model, out);
  return out;
}

/** An IBAN's head (country, check digits) and the groups after it, ending the text (one space or none before what follows). */
const HEAD_BEFORE = /(?<![\p{L}\p{N}])([A-Z]{2}) ?(\d{1,2})((?: ?[\dA-Z]{1,4}){0,8}) ?$/u;
/**
 * True when a digit run of `runDigits` digits that starts right after `before` (the text before it on its
 * line) is the rest of an IBAN too short or too long to be one: a digit or a group lost in print or by OCR
 * ("ES21 0047 9004 8419 2229", "DE15 0022 8637 0166 05"). ibanShapes() needs the country's exact length, so
 * such a run is no IBAN; its groups are no phone or card number either ("0047 9004 8419" is no Norwegian
 * number). The run must start well inside the IBAN's length and end near it: a phone in the next cell
 * after a whole (but broken) IBAN starts past its end and keeps its finding.
 */
export function continuesIbanHead(before: string, runDigits: number): boolean {
  const m = HEAD_BEFORE.exec(before.slice(-48));
  if (!m) return false;
  const chars = countrySpecs[m[1]!]?.chars;
  if (!chars) return false;
  const head = 2 + m[2]!.length + m[3]!.replace(/[^\dA-Z]/g, "").length;
  return head <= chars - 6 && head + runDigits <= chars + 4;
}

/**
 * Whether [start, end) overlaps an IBAN-shaped run that fits its country's format or check digits:
 * such a run is an account number, valid or not, and its digit groups are no phone, card or SSN.
 */
export function inIbanShape(model: TextModel, start: number, end: number): boolean {
  return ibanShapes(model).some((s) => (s.checksum || s.format) && s.start < end && start < s.end);
}

/**
 * IBAN, candidate -> evidence -> decision. Candidates: the IBAN shapes above. Evidence: the
 * mod 97 check digits (strong; a real IBAN always passes them; OCR's letter/digit confusions are undone
 * where the country's format says which belongs, and count only when the check digits then hold), the country's BBAN format and national
 * check digits (raise, but faked or partially OCRed national parts do not veto), an IBAN/account
 * label, a reference/contract label (lowers). A checksum failure with no label stays out.
 */
export const ibanRecognizer: Recognizer = {
  name: "IbanRecognizer",
  labels: ["IBAN"],
  run(model, config) {
    const out: Candidate[] = [];
    const context = forLanguages(IBAN_CONTEXT, config.languages);
    for (const { start, end, checksum, bban } of ibanShapes(model)) {
      const label = labelled(model, start, end, context);
      const negative = !label && labelled(model, start, end, IBAN_NEGATIVE, 0) !== null;
      let score = 0.2;
      if (checksum) score += 0.55;
      if (bban) score += 0.15;
      if (label) score += 0.3;
      if (negative) score -= 0.35;
      if (!checksum && config.checksumValidationMode === "strict" && !label) score = Math.min(score, 0.3);
      out.push({
        start,
        end,
        label: "IBAN",
        score: Math.max(0, Math.min(1, score)),
        recognizer: this.name,
        strength: checksum ? "checksum" : "heuristic",
      });
    }
    return out;
  },
};
