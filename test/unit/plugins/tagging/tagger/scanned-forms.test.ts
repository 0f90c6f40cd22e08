/**
 * Forms as OCR reads them off a scan (issue 17): the printed boxes (☐ ☑ ☒) come out as a letter or a
 * sign of their shape ("O", "0", "©", "&", "(", "0)", "CO", "UO", a digit), sometimes glued to the
 * choice ("OYes", "OLundi"), and a blank's rule is often not read at all, which leaves a bare column of
 * labels. Also German one-word compound choices, and forms whose labels stand above their values with
 * no instruction line under the heading. The lines are OCR output of the corpus's scanned forms
 * (test/fixtures/tagging-corpus), and the same shapes in each language.
 */
import { prepare } from "../../../../../plugins/tagging/analyse";
import { MIN_TEXT_CHARS } from "../../../../../plugins/tagging";
import { removeBoilerplate, restoreOcrBoxes } from "../../../../../plugins/tagging/tagger/boilerplate";

const page = (...l: string[]) => l.join("\n");

describe("checkbox choices OCR read with garbled boxes are still choices", () => {
  const rows: Array<{ name: string; text: string; language?: string; keep: RegExp[]; gone: RegExp }> = [
    {
      name: "en: '&', '©' and '(' for boxes after the question",
      text: page("Annual Leave Request", "Employee name: Priya Shah", "Department: Finance", "First day of leave: 14/07/2025", "Type of leave: & Annual leave © Unpaid leave ( Compassionate leave"),
      keep: [/^Annual leave\.$/m, /^Unpaid leave\.$/m, /^Compassionate leave\.$/m], gone: /type of leave|priya|finance|[&©(]/i,
    },
    {
      name: "en: boxes glued to one-word choices, 'UO' for a box",
      text: page("Workplace Accident and Incident Report", "Name of injured person: Mark Ellison", "Job title: Forklift operator", "Location: Warehouse bay 4", "First aid given: OYes ONo", "Reported to: O Supervisor UO Safety officer"),
      keep: [/^Safety officer\.$/m], gone: /OYes|ONo|\bUO\b|first aid|reported to|ellison|forklift/i,
    },
    {
      name: "de: '0)', '&' and 'O'",
      text: page("Urlaubsantrag", "Vor- und Nachname: Jonas Becker", "Personalnummer: 20931", "Abteilung: Einkauf", "Art des Urlaubs: 0) Erholungsurlaub & Sonderurlaub O unbezahlter Urlaub"), language: "de",
      keep: [/^Erholungsurlaub\.$/m, /^Sonderurlaub\.$/m, /^unbezahlter Urlaub\.$/m], gone: /art des|jonas|einkauf|0\)/i,
    },
    {
      name: "fr: a row under its question, 'CO' for a box",
      text: page("Déclaration de sinistre habitation", "Nom de l'assuré : Julien Lefèvre", "Numéro de contrat : HAB-5581024", "Date du sinistre : 18/01/2025", "Nature du sinistre :", "O Dégât des eaux CO Incendie O Vol"),
      keep: [/^Dégât des eaux\.$/m], gone: /\bCO\b|incendie|nature du|julien/i,
    },
    {
      name: "fr: boxes glued to the choices of a row",
      text: page("Inscription à la restauration scolaire", "Nom de l'enfant : Lucas Moreau", "Classe : CE2", "Jours de cantine :", "OLundi OMardi OJeudi O Vendredi", "Régime :", "O Standard OSans porc 0 Végétarien"),
      keep: [/^Sans porc\.$/m], gone: /lundi|mardi|OSans|standard|lucas/i,
    },
    {
      name: "es: the last choice wrapped onto the next line",
      text: page("Hoja de reclamación de consumo", "Nombre y apellidos del consumidor: Marta Gil", "Empresa reclamada: ElectroHogar S.L.", "Fecha de la compra: 02/12/2024", "Solicita: & Reparación O Sustitución O Devolución del", "importe", "Firma del consumidor: ________ Fecha: ______"),
      keep: [/^Devolución del importe\.$/m], gone: /solicita|marta|electrohogar|reparación/i,
    },
    {
      name: "hi: '7)', 'O' and a digit for boxes",
      text: page("अवकाश आवेदन पत्र", "कर्मचारी का नाम: रोहित शर्मा", "पद: लिपिक", "विभाग: लेखा", "अवकाश का प्रकार: 7) आकस्मिक अवकाश O अर्जित अवकाश 93 चिकित्सा अवकाश"),
      keep: [/^आकस्मिक अवकाश\.$/m, /^अर्जित अवकाश\.$/m, /^चिकित्सा अवकाश\.$/m], gone: /प्रकार|रोहित|लिपिक|7\)|93/,
    },
  ];
  it.each(rows)("$name", ({ text, language, keep, gone }) => {
    const r = removeBoilerplate(text, { language });
    for (const k of keep) expect(r.text).toMatch(k);
    expect(r.text).not.toMatch(gone);
  });

  // Lines that start with such a letter or sign but are no row of boxes keep their words.
  it.each([
    ["a sentence starting with 'O'", "O Brother, Where Art Thou is a film set in Mississippi in 1937."],
    ["a copyright line with '©' and '&'", "© 2024 Smith & Jones Publishing Ltd"],
    ["a line starting with a digit", "0 and 1 are the only digits of the binary system & its arithmetic."],
    ["a single box reading", "O Compassionate leave"],
    ["a line that has real boxes", "☐ Annual leave & travel ☐ Unpaid leave"],
  ])("%s is left as it is", (_case, line) => {
    expect(restoreOcrBoxes(line)).toBe(line);
  });
});

