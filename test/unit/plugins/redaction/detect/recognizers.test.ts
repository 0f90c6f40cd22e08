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
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("PHONE_NUMBER", text)).toEqual(expected));

  it("reads national numbers in the configured default region", () => {
    expect(found("PHONE_NUMBER", "Telefon 030 1234567", { defaultRegion: "DE" })).toEqual(["030 1234567"]);
    expect(found("PHONE_NUMBER", "Telefon 030 1234567", { defaultRegion: "US" })).toEqual([]);
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
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("IBAN", text)).toEqual(expected));

  it("keeps a bad checksum at a low score in relaxed mode", () => {
    const f = detect([pageOf("DE88 3704 0044 0532 0130 00")], { labels: ["IBAN"], checksumValidationMode: "relaxed", scoreThreshold: 0.1 });
    expect(f.map((x) => [x.text, x.score])).toEqual([["DE88 3704 0044 0532 0130 00", 0.3]]);
  });
});

describe("CREDIT_CARD", () => {
  const rows: Row[] = [
    ["a Visa number in groups", "card 4111 1111 1111 1111 exp", ["4111 1111 1111 1111"]],
    ["a Mastercard number with dashes", "5500-0000-0000-0004", ["5500-0000-0000-0004"]],
    ["an Amex number", "3782 822463 10005", ["3782 822463 10005"]],
    ["a card followed by an expiry in the same run", "4111 1111 1111 1111 12 25", ["4111 1111 1111 1111"]],
    ["a bad Luhn digit", "4111 1111 1111 1112", []],
    ["a Luhn-valid number with no issuer", "1234 5678 9012 3452", []],
    ["too few digits", "4111 1111 111", []],
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
    ["a dashed number without context", "ref 536-22-1234", ["536-22-1234"]],
    ["bare digits with context", "social security number 123456789", ["123456789"]],
    ["bare digits without context", "order 123456789", []],
    ["area 000", "SSN 000-12-3456", []],
    ["area 666", "SSN 666-12-3456", []],
    ["area 9xx", "SSN 912-12-3456", []],
    ["group 00", "SSN 123-00-3456", []],
    ["serial 0000", "SSN 123-45-0000", []],
    ["mixed separators", "SSN 123-45 6789", []],
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("SSN", text)).toEqual(expected));

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
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("IP_ADDRESS", text)).toEqual(expected));
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
  ];
  it.each(rows)("%s", (_d, text, expected) => expect(found("PERSON", text)).toEqual(expected));
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
