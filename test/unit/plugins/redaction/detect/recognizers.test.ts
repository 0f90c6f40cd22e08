import { detect } from "../../../../../plugins/redaction/detect";
import { cardIssuer, luhn } from "../../../../../plugins/redaction/detect/recognizers/credit-card";
import { isValidSsn } from "../../../../../plugins/redaction/detect/recognizers/ssn";
import { pageOf } from "./page-fixture";

/** Texts of the findings of one label on a one-page document. */
function found(label: string, text: string, config: Record<string, unknown> = {}): string[] {
  return detect([pageOf(text)], { labels: [label], ...config })
    .filter((f) => f.label === label)
    .map((f) => f.text);
}

type Row = [description: string, text: string, expected: string[]];

describe("EMAIL_ADDRESS", () => {
  const rows: Row[] = [
    ["a plain address", "write to jane.doe@example.com today", ["jane.doe@example.com"]],
    ["an address glued to its label", "Email:jane@mail.co.uk", ["jane@mail.co.uk"]],
    ["an address before a full stop", "It is bob+news@firma.de.", ["bob+news@firma.de"]],
    ["a ccTLD and a sub-domain", "x_y@dept.uni-bonn.de", ["x_y@dept.uni-bonn.de"]],
    ["an unknown top-level domain", "me@example.notatld", []],
    ["a double dot in the local part", "john..doe@example.com", []],
    ["a missing domain", "user@ and @example.com", []],
    ["a file name with an at sign", "image@2x.png", []],
    ["a new generic TLD from the IANA list", "mail me at anna@studio.photography", ["anna@studio.photography"]],
    ["a brand TLD", "press@news.google", ["press@news.google"]],
    ["OCR spaces around @ and dots", "Email: jane.doe @ mail . com", ["jane.doe @ mail . com"]],
    ["OCR 0 for o in the TLD", "write to bob@firma.c0m now", ["bob@firma.c0m"]],
    ["a sentence after the address", "Please send it to Janice.Yost28@gmail.com. The project", ["Janice.Yost28@gmail.com"]],
    ["a word before a spaced at sign", "user@ and @example.com", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("EMAIL_ADDRESS", text)).toEqual(expected));
});

describe("PHONE_NUMBER", () => {
  const rows: Row[] = [
    ["an international UK number", "Call +44 20 7946 0958 now", ["+44 20 7946 0958"]],
    ["an international number with 00", "Tel. 0049 30 12345678", ["0049 30 12345678"]],
    ["a national US number in the default region", "Phone: (415) 555-2671", ["(415) 555-2671"]],
    ["a short number", "Room 1234", []],
    ["a year range", "from 1990-2000", []],
    ["an unassigned US area code next to a label", "Cell: (285) 997-5504", ["(285) 997-5504"]],
    ["an unassigned area code in the NANP layout", "Jane Roe, jane@x.org, (550) 653-6754", ["(550) 653-6754"]],
    ["a national French number without country code", "Portable 06 21 65 68 06", ["06 21 65 68 06"]],
    ["a national Spanish number without separators", "Teléfono: 972426396", ["972426396"]],
    ["an ungrouped international number", "Mobil: +33767454523", ["+33767454523"]],
    ["a bracketed German area code", "(08819) 7698804", ["(08819) 7698804"]],
    ["OCR reading 0 as O", "Tel: 0161 496 O958", ["0161 496 O958"]],
    ["a phone label on the line above (form)", "Phone\n921-960-195", ["921-960-195"]],
    ["a date with a time", "Sent: 07/01/2021 17:20", []],
    ["a US ZIP+4 code", "Springfield, IL 62704-1234", []],
    ["a dotted version number", "Firmware 4.288.90.297", []],
    ["an SSN-shaped order number", "Order no. 123-45-6789", []],
    ["a 16-digit card-shaped reference", "Tracking no. 4781 4482 3427 3166", []],
    ["a bare digit run that no plan knows and no label supports", "batch 5550123", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("PHONE_NUMBER", text)).toEqual(expected));

  it("reads national numbers in the document's region, and any phone-shaped value next to a phone label", () => {
    expect(found("PHONE_NUMBER", "Telefon 030 1234567", { defaultRegion: "DE" })).toEqual(["030 1234567"]);
    expect(found("PHONE_NUMBER", "Telefon 030 1234567", { defaultRegion: "US" })).toEqual(["030 1234567"]);
    expect(found("PHONE_NUMBER", "Bitte rufen Sie uns unter 030 1234567 an, wir sind für Sie da.")).toEqual(["030 1234567"]);
  });
});

