import { classifyLine, isJunkTitle, removeBoilerplate, type BoilerplateKind } from "../../../../../plugins/tagging/tagger/boilerplate";
import { documentTitle } from "../../../../../plugins/tagging/extract";

describe("classifyLine", () => {
  const table: Array<[string, BoilerplateKind | undefined]> = [
    // Running headers shaped like a citation, in every supported language.
    ["Journal of Ecology · Vol. 12, No. 3, pp. 211–219, 2023", "citation"],
    ["Ecology Letters 45 (2022) 101–112", "citation"],
    ["Annals of Materials, 2019, 31(4): 1201-1214", "citation"],
    ["ISSN 3882-4706 | International Review of Materials | Volume 78, Issue 4 | September 2024", "citation"],
    ["Zeitschrift für Energie · Jg. 12, Heft 3, S. 211–219, 2023", "citation"],
    ["Revue française de médecine · Vol. 9, n° 2, p. 45-61, 2021", "citation"],
    ["Revista de economía · Vol. 3, Núm. 8, pp. 77-90, 2020", "citation"],
    ["भारतीय ऊर्जा पत्रिका · खंड 12, अंक 3, पृ. 211-219, 2023", "citation"],
    ["https://doi.org/10.1016/j.ecolind.2021.107865", "contact"],
    ["© 2024 Elsevier Ltd. All rights reserved.", "copyright"],
    ["Tous droits réservés.", "copyright"],
    ["* Corresponding author. E-mail address: jane.doe@uni-example.edu", "contact"],
    ["* Auteur correspondant. Courriel : marie@exemple.fr", "contact"],
    ["Received 12 March 2022; accepted 3 September 2022", "dates"],
    ["Eingegangen am 2021-04-01; angenommen am 2021-09-30", "dates"],
    ["प्राप्त 2020-04-30; स्वीकृत 2021-02-11", "dates"],
    ["Alison Emmerich1, Adele Rolfson2", "author"],
    ["J. M. García, K. Müller and L. Zhou", "author"],
    ["Gertrude Bartoletti-Roberts2, Torrance Hamill1*", "author"],
    ["1Department of Materials, University of Leeds, Leeds, United Kingdom", "affiliation"],
    ["2Department of Chemistry, Hessel LLC, Rockwall, Virgin Islands, U.S.", "affiliation"],
    ["!Laboratoire d'écologie, Université de Lyon, Lyon, France", "affiliation"],
    // OCR reads the superscript mark glued to the institution as a letter.
    ["IDepartment of Geography, Lind - Steuber, Crooksworth, Dominica", "affiliation"],
    ["lUniversidad de Sevilla, Facultad de Biología, Sevilla, España", "affiliation"],
    // ...or reads the mark and the institution's first letter as one other letter (seed 4049's de-04 scan).
    ["Unstitut fiir Umwelt, Schaffarzik-Wissing, Offenbach am Main, Nigeria", "affiliation"],
    ["Zepartment of Soil Science, Kutch LLC, Port Elissa, Chile", "affiliation"],
    ["Iniversité de Montréal, Faculté de médecine, Montréal, Canada", "affiliation"],
    ["Bospital Clínic, Servicio de Neumología, Barcelona, España", "affiliation"],
    // ...or reads the mark as a sign and the institution's first letters as one or none (seed 2026's de-04
    // scan, whose "umwelt" tag came from such a line).
    ["‘ostitut fir Umwelt, Crosskofp-Zimmermann, Koblenz, Jemen", "affiliation"],
    ["‘niversity of Leeds, Hartley and Sons, Leeds, United Kingdom", "affiliation"],
    ["°epartamento de Biología Vegetal, Fernández e Hijos, Sevilla, España", "affiliation"],
    ["'aboratoire d'écologie, Pierre et Fils, Lyon, France", "affiliation"],
    ["‘stitut für Geographie, Müller und Söhne, Bonn, Deutschland", "affiliation"],
    // ...but a quoted word that ends like one is no affiliation.
    ["‘stitute’ was the word they used, in 2019, for the new school.", undefined],
    // ...but a sentence whose first word only looks like one is content.
    ["Unusual floods, droughts, and heat waves struck the region in 2019.", undefined],
    ["Universal screening reached 80 %, 85 % and 90 % of newborns.", undefined],
    // ...but a content line starting with a capitalised name is not cut into one.
    ["McDonald and colleagues studied the University records, the archives, and the press.", undefined],
    ["Abstract", "label"],
    ["Zusammenfassung", "label"],
    ["Résumé", "label"],
    ["सारांश", "label"],
    ["References", "references"],
    ["Literaturverzeichnis", "references"],
    ["7", "page_number"],
    ["Page 3 of 12", "page_number"],
    // Content stays, even with numbers, years, names of places or institutions.
    ["Mean hard coral cover fell by 41% after the 2016 event and returned to pre-disturbance levels.", undefined],
    ["We surveyed 1,320 nurses in 96 hospital units between 2019 and 2022, at the University Hospital.", undefined],
    ["Marine heatwaves and the recovery of coral reefs", undefined],
    ["Great Barrier Reef, Coral Sea", undefined],
    ["Groundwater storage declined by 14 cubic kilometres per year, with the steepest losses in Punjab", undefined],
  ];
  it.each(table)("%s -> %s", (line, kind) => {
    expect(classifyLine(line)).toBe(kind);
  });
});

