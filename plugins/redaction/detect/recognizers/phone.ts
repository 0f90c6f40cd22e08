import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import { forLanguages } from "../context";
import { digitView, labelled, regionsToTry } from "../evidence";
import type { Candidate } from "../types";
import { inIbanShape } from "./iban";
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
 * A run too long for any phone number (over 15 digits) that is a valid number followed or preceded by
 * other digit groups: a table row whose phone cell sits a few points from a card or account cell
 * ("+44 20 7946 0958 4111 1111 1111 1111", "4111 1111 1111 1111 030 12345678"), which the text model
 * joins into one line. The number is the longest valid run of whole groups at either end; the rest is
 * left to the other recognisers. Null when the run is not too long or no end is a valid number.
 */
function besideOtherValue(raw: string, regions: CountryCode[]): { raw: string; offset: number } | null {
  if (raw.replace(/\D/g, "").length <= 15) return null;
  const parse = (s: string) => (/^(?:\+|00)/.test(s) ? [parsePhoneNumberFromString(s.replace(/^00/, "+"))] : regions.map((r) => parsePhoneNumberFromString(s, r)));
  // valid, or possible when the rest is printed as a card or an account number is (groups of four)
  const valid = (s: string, rest: string) => parse(s).some((p) => p && (p.isValid() || (p.isPossible() && /^(?:\d{4} ){2,}\d{1,4}$/.test(rest.trim()))));
  const cuts = [...raw.matchAll(/ +/g)].map((m) => ({ at: m.index, next: m.index + m[0].length }));
  const enough = (s: string) => s.replace(/\D/g, "").length >= 7 && s.replace(/\D/g, "").length <= 15;
  // the head: up to each space, longest first
  for (let k = cuts.length - 1; k >= 0; k--) {
    const head = raw.slice(0, cuts[k]!.at);
    if (enough(head) && valid(head, raw.slice(cuts[k]!.next))) return { raw: head, offset: 0 };
  }
  // the tail: from each space, longest first (never "+..." cut from its prefix: the shape starts there)
  for (const c of cuts) {
    const tail = raw.slice(c.next);
    if (enough(tail) && valid(tail, raw.slice(0, c.at))) return { raw: tail, offset: c.next };
  }
  return null;
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
    for (const m of matches(SHAPE, text)) {
      let raw = m[0];
      let start = m.index;
      // a lone "(" before the area code is part of the number; trailing separators are not
      if (text[start - 1] === "(" && /^\d{1,5}\)/.test(raw) === false && /^\d{2,5}\) /.test(text.slice(start))) {
        start--;
        raw = "(" + raw;
      }
      raw = withoutTrailingFigure(raw, regions);
      const side = besideOtherValue(raw, regions);
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
