import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import { forLanguages } from "../context";
import { digitView, labelled, regionsToTry } from "../evidence";
import type { Candidate } from "../types";
import { luhn, strongCardSpans } from "./credit-card";
import { continuesIbanHead, ibanShapes, inIbanShape } from "./iban";
import { matches, type Recognizer } from "./recognizer";

export const PHONE_CONTEXT = {
  en: ["phone", "tel", "tel.", "telephone", "mobile", "mob", "cell", "fax", "call", "contact", "reach", "M:", "T:", "P:", "M.", "T.", "ph", "direct", "landline", "home", "work", "whatsapp"],
  de: ["Telefon", "Tel", "Tel.", "Handy", "Mobil", "Mobiltelefon", "Fax", "Rufnummer", "erreichen", "Telefonnummer", "Durchwahl", "Festnetz"],
  fr: ["téléphone", "tél", "tél.", "portable", "mobile", "fax", "joindre", "appeler", "numéro", "fixe"],
  it: ["telefono", "tel", "cellulare", "fax"],
  es: ["teléfono", "tel", "tel.", "tfno", "tfno.", "móvil", "movil", "celular", "fax", "contactarme", "llamar", "fijo"],
  pt: ["telefone", "tel", "telemóvel", "celular", "fax"],
  nl: ["telefoon", "tel", "mobiel", "fax"],
} as const;

/** Words that make a number-shaped value something else: an order, an account, a reference. */
export const NOT_PHONE_CONTEXT = [
  "order", "invoice", "ref", "ref.", "reference", "asset", "serial", "tag", "tracking", "transaction", "account", "acct", "firmware", "version", "build", "ticket", "SSN", "social security", "IBAN", "card",
  "Bestellnr", "Auftragsnummer", "Rechnung", "Inventarnr", "Seriennr", "Sendungsnr", "Konto",
  "commande", "facture", "inventaire", "série", "suivi", "compte",
  "pedido", "factura", "inventario", "serie", "seguimiento", "cuenta",
];

/**
 * Phone-shaped runs: an optional international prefix, an optional bracketed area code, then digit
 * groups separated by one space, dot, dash or slash; 7 to 15 digits in all. Deliberately generous:
 * evidence decides.
 */
const SHAPE = /(?<![\p{L}\p{N}+\-./])(?:(?:\+|00)\d{1,3}[ .-]?(?:\(0\)[ ]?)?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,14}(?:[ .\-/]\d{1,12}){0,5}(?![\p{N}]|[.\-/]\d|\p{L})/gu;

/** The same shape broken by one line wrap between two digit groups. */
const WRAPPED = /(?<![\p{L}\p{N}+\-./])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,5}(?:[ .\-/]\d{1,5}){0,3}[ ]?\n\d{1,5}(?:[ .\-/]\d{1,5}){0,3}(?![\p{N}]|[.\-/]\d|\p{L})/gu;
/**
 * An extension after the number is part of it (the box must cover "x5025" too): "x5025", "ext. 12",
 * "Ext 4", "extension 7", German "Durchwahl -12" / "DW 12", French "poste 123", Spanish "ext. 45" /
 * "extensión 45" / "anexo 45", optionally after a comma or a line wrap. The keyword must be followed by
 * the extension's digits (1 to 6) and nothing glued on, so "ext. 12 for billing" keeps "for billing"
 * and "x 3 times" style prose is excluded by requiring "x" to touch or nearly touch its digits.
 */
const EXTENSION = /^,?[ \t]*\n?[ \t]*(?:(?:ext|Ext|EXT)\.?|[Ee]xtension|[Ee]xtensi[oó]n|[Aa]nexo|[Dd]urchwahl|DW|[Pp]oste)[ \t]*[:.]?[ \t]*[-–]?[ \t]*(\d{1,6})(?![\p{N}\p{L}]|[.\-/]\d)|^[ \t]*[xX]\.?[ ]?(\d{1,6})(?![\p{N}\p{L}]|[.\-/]\d)/u;

/**
 * A number followed by an unrelated figure ("Phone: (415) 555-0132 2024 report"): the shape runs on
 * over the figure, and the whole is no number in any region tried while the part before it is a valid
 * one. The finding is that number (the box would otherwise cover the figure too). Where the longer run
 * is itself a possible number (German numbers have no fixed length) it is kept whole.
 */
