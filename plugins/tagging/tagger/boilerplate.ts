/**
 * What on a page is not the document's content, removed before tagging: running headers and footers
 * (lines repeated on several pages, and lines shaped like a citation: journal, Vol./No./pp., year, ISSN,
 * DOI), page numbers, copyright and licence lines, e-mail and URL lines, received/accepted dates, author
 * and affiliation lines, section labels ("Abstract", "Résumé"), the field labels of a form ("Full name:",
 * "Date of birth: ____", "☐ Yes ☐ No") and the reference list. Also finds the
 * printed title at the top of the first page. Pure: page texts in, content out.
 *
 * Each rule is a class of line, in en/de/fr/es/hi, never a particular document's wording.
 */

export interface CleanedText {
  /** The content lines, pages separated by a blank line. */
  text: string;
  /** The title as printed at the top of the first page, when one could be told apart. */
  printedTitle?: string;
  /** How many lines each rule removed (for diagnostics and tests; no document text). */
  removed: Record<BoilerplateKind, number>;
}

export type BoilerplateKind =
  | "repeated"
  | "citation"
  | "page_number"
  | "copyright"
  | "contact"
  | "dates"
  | "author"
  | "affiliation"
  | "label"
  | "form_label"
  | "form_value"
  | "references";

const CITATION_MARKER = new RegExp(
  [
    String.raw`\b(?:vol|volume|no|nr|issue|pp|jg|jahrgang|heft|núm|num|n°|tome|t)\.?\s*\d`,
    String.raw`(?:^|[\s,(])(?:p|s|pág)\.\s*\d`,
    String.raw`\bISSN\b`,
    String.raw`\bE?ISBN\b`,
    String.raw`\bdoi\b|10\.\d{4,}/`,
    String.raw`(?:खंड|अंक|पृ\.?)\s*\d`,
  ].join("|"),
  "iu",
);
const YEAR = /(?<!\d)(?:19|20)\d{2}(?!\d)/u;
const PAGE_RANGE = /(?<![\d.,])\d{1,5}\s*[–—-]\s*\d{1,5}(?![\d.,%])/u;
/** "Ecology Letters 45 (2022) 101–112", "Rev. Econ. 12(3): 45-67". */
const JOURNAL_REF = /\b\d{1,4}\s*\((?:19|20)\d{2}\)\s*\d{1,5}\s*[–—-]\s*\d{1,5}\b|\b\d{1,4}\s*\(\d{1,3}\)\s*:?\s*\d{1,5}\s*[–—-]\s*\d{1,5}\b/u;

const COPYRIGHT = /©|\(c\)\s*(?:19|20)\d{2}|\bcopyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|सर्वाधिकार|creative commons|\bCC[ -]BY\b|open access article|licensee\b/iu;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/u;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/iu;
const CONTACT = /corresponding author|e-?mail(?: address)?\s*:|korrespondenz|courriel|auteur correspondant|correo electrónico|autor (?:de )?correspondencia|ई-?मेल|संपर्क लेखक|\btel\.?\s*:|\bphone\s*:|\borcid\b/iu;
const DATES = /^(?:\s*(?:received|accepted|published|revised|available online|submitted|eingegangen|angenommen|veröffentlicht|reçu|accepté|publié|recibido|aceptado|publicado|प्राप्त|स्वीकृत|प्रकाशित)(?![\p{L}\p{M}])[^.]{0,40}(?:\d|\p{L}{3,}\s+\d))/iu;
const AFFILIATION_WORD = /\b(?:department|dept\.|university|universität|universidad|université|universitat|institut[eo]?|laborator(?:y|ium|io)|laboratoire|departamento|faculty|fakultät|faculté|facultad|school of|college|hospital|klinikum|centre|center|centro|académie|academy|akademie|GmbH|Inc\.|Ltd\.?|LLC)(?![\p{L}\p{M}\p{N}])/iu; // not \b: it sees no word end after "é" (université, faculté)
const LABEL = /^(?:abstract|summary|keywords?|key words|highlights|introduction|background|zusammenfassung|schlüsselwörter|schlagwörter|einleitung|résumé|mots[- ]clés|introduction|resumen|palabras clave|introducción|सारांश|मुख्य शब्द|प्रस्तावना|original (?:article|research|paper)|research article|originalarbeit|article original|artículo original|review)\s*[:.]?$/iu;
/** "Abstract: text…", "Résumé — text…": the label goes, the text stays. */
const LABEL_PREFIX = /^(?:abstract|summary|zusammenfassung|résumé|resumen|सारांश)\s*[:.—–-]\s+/iu;
const REFERENCES = /^(?:references|bibliography|works cited|literature cited|literatur|literaturverzeichnis|quellen|références(?: bibliographiques)?|bibliographie|referencias(?: bibliográficas)?|bibliografía|संदर्भ(?: सूची)?|सन्दर्भ)\s*:?$/iu;
/** "[3] Smith, J., …", "12. Müller, K. (2019)": an entry of a reference list. */
const REFERENCE_ENTRY = /^(?:\[\d{1,3}\]|\d{1,3}\.)\s+\p{Lu}[\p{L}'’-]+,\s*\p{Lu}\./u;
const PAGE_NUMBER = /^(?:(?:page|seite|página|p\.|s\.|पृष्ठ)\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|von|de|sur|\/)\s*\d{1,4})?$/iu;