describe("IBAN", () => {
  const rows: Row[] = [
    ["a German IBAN in groups", "IBAN DE89 3704 0044 0532 0130 00 please", ["DE89 3704 0044 0532 0130 00"]],
    ["an IBAN without spaces", "GB29NWBK60161331926819", ["GB29NWBK60161331926819"]],
    ["an IBAN followed by capitalised words", "FR14 2004 1010 0505 0001 3M02 606 BIC PSSTFRPPXXX", ["FR14 2004 1010 0505 0001 3M02 606"]],
    ["a bad checksum", "DE88 3704 0044 0532 0130 00", []],
    ["a wrong length", "DE89 3704 0044 0532 0130", []],
    ["an unknown country", "XX89 3704 0044 0532 0130 00", []],
    ["an IBAN wrapped onto the next line", "Bankverbindung DE89 3704 0044\n0532 0130 00", ["DE89 3704 0044 0532 0130 00"]],
    ["a French IBAN whose national RIB key fails (mod 97 still holds)", "IBAN FR76 3000 6000 0112 3456 7890 188", ["FR76 3000 6000 0112 3456 7890 188"]],
    ["a bad checksum after a reference label", "Ref: DE88 3704 0044 0532 0130 00", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("IBAN", text)).toEqual(expected));

  it("reports a bad checksum next to an IBAN label, below a valid one", () => {
    const bad = detect([pageOf("IBAN: DE88 3704 0044 0532 0130 00")], { labels: ["IBAN"] });
    const good = detect([pageOf("IBAN: DE89 3704 0044 0532 0130 00")], { labels: ["IBAN"] });
    expect(bad.map((x) => x.text)).toEqual(["DE88 3704 0044 0532 0130 00"]);
    expect(bad[0]!.score).toBeLessThan(good[0]!.score);
  });
});

describe("CREDIT_CARD", () => {
  const rows: Row[] = [
    ["a Visa number in groups", "card 4111 1111 1111 1111 exp", ["4111 1111 1111 1111"]],
    ["a Mastercard number with dashes", "5500-0000-0000-0004", ["5500-0000-0000-0004"]],
    ["an Amex number", "3782 822463 10005", ["3782 822463 10005"]],
    ["a card followed by an expiry in the same run", "4111 1111 1111 1111 12 25", ["4111 1111 1111 1111"]],
    ["a bad Luhn digit", "4111 1111 1111 1112", []],
    ["a Luhn-valid number that no card scheme could issue", "1234 5678 9012 3452", []],
    ["too few digits", "4111 1111 111", []],
    ["a 4-6-5 grouping that passes Luhn but fits no issuer's length", "Card no. 4556 737586 89959", ["4556 737586 89959"]],
    ["a card number wrapped mid-way", "We charged the card ending in 4111 1111\n1111 1111 yesterday", ["4111 1111 1111 1111"]],
    ["a Luhn failure next to a card label", "Card number: 4111 1111 1111 1112", ["4111 1111 1111 1112"]],
    ["a Luhn-failing reference next to its label", "Transaction ref. 5259 4402 7396 3518", []],
    ["OCR reading 1 as l", "Visa 4lll 1111 1111 1111", ["4lll 1111 1111 1111"]],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("CREDIT_CARD", text)).toEqual(expected));

  it.each([
    ["4111111111111111", true],
    ["79927398713", true],
    ["79927398710", false],
  ] as const)("computes the Luhn check of %s as %s", (n, ok) => expect(luhn(n)).toBe(ok));

  it.each([
    ["4111111111111111", "visa"],
    ["2221000000000009", "mastercard"],
    ["371449635398431", "amex"],
    ["6011111111111117", "discover"],
    ["3530111333300000", "jcb"],
    ["9111111111111111", null],
  ] as const)("names the issuer of %s", (n, issuer) => expect(cardIssuer(n)).toBe(issuer));
});

