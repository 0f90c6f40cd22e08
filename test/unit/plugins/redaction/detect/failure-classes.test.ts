/**
 * Classes of misses found on the quality corpus (bench/redaction-quality.ts) and fixed as classes:
 * e-mails OCR broke at the "@", names spelt like another language's function words, two-column blocks
 * whose lines wrap short. Each row is the class, its decoy or neighbour included.
 */
import { detect } from "../../../../../plugins/redaction/detect";
import type { PageInput, Word } from "../../../../../plugins/redaction/detect/types";
import { pageOf } from "./page-fixture";

const w = (text: string, x: number, y: number, width: number, height = 9): Word => ({ text, box: { x, y, width, height }, confidence: 90 });
const ocrPage = (words: Word[]): PageInput => ({ page: 1, width: 595, height: 842, source: "ocr", words });
const emails = (p: PageInput) => detect([p], { labels: ["EMAIL_ADDRESS"] }).map((f) => f.text);

describe("e-mail addresses OCR broke at the @", () => {
  it("reads '@' as a separate 'O' word whose box sits apart (the reading order puts it on another line)", () => {
    // tesseract boxed the local part over the whole address; the "O" is taller, so it starts a line of its own
    const page = ocrPage([w("Correo", 353, 337, 26, 6), w("Cesar.MenendezBriseno", 353.66, 347.94, 131.61), w("O", 445.34, 346.4, 2.74, 11), w("gmail.com", 451.11, 347.94, 34.16, 8)]);
    const found = emails(page);
    expect(found.join(" ")).toContain("Cesar.MenendezBriseno");
    expect(found.join(" ")).toContain("gmail.com");
  });
  it.each([
    ["'@' read as O glued to the domain", "Contact: MariaEugenia.PazGuajardo69 Ohotmail.com - 974 01 70 38", "MariaEugenia.PazGuajardo69 Ohotmail.com"],
    ["'@' read as OQ, a word of its own", "Correo: Rafael_GuzmanNavarro OQ gmail.com", "Rafael_GuzmanNavarro OQ gmail.com"],
    ["'@' lost", "E-mail: jane.doe42 example.org", "jane.doe42 example.org"],
  ])("%s", (_d, text, expected) => {
    expect(emails(pageOf(text, { source: "ocr", confidence: () => 88 }))).toEqual([expected]);
  });
  it.each([
    ["a phone number before a website", "Telefon: 958527754 stained-instance.cat"],
    ["a plain word before a website", "Visit our shop example.com today"],
    ["a version before a domain", "Release v1.2 example.com"],
    ["a www address", "Web: john.smith www.example.com"],
  ])("no e-mail: %s", (_d, text) => {
    expect(emails(pageOf(text, { source: "ocr", confidence: () => 88 }))).toEqual([]);
  });
});

describe("names spelt like another language's function words", () => {
  const names = (text: string) => detect([pageOf(text)], { labels: ["PERSON"] }).map((f) => f.text);
  it.each([
    ["German 'allen' in an English contact list", "Please contact us about the schedule and the payments due.\nAllen McGlynn, Allen_McGlynn@gmail.com, (589) 921-7040", ["Allen McGlynn"]],
    ["German 'will' as an English surname", "The contacts for the project are listed below for your information.\nJody Will, Jody_Will@hotmail.com, (780) 995-1852", ["Jody Will"]],
    ["'Best' as a surname after a cue", "Betr.: Leopold Best, geb. am 21. Juli 1983, wohnhaft in der Stadt", ["Leopold Best"]],
  ])("%s", (_d, text, expected) => expect(names(text)).toEqual(expected));
  it("still drops a German function word in a German sentence", () => {
    expect(names("Sehr geehrte Frau Anna Schmidt, wir danken allen Kunden für die Geduld und die Unterstützung.")).toEqual(["Anna Schmidt"]);
  });
});