/** A line of names: "Alison Emmerich1, Adele Rolfson2*", "J. M. García, K. Müller and L. Zhou". */
function isAuthorLine(line: string): boolean {
  const l = line.replace(/[\d*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰!?]+(?=[\s,;]|$)/gu, "").replace(/\s+(?:and|und|et|y|&|और)\s+/giu, ", ");
  const parts = l.split(/\s*[,;]\s*/u).filter((p) => p.length > 0);
  if (parts.length === 0 || parts.length > 20) return false;
  const names = parts.filter((p) => {
    const tokens = p.split(/\s+/u);
    if (tokens.length < 2 || tokens.length > 5) return false;
    return tokens.every((t) => /^\p{Lu}[\p{Ll}'’]*(?:-\p{Lu}?[\p{Ll}'’]+)*\.?$|^\p{Lu}\.(?:-?\p{Lu}\.)*$|^(?:de|da|del|van|von|der|den|la|le|di|du|dos|bin|al|y)$/u.test(t)) && tokens.some((t) => /^\p{Lu}\p{Ll}{2,}/u.test(t));
  });
  // Names need a sign that they are names and not a title-case heading: a superscript digit or mark,
  // or several comma-separated entries.
  // A place list ("Great Barrier Reef, Coral Sea") has the same shape: names need a mark, initials or
  // three or more entries.
  const marks = /\p{L}[\d*†‡¹²³]/u.test(line);
  const initials = /(?:^|\s)\p{Lu}\.(?=\s|-)/u.test(line);
  return names.length === parts.length && (marks || initials || parts.length >= 3);
}

function isCitationLine(line: string): boolean {
  if (line.length > 220) return false;
  const markers = (line.match(new RegExp(CITATION_MARKER.source, "giu")) ?? []).length;
  const year = YEAR.test(line);
  if (JOURNAL_REF.test(line)) return true;
  if (markers >= 2) return true;
  return markers >= 1 && (year || PAGE_RANGE.test(line));
}

/**
 * A line right after an affiliation with the same shape and the same first segment but its first word
 * ("Zpepartment of Geography, Daugherty Inc, City, Country" under "1Department of Geography, …"): the
 * next affiliation, whose mark and first word OCR mangled beyond recognition.
 */
function continuesAffiliation(line: string, previous: string): boolean {
  if ((line.match(/,/g) ?? []).length < 2 || line.split(/\s+/u).length > 30 || /[.!?]$/u.test(line)) return false;
  const tail = (l: string) => l.split(",")[0]!.trim().split(/\s+/u).slice(1).join(" ").toLowerCase();
  const t = tail(line);
  return t.split(" ").length >= 2 && t === tail(previous);
}

/** Institution words an affiliation starts with, for OCR that read the first letter and its mark as one. */
const INSTITUTION_WORDS = ["department", "departamento", "département", "university", "universität", "universidad", "université", "universitat", "institut", "institute", "instituto", "laboratory", "laboratorium", "laboratorio", "laboratoire", "faculty", "fakultät", "faculté", "facultad", "hospital", "klinikum", "college", "academy", "akademie", "académie"];

/**
 * The line with its first word restored when OCR read the superscript mark and the institution's first
 * letter as one other letter ("Unstitut fiir Umwelt, …" under "¹Institut für Umwelt, …"): the word's
 * letters after the first are an institution word's. Otherwise undefined.
 */
function withInstitutionRestored(line: string): string | undefined {
  const m = /^(\p{L})(\p{Ll}{4,})(?![\p{L}\p{M}])/u.exec(line);
  if (m) {
    const rest = m[2]!;
    const word = INSTITUTION_WORDS.find((w) => w.slice(1) === rest);
    if (word && word[0] !== m[1]!.toLowerCase()) return word + line.slice(m[0].length);
  }
  // ...or read the mark as a sign and the word's first two letters as one ("‘ostitut fir Umwelt, …" under
  // "¹Institut für Umwelt, …"), or dropped them ("‘niversity of Leeds, …"): the word's last five or more
  // letters are an institution word's.
  const g = /^[^\p{L}\p{N}\s]{1,2}\s?(\p{Ll}{5,})(?![\p{L}\p{M}])/u.exec(line);
  // An affiliation is no sentence; a quoted word opening one stays content.
  if (!g || SENTENCE_END.test(line)) return undefined;
  const w = g[1]!;
  const word = INSTITUTION_WORDS.find((i) => [1, 2].some((k) => [0, 1].some((j) => i.slice(k).length >= 5 && i.slice(k) === w.slice(j))));
  return word ? word + line.slice(g[0].length) : undefined;
}

