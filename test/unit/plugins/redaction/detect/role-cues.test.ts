/**
 * A person named after a role phrase in prose ("please contact our agent Tomás Villanueva", German "Ihr
 * Berater Jonas Becker", "votre conseillère ...", "su asesor ..."), on one line or wrapped across the line
 * break at any of its parts, and role phrases followed by no name ("our agent will call", "Ihr Berater vor
 * Ort"), which must stay out. Names from seeded faker in five locales; the role phrases are the ones
 * people write, in both genders where the language has them. A newcomer's letter leaked the wrapped name
 * and the German one after accept-all (d9d31ef).
 */
import { fakerDE, fakerEN_GB, fakerEN_US, fakerES, fakerFR, type Faker } from "@faker-js/faker";
import { detect } from "../../../../../plugins/redaction/detect";
import { pageOf } from "./page-fixture";

type Sex = "female" | "male";
interface Locale {
  id: string;
  f: Faker;
  /** sentence openers before the role phrase */
  lead: string[];
  roles: Record<Sex, string[]>;
  /** what follows the name */
  tail: string[];
  /** role phrases followed by no name: [text before, text after] the capitalised word(s) that are no name */
  decoys: string[];
}

const LOCALES: Locale[] = [
  {
    id: "en_US", f: fakerEN_US,
    lead: ["If you have any questions, please contact", "For anything else, call", "Your file is handled by"],
    roles: { male: ["our agent", "your adviser", "your account manager", "your case worker", "your new advisor"], female: ["our agent", "your adviser", "your account manager", "your case worker", "your relationship manager"] },
    tail: ["on the number below.", "who will be glad to help."],
    decoys: ["If needed, our agent will call you back.", "Please bring the form to your adviser at Head Office.", "Ask your account manager for details."],
  },
  {
    id: "en_GB", f: fakerEN_GB,
    lead: ["Please speak to", "From Monday", "Any questions can go to"],
    roles: { male: ["your adviser", "our claims handler", "your case worker"], female: ["your adviser", "our claims handler", "your case worker"] },
    tail: ["at the branch.", "as before."],
    decoys: ["Your adviser will ring you on Monday.", "Our claims handler Team will write to you."],
  },
  {
    id: "de", f: fakerDE,
    lead: ["Bei Rückfragen steht Ihnen", "Ab Januar ist", "Gern hilft Ihnen"],
    roles: { male: ["Ihr Berater", "Ihr Ansprechpartner", "Ihr Sachbearbeiter", "Ihr Kundenberater", "Ihr neuer Berater"], female: ["Ihre Beraterin", "Ihre Ansprechpartnerin", "Ihre Sachbearbeiterin", "Ihre Kundenbetreuerin"] },
    tail: ["gern zur Verfügung.", "für Sie da."],
    decoys: ["Bitte wenden Sie sich an Ihren Berater vor Ort.", "Bei Fragen hilft Ihre Ansprechpartnerin im Kundenservice.", "Ihr Berater Termine vereinbart gern.", "Zuständig ist Ihr Sachbearbeiter Team Nord."],
  },
  {
    id: "fr", f: fakerFR,
    lead: ["Pour toute question,", "Dès lundi,", "Comme convenu,"],
    roles: { male: ["votre conseiller", "votre interlocuteur", "notre agent", "votre chargé de clientèle"], female: ["votre conseillère", "votre interlocutrice", "votre gestionnaire", "votre chargée de clientèle"] },
    tail: ["reste à votre disposition.", "vous rappellera."],
    decoys: ["Adressez-vous à votre conseiller en Agence.", "Si besoin, notre agent vous rappellera.", "Contactez votre conseillère Banque Privée."],
  },
  {
    id: "es", f: fakerES,
    lead: ["Para cualquier duda,", "Desde el lunes,", "Como acordamos,"],
    roles: { male: ["su asesor", "nuestro agente", "su gestor", "su ejecutivo de cuenta"], female: ["su asesora", "su gestora", "su ejecutiva de cuenta"] },
    tail: ["le atenderá.", "queda a su disposición."],
    decoys: ["Diríjase a su asesor en la Oficina Central.", "Si lo necesita, nuestro agente le llamará.", "Consulte con su gestor de Banca Personal."],
  },
];