describe("two-column blocks whose lines wrap short", () => {
  it("reads the columns one after the other, so a wrapped address continues", () => {
    // left column line 2 is short (it wrapped before a long e-mail address); the right column starts at x 320
    const L = (t: string, y: number) => t.split(" ").reduce<{ ws: Word[]; x: number }>((acc, s) => ({ ws: [...acc.ws, { text: s, box: { x: acc.x, y, width: s.length * 4.4, height: 8 } }], x: acc.x + s.length * 4.4 + 2.2 }), { ws: [], x: 54 }).ws;
    const R = (t: string, y: number) => L(t, y).map((x) => ({ ...x, box: { ...x.box, x: x.box.x + 266 } }));
    const page: PageInput = {
      page: 1, width: 595, height: 842, source: "text",
      words: [
        ...L("zwischen Josefin Gakstädter, anschrift Schaffarzikallee 76,", 100), ...R("& Adriano Erhardt, adresse Conradplatz 124b, 88731", 100),
        ...L("81361 Rosenthalscheid, E-Mail-Adresse", 111), ...R("Schäffelland, Handy 01704 878496 (\"B\"). Diese", 111),
        ...L("Josefin.Gakstadter@yahoo.com (\"A\"), Vielen Dank für Ihr", 122), ...R("Zusammenfassung dient nur der Information und", 122),
        ...L("Schreiben zur Verlängerung des Wartungsvertrags. Vielen", 133), ...R("ersetzt nicht den Vertrag. Weitere Einzelheiten", 133),
      ],
    };
    const addresses = detect([page], { labels: ["PHYSICAL_ADDRESS"] }).map((f) => f.text);
    expect(addresses).toEqual(["Schaffarzikallee 76, 81361 Rosenthalscheid", "Conradplatz 124b, 88731 Schäffelland"]);
  });
});

/*
 * Classes of scanned-page misses where the OCR text held the value and detection did not find it
 * (bench `--misses`, "readable"), seeds 1313 and 4242 after issue 12's OCR changes.
 */
const ocr = (text: string) => pageOf(text, { source: "ocr", confidence: () => 88 });
const found = (text: string, label: string) => detect([ocr(text)], { labels: [label] }).map((f) => f.text);

describe("structured values with OCR's letter/digit confusions, repaired against their checksum", () => {
  it.each([
    ["a bank-code letter read as 1 (GB: 4 letters, 14 digits)", "IBAN: GB041INQ40607596590861", "GB041INQ40607596590861"],
    ["check digits read as l and O", "Número de cuenta: ESl4 O844 7990 0290 0303 6821", "ESl4 O844 7990 0290 0303 6821"],
    ["a check digit read as O", "SEPA ESO5 7900 5403 9811 7170 0951", "ESO5 7900 5403 9811 7170 0951"],
    ["both check digits read as letters", "SEPA FROS 5001 2583 2331 0762 0108 M96", "FROS 5001 2583 2331 0762 0108 M96"],
  ])("%s", (_d, text, expected) => expect(found(text, "IBAN")).toEqual([expected]));
  it.each([
    ["a bad-checksum IBAN with letters where digits belong stays out", "Ref: GB041INQ40607596590862"],
    ["a bad-checksum IBAN stays out", "Ref: DE44 5001 0517 5407 3249 32"],
    ["letters where the check digits belong, no checksum: no IBAN", "IBAN: FROS 5001 2583 2331 0762 0108 M97"],
  ])("%s", (_d, text) => expect(found(text, "IBAN")).toEqual([]));
  it.each([
    ["a colon read as '-' in an IPv6 address", "13:15:09 login ok from 86fe:bbdf-ec3d::448a", "86fe:bbdf-ec3d::448a"],
    ["a 0 read as O inside IPv6", "IPv6: bfaf:ffOc:ef14:c1b9:b3c1:35e9:fde0:bafd", "bfaf:ffOc:ef14:c1b9:b3c1:35e9:fde0:bafd"],
    ["a 5 read as S inside IPv6", "IPv6: 8240:81b1:8de5:01f3:34ca:b63b:e7dc:cScc", "8240:81b1:8de5:01f3:34ca:b63b:e7dc:cScc"],
    ["a year's 1 read as '|' in a birth date", "Patient Max Roth, date de naissance 20 avril |948, domicile Paris", "20 avril |948"],
  ])("%s", (_d, text, expected) => expect(found(text, /IPv6|from/.test(text) ? "IP_ADDRESS" : "DATE_OF_BIRTH")).toEqual([expected]));
  it("times and versions with dashes are not IPv6", () => {
    expect(found("12:26:41-13:15:09 build 2.4.986.1 from 10:20-11:30", "IP_ADDRESS")).toEqual([]);
  });
});

