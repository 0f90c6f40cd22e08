import type { Language } from "../config";
import { forLanguages, hasContext } from "../context";
import { digitView, labelled } from "../evidence";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";

/** Month names (full and common abbreviations) per language, index = month number - 1. */
const MONTHS: Record<Language, string[][]> = {
  en: [["january", "jan"], ["february", "feb"], ["march", "mar"], ["april", "apr"], ["may"], ["june", "jun"], ["july", "jul"], ["august", "aug"], ["september", "sept", "sep"], ["october", "oct"], ["november", "nov"], ["december", "dec"]],
  de: [["januar", "jänner", "jan"], ["februar", "feb"], ["märz", "maerz", "mär"], ["april", "apr"], ["mai"], ["juni", "jun"], ["juli", "jul"], ["august", "aug"], ["september", "sept", "sep"], ["oktober", "okt"], ["november", "nov"], ["dezember", "dez"]],
  fr: [["janvier", "janv"], ["février", "fevrier", "févr", "fév"], ["mars"], ["avril", "avr"], ["mai"], ["juin"], ["juillet", "juil"], ["août", "aout"], ["septembre", "sept"], ["octobre", "oct"], ["novembre", "nov"], ["décembre", "decembre", "déc"]],
  it: [["gennaio", "gen"], ["febbraio", "feb"], ["marzo", "mar"], ["aprile", "apr"], ["maggio", "mag"], ["giugno", "giu"], ["luglio", "lug"], ["agosto", "ago"], ["settembre", "set"], ["ottobre", "ott"], ["novembre", "nov"], ["dicembre", "dic"]],
  es: [["enero", "ene"], ["febrero", "feb"], ["marzo", "mar"], ["abril", "abr"], ["mayo", "may"], ["junio", "jun"], ["julio", "jul"], ["agosto", "ago"], ["septiembre", "setiembre", "sep"], ["octubre", "oct"], ["noviembre", "nov"], ["diciembre", "dic"]],
  pt: [["janeiro", "jan"], ["fevereiro", "fev"], ["março", "marco", "mar"], ["abril", "abr"], ["maio", "mai"], ["junho", "jun"], ["julho", "jul"], ["agosto", "ago"], ["setembro", "set"], ["outubro", "out"], ["novembro", "nov"], ["dezembro", "dez"]],
  nl: [["januari", "jan"], ["februari", "feb"], ["maart", "mrt"], ["april", "apr"], ["mei"], ["juni", "jun"], ["juli", "jul"], ["augustus", "aug"], ["september", "sep"], ["oktober", "okt"], ["november", "nov"], ["december", "dec"]],
};

/** Every month name and abbreviation of every language, lower case (for recognisers that must tell a year from a number). */
export const MONTH_WORDS: readonly string[] = [...new Set(Object.values(MONTHS).flat(2))].sort((a, b) => b.length - a.length);

/** Words that, shortly before (or just after) a date, make it a date of birth. */
export const DOB_CONTEXT: Record<Language, readonly string[]> = {
  en: ["born", "born on", "DOB", "D.O.B.", "D.O.B", "date of birth", "birth date", "birthdate", "birthday", "b.", "birth"],
  de: ["geboren", "geboren am", "geb.", "geb. am", "Geburtsdatum", "Geburtstag", "Geb.-Datum", "Geb.datum"],
  fr: ["né le", "née le", "né", "née", "né(e)", "né(e) le", "date de naissance", "naissance"],
  it: ["nato il", "nata il", "nato", "nata", "data di nascita"],
  es: ["nacido el", "nacida el", "nacido", "nacida", "fecha de nacimiento", "F. nac.", "F. nacimiento", "nacimiento", "fecha nac."],
  pt: ["nascido em", "nascida em", "nascido", "nascida", "data de nascimento"],
  nl: ["geboren", "geboren op", "geboortedatum", "geb."],
};

function monthIndex(languages: readonly Language[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const l of languages) MONTHS[l].forEach((names, i) => names.forEach((n) => map.set(n, i + 1)));
  return map;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(day: number, month: number, year: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, year);
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 1900 + n : n; // for validity only (leap years); the text is what we redact
}

interface DateSpan {
  start: number;
  end: number;
}