function isAffiliation(line: string): boolean {
  const words = line.split(/\s+/u).length;
  if (words > 30) return false;
  // An affiliation names the institution early ("Department of …, University of …, City, Country");
  // a content line that mentions a university somewhere in a sentence does not start so.
  const early = line.split(/\s+/u).slice(0, 5).join(" ");
  return AFFILIATION_WORD.test(early) && (line.match(/,/g) ?? []).length >= 2;
}

/**
 * A form's field label: one to four words (a parenthesised hint allowed: "Date of birth (DD/MM/YYYY)")
 * ending in a colon. Letters of any script, so it holds for every language the tagger reads ("Nom :",
 * "Geburtsdatum:", "Fecha de nacimiento:", "जन्म तिथि:").
 */
const FIELD_LABEL = /[\p{L}\p{M}][\p{L}\p{M}\p{N}'’./&-]*(?:\s+[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’./&-]*){0,3}(?:\s*\([^()]{1,30}\))?\s*:/gu;
/** Where a value is written in: a rule of underscores or dots, or an empty box. */
const BLANK = /_{2,}|\.{3,}|…+|\[\s*[xX✓✔]?\s*\]|[☐☑☒□■▢◻✓✔]/gu;
const CHECKBOX = /^(?:\[\s*[xX✓✔]?\s*\]|[☐☑☒□■▢◻])/u;

/**
 * What OCR makes of a printed box (☐ ☑ ☒ □ ■) on a scan: a letter or sign of about its shape ("O", "0",
 * "©", "®", "&", "[]", "[ ]", "(", "Cl", "LI", "UO", "0)", "7)", a digit or two), alone or glued to the
 * choice's first letter ("OYes", "OLundi"). Script-free, so it holds for every language the tagger reads.
 */
const OCR_BOX_TOKEN = /^(?:[☐☑☒□■▢◻©®&¤°]|\[\s*[xX✓✔]?\s*\]|\[\]|\(\)|\[\)|\(\]|[[\]()|]|[O0QD]\)?|\(\)|[CcLlUu][Il1|\]O0D]|Oo|OO|O0|0O|\d{1,2}\)|\d{1,2})$/u;
/** A box glyph OCR glued to the first letter of the choice after it ("OYes", "©Unpaid", "0Végétarien"). */
const OCR_BOX_GLUED = /^([O0©®&])(?=\p{Lu}[\p{Ll}\p{M}])/u;

/**
 * The row with OCR's readings of its boxes put back as "☐" ("O Annual leave © Unpaid leave" →
 * "☐ Annual leave ☐ Unpaid leave", "Type of leave: & Annual leave O Unpaid leave" likewise after the
 * label), or the line unchanged. A row is one when it starts with a box reading and has two or more of
 * them (one not a bare digit), each followed by a short choice (one to six words, starting with a letter,
 * not ending a sentence): a prose line rarely starts so, and never has that rhythm.
 */
export function restoreOcrBoxes(line: string): string {
  if (/[☐☑☒□■▢◻]|\[\s*[xX✓✔]?\s*\]/u.test(line)) return line;
  const row = ocrBoxRow(line);
  if (row !== undefined) return row;
  const m = /^([^:]{1,80}?\s?:)\s*(.+)$/u.exec(line);
  if (m) {
    const value = ocrBoxRow(m[2]!);
    if (value !== undefined) return `${m[1]} ${value}`;
  }
  return line;
}

function ocrBoxRow(text: string): string | undefined {
  const tokens = text.split(/\s+/u).filter((t) => t.length > 0).flatMap((t) => {
    const g = OCR_BOX_GLUED.exec(t);
    return g && !OCR_BOX_TOKEN.test(t) ? [g[1]!, t.slice(1)] : [t];
  });
  if (tokens.length < 3 || !OCR_BOX_TOKEN.test(tokens[0]!)) return undefined;
  const choices: string[][] = [];
  let marks = 0;
  let letterMarks = 0;
  for (const t of tokens) {
    if (OCR_BOX_TOKEN.test(t) && (choices.length === 0 || choices[choices.length - 1]!.length > 0)) {
      marks += 1;
      if (!/^\d{1,2}$/u.test(t)) letterMarks += 1;
      choices.push([]);
    } else {
      choices[choices.length - 1]!.push(t);
    }
  }
  if (marks < 2 || letterMarks < 1) return undefined;
  const ok = choices.every((c) => c.length >= 1 && c.length <= 6 && /^[\p{L}\p{M}]/u.test(c[0]!) && !/[.!?।]$/u.test(c[c.length - 1]!));
  return ok ? choices.map((c) => `☐ ${c.join(" ")}`).join(" ") : undefined;
}