describe("German one-word compound choices are choices", () => {
  it.each([
    { name: "after the question", text: page("Antrag auf Arbeitszeitänderung", "Name: Jonas Becker", "Personalnummer: 20931", "Abteilung: Einkauf", "Gewünscht: ☐ Elternzeit ☐ Teilzeitbeschäftigung ☐ Bahn ☒ Privat-Pkw"), keep: [/^Elternzeit\.$/m, /^Teilzeitbeschäftigung\.$/m, /^Privat-Pkw\.$/m], gone: /^Bahn\.$|jonas|gewünscht/im },
    { name: "a row under its question, read off a scan", text: page("Antrag auf Arbeitszeitänderung", "Name: Jonas Becker", "Personalnummer: 20931", "Abteilung: Einkauf", "Gewünscht:", "O Elternzeit & Teilzeitbeschäftigung O Vollzeit"), keep: [/^Elternzeit\.$/m, /^Teilzeitbeschäftigung\.$/m], gone: /vollzeit|jonas/i },
  ])("de: $name", ({ text, keep, gone }) => {
    const r = removeBoilerplate(text, { language: "de" });
    for (const k of keep) expect(r.text).toMatch(k);
    expect(r.text).not.toMatch(gone);
  });

  it("through prepare: the form's language decides, English one-word choices stay out", () => {
    const prepared = (text: string) => prepare({ pageTexts: [text], text, infoTitle: undefined, filename: "scan_0003.pdf", minTextChars: MIN_TEXT_CHARS }).content;
    expect(prepared(page("Antrag auf Elternzeit", "Vor- und Nachname: Jonas Becker", "Personalnummer: 20931", "Abteilung: Einkauf", "Art der Freistellung: ☐ Elternzeit ☐ Teilzeitbeschäftigung"))).toMatch(/^Teilzeitbeschäftigung\.$/m);
    expect(prepared(page("Public Library Membership Application", "Surname: Okafor", "First name: Chidi", "Date of birth: 22/09/1988", "Membership: ☐ Concession ☐ Adult ☐ Junior"))).not.toMatch(/concession|adult|junior/i);
  });
});

describe("a label column is a form: labels over their values, or rules OCR did not read", () => {
  const rows: Array<{ name: string; text: string; language?: string; title: string; keep: RegExp[]; gone: RegExp }> = [
    {
      name: "en stacked, filled, no instruction line",
      text: page("Annual Leave Request", "Employee name", "Priya Shah", "Employee number", "40127", "Department", "Finance", "Type of leave", "☐ Annual leave ☒ Unpaid leave", "Employee signature: ________ Date: ______"),
      title: "Annual Leave Request", keep: [/^Annual Leave Request$/m, /^Unpaid leave\.$/m], gone: /employee|priya|40127|finance|department|type of/i,
    },
    {
      name: "de scan whose rules OCR lost",
      text: page("Urlaubsantrag", "Vor- und Nachname", "Personalnummer", "Abteilung", "Urlaub vom", "bis einschließlich", "Art des Urlaubs", "O Erholungsurlaub O Sonderurlaub O unbezahlter Urlaub", "Unterschrift Mitarbeiter: Genehmigt Vorgesetzter:"), language: "de",
      title: "Urlaubsantrag", keep: [/^Erholungsurlaub\.$/m], gone: /nachname|personalnummer|abteilung|urlaub vom|einschließlich|art des/i,
    },
    {
      name: "fr stacked, filled",
      text: page("Inscription à la restauration scolaire", "Nom de l'enfant", "Lucas Moreau", "École", "École élémentaire Jules Ferry", "Classe", "CE2", "Régime", "☐ Standard ☒ Sans porc ☐ Végétarien", "Signature du responsable légal : ________"),
      title: "Inscription à la restauration scolaire", keep: [/^Sans porc\.$/m], gone: /lucas|moreau|jules ferry|ce2|classe|régime/i,
    },
    {
      name: "es stacked, filled, heading wrapped after a function word",
      text: page("Solicitud de beca de", "comedor escolar", "Nombre del alumno", "Pablo Navarro", "Centro educativo", "CEIP Miguel Hernández", "Curso", "3.º de primaria", "Situación", "☒ Familia numerosa ☐ Familia monoparental", "Firma del solicitante: ________"),
      title: "Solicitud de beca de comedor escolar", keep: [/^Familia numerosa\.$/m], gone: /pablo|navarro|hernández|primaria|curso|situación|alumno/i,
    },
    {
      name: "hi stacked, filled",
      text: page("अवकाश आवेदन पत्र", "कर्मचारी का नाम", "रोहित शर्मा", "पद", "लिपिक", "विभाग", "लेखा", "अवकाश का प्रकार", "☐ आकस्मिक अवकाश ☒ अर्जित अवकाश", "हस्ताक्षर: ________"),
      title: "अवकाश आवेदन पत्र", keep: [/^अर्जित अवकाश\.$/m], gone: /रोहित|लिपिक|लेखा|प्रकार/,
    },
  ];
  it.each(rows)("$name", ({ text, language, title, keep, gone }) => {
    const r = removeBoilerplate(text, { language });
    expect(r.printedTitle).toBe(title);
    for (const k of keep) expect(r.text).toMatch(k);
    expect(r.text).not.toMatch(gone);
  });

  // Short lines on a page with no checkbox row, bare label or blank: a list, not a form.
  it("a page of short lines without a form line keeps them", () => {
    const text = page(
      "Seabird colonies of the North Sea",
      "Northern gannet",
      "Atlantic puffin",
      "Black-legged kittiwake",
      "Common guillemot",
      "Colonies were counted from aerial photographs in June of each year.",
    );
    expect(removeBoilerplate(text).text).toBe(text);
  });
});