describe("e-mail addresses OCR split inside the local part or at a wrapped domain", () => {
  it.each([
    ["a space after the local part's dot", "Email address: Nadine. Trantow73@gmail.com", "Nadine. Trantow73@gmail.com"],
    ["a space after the underscore", "E-mail: Madeline_ Adams@yahoo.com", "Madeline_ Adams@yahoo.com"],
    ["the domain wrapped after its dot", "Pour toute question: E-mail Roch_Fontaine@gmail.\ncom", "Roch_Fontaine@gmail. com"],
  ])("%s", (_d, text, expected) => expect(found(text, "EMAIL_ADDRESS")).toEqual([expected]));
  it("a sentence end before an address stays out of it", () => {
    expect(found("Please write to us. jane.doe@example.com today", "EMAIL_ADDRESS")).toEqual(["jane.doe@example.com"]);
  });
});

describe("values wrapped over two lines", () => {
  it("a Spanish phone wrapped after a phone word", () => {
    const text = "Todos los importes se expresan en la moneda de la cuenta. Puede contactarme en el 909 35\n06 41. Envíe la copia firmada.";
    expect(found(text, "PHONE_NUMBER")).toEqual(["909 35 06 41"]);
  });
  it("amounts and dates of table rows on consecutive lines are no phone", () => {
    expect(found("Saldo 1044.12\n17/12/2022 590.79\nTeléfono 1234\n5678", "PHONE_NUMBER")).toEqual([]);
  });
  it.each([
    ["a US ZIP wrapped after the state", "mailing address 67133 Greenfelder Mission Apt. 686, Berniercester, FL\n62817-9571. Tel", "67133 Greenfelder Mission Apt. 686, Berniercester, FL 62817-9571"],
    ["a town wrapped after its article", "Christian Pierre, domicile 8 Place des Lombards, 06603 Le\nTampon, Mobile", "8 Place des Lombards, 06603 Le Tampon"],
    ["a Spanish town wrapped after the postcode (the postcode is no floor number)", "con dirección C/ Cardona Guerra 114, 61157\nValladolid. Tfno.", "C/ Cardona Guerra 114, 61157 Valladolid"],
    ["a Spanish house number on the next line", "domicilio Partida Juan Ramón\n1, 00845 Granada, Teléfono", "Partida Juan Ramón 1, 00845 Granada"],
  ])("%s", (_d, text, expected) => expect(found(text, "PHYSICAL_ADDRESS")).toEqual([expected]));
  it.each([
    ["a French postcode with l for 1", "Adresse: 853 Rue du Havre, 7l099 Orléans", "853 Rue du Havre, 7l099 Orléans"],
    ["a US ZIP with O for 0", "Bill to 7427 Upton Points, Shirleycester, KS 52O35", "7427 Upton Points, Shirleycester, KS 52O35"],
  ])("postcodes with letter/digit confusions: %s", (_d, text, expected) => expect(found(text, "PHYSICAL_ADDRESS")).toEqual([expected]));
  it("a floor number stays a floor number", () => {
    expect(found("la dirección Calle Luna, 12, 2º A, 28013 Madrid", "PHYSICAL_ADDRESS")).toEqual(["Calle Luna, 12, 2º A, 28013 Madrid"]);
  });
});

