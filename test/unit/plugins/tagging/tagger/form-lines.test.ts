/**
 * Filled-in forms: the label of a "Label: value" line names a field and the value is what one copy says
 * about one person (a name, a date, an id), so neither is content; the heading and the form's sentences
 * are. Also the heading's end (an instruction line under it is no part of the title) and the language of
 * a form whose content is a few words.
 */
import { prepare } from "../../../../../plugins/tagging/analyse";
import { MIN_TEXT_CHARS } from "../../../../../plugins/tagging";
import { removeBoilerplate } from "../../../../../plugins/tagging/tagger/boilerplate";

const page = (...l: string[]) => l.join("\n");

describe("form pages: labels and values are not content", () => {
  // [case, page, words that must stay, label or value words that must go]
  const rows: Array<[string, string, RegExp[], RegExp]> = [
    ["en label: value", page("Application for a Residential Parking Permit", "Full name: Daniel Hughes", "Address: 14 Mill Lane, Norwich NR2 4JS", "Vehicle registration number: KX19 VBN", "Parking zone: Zone C"), [/Residential Parking Permit/], /full name|daniel|hughes|mill lane|vehicle registration|KX19|zone c/i],
    ["de label: value", page("Urlaubsantrag", "Vor- und Nachname: Jonas Becker", "Personalnummer: 20931", "Abteilung: Einkauf", "Urlaub vom: 04.08.2025"), [/Urlaubsantrag/], /nachname|jonas|personalnummer|abteilung|einkauf|04\.08/i],
    ["fr label : value", page("Déclaration de sinistre habitation", "Nom de l'assuré : Julien Lefèvre", "Numéro de contrat : HAB-5581024", "Date du sinistre : 18/01/2025", "Circonstances : Fuite du chauffe-eau dans la salle de bains"), [/Déclaration de sinistre habitation/], /assuré|lefèvre|contrat|HAB-|date du|circonstances|chauffe-eau/i],
    ["es label: value", page("Hoja de reclamación de consumo", "Nombre y apellidos del consumidor: Marta Gil", "Empresa reclamada: ElectroHogar S.L.", "Fecha de la compra: 02/12/2024", "Producto o servicio: Lavadora"), [/Hoja de reclamación de consumo/], /nombre|marta|empresa|electrohogar|fecha|producto|lavadora/i],
    ["hi label: value", page("अवकाश आवेदन पत्र", "कर्मचारी का नाम: रोहित शर्मा", "पद: लिपिक", "विभाग: लेखा", "अवकाश की अवधि: 10-06-2025 से 14-06-2025"), [/अवकाश आवेदन पत्र/], /नाम|रोहित|लिपिक|विभाग|लेखा|अवधि/],
    ["en label ____ (no colon)", page("Public Library Membership Application", "Surname ______________", "First name ______________", "Date of birth ..........", "Signature ____________ Date ________"), [/Public Library Membership Application/], /surname|first name|birth|signature|date/i],
    ["de label ____ (no colon)", page("Antrag auf Wohngeld", "Name, Vorname ______________", "Geburtsdatum ______________", "Anschrift ______________"), [/Antrag auf Wohngeld/], /vorname|geburtsdatum|anschrift/i],
    ["en label column, values read apart", page("Travel Expense Reimbursement Claim", "Claimant name:", "Oliver Grant", "Cost centre:", "CC-2204", "Purpose of trip:", "Client workshop in Leeds", "Total claimed:", "£367.15"), [/Travel Expense Reimbursement Claim/], /claimant|oliver|grant|cost centre|CC-2204|purpose|workshop|leeds|total|367/i],
    ["es label cell wrapped over two lines", page("Hoja de reclamación de consumo", "Nombre y apellidos del Marta Gil", "consumidor:", "Empresa reclamada: ElectroHogar S.L.", "Fecha de la compra: 02/12/2024"), [/Hoja de reclamación de consumo/], /nombre|apellidos|marta|consumidor|electrohogar/i],
    ["en checkbox question: its phrase choices stay, caption and one-word choices go", page("Annual Leave Request", "Employee name: Priya Shah", "Department: Finance", "Type of leave: ☐ Annual leave ☐ Unpaid leave ☒ Compassionate leave", "Paid: ☒ Yes ☐ No"), [/Annual leave/, /Unpaid leave/, /Compassionate leave/], /type of|employee|priya|finance|\byes\b|\bno\b/i],
    ["fr checkbox row under its question", page("Déclaration de sinistre habitation", "Nom de l'assuré : Julien Lefèvre", "Date du sinistre : 18/01/2025", "Nature du sinistre :", "☐ Dégât des eaux ☐ Incendie ☒ Vol"), [/Dégât des eaux/], /nature|julien|incendie|\bvol\b/i],
    ["en label printed above its blank", page("Application for a Residential Parking Permit", "Full name", "_________________________", "Vehicle registration number", "_________________________", "Permit type", "☐ Resident ☐ Visitor ☐ Business", "Signature: ____________ Date: ________"), [/Residential Parking Permit/], /full name|vehicle registration|permit type/i],
    ["en labels above their values, after the instructions", page("Workplace Accident and Incident Report", "Report every injury to your supervisor on the day it happens.", "Name of injured person", "Mark Ellison", "Job title", "Forklift operator", "Location", "Warehouse bay 4", "First aid given", "☐ Yes ☒ No", "Reported to", "☒ Supervisor ☐ Safety officer", "Signature of person reporting: ________ Date: ______"), [/Report every injury/], /injured person|mark|ellison|job title|forklift|warehouse|first aid|reported to/i],
    // A memo or letter's subject line is its content, however short, and a value under it stays.
    ["en memo: the subject's value stays", page("To: All staff", "From: Facilities", "Date: 12/03/2025", "Subject: Gutters need clearing"), [/Gutters need clearing/], /all staff|facilities|12\/03/i],
    ["de memo: the subject under its label", page("An:", "Von:", "Betreff:", "Heizungswartung im Altbau"), [/Heizungswartung im Altbau/], /^an$|^von$|betreff/im],
    // A colon in prose keeps its words, on a form page and off it.
    ["en sentence with a colon on a form", page("Parking Permit Renewal", "Permit number: 55120", "Vehicle registration: KX19 VBN", "Zone: C", "Note: the permit office closes at noon on Fridays."), [/Parking Permit Renewal/, /Note: the permit office closes at noon on Fridays\./], /55120|KX19|vehicle registration/i],
    ["es sentence with a colon on a form", page("Solicitud de beca de comedor escolar", "Nombre del alumno: Pablo Navarro", "Curso: 3.º de primaria", "Centro: CEIP Miguel Hernández", "Importante: la solicitud se presenta en la secretaría del centro antes de junio."), [/Importante: la solicitud se presenta en la secretaría del centro antes de junio\./], /pablo|navarro|primaria|hernández/i],
  ];
  it.each(rows)("%s", (_case, text, keep, gone) => {
    const r = removeBoilerplate(text);
    for (const k of keep) expect(r.text).toMatch(k);
    expect(r.text).not.toMatch(gone);
  });

  // Not a form: a journal page's lines with a colon and short lines keep every word.
  it("a page that is no form keeps its colon lines and short lines", () => {
    const text = page(
      "Marine heatwaves: recovery of coral reefs",
      "Coral cover fell by a third after the 2016 heatwave.",
      "Results: recovery took a decade on sheltered reefs.",
      "Great Barrier Reef",
      "The reefs that recovered were those with herbivorous fish.",
    );
    expect(removeBoilerplate(text).text).toBe(text);
  });
});