describe("SSN", () => {
  const rows: Row[] = [
    ["a dashed number", "SSN: 123-45-6789", ["123-45-6789"]],
    ["a dashed number without context (order numbers look the same)", "ref 536-22-1234", []],
    ["bare digits with context", "social security number 123456789", ["123456789"]],
    ["bare digits without context", "order 123456789", []],
    ["groups separated by spaces", "Social Security No. 161 04 7293", ["161 04 7293"]],
    ["a label on the line above", "Social security number\n161-04-7293", ["161-04-7293"]],
    ["an asset tag of the same shape", "Asset tag: 618-81-3967", []],
    ["an order number of the same shape", "Order no. 123-45-6789", []],
    ["mixed separators", "SSN 123-45 6789", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("SSN", text)).toEqual(expected));

  it.each([["area 000", "000-12-3456"], ["area 666", "666-12-3456"], ["area 9xx", "912-12-3456"], ["group 00", "123-00-3456"], ["serial 0000", "123-45-0000"]])(
    "reports a never-issued number (%s) next to an SSN label at a lower score than a valid one",
    (_d, n) => {
      const [bad] = detect([pageOf(`SSN ${n}`)], { labels: ["SSN"] });
      const [good] = detect([pageOf("SSN 123-45-6789")], { labels: ["SSN"] });
      expect(bad!.text).toBe(n);
      expect(bad!.score).toBeLessThan(good!.score);
    },
  );

  it("rejects the voided sample number from the Woolworth wallet", () => expect(isValidSsn("078051120")).toBe(false));
});

