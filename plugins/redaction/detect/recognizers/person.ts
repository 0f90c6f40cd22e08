import nlp from "compromise";
import { getGender } from "gender-detection-from-name";
import { deu, eng, fra, ita, nld, por, spa } from "stopword";
import { NAME_LEXICON, nameLexiconKey } from "../../name-lexicon";
import type { Language } from "../config";
import { forLanguages } from "../context";
import { labelled, lineLanguage } from "../evidence";
import type { TextLine, TextModel } from "../text-model";
import type { Candidate } from "../types";
import { ADDRESS_CONTEXT, STREET_TYPES } from "./address";
import { CARD_CONTEXT } from "./credit-card";
import { DOB_CONTEXT, MONTH_WORDS } from "./date";
import { EMAIL_CONTEXT } from "./email";
import { IBAN_CONTEXT, IBAN_NEGATIVE } from "./iban";
import { NOT_PHONE_CONTEXT, PHONE_CONTEXT } from "./phone";
import { URL_CONTEXT } from "./url";
import { matches, type Recognizer } from "./recognizer";

/**
 * First names come from the `gender-detection-from-name` package (MIT): given-name lists for en, de,
 * fr, es, it. Name parts of any kind (first names and surnames of many cultures) come from
 * `@cspell/dict-people-names` (MIT, see name-lexicon.ts): a run whose every part is a known name is a
 * name even with no cue, and known parts back up layout evidence (a line holding only the run).
 */
