import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import type { DetectionConfig, Language } from "./config";
import { wordsRegex } from "./context";
import type { DocumentLocale, TextModel } from "./text-model";

/**
 * Evidence around a candidate: where a label sits relative to a value in real documents. Forms put
 * the label on the line ABOVE the value, tables put it in the column header several lines up, prose
 * puts it shortly before on the same line. Each recogniser asks `labelled()` with its own words and
 * turns the answer into score: evidence raises or lowers a score, it never vetoes on its own.
 */
export type LabelPlace = "line" | "above" | "header";

/** How far back on the same line a label may sit (characters). */
export const SAME_LINE_BEFORE = 48;
/** Lines scanned upwards for a form label or a table header. */
export const LINES_UP = 14;
/** A form label sits at most this many line heights above its value. */
export const ABOVE_GAP = 2.6;
/** A table header sits at most this many points above the cell. */
export const HEADER_DISTANCE = 260;

function lineOf(model: TextModel, offset: number): number {
  for (let i = offset; i < model.text.length && i >= 0; i++) {
    const w = model.charToWord[i]!;
    if (w >= 0) return model.words[w]!.line;
    if (model.text[i] === "\n") break;
  }
  for (let i = Math.min(offset, model.text.length - 1); i >= 0; i--) {
    const w = model.charToWord[i]!;
    if (w >= 0) return model.words[w]!.line;
  }
  return -1;
}

/** Horizontal extent of the span's part on its first line. */
function spanX(model: TextModel, start: number, end: number, line: number): [number, number] {
  let x0 = Infinity;
  let x1 = -Infinity;
  const ln = model.lines[line]!;
  for (const pw of ln.words) {
    if (pw.end <= start || pw.start >= end) continue;
    x0 = Math.min(x0, pw.word.box.x);
    x1 = Math.max(x1, pw.word.box.x + pw.word.box.width);
  }
  return x0 === Infinity ? [ln.box.x, ln.box.x + ln.box.width] : [x0, x1];
}

/**
 * Where (if anywhere) one of `words` labels the span [start, end): before it on its own line, on the
 * line just above it in the same column (form label), or in a header cell of its column further up
 * (table). After the value on the same line counts as "line" too (labels such as "(DOB)" trail).
 */
export function labelled(model: TextModel, start: number, end: number, words: readonly string[], after = 12): LabelPlace | null {
  const re = wordsRegex(words);
  if (!re) return null;
  const li = lineOf(model, start);
  if (li < 0) return null;
  const line = model.lines[li]!;
  const from = Math.max(line.start, start - SAME_LINE_BEFORE);
  const lineEnd = model.text.indexOf("\n", end);
  const to = Math.min(end + after, lineEnd === -1 ? model.text.length : lineEnd);
  const test = (s: number, e: number, exS = start, exE = end) => {
    re.lastIndex = 0;
    const t = model.text.slice(s, e);
    for (const m of t.matchAll(re)) {
      const ms = s + m.index;
      const me = ms + m[0].length;
      if (me <= exS || ms >= exE) return true;
    }
    return false;
  };
  if (test(from, to)) return "line";
  const [x0, x1] = spanX(model, start, end, li);
  const top = line.box.y;
  const h = Math.max(line.box.height, 1);
  // a label line holds only its label: the match must end the line ("Phone", "Teléfono:"), or the
  // line above is a "label: value" pair of its own and labels nothing below it
  const labelOnly = (s: number, e: number) => {
    re.lastIndex = 0;
    const t = model.text.slice(s, e);
    for (const m of t.matchAll(re)) if (t.length - (m.index + m[0].length) <= 3) return true;
    return false;
  };
  let first = true;
  let prevTop = top;
  const valueHasDigit = /\d/.test(model.text.slice(start, end));
  for (let k = li - 1, n = 0; k >= 0 && n < LINES_UP; k--) {
    const above = model.lines[k]!;
    const bottom = above.box.y + above.box.height;
    if (bottom > top + h * 0.3) continue; // same row (another column segment)
    const overlap = Math.min(x1, above.box.x + above.box.width) - Math.max(x0, above.box.x);
    const aligned = overlap > 0 || Math.abs(above.box.x - x0) < 3 * h;
    if (!aligned) continue;
    n++;
    const gap = top - bottom;
    if (first) {
      if (gap <= ABOVE_GAP * h && labelOnly(above.start, above.end)) return "above";
      // the value has a form label of its own (other type size, right above): no header applies
      if (gap <= ABOVE_GAP * h && Math.abs(above.box.height - h) > 0.25 * h) return null;
      // right above a numeric value, a words-only line is that value's own (other) label
      if (gap <= ABOVE_GAP * h && valueHasDigit && !/\d/.test(model.text.slice(above.start, above.end))) return null;
    } else {
      // a table header: the column above is a run of rows like this one, then the header cell.
      // Another form label (smaller or larger type, or ending in ":") or a wide gap ends the column.
      if (top - above.box.y > HEADER_DISTANCE || prevTop - bottom > 3 * h) break;
      if (above.end - above.start <= 40 && labelOnly(above.start, above.end)) return "header";
      const ah = Math.max(above.box.height, 1);
      const aboveText = model.text.slice(above.start, above.end);
      if (Math.abs(ah - h) > 0.25 * h || /:\s*$/.test(aboveText)) break;
      // a numeric value's column holds numbers: a words-only line between it and the header is another
      // field's label ("Serial no." between an SSN label and a serial number)
      if (valueHasDigit && !/\d/.test(aboveText)) break;
    }
    prevTop = above.box.y;
    first = false;
  }
  return null;
}