describe("IP_ADDRESS", () => {
  const rows: Row[] = [
    ["an IPv4 address", "host 192.168.1.20 is up", ["192.168.1.20"]],
    ["an IPv4 address ending a sentence", "It was 10.0.0.1.", ["10.0.0.1"]],
    ["a full IPv6 address", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"]],
    ["a compressed IPv6 address", "via fe80::1ff:fe23:4567:890a today", ["fe80::1ff:fe23:4567:890a"]],
    ["an octet over 255", "999.1.1.1", []],
    ["a five-part version number", "version 1.2.3.4.5", []],
    ["a clock time", "at 12:30:45", []],
    ["a bare double colon", "std::vector and ::", []],
    ["an IPv6 address in a mail header", "Received: from mail (2001:db8:3527::b94c)", ["2001:db8:3527::b94c"]],
    ["an IPv4 address with OCR's O for 0", "login ok from 10.2O.3.4", ["10.2O.3.4"]],
    ["a dotted number with an octet over 255", "build 2.256.30.1", []],
    ["an IPv4-shaped firmware version", "Firmware: 4.2.1.0", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("IP_ADDRESS", text)).toEqual(expected));
});

describe("URL", () => {
  const rows: Row[] = [
    ["a LinkedIn profile without a scheme", "linkedin.com/in/jane-doe-4821", ["linkedin.com/in/jane-doe-4821"]],
    ["a GitHub profile", "GitHub: https://github.com/jdoe", ["https://github.com/jdoe"]],
    ["a mailto: link", "write mailto:jane@example.com today", ["mailto:jane@example.com"]],
    // OCR of scans: the "@" of a mailto: link misread, glued or spaced (seed 77077's leak: the whole
    // address, and the name it spells, stayed in the redacted scan)
    ["a mailto: link whose @ OCR read as QG", "escribió: mailto:Gabriel.AlfaroPeraltaQGhotmail.com", ["mailto:Gabriel.AlfaroPeraltaQGhotmail.com"]],
    ["a mailto: link whose @ OCR read as a spaced ©", "write mailto:jane.doe © gmail.com today", ["mailto:jane.doe © gmail.com"]],
    ["a mailto: link whose @ OCR read as (a)", "mailto:jdoe(a)mail.de", ["mailto:jdoe(a)mail.de"]],
    ["a mailto: link whose @ OCR lost", "mailto:jane.doegmail.com.", ["mailto:jane.doegmail.com"]],
    ["a mailto: link cut at the line end", "mailto:jane.doe@\nnext line", ["mailto:jane.doe@"]],
    ["the word mailto: with nothing after it", "use a mailto: link", []],
    ["a personal site on a CV contact line", "jane@mail.de | +49 30 1234567 | https://janedoe.dev", ["https://janedoe.dev"]],
    ["a personal site next to its label", "Website: www.jane-doe.photography", ["www.jane-doe.photography"]],
    ["a sentence's full stop after a URL", "See https://github.com/jdoe.", ["https://github.com/jdoe"]],
    ["a company home page with no personal context", "Visit https://www.acme.com for offers", []],
    ["an unknown TLD", "http://intranet.localdomain/x", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("URL", text)).toEqual(expected));

  it("reports a mailto: link once, as URL, not again as the address inside it", () => {
    const f = detect([pageOf("mailto:jane@example.com")], { labels: ["URL", "EMAIL_ADDRESS"] });
    expect(f.map((x) => [x.label, x.text])).toEqual([["URL", "mailto:jane@example.com"]]);
  });
});

describe("DATE_OF_BIRTH", () => {
  const rows: Row[] = [
    ["after 'born'", "She was born on 12 March 1980 in Leeds", ["12 March 1980"]],
    ["after 'DOB'", "DOB: 04/23/1990", ["04/23/1990"]],
    ["after 'Date of birth' on the line above", "Date of birth:\n1990-04-23", ["1990-04-23"]],
    ["after 'geboren'", "geboren am 3. Mai 1975", ["3. Mai 1975"]],
    ["after 'né le'", "né le 1er avril 1962 à Lyon", ["1er avril 1962"]],
    ["after 'fecha de nacimiento'", "fecha de nacimiento: 5 de mayo de 1970", ["5 de mayo de 1970"]],
    ["a trailing (DOB)", "12.03.1980 (DOB)", ["12.03.1980"]],
    ["a date without context", "Invoice date 12 March 1980", []],
    ["a later date in the same sentence", "born 1 May 1950, died 2 June 2020", ["1 May 1950"]],
    ["a label on the next line", "Invoice 01/02/2023\nDate of birth: unknown", []],
    ["an impossible date", "DOB 31/02/1980", []],
    ["a French form label", "Né(e) le 05/11/1962", ["05/11/1962"]],
    ["a Spanish abbreviation", "F. nacimiento: 5 de mayo de 1944", ["5 de mayo de 1944"]],
    ["a German abbreviation", "geb. am 23.04.1985", ["23.04.1985"]],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("DATE_OF_BIRTH", text)).toEqual(expected));

  it("uses only the configured languages' context words", () => {
    expect(found("DATE_OF_BIRTH", "geboren am 3. Mai 1975", { languages: ["en"] })).toEqual([]);
    expect(found("DATE_OF_BIRTH", "geboren am 3. Mai 1975", { languages: ["de"] })).toEqual(["3. Mai 1975"]);
  });
});

describe("DATE (opt-in)", () => {
  const rows: Row[] = [
    ["numeric and verbal dates", "Paid 01/02/2023 and on March 5th, 2021", ["01/02/2023", "March 5th, 2021"]],
    ["an ISO date", "due 2024-02-29", ["2024-02-29"]],
    ["a non-leap 29 February", "due 2023-02-29", []],
    ["a month out of range", "ref 13/13/2020", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("DATE", text)).toEqual(expected));

  it("is not reported unless listed in labels", () => {
    expect(detect([pageOf("Paid 01/02/2023")]).filter((f) => f.label === "DATE")).toEqual([]);
  });
});