const PER_LOCALE = 14;
const plain = (s: string) => s.replace(/[^\p{L} '’-]/gu, "");
const persons = (text: string) => detect([pageOf(text)]).filter((x) => x.label === "PERSON").map((x) => x.text);

/** For each locale: generated sentences naming a person after a role phrase, the name split after part `wrapAt` (or not). */
function cases(l: Locale, wrap: boolean): { text: string; name: string }[] {
  l.f.seed(4711);
  const out: { text: string; name: string }[] = [];
  for (let i = 0; i < PER_LOCALE; i++) {
    const sex = l.f.helpers.arrayElement(["female", "male"] as const);
    // faker spells some particle surnames "Le gall", "Da silva"; documents write "Le Gall", "Da Silva"
    const last = plain(l.f.person.lastName(sex)).replace(/\b(Da|De|Di|Du|Dos|Le|La|Van|Von|Del) (\p{Ll})/gu, (_m, p: string, c: string) => `${p} ${c.toUpperCase()}`);
    const parts = [plain(l.f.person.firstName(sex)), last];
    const name = parts.join(" ");
    const head = `${l.f.helpers.arrayElement(l.lead)} ${l.f.helpers.arrayElement(l.roles[sex])}`;
    const tail = l.f.helpers.arrayElement(l.tail);
    // wrapped: after the role phrase (the name starts the next line) or between its parts
    const at = wrap ? i % 2 : -1;
    const text = at === 0 ? `${head}\n${name} ${tail}` : at === 1 ? `${head} ${parts[0]}\n${parts[1]} ${tail}` : `${head} ${name} ${tail}`;
    out.push({ text, name });
  }
  return out;
}

describe("a person named after a role phrase", () => {
  it.each(LOCALES.map((l) => [l.id, l] as const))("on one line (%s)", (_id, l) => {
    const misses = cases(l, false).filter((c) => !persons(c.text).includes(c.name)).map((c) => c.text);
    // at most one of 14 (faker's rare names the lists do not know); the misses are printed when more
    expect(misses.length <= 1 ? [] : misses).toEqual([]);
  });

  it.each(LOCALES.map((l) => [l.id, l] as const))("wrapped after the role phrase or between its parts: the whole name is one finding (%s)", (_id, l) => {
    const misses = cases(l, true).filter((c) => !persons(c.text).includes(c.name)).map((c) => c.text.replace(/\n/, " / "));
    expect(misses.length <= 1 ? [] : misses).toEqual([]);
  });

  it.each([
    ["en", "If you have any questions, please contact our agent Tomás\nVillanueva on the number below.", "Tomás Villanueva"],
    ["de", "Bei Fragen wenden Sie sich an Ihren Berater Jonas Becker.", "Jonas Becker"],
    ["de", "Ihr Berater Jonas Becker ist für Sie da.", "Jonas Becker"],
    ["de", "Ihre Ansprechpartnerin Petra\nSchulz hilft Ihnen gern.", "Petra Schulz"],
    ["de", "Zuständig ist Ihr Sachbearbeiter\nLukas Hoffmann.", "Lukas Hoffmann"],
    ["fr", "Pour toute question, votre conseillère Julie\nMartin reste disponible.", "Julie Martin"],
    ["es", "Para cualquier duda, su asesor Javier\nRomero le atenderá.", "Javier Romero"],
    ["en", "Your case worker Emily\nNader will call you.", "Emily Nader"],
  ])("%s: %j finds %j", (_lang, text, name) => {
    expect(persons(text)).toEqual([name]);
  });

  it.each(LOCALES.map((l) => [l.id, l] as const))("a role phrase followed by no name finds nothing (%s)", (_id, l) => {
    const found = l.decoys.flatMap((t) => persons(t).map((p) => `${t} -> ${p}`));
    expect(found).toEqual([]);
  });
});
