import { forLanguages } from "../context";
import { digitView, labelled } from "../evidence";
import type { TextModel } from "../text-model";
import type { Candidate } from "../types";
import { continuesIbanHead, inIbanShape } from "./iban";
import { matches, type Recognizer } from "./recognizer";

/**
 * Runs of digit groups separated by one space or dash, or by a line break (a number wrapped onto the
 * next line); windows inside a run are tried below.
 */
const RUN = /(?<![\p{L}\p{N}.,])\d+(?:(?:[ -]| ?- ?|[ ]?\n[ ]?)\d+)*(?![\p{L}\p{N}]|[.,]\d)/gu;

/** Label words of this recogniser (also never a name on their own: see person.ts). */
export const CARD_CONTEXT = {
  en: ["card", "card no", "card number", "credit card", "debit card", "visa", "mastercard", "amex", "cc", "card ending in", "charged"],
  de: ["Karte", "Kreditkarte", "Kartennummer", "Belastet"],
  fr: ["carte", "carte bancaire", "CB", "numéro de carte", "débité"],
  it: ["carta", "carta di credito"],
  es: ["tarjeta", "tarjeta de crédito", "número de tarjeta", "cargado"],
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

interface Window {
  i: number;
  j: number;
  start: number;
  end: number;
  valid: boolean;
  issuer: boolean;
  rank: number;
  edge: number;
}
/** Group lengths of a printed card number: 4-4-4-4 (and a 1-3 digit tail), 4-6-5, 4-6-4, 4-4-4-1..3, or one run. */
const CARD_LAYOUT = /^(?:4,4,4,4(?:,[1-4])?|4,6,[45]|4,4,4,[1-3]|4,4,5|1[3-9])$/;

const strong = new WeakMap<TextModel, { start: number; end: number }[]>();
/**
 * The card numbers of a page beyond doubt: Luhn-valid, an issuer's prefix and length, printed in a card's
 * groups (CARD_LAYOUT), chosen as the recogniser chooses (at an end of their run first, then longer).
 * The phone recogniser leaves their digits alone: a phone cell beside a card cell is one digit run in
 * the text ("5537 6078 4080 2634 01 23 45 67 89"), and its shape would run into the card's groups.
 */
export function strongCardSpans(model: TextModel): { start: number; end: number }[] {
  let v = strong.get(model);
  if (v) return v;
  v = [];
  const text = digitView(model);
  for (const m of matches(RUN, text)) {
    const groups = [...m[0].matchAll(/\d+/g)].map((g) => ({ start: m.index + g.index, end: m.index + g.index + g[0].length }));
    const ws: { i: number; j: number; edge: number }[] = [];
    for (let i = 0; i < groups.length; i++) {
      let digits = "";
      for (let j = i; j < groups.length; j++) {
        digits += text.slice(groups[j]!.start, groups[j]!.end);
        if (digits.length > 19) break;
        if (digits.length < 13 || !luhn(digits) || cardIssuer(digits) === null) continue;
        if (!CARD_LAYOUT.test(groups.slice(i, j + 1).map((g) => g.end - g.start).join(","))) continue;
        if (/\+\s?$/.test(text.slice(Math.max(0, groups[i]!.start - 2), groups[i]!.start))) continue;
        ws.push({ i, j, edge: i === 0 || j === groups.length - 1 ? 1 : 0 });
      }
    }
    ws.sort((a, b) => b.edge - a.edge || b.j - b.i - (a.j - a.i) || a.i - b.i);
    const taken: typeof ws = [];
    for (const w of ws) if (!taken.some((t) => w.i <= t.j && t.i <= w.j)) taken.push(w);
    for (const w of taken) if (!inIbanShape(model, groups[w.i]!.start, groups[w.j]!.end)) v.push({ start: groups[w.i]!.start, end: groups[w.j]!.end });
  }
  strong.set(model, v);
  return v;
}

const NEGATIVE = ["tracking", "transaction", "ref", "ref.", "reference", "order", "invoice", "serial", "asset", "account no", "Sendungsnr", "Transaktionsref", "suivi", "seguimiento", "transacción", "REF"];

/**
 * CREDIT_CARD, candidate -> evidence -> decision. Candidates: 13-19 digits in groups separated by one
 * space or dash, continued on the next line when a value wraps; every window aligned to group
 * boundaries is tried (inner groups shorter than 4 digits only next to a card label). Evidence: the Luhn check digit (strong), a known issuer's prefix and length
 * (an odd 4-6-5 grouping that passes Luhn but fits no issuer still counts), a card label on the line,
 * above or in the header, a reference/tracking label (lowers). A Luhn-failing number needs a card label
 * to be reported; with none it is a reference number and stays out.
 */
export const creditCardRecognizer: Recognizer = {
  name: "CreditCardRecognizer",
  labels: ["CREDIT_CARD"],
  run(model, config) {
    const out: Candidate[] = [];
    const context = forLanguages(CARD_CONTEXT, config.languages);
    const text = digitView(model);
    for (const m of matches(RUN, text)) {
      // the groups of a damaged IBAN (a digit or a group short of its country's length) are no card
      if (continuesIbanHead(text.slice(text.lastIndexOf("\n", m.index - 1) + 1, m.index), m[0].replace(/\D/g, "").length)) continue;
      const groups: { start: number; end: number }[] = [];
      for (const g of m[0].matchAll(/\d+/g)) groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length });
      // every window of 13-19 digits aligned to groups; the best ones are taken first and windows overlapping
      // a taken one dropped. A run can hold two values side by side (a table row: a phone number, then a
      // card): taken left to right, a window starting in the phone's digits that passes Luhn by chance
      // (one in ten does) swallowed the card's first groups and left its last group readable.
      const windows: Window[] = [];
      for (let i = 0; i < groups.length; i++) {
        let digits = "";
        for (let j = i; j < groups.length; j++) {
          digits += text.slice(groups[j]!.start, groups[j]!.end);
          if (digits.length > 19) break;
          if (digits.length < 13) continue;
          // card numbers are printed in groups of 4 or more (4-4-4-4, 4-6-5, 4-4-4-4-3); a run whose inner
          // groups are shorter is other values side by side ("662-333-4939" above "681-49-5197": a phone and
          // an asset tag), a card only when a card label says so
          if (j > i && groups.slice(i, j).some((g) => g.end - g.start < 4) && !labelled(model, groups[i]!.start, groups[j]!.end, context)) continue;
          const valid = luhn(digits);
          const issuer = cardIssuer(digits) !== null;
          const shaped = CARD_LAYOUT.test(groups.slice(i, j + 1).map((g) => g.end - g.start).join(","));
          // a window starting inside the run is a value of its own only with a card's whole shape: valid,
          // an issuer's prefix and length, printed in a card's groups (the run's head keeps the old rule:
          // any window, a Luhn-failing one with a card label reported as such)
          if (i > 0 && !(valid && issuer && shaped)) continue;
          if (!valid && groups.length === 1) continue;
          const start = groups[i]!.start;
          const end = groups[j]!.end;
          // "+49..." is a phone number in international format, whatever its digits add up to; the digits
          // of an IBAN-shaped run are an account number, even when one of its groups passes Luhn
          if (/\+\s?$/.test(text.slice(Math.max(0, start - 2), start)) || inIbanShape(model, start, end)) continue;
          // (between two equally good windows, the one at an end of the run: the value beside it is another's)
          windows.push({ i, j, start, end, valid, issuer, rank: (valid ? 4 : 0) + (shaped ? 2 : 0) + (issuer ? 1 : 0), edge: i === 0 || j === groups.length - 1 ? 1 : 0 });
        }
      }
      windows.sort((a, b) => b.rank - a.rank || b.edge - a.edge || b.end - b.start - (a.end - a.start) || a.start - b.start);
      const taken: Window[] = [];
      for (const w of windows) if (!taken.some((t) => w.i <= t.j && t.i <= w.j)) taken.push(w);
      for (const w of taken.sort((a, b) => a.start - b.start)) {
        const { start, end } = w;
        const label = labelled(model, start, end, context);
        const negative = !label && labelled(model, start, end, NEGATIVE, 0) !== null;
        let score = 0.2;
        if (w.valid) score += 0.45;
        if (w.issuer) score += 0.15;
        // no scheme issues cards starting 0, 1, 7, 8 or 9 (ISO/IEC 7812 major industry identifiers)
        else if (!/^[2-6]/.test(text.slice(start, end))) score -= 0.3;
        if (label) score += 0.35;
        if (negative) score -= 0.4;
        if (!w.valid && config.checksumValidationMode === "strict" && !label) score = Math.min(score, 0.3);
        out.push({
          start,
          end,
          label: "CREDIT_CARD",
          score: Math.max(0, Math.min(1, score)),
          recognizer: this.name,
          strength: w.valid ? "checksum" : "heuristic",
        });
      }
    }
    return out;
  },
};