export type { DocumentLocale } from "./text-model";

const STOPWORDS: Partial<Record<Language, string[]>> = {
  en: ["the", "and", "of", "to", "you", "your", "for", "with", "is", "are", "we", "our", "this", "please", "from"],
  de: ["und", "der", "die", "das", "mit", "sie", "ihr", "ihre", "wir", "ist", "für", "den", "dem", "nicht", "bitte", "von"],
  fr: ["le", "la", "les", "et", "des", "vous", "votre", "nous", "est", "pour", "avec", "une", "du", "sur", "dans"],
  es: ["el", "la", "los", "las", "y", "que", "para", "con", "una", "usted", "su", "del", "por", "es", "nuestro"],
  it: ["il", "che", "della", "per", "con", "sono", "una", "degli", "alla", "gli"],
  pt: ["não", "você", "para", "com", "uma", "dos", "das", "pelo", "seu", "sua"],
  nl: ["het", "een", "van", "en", "niet", "wij", "uw", "voor", "met", "zijn"],
};
/**
 * The language of one line when it is not the document's: a German sentence in an English letter ("Ihr
 * Berater Jonas Becker steht Ihnen gern zur Verfügung."). Counted on the distinctive stop words above: a
 * configured language other than `documentLanguage` with more of them on the line than the document's
 * own (which has none there). Undefined when the line reads as the document's language or as nothing.
 */