describe("English documents: British or American by their own evidence", () => {
  it("a UK postcode and UK numbers make national numbers British", () => {
    const text = "Glen Hodkiewicz\nGlen.Hodkiewicz@yahoo.com 0161 620 9470\n17 Cedrick Meadows Apt. 153, Long Lowe AO99 7KV\nReferences\nJamie Bailey, Kemmer, Fadel and Prosacco, 056 9531 3305";
    expect(found(text, "PHONE_NUMBER")).toEqual(["0161 620 9470", "056 9531 3305"]);
  });
  it("a US ZIP keeps an American document American", () => {
    const text = "Jane Roe\n1600 Main Street, Springfield, IL 62704\nPhone (217) 555-0142";
    expect(found(text, "PHONE_NUMBER")).toEqual(["(217) 555-0142"]);
  });
});

describe("a CV head name spelt out in the page's e-mail address", () => {
  it("is a name even when OCR was unsure of it", () => {
    const page: PageInput = {
      page: 1, width: 595, height: 842, source: "ocr",
      words: [w("Sherman", 54, 60, 50, 12), { ...w("Kuhlman", 108, 60, 50, 12), confidence: 55 }, w("Dynamic", 54, 80, 40), w("Integration", 98, 80, 50), w("Strategist", 152, 80, 48), w("Sherman.Kuhiman64@yahoo.com", 54, 95, 140)],
    };
    expect(detect([page], { labels: ["PERSON"] }).map((f) => f.text)).toEqual(["Sherman Kuhlman"]);
  });
  it("two capitalised words that spell no address and carry no cue stay out", () => {
    const page: PageInput = { page: 1, width: 595, height: 842, source: "ocr", words: [w("Dynamic", 54, 60, 50, 12), w("Paradigm", 108, 60, 50, 12), w("jane.doe@example.com", 54, 95, 140)] };
    expect(detect([page], { labels: ["PERSON"] }).map((f) => f.text)).toEqual([]);
  });
});

describe("a CV's date of birth above its next heading is no postcode and wrapped town", () => {
  // generated dates, every locale's written form, above the headings a CV puts next
  const MONTHS: Record<string, string[]> = {
    en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    de: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    fr: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    es: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
  };
  const forms: [string, string, (d: number, m: string, y: number) => string, string][] = [
    ["May 20, 1953", "Date of birth", (d, m, y) => `${m} ${d}, ${y}`, "GitHub: https://github.com/jroe"],
    ["20 May 1953", "Date of birth", (d, m, y) => `${d} ${m} ${y}`, "Professional experience"],
    ["20. Mai 1953", "Geburtsdatum", (d, m, y) => `${d}. ${m} ${y}`, "Berufserfahrung"],
    ["20 mai 1953", "Date de naissance", (d, m, y) => `${d} ${m} ${y}`, "Expérience professionnelle"],
    ["20 de mayo de 1953", "Fecha de nacimiento", (d, m, y) => `${d} de ${m} de ${y}`, "Experiencia profesional"],
  ];
  it.each(forms)("%s", (_d, label, form, heading) => {
    const lang = label === "Geburtsdatum" ? "de" : label === "Date de naissance" ? "fr" : label === "Fecha de nacimiento" ? "es" : "en";
    const addresses: string[] = [];
    for (let i = 0; i < 24; i++) {
      const date = form(1 + ((i * 7) % 28), MONTHS[lang]![i % 12]!, 1940 + i * 3);
      addresses.push(...found(`Jane Roe\n${label}: ${date}\n${heading}`, "PHYSICAL_ADDRESS"));
    }
    expect(addresses).toEqual([]);
  });
  it("a 4-digit postcode after a street is still one", () => {
    expect(found("Anschrift: Hauptstraße 5, 1010\nWien", "PHYSICAL_ADDRESS")).toEqual(["Hauptstraße 5, 1010 Wien"]);
    expect(found("Adresse: Mayrgasse 12, 1990 Wien", "PHYSICAL_ADDRESS")).toEqual(["Mayrgasse 12, 1990 Wien"]);
  });
});
