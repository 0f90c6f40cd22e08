import type { Candidate } from "../types";
import type { TextModel } from "../text-model";
import { matches, type Recognizer } from "./recognizer";
import { nlpPlaces } from "./nlp";

const CAP = "\\p{Lu}[\\p{L}'’.-]*";
const EN_TYPES =
  "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Square|Sq|Terrace|Way|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Row|Gardens|Grove|Hill|Mews|Walk|Circle|Cir|Trail|Alley|Park";
const DE_NL_SUFFIX = "straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|straat|laan|plein|gracht|kade|dijk|singel";
const DE_TYPES = "Straße|Strasse|Str\\.|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer";
const FR_TYPES = "rue|avenue|av\\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|square";
const ROMANCE_TYPES = "Calle|Avenida|Av\\.|Via|Viale|Piazza|Corso|Largo|Rua|Praça|Travessa|Plaza|Paseo|Camino";
const US_STATES =
  "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR";

/** Street lines: a house number and a street type, in English, German/Dutch, French and Romance order. */
const STREETS: RegExp[] = [
  // 221B Baker Street, 1600 Pennsylvania Avenue NW
  new RegExp(`(?<![\\p{L}\\p{N}])\\d{1,5}[A-Za-z]?(?:-\\d{1,5})?,? (?:${CAP} ){1,4}(?:${EN_TYPES})\\.?(?: (?:N|S|E|W|NE|NW|SE|SW)\\b)?(?![\\p{L}])`, "gu"),
  // Hauptstraße 5, Kerkstraat 12a, Unter den Linden Platz 3
  new RegExp(`(?<![\\p{L}])(?:\\p{Lu}[\\p{L}-]*(?:${DE_NL_SUFFIX})|(?:${CAP} ){1,3}(?:${DE_TYPES}))(?: ?\\d{1,4}[a-z]?(?:[-/]\\d{1,4}[a-z]?)?)(?![\\p{N}])`, "gu"),
  // 10 rue de la Paix, 5 bis avenue Victor Hugo
  new RegExp(`(?<![\\p{L}\\p{N}])\\d{1,4}(?: ?(?:bis|ter))?,? (?:${FR_TYPES}) (?:(?:de la|de l'|du|des|de|d') ?)?${CAP}(?: ${CAP}){0,3}`, "giu"),
  // Calle Mayor 5, Via Roma 10, Rua Augusta, 25
  new RegExp(`(?<![\\p{L}])(?:${ROMANCE_TYPES}) (?:(?:de|del|de la|della|delle|dei|da|do|dos|das) )?${CAP}(?: ${CAP}){0,3},? (?:n\\.?º? ?)?\\d{1,4}[a-zA-Z]?(?![\\p{N}])`, "gu"),
];

/** Postcode lines, each optionally with its town. */
const POSTCODES: { re: RegExp; score: number }[] = [
  // UK: NW1 6XE, SW1A 1AA (letters that never occur in a position are excluded)
  { re: /(?<![\p{L}\p{N}])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})(?![\p{L}\p{N}])/gu, score: 0.55 },
  // US: Springfield, IL 62704-1234
  { re: new RegExp(`(?<![\\p{L}])(?:${CAP}(?: ${CAP}){0,2}, ?)?(?:${US_STATES}) \\d{5}(?:-\\d{4})?(?![\\p{N}])`, "gu"), score: 0.6 },
  // DE/FR/IT/ES (5 digits) and AT/CH/NL/BE/PT-style (4 digits) postcode followed by a capitalised town
  // Alone it is weak ("In 2020 Microsoft"): it completes a street line, and stands on its own only
  // when compromise also knows the town (raised to NUMERIC_POSTCODE_WITH_TOWN below).
  { re: /(?<![\p{L}\p{N}-])(?:[A-Z]{1,2}-)?\d{4,5}(?: [A-Z]{2})? \p{Lu}[\p{L}-]+(?: (?:am|an der|im|bei|sur|en|de|\p{Lu}[\p{L}-]+))?(?![\p{L}])/gu, score: 0.4 },
];

const NUMERIC_POSTCODE_WITH_TOWN = 0.6;

/** What may sit between a street line and the postcode/town that completes it. */
const BETWEEN = /^(?:,?[ \t]*\n?[ \t]*)(?:\p{Lu}[\p{L}'’.-]*(?: \p{Lu}[\p{L}'’.-]*){0,2},?[ \t]*\n?[ \t]*)?$/u;

interface Span {
  start: number;
  end: number;
  score: number;
}

function collect(model: TextModel): { streets: Span[]; tails: Span[] } {
  const streets: Span[] = [];
  const tails: Span[] = [];
  for (const re of STREETS) for (const m of matches(re, model.text)) streets.push({ start: m.index, end: m.index + m[0].length, score: 0.7 });
  for (const { re, score } of POSTCODES) for (const m of matches(re, model.text)) tails.push({ start: m.index, end: m.index + m[0].length, score });
  // compromise recognises some street lines ("221B Baker Street") and towns ("London"): streets start with a number
  const towns: Span[] = [];
  for (const p of nlpPlaces(model)) {
    if (p.text.includes("\n")) continue;
    if (/^\d/.test(p.text) && /\p{L}{3,}/u.test(p.text)) streets.push({ start: p.start, end: p.end, score: 0.65 });
    else towns.push({ start: p.start, end: p.end, score: 0.35 });
  }
  for (const t of tails) {
    if (t.score < 0.5 && towns.some((w) => w.start >= t.start && w.end <= t.end)) t.score = NUMERIC_POSTCODE_WITH_TOWN;
  }
  tails.push(...towns);
  return { streets, tails };
}

/**
 * PHYSICAL_ADDRESS: a street line (number + street type in several languages, or a compromise place
 * starting with a number) joined with the postcode/town that follows it on the same or the next line
 * ("221B Baker Street\nLondon NW1 6XE" is one finding with two boxes). Postcodes with their town
 * are findings on their own at a lower score; a bare town name is only kept below the default threshold.
 */
export const addressRecognizer: Recognizer = {
  name: "AddressRecognizer",
  labels: ["PHYSICAL_ADDRESS"],
  run(model) {
    const { streets, tails } = collect(model);
    tails.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: Candidate[] = [];
    const emit = (s: Span) => out.push({ ...s, label: "PHYSICAL_ADDRESS", recognizer: this.name, strength: "heuristic" });
    for (const st of streets) {
      // extend with consecutive tails (town, then postcode), as long as only commas, one line break
      // and up to three capitalised words separate them
      let end = st.end;
      let extended = false;
      for (const t of tails) {
        if (t.start < end) continue;
        if (t.start - end > 60 || !BETWEEN.test(model.text.slice(end, t.start))) break;
        end = Math.max(end, t.end);
        extended = true;
      }
      emit({ start: st.start, end, score: extended ? 0.85 : st.score });
    }
    for (const t of tails) emit(t);
    return out;
  },
};