describe("a form's heading ends where its instructions start", () => {
  const rows: Array<[string, string, string]> = [
    ["en please line", page("Workplace Accident and Incident Report", "Please report every injury, near miss or dangerous occurrence to your supervisor on the day it happens.", "Name of injured person: ____________", "Location: ____________"), "Workplace Accident and Incident Report"],
    ["en sentence line", page("Application for a Residential Parking Permit", "Use this form to apply for a permit to park in a residents' parking zone. Attach proof of", "residence and the vehicle registration certificate.", "Full name: ____________", "Address: ____________"), "Application for a Residential Parking Permit"],
    ["en heading over two lines, then a sentence", page("Application for a Residential", "Parking Permit", "Attach proof of residence and the vehicle registration certificate.", "Full name: ____________", "Address: ____________"), "Application for a Residential Parking Permit"],
    ["de bitte line", page("Reisekostenabrechnung für Dienstreisen", "Bitte reichen Sie die Abrechnung spätestens sechs Monate nach Ende der Dienstreise mit allen", "Belegen ein.", "Name: ____________", "Reiseziel: ____________"), "Reisekostenabrechnung für Dienstreisen"],
    ["fr sentence line", page("Inscription à la restauration scolaire", "Ce formulaire est à rendre à la mairie avant la rentrée. Les repas sont facturés chaque mois.", "Nom de l'enfant : ____________", "Classe : ____________"), "Inscription à la restauration scolaire"],
    ["es sentence line", page("Hoja de reclamación de consumo", "La empresa debe responder a su reclamación en el plazo de un mes.", "Nombre y apellidos del consumidor: Marta Gil", "Fecha de la compra: 02/12/2024", "Producto o servicio: Lavadora"), "Hoja de reclamación de consumo"],
    ["hi sentence line", page("अवकाश आवेदन पत्र", "कृपया यह आवेदन अपने विभाग प्रमुख को जमा करें।", "कर्मचारी का नाम: ____________", "विभाग: ____________"), "अवकाश आवेदन पत्र"],
  ];
  it.each(rows)("%s", (_case, text, heading) => {
    const r = removeBoilerplate(text);
    expect(r.printedTitle).toBe(heading);
  });
});

describe("the language of a short form", () => {
  const prepared = (text: string) => prepare({ pageTexts: [text], text, infoTitle: undefined, filename: "scan_0003.pdf", minTextChars: MIN_TEXT_CHARS });
  const rows: Array<[string, string, string]> = [
    ["es blank form (shares 'de' with French)", page("Alta de socio", "Nombre completo:", "Fecha de nacimiento:", "Correo electrónico:", "Firma: ________"), "es"],
    ["es filled form", page("Alta de socio", "Nombre completo: Lucía Navarro", "Fecha de nacimiento: 02/03/1990", "Teléfono: 612 345 678", "Cuota: ☐ Cuota anual ☒ Cuota mensual"), "es"],
    ["de form whose content is a heading and choices", page("Urlaubsantrag", "Vor- und Nachname: Jonas Becker", "Personalnummer: 20931", "Abteilung: Einkauf", "Art des Urlaubs: ☐ Erholungsurlaub ☐ Sonderurlaub ☒ unbezahlter Urlaub"), "de"],
    ["fr blank form", page("Demande de carte de stationnement", "Nom et prénom :", "Adresse du domicile :", "Numéro d'immatriculation :", "Signature : ________"), "fr"],
  ];
  it.each(rows)("%s", (_case, text, language) => {
    expect(prepared(text).language).toBe(language);
  });
});