function withoutTrailingFigure(raw: string, regions: CountryCode[]): string {
  const parse = (s: string) => (/^(?:\+|00)/.test(s) ? [parsePhoneNumberFromString(s.replace(/^00/, "+"))] : regions.map((r) => parsePhoneNumberFromString(s, r)));
  // a date after the figure ("708472 28.11.2024", a ticket and its date) is never a phone's group
  const date = / +(\d{1,2})[./-](\d{1,2})[./-](?:\d{4}|\d{2})$/.exec(raw);
  if (date && +date[1]! >= 1 && +date[1]! <= 31 && +date[2]! >= 1 && +date[2]! <= 12) raw = raw.slice(0, date.index);
  if (parse(raw).some((p) => p && (p.isValid() || p.isPossible()))) return raw;
  let cut = raw;
  for (let i = 0; i < 2; i++) {
    // only a figure standing apart (after a space): "24/04" of "978308 24/04/2025" is a date's part
    const m = / +\d+$/.exec(cut);
    if (!m) break;
    cut = cut.slice(0, m.index);
    if (cut.replace(/\D/g, "").length < 7) break;
    // and only a number of unmistakable shape is cut free ("(415) 555-0132", "+44 ..."): a run of
    // plain groups such as a card or reference number ("4467 3691 3930 3123") stays whole (and out)
    if (!(NANP.test(cut) || /^\(\d/.test(cut) || /^(?:\+|00)/.test(cut))) break;
    if (parse(cut).some((p) => p?.isValid())) return cut;
  }
  return raw;
}

/**
 * A run too long for any phone number (over 15 digits) that is a phone number followed or preceded by
 * another value's digit groups: a table row whose phone cell sits a few points from a card or account cell
 * ("+44 20 7946 0958 4111 1111 1111 1111", "4111 1111 1111 1111 030 12345678"), which the text model
 * joins into one line. The number is a run of whole groups at either end that is not itself printed as a
 * card (groups of four) and is
 *  - valid or possible in a region tried, the rest being printed in groups of four (a card, a reference), or
 *  - valid, and of a phone's own shape (+CC, a bracketed area code, NANP, a national 0 prefix).
 * The longest such run wins; the rest is left to the other recognisers. Null when the run is not too
 * long or no end qualifies: a long reference of plain groups ("4467 3691 3930 3123") stays whole (and out).
 */
function besideOtherValue(raw: string, regions: CountryCode[], before: string, after: string): { raw: string; offset: number } | null {
  // a run of phone length still ends in a card's first groups when the shape stopped at its group limit
  const long = raw.replace(/\D/g, "").length > 15;
  const parse = (s: string) => (/^(?:\+|00)/.test(s) ? [parsePhoneNumberFromString(s.replace(/^00/, "+"))] : regions.map((r) => parsePhoneNumberFromString(s, r)));
  const fours = (s: string) => /^\d{4}(?:[ -]\d{4})*(?:[ -]\d{1,4})?$/.test(s.trim());
  const ownShape = (s: string) => /^(?:\+|00|\()/.test(s) || NANP.test(s) || GROUPED_EU.test(s);
  const qualifies = (part: string, rest: string) => {
    const n = part.replace(/\D/g, "").length;
    if (n < 7 || n > 15 || fours(part)) return false;
    const parsed = parse(part);
    if (fours(rest) && parsed.some((p) => p && (p.isValid() || p.isPossible()))) return true;
    return ownShape(part) && parsed.some((p) => p?.isValid());
  };
  // the rest with the groups the shape left out around it: is it a card number (13-19 digits, Luhn) that
  // starts right after the head, or ends right before the tail? Then that is the cut (one cut per card)
  const groupsAfter = (/^(?:[ -]\d+)*/.exec(after)?.[0] ?? "").match(/\d+/g) ?? [];
  const groupsBefore = (/(?:\d+[ -])*$/.exec(before)?.[0] ?? "").match(/\d+/g) ?? [];
  // printed as cards are: groups of four, the last maybe shorter
  const cardIn = (groups: string[]) => {
    let d = "";
    for (const [k, g] of groups.entries()) {
      if (g.length !== 4 && !(k > 0 && g.length < 4 && d.length + g.length >= 13)) return false;
      d += g;
      if (d.length > 19) return false;
      if (d.length >= 13 && luhn(d)) return true;
    }
    return false;
  };
  const cardEnding = (groups: string[]) => {
    let d = "";
    for (let i = groups.length - 1; i >= 0; i--) {
      if (groups[i]!.length !== 4 && !(i === groups.length - 1 && groups[i]!.length < 4)) return false;
      d = groups[i]! + d;
      if (d.length > 19) return false;
      if (d.length >= 13 && luhn(d)) return true;
    }
    return false;
  };
  const cuts = [...raw.matchAll(/ +/g)].map((m) => ({ at: m.index, next: m.index + m[0].length }));
  let best: { raw: string; offset: number; card: boolean } | null = null;
  for (const c of cuts) {
    const head = raw.slice(0, c.at);
    const tail = raw.slice(c.next);
    const cands = [
      { raw: head, offset: 0, rest: tail, card: cardIn([...(tail.match(/\d+/g) ?? []), ...groupsAfter]) },
      { raw: tail, offset: c.next, rest: head, card: cardEnding([...groupsBefore, ...(head.match(/\d+/g) ?? [])]) },
    ];
    for (const cand of cands) {
      // ("+44" or "(0161)" left over belongs to the number: no cut there)
      if (!/^[\d -]+$/.test(cand.rest) || !(long || cand.card) || !qualifies(cand.raw, cand.rest)) continue;
      if (!best || (cand.card && !best.card) || (cand.card === best.card && cand.raw.length > best.raw.length)) best = cand;
    }
  }
  return best && { raw: best.raw, offset: best.offset };
}

/** The end of `end`'s number once a following extension (EXTENSION) is included. */
function withExtension(text: string, end: number): number {
  const m = EXTENSION.exec(text.slice(end, end + 40));
  return m ? end + m[0].length : end;
}

const NANP = /^(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}$/;
const DATE_PREFIX = /^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?!\d)/;
const DATE_LIKE = /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;
const GROUPED_EU = /^0\d{1,4}(?:[ .\-/]\d{2,6}){1,4}$/;

/**
 * PHONE_NUMBER, candidate -> evidence -> decision. Candidates are phone shapes (above); evidence:
 * the number is valid in the document's region or its own (+CC) region per libphonenumber's full
 * numbering plans, or merely possible there; a phone label on the same line, the line above or in the
 * column header; a typical layout (+CC, a bracketed area code, NANP 3-3-4, a grouped national number);
 * the document's locale. A phone-shaped value next to a phone label is a phone even when its area code
 * is unassigned; a bare digit run with neither validity nor label stays out.
 */
export const phoneRecognizer: Recognizer = {
  name: "PhoneRecognizer",
  labels: ["PHONE_NUMBER"],
  run(model, config) {
    const out: Candidate[] = [];
    const context = forLanguages(PHONE_CONTEXT, config.languages);
    const text = digitView(model);
    const regions = regionsToTry(model.locale, config);
    // IBAN-shaped runs blanked (same length): a phone in the next table cell ("ES06 ... 7229 926 59 49 89")
    // is then matched from its own first digit, not from inside the account number
    let shaped = text;
    // (and so are card numbers beyond doubt: "5537 6078 4080 2634 01 23 45 67 89")
    const blank = (from: number, to: number) => (shaped = shaped.slice(0, from) + shaped.slice(from, to).replace(/[^\s]/g, "x") + shaped.slice(to));
    for (const s of ibanShapes(model)) if (s.checksum || s.format) blank(s.start, s.end);
    for (const c of strongCardSpans(model)) blank(c.start, c.end);
    for (const m of matches(SHAPE, shaped)) {
      let raw = m[0];
      let start = m.index;
      // a lone "(" before the area code is part of the number; trailing separators are not
      if (text[start - 1] === "(" && /^\d{1,5}\)/.test(raw) === false && /^\d{2,5}\) /.test(text.slice(start))) {
        start--;
        raw = "(" + raw;
      }
      raw = withoutTrailingFigure(raw, regions);
      const side = besideOtherValue(raw, regions, shaped.slice(Math.max(0, start - 30), start), shaped.slice(start + raw.length, start + raw.length + 30));
      if (side) {
        start += side.offset;
        raw = side.raw;
      }
      const digits = raw.replace(/\D/g, "");
      if (digits.length < 7 || digits.length > 15) continue;
      if (DATE_LIKE.test(raw) || DATE_PREFIX.test(raw)) continue;
      // US ZIP+4 (12345-6789) and dotted version numbers (4.288.90.297) are not phones
      if (/^\d{5}-\d{4}$/.test(raw) || /^\d\.\d/.test(raw)) continue;
      const groups = raw.split(/[ .\-/()]+/).filter(Boolean);
      // SSN-shaped (3-2-4) and 4-4-4-4 card-shaped runs belong to other recognisers
      if (groups.length === 3 && groups[0]!.length === 3 && groups[1]!.length === 2 && groups[2]!.length === 4 && !raw.startsWith("+")) {
        if (!labelled(model, start, start + raw.length, context)) continue;
      }
      const end = start + raw.length;
      if (inIbanShape(model, start, end)) continue;
      // the groups of a damaged IBAN (one digit or group short): "ES21 0047 9004 8419 2229"
      if (continuesIbanHead(shaped.slice(shaped.lastIndexOf("\n", start - 1) + 1, start), m[0].replace(/\D/g, "").length)) continue;
      const international = /^(?:\+|00)/.test(raw);
      let valid = false;
      let possible = false;
      let inHomeRegion = false;
      const candidates: CountryCode[] = international ? [] : regions;
      const parsedText = raw.replace(/^00/, "+");
      if (international) {
        const p = parsePhoneNumberFromString(parsedText);
        valid = !!p?.isValid();
        possible = !!p?.isPossible();
        inHomeRegion = true;
      } else {
        for (const [i, r] of candidates.entries()) {
          const p = parsePhoneNumberFromString(parsedText, r);
          if (!p) continue;
          if (p.isValid()) {
            valid = true;
            inHomeRegion = i === 0;
            break;
          }
          if (p.isPossible() && i === 0) possible = true;
        }
      }
      // signature blocks abbreviate the label to one letter at the line start: "T 055 3062 2625", "M: ..."
      const lineHead = model.text.slice(model.text.lastIndexOf("\n", start - 1) + 1, start);
      const label = labelled(model, start, end, context) ?? (/^\s*[TMPFtmf][.:]?\s*$/.test(lineHead) ? "line" : null);
      const negative = !label && labelled(model, start, end, NOT_PHONE_CONTEXT, 0) !== null;
      const strong = international || /^\(\d/.test(raw) || NANP.test(raw);
      const grouped = !strong && GROUPED_EU.test(raw);
      let score = 0.3;
      if (valid) score += inHomeRegion ? 0.35 : 0.25;
      else if (possible) score += 0.1;
      if (strong) score += 0.25;
      else if (grouped) score += 0.15;
      if (label) score += label === "line" || label === "above" ? 0.4 : 0.3;
      if (negative) score -= 0.35;
      if (groups.length === 1 && !label && !valid) score -= 0.1;
      // a contact line: an e-mail address on the same line
      const ls = model.text.lastIndexOf("\n", start) + 1;
      const le = model.text.indexOf("\n", end);
      if (/@[A-Za-z0-9-]+\.[A-Za-z]{2,}/.test(model.text.slice(ls, le === -1 ? undefined : le))) score += 0.25;
      out.push({ start, end: withExtension(text, end), label: "PHONE_NUMBER", score: Math.max(0, Math.min(1, score)), recognizer: this.name, strength: "validated" });
    }
    // a number wrapped mid-way in running text ("contactarme en el 909 35\n06 41"): both parts are
    // one phone when a phone label on the first line announces it and the joined digits fit a
    // numbering plan (possible at least); table rows of amounts and dates have neither
    for (const m of matches(WRAPPED, text)) {
      const raw = m[0];
      const digits = raw.replace(/\D/g, "");
      if (digits.length < 7 || digits.length > 15 || raw.split("\n").some((part) => DATE_LIKE.test(part.trim()))) continue;
      if (labelled(model, m.index, m.index + raw.indexOf("\n"), context) !== "line" || inIbanShape(model, m.index, m.index + raw.length)) continue;
      const joined = raw.replace(/\n/g, " ").replace(/^00/, "+");
      const fits = (p: ReturnType<typeof parsePhoneNumberFromString>) => !!p && (p.isValid() || p.isPossible());
      const ok = joined.startsWith("+") ? fits(parsePhoneNumberFromString(joined)) : regions.some((r) => fits(parsePhoneNumberFromString(joined, r)));
      if (ok) out.push({ start: m.index, end: withExtension(text, m.index + raw.length), label: "PHONE_NUMBER", score: 0.75, recognizer: this.name, strength: "validated" });
    }
    return out;
  },
};