/**
 * True when a line carries only form labels: field labels with nothing or a blank after them
 * ("Full name:", "Full name: Date of birth:", "Signature: ________"), or checkbox captions
 * ("☐ Yes ☐ No", "[ ] Full-time [x] Part-time"). OCR reads a form's label column apart from its values,
 * so such lines reach the tagger alone; their words name the fields, not the form's subject.
 */
export function isFormLabelLine(line: string): boolean {
  const l = line.replace(/\s+/gu, " ").trim();
  if (l.length === 0 || l.length > 160) return false;
  // A blank alone on its line: where the answer goes under a label printed above it.
  if (/^(?:_{4,}|\.{5,}|…{2,}|\s)+$/u.test(l)) return true;
  if (CHECKBOX.test(l)) {
    const captions = l.split(BLANK).map((c) => c.trim()).filter((c) => c.length > 0);
    return captions.length > 0 && captions.every((c) => c.split(" ").length <= 4 && !/[.!?]$/u.test(c));
  }
  const labels = l.match(FIELD_LABEL) ?? [];
  if (isBlankLabelLine(l)) return true;
  if (labels.length === 0) return false;
  // Every label is short; after the labels and the blanks nothing is left (no value, no sentence).
  if (labels.some((x) => x.replace(/\([^()]*\)/gu, "").trim().split(/\s+/u).length > 4)) return false;
  return l.replace(FIELD_LABEL, " ").replace(BLANK, " ").replace(/[\s:|]+/gu, "").length === 0;
}

/** A line that is prose: it ends a sentence, or one ends inside it. */
const SENTENCE_END = /[.!?।]$|[.!?।]\s+[\p{Lu}\u0900-\u097f]/u;
/**
 * A field label at the start of a line: up to six words (ten for a checkbox question such as "I give
 * permission for my child to take part:"), a parenthesised hint allowed, then the colon.
 */