function isFirstName(token: string, fw: ReadonlySet<string> = FUNCTION_WORDS): boolean {
  const t = token.replace(/[.’']$/, "");
  const low = t.toLowerCase();
  if (t.length < 2 || fw.has(low) || AMBIGUOUS.has(low)) return false;
  if (getGender(t) !== "unknown") return true;
  // the lists spell many names without accents ("Tomas", "Ines")
  const plain = t.normalize("NFD").replace(/\p{M}/gu, "");
  if (plain !== t && getGender(plain) !== "unknown") return true;
  // Jean-Pierre, Anne-Sophie, Karl-Heinz
  const parts = t.split("-");
  return parts.length === 2 && parts.every((p) => getGender(p) !== "unknown");
}

/**
 * A known name part (first name or surname) that is not also a common word of the document's language,
 * a company, street, trade or job word: "Kessler", "Nader", "Rolland", not "Street", "Will", "Bank".
 */
const knownCache = new Map<ReadonlySet<string>, Map<string, "name" | "word" | null>>();
function knownPart(token: string, fw: ReadonlySet<string>): "name" | "word" | null {
  let cache = knownCache.get(fw);
  if (!cache) knownCache.set(fw, (cache = new Map()));
  let v = cache.get(token);
  if (v === undefined) {
    // bounded: a long-running host sees unbounded vocabularies
    if (cache.size > 50_000) cache.clear();
    cache.set(token, (v = knownPartUncached(token, fw)));
  }
  return v;
}
function knownPartUncached(token: string, fw: ReadonlySet<string>): "name" | "word" | null {
  const t = token.replace(/[.’']$/, "");
  const low = t.toLowerCase();
  if (t.length < 2 || fw.has(low) || AMBIGUOUS.has(low) || NOT_PERSON_NEXT.has(low) || BUSINESS_WORDS.has(low) || ROLE_WORDS.has(low)) return null;
  const parts = t.split("-");
  const known = isFirstName(t, fw) || NAME_LEXICON.has(nameLexiconKey(t)) || (parts.length === 2 && parts.every((p) => p.length >= 2 && NAME_LEXICON.has(nameLexiconKey(p))));
  if (!known) return null;
  // "Bank", "Page", "Bill", "Brown": names too, but English words first (compromise's lexicon tags them
  // as nouns, verbs, adjectives or places, not as first or last names)
  return commonWord(low) ? "word" : "name";
}

const COMPROMISE_LEXICON = (nlp as unknown as { model(): { one: { lexicon: Record<string, string | string[]> } } }).model().one.lexicon;
function commonWord(low: string): boolean {
  const tag = COMPROMISE_LEXICON[low];
  if (!tag) return false;
  return !(Array.isArray(tag) ? tag : [tag]).some((x) => /Name|Person/.test(x));
}

/** Titles written right before a name. */
const HONORIFICS: Record<Language, readonly string[]> = {
  en: ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "Lady", "Lord", "Rev"],
  de: ["Herr", "Herrn", "Frau", "Dr", "Prof", "Dipl.-Ing", "Fr", "Hr"],
  fr: ["M.", "Mme", "Mlle", "Monsieur", "Madame", "Mademoiselle", "Me", "Pr", "Dr"],
  it: ["Sig", "Sig.ra", "Sigra", "Signor", "Signora", "Dott", "Dott.ssa", "Avv", "Ing"],
  es: ["Sr", "Sra", "Srta", "Don", "Doña", "Dña", "D.", "Dª"],
  pt: ["Sr", "Sra", "Dona", "Dr"],
  nl: ["Dhr", "Mevr", "Mw", "Mr", "Dr"],
};
/** Salutations and phrases that are followed by a name. */
const BEFORE_NAME: Record<Language, readonly string[]> = {
  en: ["Dear", "Hello", "Hi", "Attn", "Attn:", "Attention", "Re:", "From:", "To:", "Cc:", "Bcc:", "Signed:", "Signature:", "Signed by", "Transfer to", "Payment from", "Payment to", "Standing order", "Direct debit", "received from", "between", "&", "Patient:", "Contact:", "Employee:", "Applicant:", "Prepared by", "Approved by", "Witness:", "Dr."],
  de: ["Sehr geehrter", "Sehr geehrte", "Liebe", "Lieber", "Hallo", "Von:", "An:", "Cc:", "Betr.:", "Unterschrift:", "Überweisung an", "Gutschrift von", "Dauerauftrag", "Lastschrift", "Beschwerde von", "zwischen", "Ansprechpartner:", "z. Hd.", "zu Händen"],
  fr: ["Cher", "Chère", "Bonjour", "De :", "De:", "À :", "À:", "A :", "Cc :", "Objet :", "Signature :", "Virement à", "Virement de", "Prélèvement", "Réclamation de", "entre", "Interlocuteur :"],
  it: ["Gentile", "Caro", "Cara", "Egregio", "Da:", "A:"],
  es: ["Estimado", "Estimada", "Querido", "Querida", "Hola", "De:", "Para:", "CC:", "Asunto:", "Firma:", "Transferencia a", "Transferencia de", "Abono de", "Orden permanente", "Bizum", "Reclamación de", "entre", "Atención:", "Att.:"],
  pt: ["Prezado", "Prezada", "Caro", "Cara"],
  nl: ["Geachte", "Hallo"],
};
/** Phrases that follow a name ("Jane Doe wrote:"). */
const AFTER_NAME = ["wrote:", "wrote", "schrieb:", "schrieb", "a écrit :", "a écrit", "escribió:", "escribió", "said", "(\"A\")", "(\"B\")", "<"];
/**
 * Role words of prose that name the person next ("please contact our agent Tomás Villanueva", "Ihr
 * Berater Jonas Becker", "votre conseillère Julie Martin", "su asesor Javier Romero"): unaccented, lower
 * case, as regex sources (German compounds by their stem: "Kundenberaterin", "Sachbearbeiter"). Only
 * after a possessive or article (ROLE_DETERMINERS), and weaker than a title or salutation: the word after
 * them is often no name ("our agent will call", "Ihr Berater vor Ort", "votre conseiller en Agence"), so a
 * run there also needs a known first name or name part.
 */
const ROLE_NOUNS: Record<Language, readonly string[]> = {
  en: ["agent", "adviser", "advisor", "account manager", "account executive", "relationship manager", "case worker", "caseworker", "case manager", "case handler", "claims handler", "claims adjuster", "handler", "representative", "consultant", "contact person", "contact", "colleague", "coordinator", "officer", "loan officer", "broker", "assistant", "counsellor", "counselor", "social worker", "nurse", "doctor", "lawyer", "solicitor", "accountant", "manager", "supervisor", "technician", "engineer"],
  de: ["(?:\\p{L}+)?(?:berater|bearbeiter|betreuer|ansprechpartner|mitarbeiter|vertreter|vermittler|makler|gutachter|sachverstandiger|sachverstandige)(?:in)?", "agent(?:in)?", "kollege", "kollegin", "fallmanager(?:in)?", "kundenmanager(?:in)?", "arzt", "arztin", "anwalt", "anwaltin", "steuerberater(?:in)?", "techniker(?:in)?"],
  fr: ["conseiller", "conseillere", "interlocuteur", "interlocutrice", "agent", "agente", "gestionnaire", "charge(?:e)? de (?:clientele|compte|dossier|mission|relation client|affaires)", "charge(?:e)? d'affaires", "collegue", "correspondant(?:e)?", "referent(?:e)?", "representant(?:e)?", "commercial(?:e)?", "courtier", "expert(?:e)?", "technicien(?:ne)?", "medecin", "avocat(?:e)?"],
  it: ["consulente", "referente", "agente", "gestore", "collega", "operatore", "operatrice"],
  es: ["asesor(?:a)?", "agente", "gestor(?:a)?", "ejecutiv[oa](?: de cuentas?)?", "representante", "compan(?:er|er)[oa]", "companer[oa]", "responsable", "interlocutor(?:a)?", "tramitador(?:a)?", "comercial", "perito", "tecnic[oa]", "medic[oa]", "abogad[oa]", "consultor(?:a)?"],
  pt: ["consultor(?:a)?", "gestor(?:a)?", "agente", "assessor(?:a)?", "colega"],
  nl: ["adviseur", "contactpersoon", "behandelaar", "medewerker", "collega"],
};
/** Possessives and articles before a role word, unaccented, lower case (with an adjective between: "your new adviser"). */
const ROLE_DETERMINERS: Record<Language, readonly string[]> = {
  en: ["our", "your", "my", "his", "her", "their", "the", "a", "an"],
  de: ["ihr", "ihre", "ihren", "ihrem", "ihrer", "unser", "unsere", "unseren", "unserem", "unserer", "mein", "meine", "meinen", "meinem", "der", "die", "den", "dem", "dein", "deine", "deinen", "zustandige", "zustandiger", "zustandigen"],
  fr: ["votre", "notre", "vos", "nos", "le", "la", "l'", "son", "sa", "mon", "ma", "ton", "ta", "un", "une"],
  it: ["il", "la", "il suo", "la sua", "il vostro", "la vostra", "il nostro", "la nostra", "suo", "sua"],
  es: ["su", "sus", "nuestro", "nuestra", "el", "la", "tu", "mi", "un", "una"],
  pt: ["o", "a", "seu", "sua", "o seu", "a sua", "nosso", "nossa"],
  nl: ["uw", "onze", "de", "je", "jouw"],
};
/** Form labels and table headers whose value is a name. */
const NAME_LABELS: Record<Language, readonly string[]> = {
  en: ["Name", "Full name", "First name", "Last name", "Surname", "Given name", "Patient", "Patient name", "Employee", "Employee name", "Applicant", "Customer", "Client", "Signed by", "Contact person", "Contact", "Account holder", "Policyholder", "Policy holder", "Emergency contact", "Beneficiary", "Tenant", "Landlord", "Guarantor", "Witness", "Next of kin", "Cardholder", "Attendee", "Recipient", "Sender"],
  de: ["Name", "Vorname", "Nachname", "Familienname", "Vor- und Nachname", "Mitarbeiter", "Mitarbeiterin", "Patient", "Ansprechpartner", "Kontoinhaber", "Kontoinhaberin", "Karteninhaber", "Karteninhaberin", "Versicherungsnehmer", "Versicherungsnehmerin", "Antragsteller", "Notfallkontakt", "Mieter", "Vermieter", "Empfänger", "Absender"],
  fr: ["Nom", "Prénom", "Nom de famille", "Nom et prénom", "Nom complet", "Patient", "Titulaire", "Titulaire du compte", "Souscripteur", "Souscriptrice", "Contact d'urgence", "Salarié", "Locataire", "Bénéficiaire", "Destinataire"],
  it: ["Nome", "Cognome", "Paziente", "Intestatario"],
  es: ["Nombre", "Apellido", "Apellidos", "Nombre y apellidos", "Nombre completo", "Paciente", "Titular", "Titular de la cuenta", "Tomador", "Tomadora", "Contacto de emergencia", "Empleado", "Inquilino", "Beneficiario", "Destinatario"],
  pt: ["Nome", "Apelido", "Sobrenome", "Paciente", "Titular"],
  nl: ["Naam", "Voornaam", "Achternaam", "Patiënt", "Rekeninghouder"],
};
/** Closings: the name of the signer follows on one of the next lines. */
const CLOSINGS = [
  "sincerely", "yours sincerely", "yours faithfully", "kind regards", "best regards", "regards", "best wishes", "yours truly", "cheers", "thanks", "thank you", "respectfully",
  "mit freundlichen grüßen", "mit freundlichen grüssen", "viele grüße", "beste grüße", "freundliche grüße", "herzliche grüße",
  "cordialement", "bien à vous", "bien cordialement", "salutations distinguées", "veuillez agréer nos salutations distinguées", "sincères salutations",
  "atentamente", "un saludo", "saludos cordiales", "saludos", "un cordial saludo", "reciba un cordial saludo",
];

const STOPWORDS: Record<Language, readonly string[]> = { en: eng, de: deu, fr: fra, es: spa, it: ita, pt: por, nl: nld };

/**
 * Without accents. OCR drops them ("Uberweisung an") and swaps them ("Prélévement" for "Prélèvement"), so
 * cues are matched on folded text. Precomposed letters fold to one letter: the length, and so the regex's
 * anchoring at the end, stay.
 */
const unaccented = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "");

/** Form words, months, closings and English function words: never (part of) a name, whatever the language. */
const HAND_WORDS = new Set(
  [
    ...`the a an this that these those our your their his her its my we you they he she it to of in on at by for with from and or but not no yes
  dear sir sirs madam madame all team customer customers client clients colleague colleagues friend friends member members applicant user users reader readers partner partners everyone
  signature date page section appendix annex total invoice order payment bank account card number phone email mobile address note notes subject re ref
  january february march april june july august september october november december monday tuesday wednesday thursday friday saturday sunday
  januar februar märz juni juli oktober dezember montag dienstag mittwoch donnerstag freitag samstag sonntag
  janvier février mars avril juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche
  enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunes martes miércoles jueves viernes sábado domingo
  bitte vielen dank laut weitere diese unsere alle
  courriel email e-mail téléphone portable domicile adresse teléfono móvil dirección correo domicilio anschrift telefon mobil handy wohnort iban tel fax web site
  telephone cell cellphone landline`.split(/\s+/),
    ...`
  merci veuillez selon toutes tous
  gracias según todos todas
  university college school hospital clinic company group services solutions international global national
  sincerely regards thanks cordialement atentamente saludos grüße`.split(/\s+/),
  ].map((w) => w.toLowerCase()),
);
/** The month and weekday names of HAND_WORDS: first names too ("May", "June", "April"), in a name position. */
const CALENDAR_WORDS = new Set([...MONTH_WORDS, ..."monday tuesday wednesday thursday friday saturday sunday".split(" ")]);
/** Words that are never (part of) a name: the function words of every supported language, and HAND_WORDS. */
const FUNCTION_WORDS = new Set([...HAND_WORDS, ...Object.values(STOPWORDS).flat().filter((w) => w.length > 1)]);
const fwCache = new Map<Language, ReadonlySet<string>>();
/**
 * Function words of the document's language only: "Allen", "Will", "Lang" are German function words
 * but English names, so in an English document they stay names ("Allen McGlynn", "Sophie Lang").
 */
function functionWordsFor(language: Language | undefined): ReadonlySet<string> {
  if (!language) return FUNCTION_WORDS;
  let set = fwCache.get(language);
  if (!set) fwCache.set(language, (set = new Set([...HAND_WORDS, ...STOPWORDS[language].filter((w) => w.length > 1)])));
  return set;
}
/**
 * Capitalised words that a first-name list knows but that are usually something else ("May", "Lake",
 * "Paris"): they do not count as first names, though a surname may be spelt like them ("Louis Will").
 */
const AMBIGUOUS = new Set(
  `may will mai lake west east north south mount port saint santa san santo sainte st ste firma page summer faith hope joy grace rose royal apple sunny rich dawn ray chase hunter mason
  virginia georgia carolina dallas austin houston paris florence victoria washington lincoln jackson madison jordan florida blanc mesa silla
  street road avenue lane drive court place square park new old upper lower great little direct data`.split(/\s+/),
);
/** Job and role words: a capitalised run holding one is a title ("Senior Data Manager"), not a name. */
const ROLE_WORDS = new Set(
  `manager director engineer officer specialist consultant assistant coordinator analyst architect developer designer administrator representative technician executive associate supervisor agent strategist planner producer facilitator liaison orchestrator
  directeur directrice responsable ingénieur consultant assistant analyste architecte développeur gestionnaire coordinateur spécialiste chef chargé conseiller technicien planificateur
  leiter leiterin ingenieur berater assistent entwickler referent sachbearbeiter geschäftsführer
  director directora ingeniero consultor asistente analista arquitecto desarrollador coordinador especialista ejecutivo agente supervisor planificador jefe gerente técnico administrador diseñador programador asesor representante`.split(/\s+/),
);
/** Shop, trade and product words: "Simon Bijoux", "Johnson Books", "Mesa Práctico" are businesses or goods. */
const BUSINESS_WORDS = new Set(
  `games clothing books tools home garden health beauty grocery movies music sports toys baby kids electronics computers jewelery jewelry industrial automotive outdoors shoes store shop bakery market pharmacy garage motors foods cafe restaurant hotel
  santé livres vêtements automobile jeux bijoux beauté industrie sports films musique maison ordinateurs électronique electronique outils jardin épicerie boulangerie pharmacie plein
  spiele bücher kleidung werkzeuge garten gesundheit schönheit lebensmittel filme musik spielzeug elektronik computer schmuck industrie schuhe
  juegos ropa libros herramientas hogar jardín salud belleza alimentación películas música deportes juguetes electrónica ordenadores joyería industrial zapatos
  hat shirt chair table computer keyboard mouse car bike ball gloves pants shoes soap towels bacon cheese chicken chips fish pizza salad sausages tuna`.split(/\s+/),
);
/**
 * The label words of the other recognisers, one word each, unaccented and in lower case: "Kartennummer",
 * "Telefon", "Bankverbindung", "Geburtsdatum", "Tarjeta", "Référence". A form's key column prints them
 * capitalised and alone, often right under a name label ("Kontoinhaber" / "Kartennummer"): a run of
 * nothing but such words is a label, never a name. German compounds of a label noun count too
 * ("Kundennummer", "Versicherungsnummer", "Aktenzeichen"), but no word that a first-name list knows.
 */
const LABEL_WORDS = new Set(
  [PHONE_CONTEXT, CARD_CONTEXT, IBAN_CONTEXT, DOB_CONTEXT]
    .flatMap((t) => Object.values(t).flat())
    .concat(ADDRESS_CONTEXT, EMAIL_CONTEXT, URL_CONTEXT, NOT_PHONE_CONTEXT, IBAN_NEGATIVE)
    .filter((w) => !/\s/.test(w) && /^\p{L}[\p{L}-]+\.?$/u.test(w) && getGender(w.replace(/\.$/, "")) === "unknown")
    .map((w) => unaccented(w.replace(/\.$/, "")).toLowerCase()),
);
const LABEL_COMPOUND = /^\p{Lu}\p{Ll}{2,}(?:nummer|nr|datum|adresse|anschrift|verbindung|zeichen|betrag|konto|kennung|leitzahl)$/u;
const isLabelWord = (t: string) => LABEL_WORDS.has(unaccented(t.replace(/[.:]$/, "")).toLowerCase()) || LABEL_COMPOUND.test(t);
const CUE_TOKENS = new Set<string>();
const NOT_NAME_COLUMNS = ["Description", "Item", "Product", "Article", "Beschreibung", "Artikel", "Buchungstext", "Désignation", "Libellé", "Produit", "Descripción", "Concepto", "Producto", "Artículo"];

/** Words that end a company name, a street or a place, not a person. */
const NOT_PERSON_NEXT = new Set(
  `gmbh ggmbh mbh ag kg ohg ug e.v se sa s.a sas s.a.s sasu sarl eurl scop snc sca scs sem gie sl s.l slu s.l.u spa s.p.a srl s.r.l bv b.v nv n.v ab oy aps
  inc ltd llc llp plc corp co company corporation group gruppe holdings hermanos asociados associates partners bank
  street st road rd avenue ave lane ln drive dr boulevard blvd way court ct place pl square close crescent terrace hill park grove gardens
  university college school hospital clinic hotel airport station`.split(/\s+/),
);

// O'Hara, D'Angelo, McDonald, MacArthur, Jean-Pierre, Robel-O'Kon; or an initial "J."
const NAME_PART = "\\p{Lu}(?:['’]\\p{Lu})?\\p{Ll}+(?:\\p{Lu}\\p{Ll}+)?";
const TOKEN = `(?:${NAME_PART}(?:-${NAME_PART})?|\\p{Lu}\\.)`;
const PARTICLE = "(?:van der|von der|van den|de la|de los|de las|van|von|de|der|den|du|da|di|del|della|dos|das|le|la|bin|al|ten|ter|zu)";
const SEQUENCE = new RegExp(`(?<![\\p{L}\\p{N}'’-])${TOKEN}(?:[ ](?:${PARTICLE}[ ])?${TOKEN}){0,4}(?![\\p{L}\\p{N}'’-])`, "gu");
/** Names in capitals ("MARIA GARCIA LOPEZ"), as forms print them: only taken with a cue or label. */
const CAPS_SEQUENCE = /(?<![\p{L}\p{N}'’-])\p{Lu}{2,}(?:['’-]\p{Lu}+)?(?:[ ](?:DE LA|DE|DEL|VAN|VON|DA|DI|LE|LA)?[ ]?\p{Lu}{2,}(?:['’-]\p{Lu}+)?){1,4}(?![\p{L}\p{N}'’-])/gu;

for (const list of [HONORIFICS, BEFORE_NAME, NAME_LABELS]) for (const words of Object.values(list)) for (const w of words) for (const t of w.split(/\s+/)) CUE_TOKENS.add(unaccented(t.toLowerCase().replace(/[.:]+$/, "")));
/** Titles ("Dr", "Herr", "Mme"), lower case without the dot; and one ending the text before a run. */
const TITLE_TOKENS = new Set(Object.values(HONORIFICS).flatMap((l) => l.map((w) => w.toLowerCase().replace(/\.$/, ""))));
const TITLE_BEFORE = new RegExp(`(?<![\\p{L}])(?:${[...new Set(Object.values(HONORIFICS).flatMap((l) => l.map((w) => w.replace(/\.$/, ""))))].map(escape).join("|")})\\.? $`, "u");

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const NO_WORDS: ReadonlySet<string> = new Set();
/**
 * Salutations and e-mail header labels that are followed by a name and nothing else ("Dear May,",
 * "From: June <...>"). A first name that is also a month or a word ("May", "June", "Will", "Grace") is
 * taken as a name only in such a position, never after cues that also precede dates ("Re:", "between").
 */
const GREETINGS: Record<Language, readonly string[]> = {
  en: ["Dear", "Hello", "Hi", "Hey", "Attn", "Attn:", "Attention:", "From:", "To:", "Cc:", "Bcc:"],
  de: ["Sehr geehrter", "Sehr geehrte", "Liebe", "Lieber", "Hallo", "Von:", "An:", "Cc:"],
  fr: ["Cher", "Chère", "Bonjour", "De :", "De:", "À :", "À:", "Cc :"],
  it: ["Gentile", "Caro", "Cara", "Egregio", "Da:", "A:"],
  es: ["Estimado", "Estimada", "Querido", "Querida", "Hola", "De:", "Para:", "CC:"],
  pt: ["Prezado", "Prezada", "Caro", "Cara"],
  nl: ["Geachte", "Hallo"],
};
/** A line starting as a street does: a few words, then a house number ("Im Nesselrader Kamp 62a, ..."; not an amount "12.50"). */
const HOUSE_NUMBER = /^[ ]?\d{1,5}(?:[ ]?[a-zA-Z])?(?![\p{L}\p{N}]|[.,]\d)/u;
const STREET_LINE = new RegExp(`^(?:[\\p{L}.'’-]+ ){1,5}${HOUSE_NUMBER.source.slice(1)}`, "u");
/** Up to three name parts starting the next line (the rest of a wrapped name: "María" / "José García López"). */
const WRAPPED_PARTS = new RegExp(`^${TOKEN}(?: ${TOKEN}){0,2}(?![\\p{L}\\p{N}'’-])`, "u");
/** Words of company names that a person's name never holds ("Grupo Sánchez", "Groupe Rolland"). */
const COMPANY_WORDS = new Set(
  `grupo corporación corporacion industrias laboratorios hermanos hijos asociados compañía compania sociedad
  groupe société societe compagnie entreprise entreprises établissements etablissements fils frères freres associés associes
  gruppe verlag werke söhne sohne partner stiftung gesellschaft
  group industries laboratories brothers sons associates partners enterprises holdings trust foundation`.split(/\s+/),
);

/**
 * True when the line after `lineEnd` reads like the first line of an address: a number and a word
 * ("12 Baker Street", "Hauptstr. 5", "42, chemin de Berger"), not a line of figures or a date alone.
 */
function addressBelow(model: TextModel, lineEnd: number): boolean {
  const text = model.text;
  if (lineEnd >= text.length) return false;
  const e = text.indexOf("\n", lineEnd + 1);
  const next = text.slice(lineEnd + 1, e === -1 ? text.length : e);
  if (next.length > 80 || next.includes("@")) return false;
  return /(?:^|\s)\d{1,5}[a-zA-Z]?(?:,|\s|$)/.test(next) && /\p{L}{3,}/u.test(next) && !/^[\d\s.,:/€$£+-]+$/.test(next);
}

/** Dates ("2024-03-12", "12.03.2024") and money amounts ("-123.45", "4 567,89"): digit runs that are no phone number. */
const DATES_AMOUNTS = /(?<![\d.,/-])(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|[-+−]?\d{1,3}(?:[ .,’']\d{3})*[.,]\d{2})(?![.,/-]?\d)/gu;
/** True when `s` holds an e-mail address or a phone-like digit run once its dates and amounts are set aside. */
function hasContact(s: string): boolean {
  return /@[A-Za-z0-9-]+\.|\+?\d[\d ().-]{7,}\d/.test(s.replace(DATES_AMOUNTS, " "));
}

const contactLinesOf = new WeakMap<TextModel, TextLine[]>();
/** True when another segment of the visual row holding `at` has an e-mail address or a phone number. */
function rowHasContact(model: TextModel, at: number): boolean {
  const w = model.charToWord[at];
  if (w === undefined || w < 0) return false;
  let contacts = contactLinesOf.get(model);
  if (!contacts) {
    contacts = model.lines.filter((l) => hasContact(model.text.slice(l.start, l.end)));
    contactLinesOf.set(model, contacts);
  }
  const line = model.lines[model.words[w]!.line]!;
  const y0 = line.box.y;
  const y1 = y0 + line.box.height;
  return contacts.some((other) => other !== line && Math.min(y1, other.box.y + other.box.height) - Math.max(y0, other.box.y) >= 0.5 * Math.min(line.box.height, other.box.height));
}

/** True when a segment right of the one holding `at`, on its visual row, holds a digit: a key's value beside it ("Agence   KD-123456"). */
function digitsBeside(model: TextModel, at: number): boolean {
  const w = model.charToWord[at];
  if (w === undefined || w < 0) return false;
  const line = model.lines[model.words[w]!.line]!;
  const y0 = line.box.y;
  const y1 = y0 + line.box.height;
  return model.lines.some(
    (o) => o !== line && o.box.x >= line.box.x + line.box.width && Math.min(y1, o.box.y + o.box.height) - Math.max(y0, o.box.y) >= 0.5 * Math.min(line.box.height, o.box.height) && /\d/.test(model.text.slice(o.start, o.end)),
  );
}

const AMOUNT_CELL = /^[-+−]?\s?(?:[$€£]\s?)?\d{1,3}(?:[ .,’']?\d{3})*[.,]\d{2}(?:\s?(?:[$€£]|EUR|USD|GBP|CR|DR))?$/u;
const DATE_CELL = /^\d{1,4}[./-]\d{1,2}(?:[./-]\d{2,4})?$|^\d{1,2}\.? \p{L}{3,}\.?(?: \d{2,4})?$/u;
const transactionRowsOf = new WeakMap<TextModel, Map<number, boolean>>();
/**
 * True when the visual row holding `at` is a transaction line: its other segments are a money amount
 * and a date or a second amount (a bank statement's "date | description | amount | balance"). Such a
 * line's text cell names merchants and goods far more often than people ("Rey Jouets", "García
 * Videojuegos"); a person there comes with a transfer cue ("Virement de ...") or a known full name.
 */
function transactionRow(model: TextModel, at: number): boolean {
  const w = model.charToWord[at];
  if (w === undefined || w < 0) return false;
  const li = model.words[w]!.line;
  let cache = transactionRowsOf.get(model);
  if (!cache) transactionRowsOf.set(model, (cache = new Map()));
  const hit = cache.get(li);
  if (hit !== undefined) return hit;
  const line = model.lines[li]!;
  const y0 = line.box.y;
  const y1 = y0 + line.box.height;
  let amounts = 0;
  let dates = 0;
  for (const other of model.lines) {
    if (other === line || Math.min(y1, other.box.y + other.box.height) - Math.max(y0, other.box.y) < 0.5 * Math.min(line.box.height, other.box.height)) continue;
    const t = model.text.slice(other.start, other.end).trim();
    if (AMOUNT_CELL.test(t)) amounts++;
    else if (DATE_CELL.test(t)) dates++;
  }
  const v = amounts >= 1 && amounts + dates >= 2;
  cache.set(li, v);
  return v;
}

interface Cues {
  /** True when the text ends with a cue that comes right before a name. */
  precedes(text: string): boolean;
  /** True when the text ends with a greeting, an e-mail header label or a title (see GREETINGS). */
  greets(text: string): boolean;
  after: RegExp;
  labels: string[];
  /** True when the text ends with a role phrase after a possessive or article ("our agent", "Ihre Beraterin"). */
  role(text: string): boolean;
  /** A role word alone (anchored), as a capitalised run may start with it in German ("Berater Jonas Becker"). */
  roleWord: RegExp;
  /** True when what `role` found is a transfer cue inside a sentence ("a payment from"), no role phrase. */
  prose(text: string): boolean;
}

const cueCache = new Map<string, Cues>();
function cuesFor(languages: readonly Language[]): Cues {
  const key = languages.join(",");
  let c = cueCache.get(key);
  if (!c) {
    const hon = [...new Set(forLanguages(HONORIFICS, languages).map((h) => unaccented(h)))].map((h) => `${escape(h.replace(/\.$/, ""))}\\.?`);
    const phrases = [...new Set(forLanguages(BEFORE_NAME, languages).map(unaccented))].map((p) => escape(p).replace(/ /g, "\\s+"));
    // the cue must END right before the name: titles, salutations and header labels, then an optional title
    const before = new RegExp(`(?:^|[^\\p{L}])(?:${[...phrases, ...hon].sort((a, b) => b.length - a.length).join("|")}),?[ \\t]*(?:(?:${hon.join("|")})[ \\t]+)?$`, "u");
    const after = new RegExp(`^,?[ \\t]*(?:${AFTER_NAME.map(escape).join("|")})`, "u");
    const greet = [...new Set(forLanguages(GREETINGS, languages).map(unaccented))].map((p) => escape(p).replace(/ /g, "\\s+"));
    // a greeting or header label, or a title, then maybe a title: "Dear ", "From: ", "Dear Mrs ", "Dr "
    const greeting = new RegExp(`(?:^|[^\\p{L}])(?:(?:${greet.sort((a, b) => b.length - a.length).join("|")}),?[ \\t]*(?:(?:${hon.join("|")})[ \\t]+)?|(?:${hon.join("|")})[ \\t]+)$`, "u");
    const nouns = forLanguages(ROLE_NOUNS, languages).sort((a, b) => b.length - a.length).map((n) => n.replace(/ /g, "\\s+"));
    const dets = forLanguages(ROLE_DETERMINERS, languages).sort((a, b) => b.length - a.length).map((d) => escape(d).replace(/ /g, "\\s+"));
    // determiner, at most one adjective ("your new adviser", "Ihre neue Beraterin"), the role, maybe a comma
    const role = new RegExp(`(?:^|[^\\p{L}'])(?:${dets.join("|")})(?:\\s+|(?<='))(?:\\p{L}+\\s+)?(?:${nouns.join("|")})[ \\t]*,?[ \\t]*$`, "iu");
    const roleWord = new RegExp(`^(?:${nouns.join("|")})$`, "iu");
    // the transfer and payment cues inside a sentence, in lower case ("we have received a payment from",
    // "realice la transferencia a", "die Gutschrift von"): as weak as a role phrase, since prose goes on
    // with places and banks after them too ("the transfer to Santander")
    const prose = [...new Set(forLanguages(BEFORE_NAME, languages).filter((p) => /^\p{L}+ \p{L}+$/u.test(p)).map((p) => unaccented(p).toLowerCase()))].map((p) => escape(p).replace(/ /g, "\\s+"));
    const proseCue = new RegExp(`(?:^|[^\\p{L}])(?:${prose.join("|")})[ \\t]*$`, "u");
    c = {
      precedes: (text) => before.test(unaccented(text)),
      greets: (text) => greeting.test(unaccented(text)),
      after,
      labels: forLanguages(NAME_LABELS, languages),
      role: (text) => role.test(unaccented(text)) || proseCue.test(unaccented(text)),
      prose: (text) => proseCue.test(unaccented(text)) && !role.test(unaccented(text)),
      roleWord,
    };
    cueCache.set(key, c);
  }
  return c;
}

function lineBounds(model: TextModel, at: number): [number, number] {
  const s = model.text.lastIndexOf("\n", at - 1) + 1;
  const e = model.text.indexOf("\n", at);
  return [s, e === -1 ? model.text.length : e];
}

/** True when one of the two lines above (text order) is a closing such as "Kind regards,". */
function afterClosing(model: TextModel, lineStart: number): boolean {
  let end = lineStart - 1;
  for (let k = 0; k < 3 && end > 0; k++) {
    const start = model.text.lastIndexOf("\n", end - 1) + 1;
    const line = model.text.slice(start, end).trim().toLowerCase().replace(/[,.!:]+$/, "");
    if (CLOSINGS.includes(line)) return true;
    if (line.length > 40) return false;
    end = start - 1;
  }
  return false;
}

/** A name token or e-mail local part compared loosely: no case, accents, digits or dots; OCR's i/l one letter. */
const nameKey = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[1|i]/g, "l").replace(/0/g, "o").replace(/[^a-z]/g, "");
const localPartsOf = new WeakMap<TextModel, string[]>();
/** The local parts of the e-mail addresses on the page (OCR may leave a space around the "@" and the dot). */
function localParts(model: TextModel): string[] {
  let v = localPartsOf.get(model);
  if (!v) {
    v = [...model.text.matchAll(/([A-Za-z0-9][A-Za-z0-9._%+-]{2,63}) ?@ ?[A-Za-z0-9-]+ ?\./g)].map((m) => nameKey(m[1]!));
    localPartsOf.set(model, v);
  }
  return v;
}

/**
 * PERSON, candidate -> evidence -> decision, for en/de/fr/es (it/pt/nl cues too). Candidates: runs
 * of 1-5 capitalised tokens on one line (particles such as "von", "de la" inside). Evidence: a title
 * or salutation or header label right before ("Herr", "Sra.", "Dear", "From:", "Transfer to"), a
 * phrase right after ("... wrote:"), a name label on the line, above or as the column header, a
 * signature position (the line after "Kind regards,"), a known first name (MIT name lists), other
 * personal data on the line. Against: company, street and place words next to it, a house number
 * before it, all tokens common words. Titles are not part of the finding: "Mr John Smith" -> "John Smith".
 */
export const personRecognizer: Recognizer = {
  name: "PersonRecognizer",
  labels: ["PERSON"],
  run(model, config) {
    const out: Candidate[] = [];
    const cues = cuesFor(config.languages);
    const text = model.text;
    const docFw = functionWordsFor(model.locale?.language);
    // a line in another language than the document's ("Ihr Berater Jonas Becker ..." in an English letter)
    // is read with that language's function words: "Ihr" is no name part there, "Will" or "Allen" may be
    const lineFw = new Map<number, ReadonlySet<string>>();
    const fwAt = (at: number): ReadonlySet<string> => {
      const [ls0, le0] = lineBounds(model, at);
      let set = lineFw.get(ls0);
      if (!set) {
        const other = lineLanguage(text.slice(ls0, le0), model.locale?.language, config.languages);
        lineFw.set(ls0, (set = other ? functionWordsFor(other) : docFw));
      }
      return set;
    };
    const seqs = [...matches(SEQUENCE, text)].map((m) => ({ index: m.index, text: m[0], caps: false }));
    for (const m of matches(CAPS_SEQUENCE, text)) seqs.push({ index: m.index, text: m[0], caps: true });
    for (const m of seqs) {
      let tokens = m.text.split(" ");
      let start = m.index;
      const fw = fwAt(m.index);
      const isFirst = (t: string) => isFirstName(t, fw);
      // leading function words and cue words ("Dear", "The", "Estimada", "Herr") are not part of a
      // name, nor are trailing function words or particles
      const low = (t: string) => t.toLowerCase().replace(/\.$/, "");
      // a name part spelt like a function word ("Cara", "Don", "Weniger", "Keiner") is a name when an
      // e-mail address of the page spells it together with the next (or previous) part: Cara.Huke12@...
      const spelt = (a: string, b: string) => {
        const ka = nameKey(a);
        const kb = nameKey(b);
        return ka.length >= 2 && kb.length >= 2 && localParts(model).some((lp) => lp.includes(ka) && lp.includes(kb));
      };
      // right after a title ("Dr. ", "Herr ", in the run or before it), a salutation that is also a first
      // name starts the name: "Dr. Cara Cleve", "Herr Don Dare"
      let afterTitle = TITLE_BEFORE.test(text.slice(Math.max(0, start - 12), start));
      // a first name spelt like a month or a common word ("May", "June", "Will", "Grace") alone in a name
      // position: after a greeting or header label and followed only by punctuation ("Dear May,", "From:
      // June <"), alone on the line under a closing ("Best regards,\nMay"), or before "wrote:" at the start
      // of a line or clause. Dates ("12 May 2024", "From: May 2024", "in May") are never in such a position.
      const wordAsName = (at: number, token: string): boolean => {
        const lw = token.toLowerCase();
        // (not a title or a form word that a name list also holds: "Dear Sir,", "Dear Team,")
        if (!/^\p{Lu}\p{Ll}+$/u.test(token) || CUE_TOKENS.has(unaccented(lw)) || (HAND_WORDS.has(lw) && !CALENDAR_WORDS.has(lw)) || getGender(token) === "unknown") return false;
        const [ls0, le0] = lineBounds(model, at);
        const rest = text.slice(at + token.length, le0);
        const head = text.slice(Math.max(ls0, at - 40), at);
        if (/^[ \t]*(?:[,;:!]|<|$)/.test(rest) && cues.greets(head)) return true;
        if (/^[ \t]*[,.]?[ \t]*$/.test(rest) && !/[\p{L}\p{N}]/u.test(text.slice(ls0, at)) && afterClosing(model, ls0)) return true;
        return cues.after.test(rest) && /(?:^|,[ \t]*)$/.test(head);
      };
      while (tokens.length && !(tokens.length === 1 && wordAsName(start, tokens[0]!)) && (fw.has(low(tokens[0]!)) || CUE_TOKENS.has(unaccented(low(tokens[0]!))))) {
        // (a salutation or title spelt like a first name too: "Cara", "Don")
        if (tokens.length > 1 && /^\p{Lu}\p{Ll}+$/u.test(tokens[0]!) && spelt(tokens[0]!, tokens[1]!)) break;
        if (tokens.length > 1 && afterTitle && CUE_TOKENS.has(unaccented(low(tokens[0]!))) && isFirstName(tokens[0]!, NO_WORDS) && /^\p{Lu}\p{Ll}/u.test(tokens[1]!)) break;
        afterTitle = TITLE_TOKENS.has(low(tokens[0]!));
        // a month that is also a first name starts a signature under a closing: "Kind regards,\nJune Brakus"
        if (tokens.length > 1 && /^\p{Lu}\p{Ll}+$/u.test(tokens[0]!) && getGender(tokens[0]!) !== "unknown" && !fw.has(low(tokens[1]!)) && /^\p{Lu}\p{Ll}/u.test(tokens[1]!)) {
          const [ls0, le0] = lineBounds(model, start);
          if (!/[\p{L}\p{N}]/u.test(text.slice(ls0, start)) && /^[ \t]*[,.]?[ \t]*$/.test(text.slice(start + tokens.join(" ").length, le0)) && afterClosing(model, ls0)) break;
        }
        // a month that is also a first name, right after a cue, starts the name: "Transfer to June Brakus"
        // (or a role phrase: "nuestro agente Julio César Arellano"; or a name label: "Tomador" / "Julio César Palomino")
        if (
          tokens.length > 1 &&
          !CUE_TOKENS.has(unaccented(low(tokens[0]!))) &&
          isFirstName(tokens[0]!, NO_WORDS) &&
          !fw.has(low(tokens[1]!)) &&
          (cues.precedes(text.slice(Math.max(0, start - 40), start)) || cues.role(text.slice(Math.max(0, start - 40), start)) || labelled(model, start, start + tokens.join(" ").length, cues.labels, 0) !== null)
        )
          break;
        start += tokens[0]!.length + 1;
        tokens = tokens.slice(1);
      }
      // a capitalised role word or phrase starting the run is the cue, not the name: German "Berater Jonas
      // Becker" (after "Ihr"), "Account Manager Emily Nader"
      for (let k = Math.min(2, tokens.length - 1); k >= 1; k--) {
        const head = tokens.slice(0, k).join(" ");
        if (cues.roleWord.test(unaccented(head)) && cues.role(text.slice(Math.max(0, start - 30), start + head.length))) {
          start += head.length + 1;
          tokens = tokens.slice(k);
          // and a form word after it is no name either: "Ihr Sachbearbeiter Team Nord"
          while (tokens.length > 1 && (fw.has(low(tokens[0]!)) || CUE_TOKENS.has(unaccented(low(tokens[0]!))))) {
            start += tokens[0]!.length + 1;
            tokens = tokens.slice(1);
          }
          break;
        }
      }
      // a sentence's first word before a first name: "Yesterday Angela Merkel visited"
      // (not a first name that is also a word: "Virginia Batista Rincón" at the start of a line)
      if (tokens.length > 2 && !isFirst(tokens[0]!) && getGender(tokens[0]!) === "unknown" && isFirst(tokens[1]!) && /(?:^|[.!?:]\s*|\n\s*)$/.test(text.slice(Math.max(0, start - 3), start))) {
        start += tokens[0]!.length + 1;
        tokens = tokens.slice(1);
      }
      // a surname spelt like a function word or a month ends a name that has a first name or a cue:
      // "Überweisung an Mira Gross", "Orden permanente Jorge Lomeli Agosto"
      // (or spelt with the part before it in an e-mail address: "Tyron Weniger" .. Tyron_Weniger@)
      const surnameLike = (t: string) =>
        tokens.length >= 2 &&
        /^\p{Lu}/u.test(t) &&
        ((NAME_LEXICON.has(nameLexiconKey(t)) && (isFirst(tokens[0]!) || cues.precedes(text.slice(Math.max(0, start - 40), start)))) || spelt(tokens[tokens.length - 2]!, t));
      while (tokens.length && !(tokens.length === 1 && wordAsName(start, tokens[0]!)) && (fw.has(low(tokens[tokens.length - 1]!)) || new RegExp(`^${PARTICLE}$`, "i").test(tokens[tokens.length - 1]!)) && !surnameLike(tokens[tokens.length - 1]!))
        tokens = tokens.slice(0, -1);
      if (!tokens.length) continue;
      const name = tokens.join(" ");
      let end = start + name.length;
      const real = tokens.filter((t) => !/^\p{Lu}\.$/u.test(t) && !new RegExp(`^${PARTICLE}$`).test(t));
      const wordName = tokens.length === 1 && wordAsName(start, tokens[0]!);
      if (!real.length || (!wordName && real.every((t) => AMBIGUOUS.has(low(t))))) continue;
      if (real.every(isLabelWord)) continue;
      const [ls, le] = lineBounds(model, start);
      const before = text.slice(Math.max(ls, start - 40), start);
      const afterText = text.slice(end, Math.min(le, end + 20));
      const next = /^[ ,]*([\p{L}.]+)/u.exec(afterText)?.[1]?.toLowerCase().replace(/\.$/, "");

      let score = 0.2;
      // the cue may end the line above when prose wraps right before the name ("... payment from\nJane Doe")
      const cueBefore = cues.precedes(before) || (start === ls && ls > 0 && cues.precedes(text.slice(Math.max(0, ls - 41), ls - 1)));
      // a role phrase right before, or ending the line above when prose wraps after it
      // (or broken inside the phrase: "please contact our" / "agent Tomás" / "Villanueva")
      const roleBefore =
        !cueBefore &&
        (cues.role(before) ||
          (start === ls && ls > 0 && cues.role(text.slice(Math.max(0, ls - 41), ls - 1))) ||
          (ls > 0 && start - ls < 40 && !/[\p{N}:]/u.test(text.slice(ls, start)) && cues.role(text.slice(Math.max(0, ls - 41), start).replace(/\n/g, " "))));
      const cueAfter = cues.after.test(afterText);
      // OCR leaves rule fragments and specks around a form value ("Lana Weyel ~~ —")
      const wholeLine = !/[\p{L}\p{N}]/u.test(text.slice(ls, start)) && !/[\p{L}\p{N}]/u.test(text.slice(end, le));
      const label = labelled(model, start, end, cues.labels, 0);
      const labelOk = label === "line" ? /:\s*$/.test(before) || /:\s*(?:\p{Lu}[\p{L}.]*\s*)?$/u.test(before) : label !== null && wholeLine;
      // a column headed by a name label is a key column as often as a name column: "Kontoinhaber" above
      // "Kartennummer", "Filiale", "Referencia" in a form's key/value block. One word there is a name only
      // when the lists know it as a first name or a name part
      // (or right under a name label whose value is beside it, with a value beside it too: "Titulaire   Paul
      // Durand" / "Agence   KD-123456")
      const keyColumn = real.length === 1 && !isFirst(real[0]!) && knownPart(real[0]!, fw) !== "name" && (label === "header" || (label === "above" && digitsBeside(model, start)));
      const signature = wholeLine && real.length <= 4 && afterClosing(model, ls);
      const first = isFirst(real[0]!);
      if (m.caps && !(cueBefore || cueAfter || labelOk)) continue;
      if (cueBefore || cueAfter) score += 0.55;
      if (labelOk && !keyColumn) score += 0.55;
      if (signature) score += 0.55;
      if (first) score += real.length > 1 ? 0.3 : 0.15;
      if (real.length > 1 && real.slice(1).some((t) => isFirst(t)) && !first) score += 0.1;
      if (real.length === 1) score -= 0.1;
      // name parts the lexicon knows: every part a first name or surname ("Sabrina Kessler"), at most
      // one of them also an English word ("Emily Brown"), and the first a name, not a word ("Bank Kessler")
      const kinds = real.map((t) => knownPart(t, fw));
      const known = kinds.filter((k) => k === "name").length;
      const allKnown = real.length >= 2 && kinds.every((k) => k !== null) && kinds[0] === "name" && kinds.length - known <= 1;
      if (allKnown) score += 0.15;
      // a role phrase before it: evidence only with a known first name or name part ("our agent Tomás",
      // "Ihr Berater Jonas Becker"), since German nouns after it are capitalised too ("Ihr Berater vor Ort")
      // (or a name part the lists know starting the next line, when the run ends its line: "our agent
      // Xénophon" / "Bernard ...")
      const wrapHead = end === le && le < text.length ? WRAPPED_PARTS.exec(text.slice(le + 1, le + 60))?.[0].split(" ")[0] : undefined;
      // (after a transfer cue in prose, one part alone must be a first name: "the transfer to Santander")
      const proseOnly = roleBefore && real.length === 1 && !first && cues.prose(before);
      const roleName = roleBefore && !proseOnly && (first || known > 0 || (real.length === 1 && !!wrapHead && knownPart(wrapHead, fw) === "name"));
      if (roleName && !cueAfter && !labelOk) score += 0.4;
      // layout: a line holding only the run (recipient and signature blocks, CV heads, table cells), more
      // so right above an address (a recipient or letterhead block: company names there are rare, and
      // cost one click); only with a known part, so headings ("Payment Details") stay out
      if (wholeLine && !m.caps && real.length >= 2 && real.length <= 4 && known > 0 && !real.some((t) => COMPANY_WORDS.has(low(t)))) {
        score += 0.1;
        if (addressBelow(model, le)) score += 0.2;
        // a table row: its other cells hold an e-mail address or a phone number
        else if (rowHasContact(model, start)) score += 0.15;
      }
      if (real.length >= 2) {
        const line = text.slice(ls, le);
        if (hasContact(line)) score += 0.15;
        // the name spelt out in an e-mail address of the page ("Sherman Kuhlman" .. Sherman.Kuhlman64@):
        // CV heads, signatures and mail headers put the two together
        const parts = real.map(nameKey).filter((t) => t.length >= 2);
        if (parts.length >= 2 && localParts(model).some((lp) => parts.every((t) => lp.includes(t)))) score += 0.3;
      }
      // against: a company, street or place word right after it, a house number right before it
      if (next && (NOT_PERSON_NEXT.has(next) || BUSINESS_WORDS.has(next))) score -= 0.5;
      if (real.some((t) => NOT_PERSON_NEXT.has(low(t)))) score -= 0.5;
      if (real.some((t) => ROLE_WORDS.has(low(t)))) score -= 0.8;
      if (real.length > 1 && real.slice(1).some((t) => BUSINESS_WORDS.has(low(t)))) score -= 0.5;
      // a transaction line's text cell, with no cue and a part the lexicon does not know: a merchant
      if (!cueBefore && !labelOk && !allKnown && real.length >= 2 && transactionRow(model, start)) score -= 0.15;
      // a column headed "Description" / "Libellé" lists goods or merchants, not people
      if (!cueBefore && labelled(model, start, end, NOT_NAME_COLUMNS, 0) === "header") score -= 0.4;
      if (/(?<![\d/.,-])\d{1,5}[a-zA-Z]? ?$/.test(before) && !cueBefore && !cueAfter) score -= STREET_TYPES.has(low(real[real.length - 1]!)) ? 0.6 : 0.3;
      if (/^[ ,]*\d/.test(afterText) && !cueAfter) score -= 0.25;
      // a name wrapped after its cue: "Standing order Emily\nNader", "Transferencia a Jorge\nLomeli Agosto"
      // (a first name and a surname, or Spanish "Luis Miguel\nAparicio Muro": after two parts only known names)
      // (or, up to four parts in all, two given names and two surnames: "María José García" / "López",
      // "Ramón" / "Homero Orozco Berríos")
      if (real.length <= 3 && (cueBefore || labelOk || roleName) && end === le && le < text.length) {
        const wrap = WRAPPED_PARTS.exec(text.slice(le + 1, le + 60));
        if (wrap) {
          const parts = wrap[0].split(" ").slice(0, 4 - real.length);
          // after a cue or role phrase in prose, a part no list knows continues a name that already has
          // two parts when it is no common word ("Earnest Jerald" / "Lubowitz Luettgen will ...")
          const unknownOk = (t: string) => (cueBefore || roleName) && real.length >= 2 && knownPart(t, fw) === null && !commonWord(low(t)) && !/(?:ung|heit|keit|schaft|nummer)$/.test(low(t));
          const take = parts.filter((t, i) => !fw.has(low(t)) && !isLabelWord(t) && !CUE_TOKENS.has(unaccented(low(t))) && !NOT_PERSON_NEXT.has(low(t)) && !BUSINESS_WORDS.has(low(t)) && !ROLE_WORDS.has(low(t)) && ((i === 0 && (real.length === 1 || (roleBefore && knownPart(t, fw) !== "word"))) || knownPart(t, fw) === "name" || unknownOk(t)));
          // only a leading run of acceptable parts is the rest of the name
          let n = 0;
          while (n < parts.length && take[n] === parts[n]) n++;
          // a part followed by a house number starts a street, not the rest of the name: "Dr. Yannick
          // Reinhardt" / "Kump 28a, 97837 Nord Karina" (a letterhead)
          const taken = le + 1 + parts.slice(0, n).join(" ").length;
          // (or by a few more words and then the number: "Benno Bauschinger" / "Im Nesselrader Kamp 62a, ...")
          if (n > 0 && (HOUSE_NUMBER.test(text.slice(taken, taken + 12)) || STREET_LINE.test(text.slice(le + 1, le + 80)))) n = 0;
          // a form value under its label (no cue in prose): a word alone on the next line with a value
          // holding digits under it is the next field's label, not the rest of the name ("Paul Durand" /
          // "Carte" / "4000 1234 ...", "Agence" / "KD-123456")
          if (n > 0 && !cueBefore && !roleName) {
            const nextEnd = text.indexOf("\n", le + 1);
            const after = nextEnd === -1 ? "" : text.slice(nextEnd + 1, text.indexOf("\n", nextEnd + 1) === -1 ? text.length : text.indexOf("\n", nextEnd + 1));
            if (nextEnd === taken && /\d/.test(after)) n = 0;
          }
          if (n > 0) {
            end = le + 1 + parts.slice(0, n).join(" ").length;
            score += 0.1;
          }
        }
      }
      out.push({ start, end, label: "PERSON", score: Math.max(0, Math.min(1, score)), recognizer: this.name, strength: "heuristic" });
    }
    return out;
  },
};

/**
 * Names found with evidence somewhere in a document are names everywhere in it: every other
 * occurrence of such a full name (two tokens or more) becomes a candidate on its page.
 */
export function propagateNames(models: readonly TextModel[], perPage: readonly Candidate[][], threshold: number): Candidate[][] {
  const names = new Set<string>();
  perPage.forEach((list, i) => {
    for (const c of list) {
      if (c.label !== "PERSON" || c.score < threshold) continue;
      const t = models[i]!.text.slice(c.start, c.end);
      if (t.includes(" ") && t.length >= 5 && !t.includes("\n")) names.add(t);
    }
  });
  if (!names.size) return models.map(() => []);
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${[...names].sort((a, b) => b.length - a.length).map(escape).join("|")})(?![\\p{L}\\p{N}])`, "gu");
  return models.map((m) => {
    const out: Candidate[] = [];
    for (const hit of matches(re, m.text)) out.push({ start: hit.index, end: hit.index + hit[0].length, label: "PERSON", score: Math.max(threshold, 0.75), recognizer: "PersonRecognizer", strength: "heuristic" });
    return out;
  });
}