describe("removeBoilerplate", () => {
  const page = (n: number, body: string) =>
    [`Notes on Ecology · Vol. 12, No. 3, pp. ${200 + n}–219, 2023`, body, `Preprint — not peer reviewed`, String(n)].join("\n");

  it("drops lines repeated on the pages (running headers and footers) and keeps the content", () => {
    const r = removeBoilerplate([
      page(1, "Coral reefs recover slowly after marine heatwaves."),
      page(2, "Macroalgae slow the recovery further."),
      page(3, "Water quality management shortens recovery."),
    ]);
    expect(r.text).not.toMatch(/Preprint|Vol\.|Notes on Ecology/);
    expect(r.text).toContain("Coral reefs recover slowly after marine heatwaves.");
    expect(r.text).toContain("Water quality management shortens recovery.");
    // Header, footer and page number are on every page (digits aside): all three lines, three pages.
    expect(r.removed.repeated).toBe(9);
  });

  it("takes a mangled affiliation right after another with the same first segment for one (OCR)", () => {
    const r = removeBoilerplate([
      [
        "Glacier retreat in the Peruvian Andes",
        "Theresia Schmeler1, Pascale Waters2",
        "1Department of Geography, Lind - Steuber, Crooksworth, Dominica",
        "Zpepartment of Geography, Daugherty Inc, North Scottown, Panama",
        "Abstract",
        "Tropical glaciers are retreating rapidly, and lakes form behind moraines.",
        "Lakes of Peru, Bolivia, and Ecuador grew fastest, by a third",
      ].join("\n"),
    ]);
    expect(r.text).not.toMatch(/Geography|Daugherty/);
    expect(r.removed.affiliation).toBe(2);
    // A content line of the same comma shape, not under an affiliation with its first segment, stays.
    expect(r.text).toContain("Lakes of Peru, Bolivia, and Ecuador grew fastest, by a third");
  });

  it("finds the printed title above the authors, removes the front matter and the reference list", () => {
    const r = removeBoilerplate(
      [
        "Journal of Urban Planning · Vol. 54, No. 5, pp. 1329–1342, 2021",
        "Street trees and urban heat: how canopy cover shapes",
        "pedestrian thermal comfort",
        "Annie Schultz1, Carrie Harber2",
        "1Department of Urban Planning, Ritchie Group, Madrid, Spain",
        "* Corresponding author. E-mail address: annie@example.org",
        "Received 2020-06-28; accepted 2021-01-08",
        "Abstract",
        "Cities are warming faster than their surroundings. See www.example.org/data for the maps.",
        "References",
        "[1] McClure, C., Rowe, G. (2016). Urban forests. Journal of Trees, 3, 1–9.",
      ].join("\n"),
    );
    expect(r.printedTitle).toBe("Street trees and urban heat: how canopy cover shapes pedestrian thermal comfort");
    expect(r.text).not.toMatch(/Schultz|Ritchie|annie@|Received|Abstract|McClure|www\./);
    expect(r.text).toContain("Cities are warming faster than their surroundings.");
  });

  it("strips a leading label but keeps its text", () => {
    expect(removeBoilerplate("Abstract: Rice paddies emit methane.").text).toBe("Rice paddies emit methane.");
  });
});

describe("isJunkTitle (a metadata title that is an id, a file name or a slug is no title)", () => {
  const junk = [
    "xx-01", "en-02", "ms2023_0147", "JRE-D-22-00418R1", "final_v3", "abstract_447_camera-ready.pdf",
    "Microsoft Word - eevw90_submission.docx", "ef70458a", "untitled", "Document1", "paper-draft-final", "scan 0003", "2 pages", "MS 2023 0147",
    "", "  ", "T1",
  ];
  const real = [
    "Annual Budget 2024", "Marine heatwaves and the recovery of coral reefs", "Mietpreisbremse und Wohnungsangebot",
    "COVID-19 vaccination uptake", "COVID-19 vaccination", "Photosynthesis", "Industry 4.0", "मनरेगा और ग्रामीण महिलाओं की श्रम भागीदारी",
  ];
  it.each(junk)("%j is junk", (t) => expect(isJunkTitle(t)).toBe(true));
  it.each(real)("%j is a title", (t) => expect(isJunkTitle(t)).toBe(false));

  it("documentTitle falls back to the printed title when the metadata title is an id", () => {
    expect(documentTitle("xx-07", "Vibration of timber floors\nSome text.", "xx-07.pdf", "Vibration serviceability of long-span timber floors")).toBe(
      "Vibration serviceability of long-span timber floors",
    );
    expect(documentTitle("JRE-D-22-00418R1", "Journal of Ecology · Vol. 3, No. 1, pp. 1–9, 2020\nCoral reef recovery\nText.", "a.pdf")).toBe("Coral reef recovery");
  });
});