const LEADING_LABEL = /^([\p{L}\p{M}][\p{L}\p{M}\p{N}'’./&-]*(?:,?\s+[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’./&-]*){0,9}(?:\s*\([^()]{1,30}\))?)\s*:\s*(.*)$/u;

/** The label whose value is the document's subject (a memo's, a letter's). */
const SUBJECT_LABEL = /^(?:subject|re|title|betreff|betr\.|titel|objet|titre|asunto|título|विषय)$/iu;

/**
 * What a form line keeps of its content, or undefined when the line is no "Label: value" line. The
 * label names a field, not the form's subject, so it goes; so does the value (a name, a date, an id,
 * an amount, a free-text answer: what one copy of the form says about one case). What stays: the
 * choices of a checkbox question that are phrases ("Annual leave", "Dégât des eaux": printed on every
 * copy, they name the cases the form is for; `choices` is set), not one-word choices ("Yes", "Adult",
 * "Lundi": a category's values), and the whole line when its value is a sentence (a colon in prose:
 * "Note: the office closes at noon on Fridays.").
 */
export function formLineContent(line: string, opts: FormOptions = {}): { kept: string; choices?: boolean } | undefined {
  const l = line.replace(/\s+/gu, " ").trim();
  const m = LEADING_LABEL.exec(l);
  if (!m) return undefined;
  const label = m[1]!;
  const value = m[2]!.trim();
  // A memo's or letter's subject line: its value is what the document is about.
  if (SUBJECT_LABEL.test(label)) return { kept: value.replace(BLANK, " ").trim() };
  const labelWords = label.replace(/\([^()]*\)/gu, "").trim().split(" ").length;
  const boxes = /[☐☑☒□■▢◻]|\[\s*[xX✓✔]?\s*\]/u.test(value);
  if (labelWords > (boxes ? 10 : 6)) return undefined;
  if (boxes) {
    const options = choicesOf(value, opts.compounds);
    return options === undefined ? undefined : { kept: options, choices: true };
  }
  const rest = value.replace(BLANK, " ").trim();
  if (rest.length === 0) return { kept: "" };
  // A second field on the same line ("Class: 8B Date: 12/03/2025"): each part on its own.
  const next = /\s(?=[\p{L}\p{M}][\p{L}\p{M}\p{N}'’./&-]*(?:\s+[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’./&-]*){0,3}\s*:(?:\s|$))/u.exec(rest);
  if (next && !SENTENCE_END.test(rest)) {
    const first = rest.slice(0, next.index).trim();
    const second = formLineContent(rest.slice(next.index + 1), opts);
    const head = formValueKept(first);
    if (second) return { kept: [head, second.kept].filter(Boolean).join(" "), ...(second.choices ? { choices: true } : {}) };
  }
  if (SENTENCE_END.test(rest) && rest.split(" ").length >= 4) return { kept: l };
  return { kept: formValueKept(rest) };
}

export interface FormOptions {
  /**
   * The language writes compound nouns as one word (German): a one-word choice that is a compound
   * ("Elternzeit", "Teilzeitbeschäftigung", "Privat-Pkw") names a case as a phrase does elsewhere.
   */
  compounds?: boolean;
}

/**
 * A one-word choice that is a compound noun: capitalised, and nine letters or more or hyphenated
 * ("Sonderurlaub", "Dienstwagen", "Privat-Pkw"; not "Bahn", "Ja", "Montag"). Only where the language
 * writes its compounds as one word.
 */
const COMPOUND_NOUN = /^\p{Lu}(?:[\p{Ll}\p{M}]{8,}|[\p{Ll}\p{M}]+(?:-\p{Lu}[\p{L}\p{M}]+)+)$/u;

/**
 * The phrase choices of a row of checkboxes ("☐ Annual leave ☐ Unpaid leave"), one a line and each its
 * own sentence (an option's capital is the layout's, not a name's); one-word choices left out, but for
 * a compound noun in a language that writes them as one word (`compounds`). Undefined when an "option"
 * runs longer than six words (then the row is prose with a box in it).
 */
function choicesOf(row: string, compounds = false): string | undefined {
  const all = row.split(BLANK).map((o) => o.trim()).filter((o) => o.length > 0);
  if (all.some((o) => o.split(" ").length > 6)) return undefined;
  return all.filter((o) => o.split(" ").length >= 2 || (compounds && COMPOUND_NOUN.test(o))).map((o) => `${o}.`).join("\n");
}

/**
 * What one copy of a form says (a name, a date, an id, an amount, a free-text answer about one case):
 * never the form's subject, so nothing of it is kept.
 */
function formValueKept(_value: string): string {
  return "";
}

/**
 * A label without a colon before its blank ("Full name ____________", "Signature ....... Date ......"):
 * every segment between the rules is a short label. The rules must be long (four underscores, five
 * dots), so an ellipsis in prose ("and so on...") is no blank.
 */
function isBlankLabelLine(line: string): boolean {
  if (!/_{4,}|\.{5,}|…{2,}/u.test(line)) return false;
  const segments = line.split(/_{2,}|\.{3,}|…+/u).map((s) => s.replace(/:$/u, "").trim()).filter((s) => s.length > 0);
  return segments.length > 0 && segments.every((s) => /\p{L}/u.test(s) && s.split(/\s+/u).length <= 6 && !SENTENCE_END.test(s));
}

/** The kind of boilerplate a line is, or undefined for content. */
export function classifyLine(line: string): BoilerplateKind | undefined {
  const l = line.replace(/\s+/gu, " ").trim();
  if (l.length === 0) return undefined;
  if (PAGE_NUMBER.test(l)) return "page_number";
  if (REFERENCES.test(l)) return "references";
  if (LABEL.test(l)) return "label";
  if (isFormLabelLine(l)) return "form_label";
  if (COPYRIGHT.test(l)) return "copyright";
  if (CONTACT.test(l)) return "contact";
  if (DATES.test(l)) return "dates";
  const words = l.split(" ").length;
  // A line that is an address; a sentence that mentions one keeps its words (the address goes later).
  if ((EMAIL.test(l) || URL.test(l)) && (words <= 6 || (words <= 12 && !/[.!?]\s+\p{L}/u.test(l)))) return "contact";
  if (isCitationLine(l)) return "citation";
  // OCR glues the superscript mark to the institution word and reads it as a letter ("IDepartment of").
  if (isAffiliation(l.replace(/^[\d*†‡¹²³⁴⁵⁶⁷⁸⁹⁰!?]+\s*/u, "")) || isAffiliation(l.replace(/^[\p{L}|]{1,2}(?=\p{Lu}\p{Ll})/u, ""))) return "affiliation";
  // ...or reads the mark and the institution's first letter as one letter ("Unstitut fiir Umwelt, …").
  const restored = withInstitutionRestored(l);
  if (restored !== undefined && isAffiliation(restored)) return "affiliation";
  if (/^[\d*†‡¹²³⁴⁵a-f]?\s*\p{Lu}/u.test(l) && words <= 40 && isAuthorLine(l)) return "author";
  // A wrapped author line: capitalised names each carrying an affiliation mark ("Rocío Peña1, Ana Ruiz2").
  // (OCR reads superscript marks as "!", "?" or a digit.)
  const marked = (l.match(/\p{L}[\p{Ll}'’-]+[\d*†‡¹²³⁴⁵!?]+(?=[\s,;]|$)/gu) ?? []).length;
  if (marked >= 1 && words <= 12 && !/[.!?]$/u.test(l) && marked * 3 >= words / 2 - 1) return "author";
  return undefined;
}

/** A line's identity across pages: case, digits and spacing ignored ("Page 3" ~ "Page 4"). */
function lineKey(line: string): string {
  return line.toLowerCase().replace(/\d+/gu, "#").replace(/\s+/gu, " ").trim();
}

function emptyCounts(): Record<BoilerplateKind, number> {
  return { repeated: 0, citation: 0, page_number: 0, copyright: 0, contact: 0, dates: 0, author: 0, affiliation: 0, label: 0, form_label: 0, form_value: 0, references: 0 };
}

/**
 * Content of the pages without their boilerplate. `pages` are the page texts in order (a single string
 * is one page).
 */
export function removeBoilerplate(pages: readonly string[] | string, opts: { language?: string } = {}): CleanedText {
  const formOpts: FormOptions = { compounds: opts.language === "de" };
  const pageList = typeof pages === "string" ? [pages] : pages;
  const removed = emptyCounts();
  // A scan's checkbox rows with OCR's readings of the boxes put back (restoreOcrBoxes).
  const split = pageList.map((p) => joinWrappedChoices(p.normalize("NFC").split(/\r?\n/u).map(restoreOcrBoxes)));
  // A short line on two or more pages (at least half of them) is a running header or footer.
  const seen = new Map<string, number>();
  for (const lines of split) {
    for (const k of new Set(lines.map(lineKey).filter((k) => k.length > 0 && k.length <= 160))) seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const repeatedMin = Math.max(2, Math.ceil(pageList.length / 2));
  let printedTitle: string | undefined;
  let inReferences = false;
  const outPages: string[] = [];
  split.forEach((lines, pageIndex) => {
    const kept: string[] = [];
    let titleLines: string[] | undefined = pageIndex === 0 ? [] : undefined;
    /** The line before, when it was an affiliation. */
    let lastAffiliation: string | undefined;
    // A page with a subject label is a memo or a letter: a short line on it is its subject, not a value.
    const formLayout = formPageLayout(lines);
    const formPage = formLayout !== undefined;
    const memo = lines.some((l) => SUBJECT_LABEL.test(LEADING_LABEL.exec(l.replace(/\s+/gu, " ").trim())?.[1] ?? ""));
    /** On a form page: a field line has been seen (what follows is the form's body, not its heading). */
    let inFields = false;
    /** The last line kept, for telling a wrapped answer's second line from a value of its own. */
    let lastKept: string | undefined;
    /** The choices of the page's checkbox questions, kept after its other lines. */
    const choices: string[] = [];
    const endTitle = () => {
      if (titleLines && titleLines.length > 0 && titleLines.length <= 4) printedTitle = joinTitle(headingLines(titleLines));
      titleLines = undefined;
    };
    lines.forEach((raw, lineIndex) => {
      let line = raw.replace(/\s+/gu, " ").trim();
      if (line.length === 0) {
        kept.push("");
        return;
      }
      if (inReferences) {
        removed.references += 1;
        return;
      }
      if (pageList.length > 1 && (seen.get(lineKey(line)) ?? 0) >= repeatedMin) {
        removed.repeated += 1;
        return;
      }
      let kind = classifyLine(line);
      if (kind === undefined && lastAffiliation !== undefined && continuesAffiliation(line, lastAffiliation)) kind = "affiliation";
      lastAffiliation = kind === "affiliation" ? line : undefined;
      if (kind === "references") {
        inReferences = true;
        removed.references += 1;
        return;
      }
      if (kind === undefined && REFERENCE_ENTRY.test(line)) {
        removed.references += 1;
        return;
      }
      if (kind !== undefined) {
        removed[kind] += 1;
        if (kind === "form_label") {
          inFields = true;
          // A row of checkboxes under its question (a table cell, or OCR reading it apart): its phrase choices.
          if (formPage && CHECKBOX.test(line)) {
            const options = choicesOf(line, formOpts.compounds);
            if (options) choices.push(options);
          }
        }
        // The printed title is what stands above the first author, affiliation or label line (a form's
        // heading stands above its first field label).
        if (titleLines && (kind === "author" || kind === "affiliation" || kind === "label" || kind === "form_label" || kind === "contact" || kind === "dates")) endTitle();
        return;
      }
      // A label column (labels stacked over their values, or OCR that lost the rules): the heading is the
      // page's first line (wrapped lines go on after a function word or in lower case); the next short line
      // is the first field, whatever follows is the form's body.
      if (formLayout === "column" && titleLines && titleLines.length > 0 && !inFields && isShortItem(line) && !continuesHeading(titleLines[titleLines.length - 1]!, line)) {
        endTitle();
        inFields = true;
      }
      if (formPage) {
        // A label printed above its blank ("Full name" over "________"): the blank line tells.
        const below = lines.slice(lineIndex + 1).map((n) => n.replace(/\s+/gu, " ").trim()).find((n) => n.length > 0);
        if (titleLines === undefined || titleLines.length > 0) {
          if (below !== undefined && /^(?:_{4,}|\.{5,}|…{2,}|\s)+$/u.test(below) && !SENTENCE_END.test(line) && line.split(" ").length <= 10) {
            removed.form_label += 1;
            inFields = true;
            if (titleLines) endTitle();
            lastKept = undefined;
            return;
          }
        }
        const field = formLineContent(line, formOpts);
        if (field && field.kept !== line) {
          removed.form_label += 1;
          inFields = true;
          if (titleLines) endTitle();
          // The choices go after the page's sentences: a list of options is no opening line.
          if (field.kept) choices.push(field.kept);
          lastKept = undefined;
          return;
        }
        const next = lines.slice(lineIndex + 1).map((n) => n.replace(/\s+/gu, " ").trim()).find((n) => n.length > 0);
        // A label cell wrapped over two lines ("Nombre y apellidos del" + "consumidor:"): its first half.
        if (next !== undefined && /^\p{Ll}/u.test(next) && LEADING_LABEL.test(next) && !SENTENCE_END.test(line)) {
          removed.form_label += 1;
          if (titleLines) endTitle();
          inFields = true;
          lastKept = undefined;
          return;
        }
        if (inFields && !memo) {
          // A wrapped answer goes on in lower case after a line that did not end its sentence.
          const continues = lastKept !== undefined && !SENTENCE_END.test(lastKept) && /^\p{Ll}/u.test(line);
          // A short line among the fields that is no sentence: a value read apart from its label (OCR
          // and table cells give "Daniel Hughes", "12/04/1990", "Peanut allergy" lines of their own).
          // A paragraph's lines run longer (or end its sentence).
          if (!continues && !SENTENCE_END.test(line) && line.split(" ").filter((w) => /\p{L}/u.test(w)).length < 12) {
            removed.form_value += 1;
            lastKept = undefined;
            return;
          }
        }
      }
      line = line.replace(LABEL_PREFIX, "");
      if (titleLines) {
        titleLines.push(line);
        if (titleLines.length > 4) titleLines = undefined;
      }
      kept.push(line);
      lastKept = line;
      // On a form, the instructions end its heading: what follows them is the fields.
      if (formPage && SENTENCE_END.test(line)) inFields = true;
    });
    if (choices.length) kept.push("", ...choices);
    outPages.push(kept.join("\n").replace(/\n{3,}/gu, "\n\n").trim());
  });
  let text = outPages.filter((p) => p.length > 0).join("\n\n");
  // Inline leftovers inside content lines: URLs and e-mail addresses carry no topic.
  text = text.replace(new RegExp(URL.source, "giu"), " ").replace(new RegExp(EMAIL.source, "gu"), " ");
  return { text, printedTitle, removed };
}

/** Lines that open an instruction: a form's "Please complete …" under its heading is no part of it. */
const INSTRUCTION_START = /^(?:please|use this form|complete|bitte|dieses formular|veuillez|merci de|ce formulaire|por favor|utilice|este formulario|rellene|cumplimente|कृपया|यह (?:प्रपत्र|फॉर्म))(?![\p{L}\p{M}])/iu;

/**
 * The heading among the lines above the first field, author or label line: they end where a sentence
 * starts (a line after the first that ends or contains a full stop, opens an instruction, or runs as
 * long as a paragraph line). A heading wraps over short lines and does not end in a full stop.
 */
function headingLines(lines: readonly string[]): string[] {
  const end = lines.findIndex((l, i) => i > 0 && (SENTENCE_END.test(l) || INSTRUCTION_START.test(l) || l.split(" ").length >= 14));
  return end < 0 ? [...lines] : lines.slice(0, end);
}

/** A row that has a box in it (after its label, or alone). */
const BOX_ROW = /[☐☑☒□■▢◻]|\[\s*[xX✓✔]?\s*\]/u;

/**
 * The lines with a checkbox row's last choice joined to its wrapped end ("☐ Devolución del" +
 * "importe", "☒ चिकित्सा" + "अवकाश"): a line of one or two words, no colon and no box, in lower case
 * or a script without case, after a row whose last choice ends in no punctuation, and before a line that
 * is no checkbox row (a row under it would make it a label of its own).
 */
function joinWrappedChoices(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const prev = out[out.length - 1];
    const t = line.replace(/\s+/gu, " ").trim();
    const after = lines.slice(i + 1).find((n) => n.trim().length > 0);
    if (
      prev !== undefined && BOX_ROW.test(prev) && !/[\p{P}]\s*$/u.test(prev.trim()) && t.length > 0 && t.split(" ").length <= 2 &&
      !/[:]/u.test(t) && !BOX_ROW.test(t) && /^[\p{L}\p{M}]/u.test(t) && !/\p{Lu}/u.test(t[0]!) && (after === undefined || !BOX_ROW.test(after))
    ) {
      out[out.length - 1] = `${prev.trimEnd()} ${t}`;
      continue;
    }
    out.push(line);
  }
  return out;
}

/** A line short enough to be a field's label or value and no sentence (up to six words). */
function isShortItem(line: string): boolean {
  return line.split(" ").length <= 6 && !SENTENCE_END.test(line) && !/[,;]$/u.test(line);
}

/** A heading's wrapped second line: the first ended on a function word or a hyphen, or this one starts in lower case. */
function continuesHeading(previous: string, line: string): boolean {
  return /^\p{Ll}/u.test(line) || /(?:-|\s(?:for|of|and|the|to|on|in|de|du|des|la|le|les|à|et|für|und|der|die|das|zur|zum|von|im|del|y|el|los|las|en|a|का|की|के|और))$/iu.test(previous);
}

/**
 * How a page is a form, or undefined when it is none. "fields": three or more lines that are field
 * labels, label/value lines or checkbox rows. "column" (told first): a form line (a checkbox row, a line of labels or
 * a blank) and a run of four or more short lines that are no sentences: labels stacked over their
 * values, or a label column whose rules OCR did not read. Only on a form is a short line without a
 * sentence read as a field's label or value; a journal page keeps them (its short lines are a title of
 * one to four lines, and author and affiliation lines, which are classified apart).
 */
function formPageLayout(lines: readonly string[]): "fields" | "column" | undefined {
  let n = 0;
  let strong = 0;
  let run = 0;
  let longestRun = 0;
  for (const raw of lines) {
    const l = raw.replace(/\s+/gu, " ").trim();
    if (l.length === 0) continue;
    const kind = classifyLine(l);
    if (isFormLabelLine(l)) {
      n += 1;
      if (kind === "form_label") strong += 1;
      run = 0;
    } else if (kind === undefined) {
      const f = formLineContent(l);
      if (f && f.kept !== l) {
        n += 1;
        // A question with its boxes ("First aid given: ☐ Yes ☐ No") is as sure a sign as a bare label.
        if (BOX_ROW.test(l)) strong += 1;
        run = 0;
      } else if (isShortItem(l)) {
        run += 1;
        longestRun = Math.max(longestRun, run);
      } else run = 0;
    } else run = 0;
  }
  // A label column is told first: a form with both (a column of labels over their values and three
  // checkbox rows) has its heading on its first line all the same.
  if (strong >= 1 && longestRun >= 4) return "column";
  return n >= 3 ? "fields" : undefined;
}

/**
 * Title lines wrapped by the layout, joined ("…: crack" + "closure under cyclic loading"). A heading
 * wraps with at most one colon inside it; lines that end in a colon or add more colons are field labels
 * or label/value lines, never part of the title.
 */
function joinTitle(lines: readonly string[]): string | undefined {
  if (lines.length > 1 && (lines.some((l) => /:$/u.test(l)) || lines.join(" ").split(":").length > 2)) return undefined;
  const t = lines.join(" ").replace(/\s+([:;,])/gu, "$1").replace(/\s+/gu, " ").trim();
  const letters = (t.match(/\p{L}/gu) ?? []).length;
  if (t.length < 6 || t.length > 300 || letters < 0.6 * t.replace(/\s/gu, "").length) return undefined;
  return t;
}

const FILLER = new Set(["scan", "scanned", "page", "pages", "image", "img", "doc", "document", "file", "copy", "version", "v", "draft", "final", "rev", "revision", "part", "of", "new", "untitled", "seite", "seiten", "página", "páginas"]);

/**
 * True when a metadata title is no title: an id, a file name, a slug, a manuscript number, a word
 * processor's default, a hash ("xx-01", "ms2023_0147", "JRE-D-22-00418R1", "final_v3",
 * "Microsoft Word - paper.docx", "ef70458a", "untitled").
 */
export function isJunkTitle(title: string | undefined): boolean {
  const t = (title ?? "").replace(/\s+/gu, " ").trim();
  if (t.length < 2) return true;
  if (/^(?:untitled|document\s*\d*|title|unknown|none|n\/a|null|undefined|draft|final|new document|dokument\d*|sans titre|sin título|без названия)$/iu.test(t)) return true;
  if (/^microsoft (?:word|powerpoint|excel) - /iu.test(t)) return true;
  if (/\.(?:docx?|pdf|odt|rtf|tex|txt|pages|indd|html?)$/iu.test(t)) return true;
  const words = t.split(" ");
  // One "word" with digits, underscores or inner hyphens and no vowel-rich run is an identifier.
  if (words.length === 1) {
    if (/[_\d]/u.test(t)) return true;
    if (/^[\p{L}]+(?:-[\p{L}\d]+)+$/u.test(t) && t === t.toLowerCase()) return true; // a slug
    if (/^[0-9a-f-]{6,}$/iu.test(t)) return true;
    return t.length <= 3;
  }
  // A few codes with at most a filler word ("MS 2023 0147", "scan 0003", "2 pages", "page 1 of 3");
  // "COVID-19 vaccination" or "Annual Budget 2024" name a topic.
  if (words.length > 5) return false;
  const code = (w: string) => /\d/u.test(w) || /^[\p{Lu}\d_-]{2,}$/u.test(w);
  return words.some(code) && words.every((w) => code(w) || FILLER.has(w.toLowerCase()));
}
