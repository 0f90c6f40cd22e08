import { boost, forLanguages, hasContext } from "../context";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";

/** Runs of digit groups separated by one space or dash; windows inside a run are tried below. */
const RUN = /(?<![\p{L}\p{N}])\d+(?:[ -]\d+)*(?![\p{L}\p{N}])/gu;

const CONTEXT = {
  en: ["card", "credit card", "debit card", "visa", "mastercard", "amex", "cc"],
  de: ["Karte", "Kreditkarte", "Kartennummer"],
  fr: ["carte", "carte bancaire", "CB"],
  it: ["carta", "carta di credito"],
  es: ["tarjeta", "tarjeta de crédito"],
  pt: ["cartão", "cartão de crédito"],
  nl: ["kaart", "creditcard"],
} as const;

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Issuer of a card number by its IIN prefix and length, or null when no known scheme issues it. */
export function cardIssuer(digits: string): string | null {
  const n = digits.length;
  const p = (k: number) => Number(digits.slice(0, k));
  if (digits.startsWith("4") && (n === 13 || n === 16 || n === 19)) return "visa";
  if ((p(2) >= 51 && p(2) <= 55 || p(4) >= 2221 && p(4) <= 2720) && n === 16) return "mastercard";
  if ((p(2) === 34 || p(2) === 37) && n === 15) return "amex";
  if ((p(4) === 6011 || (p(3) >= 644 && p(3) <= 649) || p(2) === 65 || (p(6) >= 622126 && p(6) <= 622925)) && n >= 16 && n <= 19)
    return "discover";
  if (p(4) >= 3528 && p(4) <= 3589 && n >= 16 && n <= 19) return "jcb";
  if (((p(3) >= 300 && p(3) <= 305) || p(2) === 36 || p(2) === 38 || p(2) === 39) && n >= 14 && n <= 19) return "diners";
  if (p(2) === 62 && n >= 16 && n <= 19) return "unionpay";
  if ((p(2) === 50 || (p(2) >= 56 && p(2) <= 69)) && n >= 12 && n <= 19) return "maestro";
  return null;
}

/**
 * CREDIT_CARD: 13-19 digits (spaces or dashes allowed between groups), a known issuer prefix and a
 * valid Luhn check digit. A run of groups ("4111 1111 1111 1111 12 25") is searched for its longest
 * valid window aligned to group boundaries, so neighbouring numbers do not hide a card.
 */
export const creditCardRecognizer: Recognizer = {
  name: "CreditCardRecognizer",
  labels: ["CREDIT_CARD"],
  run(model, config) {
    const out: Candidate[] = [];
    const context = forLanguages(CONTEXT, config.languages);
    for (const m of matches(RUN, model.text)) {
      const groups: { start: number; end: number }[] = [];
      for (const g of m[0].matchAll(/\d+/g)) groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length });
      let i = 0;
      while (i < groups.length) {
        let best: { j: number; valid: boolean } | null = null;
        let digits = "";
        for (let j = i; j < groups.length; j++) {
          digits += model.text.slice(groups[j]!.start, groups[j]!.end);
          if (digits.length > 19) break;
          if (digits.length < 13 || !cardIssuer(digits)) continue;
          const valid = luhn(digits);
          if (valid) best = { j, valid };
          else if (config.checksumValidationMode === "relaxed" && !best?.valid) best = { j, valid };
        }
        if (!best) {
          i++;
          continue;
        }
        const start = groups[i]!.start;
        const end = groups[best.j]!.end;
        out.push({
          start,
          end,
          label: "CREDIT_CARD",
          score: best.valid ? boost(0.9, hasContext(model, start, end, context)) : 0.3,
          recognizer: this.name,
          strength: best.valid ? "checksum" : "heuristic",
        });
        i = best.j + 1;
      }
    }
    return out;
  },
};