describe("form labels", () => {
  // OCR reads a form's label column apart from its value column: the labels arrive as lines of their own.
  const labels: Array<[string, string]> = [
    ["en", "Full name:"],
    ["en", "Full name: Date of birth: Ema:"],
    ["en", "Date of birth (DD/MM/YYYY): ____________"],
    ["en", "Signature: .................. Date: ..........."],
    ["en", "☐ Full-time ☐ Part-time ☐ Contractor"],
    ["en", "[ ] Yes [x] No"],
    ["de", "Vor- und Nachname:"],
    ["de", "Geburtsdatum: Anschrift:"],
    ["de", "Unterschrift des Arbeitnehmers: __________"],
    ["fr", "Nom :"],
    ["fr", "Date de naissance : Adresse :"],
    ["fr", "☐ Oui ☐ Non"],
    ["es", "Fecha de nacimiento:"],
    ["es", "Nombre completo: Correo electrónico:"],
    ["es", "Firma del solicitante: ________"],
    ["hi", "नाम:"],
    ["hi", "जन्म तिथि: पता:"],
    ["hi", "हस्ताक्षर: __________"],
  ];
  it.each(labels)("%s: %s is a form label", (_lang, line) => {
    expect(classifyLine(line)).toBe("form_label");
  });

  // A colon inside content, a title or a label with its value is no label-only line.
  const content: Array<[string, string]> = [
    ["en", "Marine heatwaves: recovery of coral reefs"],
    ["en", "The results were clear: recovery took a decade."],
    ["en", "Employee Information Form"],
    ["de", "Ergebnis: Die Verwaltung wurde digitalisiert."],
    ["fr", "Politique énergétique : bilan et perspectives"],
    ["es", "Nota: el plazo de solicitud termina en marzo de 2025."],
    ["hi", "परिणाम: जल संरक्षण से भूजल स्तर बढ़ा।"],
  ];
  it.each(content)("%s: %s stays content", (_lang, line) => {
    expect(classifyLine(line)).toBeUndefined();
  });

  const form = (heading: string, labelLines: string[], values: string[]) => [heading, ...labelLines, "", ...values].join("\n");

  it.each([
    ["en", form("Employee Information Form", ["Full name:", "Date of birth:", "Ema:", "Address:", "City: Postcode:", "Department:"], ["Jane Miller", "1990-04-12", "Harbour Street 4", "Leeds LS1 4AP", "Logistics"]), "Employee Information Form", /full name|date of birth|postcode|department/i],
    ["de", form("Personalbogen für neue Mitarbeiter", ["Vor- und Nachname:", "Geburtsdatum:", "Anschrift:", "PLZ: Ort:"], ["Anna Schulz", "12.04.1990", "Hafenstraße 4", "20095 Hamburg"]), "Personalbogen für neue Mitarbeiter", /nachname|geburtsdatum|anschrift/i],
    ["fr", form("Fiche de renseignements du salarié", ["Nom :", "Date de naissance :", "Adresse :"], ["Marie Dubois", "12/04/1990", "4 rue du Port, Lyon"]), "Fiche de renseignements du salarié", /naissance|adresse/i],
    ["es", form("Solicitud de vacaciones", ["Nombre completo:", "Fecha de inicio:", "Fecha de fin:"], ["Rocío Peña", "2025-07-01", "2025-07-15"]), "Solicitud de vacaciones", /nombre completo|fecha de/i],
    ["hi", form("कर्मचारी सूचना प्रपत्र", ["पूरा नाम:", "जन्म तिथि:", "पता:"], ["सीमा वर्मा", "12-04-1990", "नई दिल्ली"]), "कर्मचारी सूचना प्रपत्र", /पूरा नाम|जन्म तिथि/],
  ])("%s: a form's heading is its title and its labels are not content", (_lang, page, heading, labelWords) => {
    const r = removeBoilerplate(page as string);
    expect(r.printedTitle).toBe(heading);
    expect(r.text).not.toMatch(labelWords as RegExp);
    expect(documentTitle(undefined, r.text, "scan_0003.pdf", r.printedTitle)).toBe(heading);
  });

  it("never joins label lines into a title", () => {
    // No heading above the labels: the title falls back to a heading line, never "Full name: Date of birth:".
    const r = removeBoilerplate(["Full name: Date of birth:", "Ema: Address:", "", "Jane Miller", "Harbour Street 4"].join("\n"));
    expect(r.printedTitle).toBeUndefined();
    expect(documentTitle(undefined, "Full name:\nDate: Place:\nJane Miller", "scan.pdf")).toBe("Jane Miller");
  });
});