describe("PERSON", () => {
  const rows: Row[] = [
    ["a name after Mr, without the title", "Dear Mr John Smith, thanks", ["John Smith"]],
    ["a name after a form label", "Name: Jane Doe", ["Jane Doe"]],
    ["a name on the line under its label", "Patient name:\nMARIA GARCIA LOPEZ", ["MARIA GARCIA LOPEZ"]],
    ["a single surname after Dr.", "Please see Dr. Okonkwo today", ["Okonkwo"]],
    ["a French title", "M. Dupont a signé", ["Dupont"]],
    ["a German salutation", "Sehr geehrte Frau Müller,", ["Müller"]],
    ["a well-known full name in running text", "Yesterday Angela Merkel visited.", ["Angela Merkel"]],
    ["a name with a particle", "Dear Ludwig van Beethoven,", ["Ludwig van Beethoven"]],
    ["a generic salutation", "Dear Sir or Madam,", []],
    ["a lone first name without context", "I met Sarah at noon.", []],
    ["no names at all", "The quarterly report is attached.", []],
    ["a Spanish salutation", "Estimada Sra. Molina Mesa:", ["Molina Mesa"]],
    ["a French title", "Madame Rosalie Duval", ["Rosalie Duval"]],
    ["a signature after the closing line", "Kind regards,\nJanice Yost\nCustomer Assurance Technician", ["Janice Yost"]],
    ["a German signature", "Mit freundlichen Grüßen\nMathilde Ranz", ["Mathilde Ranz"]],
    ["an e-mail header", "From: Maximus Hintz <m.hintz@example.com>", ["Maximus Hintz"]],
    ["a Spanish quoted reply", "Le 09/04/2025, Tomás Guevara Jaimes escribió:", ["Tomás Guevara Jaimes"]],
    ["a payee in a statement", "Virement à Romain Lecomte", ["Romain Lecomte"]],
    // OCR swaps accents as well as dropping them: the cue is "Prélèvement".
    ["a payee after a cue whose accent OCR changed", "03/09/2022\nPrélévement Agapet Dupuis\n-733.79", ["Agapet Dupuis"]],
    ["a payee after a cue OCR read without its accents", "Prelevement Agapet Dupuis", ["Agapet Dupuis"]],
    ["names with apostrophes and double surnames", "Name: Daniel Robel-O'Kon", ["Daniel Robel-O'Kon"]],
    ["a first name followed by a surname", "Transfer confirmed for Maria Garcia by the bank.", ["Maria Garcia"]],
    ["a job title after the signature", "Sincerely,\nSenior Data Manager", []],
    ["a merchant named after a family", "Johnson Books 12.99", []],
    ["a company of surnames", "Smitham, Spinka and Volkman", []],
    ["a German sentence start", "Alle Beträge verstehen sich netto.", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("PERSON", text)).toEqual(expected));

  // A first name that is also a month or a common word is a name in a name position (greeting, header
  // label, title, signature under a closing, "... wrote:"), and stays a word in dates and prose.
  const wordNames: Row[] = [
    ["a month-name in a greeting", "Dear May,\nThanks for the update.", ["May"]],
    ["a month-name after Hi, no comma", "Hi May\nsee below.", ["May"]],
    ["a month-name after a title", "Dear Mrs May,", ["May"]],
    ["a month-name signing under a closing", "Best regards,\nMay", ["May"]],
    ["another month-name signing", "Kind regards,\nJune", ["June"]],
    ["a month-name and surname signing", "Kind regards,\nJune Brakus", ["June Brakus"]],
    ["a word-name in a greeting", "Dear Grace,", ["Grace"]],
    ["a modal-verb name in a greeting", "Dear Will,", ["Will"]],
    ["a month-name greeted", "Dear April,", ["April"]],
    ["a month-name in a quoted reply", "On 12 May 2024, May wrote:", ["May"]],
    ["a month-name as an e-mail sender", "From: June <june.k@example.com>", ["June"]],
    ["a day-month-year date", "The meeting is on 12 May 2024.", []],
    ["a month-year after a header label", "From: May 2024", []],
    ["a month-year after Signed:", "Signed: May 2024", []],
    ["a month in prose", "We will meet in May.", []],
    ["a month-year under a closing", "Kind regards,\nMay 2024", []],
    ["a month-day date under a closing", "Best regards,\nMay 12, 2024", []],
    ["a month starting a sentence", "In May we sent the invoice.\nMay was busy.", []],
    ["a month after Re:", "Re: May", []],
    ["a title greeted", "Dear Sir,", []],
    ["a group greeted", "Dear Team,\nBest regards,\nCustomer", []],
    ["the modal verb", "May I ask you to call?", []],
  ];
  it.each(wordNames)("%s", (_d, text, expected) => expect(found("PERSON", text)).toEqual(expected));
});

