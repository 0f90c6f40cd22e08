import type { Language } from "../config";
import { boost, forLanguages, hasContext } from "../context";
import type { Candidate } from "../types";
import { matches, type Recognizer } from "./recognizer";
import { nlpPeople } from "./nlp";

/** Titles written right before a name. */
const HONORIFICS: Record<Language, readonly string[]> = {
  en: ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "Lady", "Lord"],
  de: ["Herr", "Herrn", "Frau", "Dr", "Prof"],
  fr: ["M.", "Mme", "Mlle", "Monsieur", "Madame", "Mademoiselle", "Me", "Pr"],
  it: ["Sig", "Sig.ra", "Sigra", "Signor", "Signora", "Dott", "Dott.ssa", "Avv", "Ing"],
  es: ["Sr", "Sra", "Srta", "Don", "Doña", "Dña"],
  pt: ["Sr", "Sra", "Dona", "Dr"],
  nl: ["Dhr", "Mevr", "Mw", "Mr", "Dr"],
};
/** Salutations that precede a name (optionally followed by an honorific). */
const GREETINGS: Record<Language, readonly string[]> = {
  en: ["Dear", "Hello", "Hi", "Attn", "Sincerely", "Regards", "Kind regards", "Best regards"],
  de: ["Sehr geehrter", "Sehr geehrte", "Liebe", "Lieber", "Hallo", "Mit freundlichen Grüßen", "Viele Grüße"],
  fr: ["Cher", "Chère", "Bonjour"],
  it: ["Gentile", "Caro", "Cara", "Egregio"],
  es: ["Estimado", "Estimada", "Querido", "Querida"],
  pt: ["Prezado", "Prezada", "Caro", "Cara"],
  nl: ["Geachte", "Hallo"],
};
/** Form labels; they must be followed by a colon. */
const FIELD_LABELS: Record<Language, readonly string[]> = {
  en: ["Name", "Full name", "First name", "Last name", "Surname", "Given name", "Patient", "Patient name", "Employee", "Applicant", "Customer", "Client", "Signed by", "Contact person", "Account holder"],
  de: ["Name", "Vorname", "Nachname", "Familienname", "Patient", "Ansprechpartner", "Kontoinhaber", "Antragsteller"],
  fr: ["Nom", "Prénom", "Nom de famille", "Patient", "Titulaire"],
  it: ["Nome", "Cognome", "Paziente", "Intestatario"],
  es: ["Nombre", "Apellido", "Apellidos", "Paciente", "Titular"],
  pt: ["Nome", "Apelido", "Sobrenome", "Paciente", "Titular"],
  nl: ["Naam", "Voornaam", "Achternaam", "Patiënt", "Rekeninghouder"],
};
/** Capitalised words that follow a salutation but are not names ("Dear Sir or Madam"). */
const NOT_NAMES = new Set(
  "sir sirs madam madame all team customer customers client clients colleague colleagues friend friends member members applicant user users reader readers partner partners mum mom dad everyone the this that his her our your their signature date".split(" "),
);
const PARTICLES = "van|von|de|der|den|du|da|di|del|della|dos|das|le|la|bin|al|ten|ter|zu|y";
const TOKEN = "(?:\\p{Lu}[\\p{L}'’-]*|\\p{Lu}\\.)";
const NAME = `${TOKEN}(?: (?:(?:${PARTICLES}) ){0,2}${TOKEN}){0,4}`;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
/** Case-insensitive spelling of a literal inside a case-sensitive regex (names must stay capitalised). */
function ci(s: string): string {
  return [...escape(s)]
    .map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c === " " ? "\\s+" : c))
    .join("");
}
function alternation(words: readonly string[], caseInsensitive: boolean): string {
  const variants = caseInsensitive ? [...words] : [...new Set(words.flatMap((w) => [w, w.toUpperCase()]))];
  return variants
    .sort((a, b) => b.length - a.length)
    .map((w) => (caseInsensitive ? ci(w) : escape(w).replace(/ /g, "\\s+")))
    .join("|");
}

function contextRegex(languages: readonly Language[]): RegExp {
  // Titles and salutations are matched as written (or in capitals): lower-case "me", "don", "sir" are
  // ordinary words. Form labels are matched in any case, their colon makes them unambiguous.
  const hon = alternation(forLanguages(HONORIFICS, languages), false);
  const greet = alternation(forLanguages(GREETINGS, languages), false);
  const field = alternation(forLanguages(FIELD_LABELS, languages), true);
  const honorific = `(?:${hon})\\.?`;
  return new RegExp(
    `(?<![\\p{L}\\p{N}])(?:(?:${field})[ \\t]*:[ \\t]*\\n?[ \\t]*(?:${honorific}[ \\t]+)?|(?:${greet})(?:,?[ \\t]+|,?[ \\t]*\\n[ \\t]*)(?:${honorific}[ \\t]+)?|${honorific}[ \\t]+)(${NAME})`,
    "gu",
  );
}

const contextCache = new Map<string, RegExp>();

/** Drop trailing tokens that are not part of the name ("John Smith The" cannot happen, "Smith Street" can). */
function trimName(text: string): string {
  const tokens = text.split(" ");
  while (tokens.length && (NOT_NAMES.has(tokens[tokens.length - 1]!.toLowerCase().replace(/\.$/, "")) || new RegExp(`^(?:${PARTICLES})$`).test(tokens[tokens.length - 1]!)))
    tokens.pop();
  return tokens.join(" ");
}

/**
 * PERSON: names found by compromise's people() (multi-word names pass the default threshold, single
 * words only with context), plus capitalised tokens right after a title ("Mr", "Dr", "Mme"), a
 * salutation ("Dear", "Sehr geehrte") or a form label ("Name:", "Nom :"). Titles are not part of the
 * finding: "Mr John Smith" yields "John Smith".
 */
export const personRecognizer: Recognizer = {
  name: "PersonRecognizer",
  labels: ["PERSON"],
  run(model, config) {
    const out: Candidate[] = [];
    const key = config.languages.join(",");
    let re = contextCache.get(key);
    if (!re) contextCache.set(key, (re = contextRegex(config.languages)));

    for (const m of matches(re, model.text)) {
      const name = trimName(m[1]!);
      if (!name || NOT_NAMES.has(name.split(" ")[0]!.toLowerCase().replace(/\.$/, ""))) continue;
      const start = m.index + m[0].length - m[1]!.length;
      out.push({ start, end: start + name.length, label: "PERSON", score: 0.85, recognizer: this.name, strength: "heuristic" });
    }

    const honorifics = forLanguages(HONORIFICS, config.languages);
    const honorificStart = new RegExp(`^(?:(?:${honorifics.map(escape).join("|")})\\.?\\s+)+`, "iu");
    const contextWords = [...honorifics, ...forLanguages(GREETINGS, config.languages), ...forLanguages(FIELD_LABELS, config.languages)];
    for (const p of nlpPeople(model)) {
      let start = p.start;
      const h = honorificStart.exec(p.text);
      if (h) start += h[0].length;
      const text = trimName(model.text.slice(start, p.end));
      if (!text || text.includes("\n") || !/^\p{Lu}/u.test(text)) continue;
      const end = start + text.length;
      const multi = text.includes(" ");
      const context = h !== null || hasContext(model, start, end, contextWords, 25, 0);
      out.push({ start, end, label: "PERSON", score: boost(multi ? 0.6 : 0.4, context), recognizer: this.name, strength: "heuristic" });
    }
    return out;
  },
};