/** Every valid calendar date written in numeric or verbal form (month names of `languages`). */
export function findDates(text: string, languages: readonly Language[]): DateSpan[] {
  const out: DateSpan[] = [];
  const months = monthIndex(languages);
  const names = [...months.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(/\./g, "\\."));
  const M = `(${names.join("|")})\\.?`;
  const Y = "(\\d{4})";
  const D = "(\\d{1,2})(?:st|nd|rd|th|er|º|°|\\.)?";
  const OF = "(?:\\s+(?:of|de|del))?";
  const patterns: { re: RegExp; read: (m: RegExpExecArray) => [number, number, number][] }[] = [
    {
      // 1990-04-23, 1990/04/23
      re: /(?<![\p{N}./-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\p{N}]|[./-]\d)/gu,
      read: (m) => [[Number(m[4]), Number(m[3]), Number(m[1])]],
    },
    {
      // 23.04.1990, 04/23/1990, 23-04-90: valid if either day-month order is
      re: /(?<![\p{N}./-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\p{N}]|[./-]\d)/gu,
      read: (m) => [
        [Number(m[1]), Number(m[3]), fullYear(m[4]!)],
        [Number(m[3]), Number(m[1]), fullYear(m[4]!)],
      ],
    },
    {
      // 23 April 1990, 23rd of April, 1990, 23. April 1990, 1er avril 1990, 23 de abril de 1990
      re: new RegExp(`(?<![\\p{L}\\p{N}])${D}${OF}\\s+${M}${OF},?\\s+${Y}(?![\\p{N}])`, "giu"),
      read: (m) => [[Number(m[1]), months.get(m[2]!.toLowerCase())!, Number(m[3])]],
    },
    {
      // April 23, 1990 / April 23rd 1990
      re: new RegExp(`(?<![\\p{L}\\p{N}])${M}\\s+${D},?\\s+${Y}(?![\\p{N}])`, "giu"),
      read: (m) => [[Number(m[2]), months.get(m[1]!.toLowerCase())!, Number(m[3])]],
    },
  ];
  // Patterns overlap (numeric forms); keep each text position once, in reading order.
  for (const { re, read } of patterns) {
    for (const m of matches(re, text)) {
      if (m[0].includes("\n\n")) continue;
      if (read(m).some(([d, mo, y]) => validDate(d, mo, y))) {
        const end = m.index + m[0].replace(/[.,]$/, "").length;
        out.push({ start: m.index, end });
      }
    }
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: DateSpan[] = [];
  for (const d of out) if (!kept.length || d.start >= kept[kept.length - 1]!.end) kept.push(d);
  return kept;
}

/**
 * DATE_OF_BIRTH: a valid date with a birth context word ("born", "DOB", "geboren", "né le", ...) just
 * before it or right after it. DATE: every valid date (opt-in label). Both are emitted for a birth
 * date; overlap resolution keeps DATE_OF_BIRTH (higher score) when both labels are enabled.
 */
export const dateRecognizer: Recognizer = {
  name: "DateRecognizer",
  labels: ["DATE_OF_BIRTH", "DATE"],
  run(model, config) {
    const out: Candidate[] = [];
    const context = forLanguages(DOB_CONTEXT, config.languages);
    let previousEnd = 0;
    // the digit view undoes OCR's letter-for-digit readings inside numbers ("20 avril |948", "O3/05/1998")
    for (const { start, end } of findDates(digitView(model), config.languages)) {
      // "Born 1 May 1950, died 2 June 2020": a context word before an earlier date is that date's.
      const before = Math.min(30, start - previousEnd);
      previousEnd = end;
      // a form puts the label above the value, a table in its column header
      // (only a label above or in a header: a same-line label further back belongs to an earlier date)
      const sameLine = hasContext(model, start, end, context, before, 12);
      const place = sameLine ? null : labelled(model, start, end, context, 0);
      if (sameLine || place === "above" || place === "header")
        out.push({ start, end, label: "DATE_OF_BIRTH", score: 0.85, recognizer: this.name, strength: "validated" });
      out.push({ start, end, label: "DATE", score: 0.6, recognizer: this.name, strength: "validated" });
    }
    return out;
  },
};