describe("PHYSICAL_ADDRESS", () => {
  const rows: Row[] = [
    ["a UK street with town and postcode on the next line", "221B Baker Street\nLondon NW1 6XE", ["221B Baker Street London NW1 6XE"]],
    ["a US address", "1600 Pennsylvania Avenue NW\nWashington, DC 20500", ["1600 Pennsylvania Avenue NW Washington, DC 20500"]],
    ["a German address", "Hauptstraße 5\n10115 Berlin", ["Hauptstraße 5 10115 Berlin"]],
    ["a French address", "10 rue de la Paix, 75002 Paris", ["10 rue de la Paix, 75002 Paris"]],
    ["a street line alone", "ship to 42 Elm Road today", ["42 Elm Road"]],
    ["a UK postcode alone", "postcode SW1A 1AA", ["SW1A 1AA"]],
    ["a year followed by a capitalised word", "In 2020 Microsoft grew", []],
    ["a town name alone", "We flew to Paris.", []],
    ["any USPS suffix with a unit", "983 Ford Extensions Apt. 522, Lake Tavares, TX 38542-2846", ["983 Ford Extensions Apt. 522, Lake Tavares, TX 38542-2846"]],
    ["an ordinal street", "431 E 6th Street, North Bonniestead, NC 43354", ["431 E 6th Street, North Bonniestead, NC 43354"]],
    ["a German -allee with a unit", "Karl-Carstens-Allee 3 Zimmer 522, 48522 Kyrastadt", ["Karl-Carstens-Allee 3 Zimmer 522, 48522 Kyrastadt"]],
    ["a German -weg", "Ahornweg 12\n10115 Berlin", ["Ahornweg 12 10115 Berlin"]],
    ["a French chemin with its comma", "355, chemin de la Colin, 29864 Le Tampon", ["355, chemin de la Colin, 29864 Le Tampon"]],
    ["a Spanish Calle with floor", "Calle Mayor 12, 3º B, 28013 Madrid", ["Calle Mayor 12, 3º B, 28013 Madrid"]],
    ["a Spanish street without number", "Puente Ana Luisa s/n. 59142 Pamplona", ["Puente Ana Luisa s/n. 59142 Pamplona"]],
    ["a street of no known type before a UK postcode", "9 Waterside, East McGlynn NP3 2KM", ["9 Waterside, East McGlynn NP3 2KM"]],
    ["an address after its label in prose", "dirección Bajada Teodoro, 50 2º Dcha., 43893 Chiclana de la Frontera. Móvil 1", ["Bajada Teodoro, 50 2º Dcha., 43893 Chiclana de la Frontera"]],
    ["an address wrapped after the postcode", "domicile 46, allée de Laine, 66779\nPoitiers, Courriel", ["46, allée de Laine, 66779 Poitiers"]],
    ["CV years before job titles", "2020 - 2012 International Creative Strategist", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("PHYSICAL_ADDRESS", text)).toEqual(expected));
});

describe("ORGANISATION (opt-in)", () => {
  const rows: Row[] = [
    ["a company with a legal form", "Paid by Acme Widgets Ltd. yesterday", ["Acme Widgets Ltd."]],
    ["a German GmbH", "Muster & Söhne GmbH", ["Muster & Söhne GmbH"]],
    ["no company", "the team met", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("ORGANISATION", text)).toEqual(expected));
});

describe("decoys under form labels of their own", () => {
  it("keeps a 3-2-4 serial number under its label out of SSN, even in a US document", () => {
    const text = "Social security number\n412 29 6706\nSerial no.\n588-83-6601\nBoston, MA 02101";
    expect(found("SSN", text)).toEqual(["412 29 6706"]);
  });
  it("reads +49 followed by 13 digits as a phone, not a card", () => {
    expect(found("CREDIT_CARD", "Tel. +4990923018590")).toEqual([]);
    expect(found("PHONE_NUMBER", "Tel. +4990923018590")).toEqual(["+4990923018590"]);
  });
});