export function lineLanguage(line: string, documentLanguage: Language | undefined, languages: readonly Language[]): Language | undefined {
  const counts = new Map<Language, number>();
  for (const tok of line.toLowerCase().match(/(?<![\p{L}\p{N}.@/_-])\p{L}+(?![\p{N}._@-]\p{L})/gu) ?? []) {
    for (const lang of languages) if (STOPWORDS[lang]?.includes(tok)) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  const own = documentLanguage ? (counts.get(documentLanguage) ?? 0) : 0;
  let best: Language | undefined;
  let n = own;
  for (const [l, c] of counts) if (l !== documentLanguage && c > n) [best, n] = [l, c];
  return best && own === 0 ? best : undefined;
}

const PHONE_REGIONS: CountryCode[] = ["US", "GB", "DE", "FR", "ES", "IT", "NL", "AT", "CH", "BE", "PT"];
const LANGUAGE_REGION: Record<Language, CountryCode> = { en: "US", de: "DE", fr: "FR", it: "IT", es: "ES", pt: "PT", nl: "NL" };
const DIAL: Record<string, CountryCode> = { "1": "US", "44": "GB", "49": "DE", "33": "FR", "34": "ES", "39": "IT", "351": "PT", "31": "NL", "43": "AT", "41": "CH", "32": "BE" };
const UK_POSTCODE = /\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b/g;
const US_ZIP = /\b(?:A[LKZR]|C[AOT]|DE|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[TA]|W[AVIY]|DC) \d{5}(?:-\d{4})?\b/g;

/**
 * Infer the language (stop-word counts) and the region (IBAN country codes, dialling codes, postcode
 * shapes, currency signs) of a document. A configured `defaultRegion` wins over the inferred region.
 */
export function inferLocale(models: readonly TextModel[], config: DetectionConfig): DocumentLocale {
  let sample = "";
  for (const m of models) {
    sample += m.text + "\n";
    if (sample.length > 30000) break;
  }
  const counts = new Map<Language, number>();
  // words only: "com" of "yahoo.com" is no Portuguese, "de" of "mail.de" no Spanish
  for (const tok of sample.toLowerCase().match(/(?<![\p{L}\p{N}.@/_-])\p{L}+(?![\p{N}._@-]\p{L})/gu) ?? []) {
    for (const lang of config.languages) if (STOPWORDS[lang]?.includes(tok)) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  let language: Language = config.languages.includes("en") ? "en" : config.languages[0]!;
  let best = 0;
  for (const [l, n] of counts) if (n > best) [language, best] = [l, n];

  const regions = new Map<CountryCode, number>();
  const vote = (r: CountryCode | undefined, n = 1) => r && regions.set(r, (regions.get(r) ?? 0) + n);
  for (const m of sample.matchAll(/(?<![\p{L}\p{N}])([A-Z]{2})\d{2}[ ]?[\dA-Z]{4}/gu)) vote(m[1] as CountryCode, 2);
  for (const m of sample.matchAll(/(?:\+|\b00)(1|44|49|33|34|39|351|31|43|41|32)[\s(-]/g)) vote(DIAL[m[1]!], 2);
  // an international number written without spaces ("+44137972284") names its country only once parsed
  for (const m of sample.matchAll(/(?<![\p{L}\p{N}])\+\d{8,14}(?!\d)/gu)) {
    const c = parsePhoneNumberFromString(m[0])?.country;
    if (c && PHONE_REGIONS.includes(c)) vote(c, 2);
  }
  vote("GB", (sample.match(UK_POSTCODE)?.length ?? 0) * 2 + (sample.match(/£/g)?.length ?? 0));
  // national phone numbers vote for the regions whose numbering plan they fit
  let phones = 0;
  for (const m of sample.matchAll(/(?<![\d+])(?:\(\d{2,5}\)[ .-]?|\d{2,5}[ .-])\d{2,4}(?:[ .-]\d{2,4}){0,3}(?!\d)/g)) {
    if (++phones > 40) break;
    for (const r of PHONE_REGIONS) if (parsePhoneNumberFromString(m[0], r)?.isValid()) vote(r, 1);
  }
  vote("US", (sample.match(US_ZIP)?.length ?? 0) * 2 + (sample.match(/\$\s?\d/g)?.length ?? 0));
  const home = LANGUAGE_REGION[language];
  // English is written in both: only the document's own evidence tells a British from an American one
  // (a home vote for the US outvoted a UK postcode and a UK number, and en_GB phones were read as US)
  if (language !== "en") vote(home, 3);
  let region: CountryCode = home;
  if (language === "en") region = (regions.get("GB") ?? 0) > (regions.get("US") ?? 0) ? "GB" : "US";
  else if (language === "de") {
    const at = regions.get("AT") ?? 0;
    const ch = regions.get("CH") ?? 0;
    if (at > (regions.get("DE") ?? 0)) region = "AT";
    else if (ch > (regions.get("DE") ?? 0)) region = "CH";
  }
  if (config.defaultRegionSet && config.defaultRegion) region = config.defaultRegion;
  return { language, region };
}

/** Regions whose national numbering we try, document region first. */
export function regionsToTry(locale: DocumentLocale | undefined, config: DetectionConfig): CountryCode[] {
  const out: CountryCode[] = [];
  const add = (r: CountryCode | undefined) => r && !out.includes(r) && out.push(r);
  // national numbers are read in the document's own region (foreign ones are written with +CC)
  add(locale?.region);
  add(config.defaultRegion);
  return out;
}

/** Same-length copy of the page text with OCR letter/digit confusions undone inside number-like tokens. */
const digitViews = new WeakMap<TextModel, string>();
const CONFUSABLE: Record<string, string> = { O: "0", o: "0", I: "1", l: "1", "|": "1", S: "5" };
export function digitView(model: TextModel): string {
  let v = digitViews.get(model);
  if (v !== undefined) return v;
  v = model.text.replace(/[^\s]+/g, (tok) => {
    if (!/[OoIl|S]/.test(tok)) return tok;
    // only tokens that are mostly digits: "2O24", "l23-45-6789", "+49 3O" — never words or IBAN letters
    const digits = (tok.match(/\d/g) ?? []).length;
    const conf = (tok.match(/[OoIl|S]/g) ?? []).length;
    const letters = (tok.match(/\p{L}/gu) ?? []).length;
    // every letter must be a confusable one and the token mostly (or at least partly) digits
    if (letters > conf || digits < 1 || digits + conf < 3 || (digits < 2 * conf && letters > 0 && !/^[\d\s.,+()\-/OoIl|S]+$/.test(tok))) return tok;
    return tok.replace(/[OoIl|S]/g, (c) => CONFUSABLE[c]!);
  });
  digitViews.set(model, v);
  return v;
}
