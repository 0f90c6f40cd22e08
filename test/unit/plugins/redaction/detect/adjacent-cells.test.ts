/**
 * Two values in adjacent table cells a few points apart (a phone number beside a card number or an IBAN):
 * the text model joins them into one line, "+44 20 7946 0958 4000 1234 0103 0004". Each value must come
 * back as its own finding covering all of its words: on d9d31ef the card recogniser took windows left to
 * right, so a window starting in the phone's digits that passed Luhn by chance took the card's first
 * groups and left its last group ("0004") readable after redaction, and the phone recogniser dropped the
 * run as too long for a phone. Values from seeded faker and generators, five locales, the cell gap 3-10
 * points at 8-10 pt type.
 */
import { fakerDE, fakerEN_GB, fakerEN_US, fakerES, fakerFR, type Faker } from "@faker-js/faker";
import { detect } from "../../../../../plugins/redaction/detect";
import type { Finding, PageInput, Word } from "../../../../../plugins/redaction/detect/types";
import { luhnDigit } from "../../../../fixtures/pii-corpus";

const LOCALES: [string, Faker, { phone: string; card: string; iban: string; intro: string; region: string }][] = [
  ["en_US", fakerEN_US, { phone: "Phone", card: "Card number", iban: "IBAN", intro: "Thank you for your order. Please find the payment details below.", region: "US" }],
  ["en_GB", fakerEN_GB, { phone: "Telephone", card: "Card no.", iban: "Bank account (IBAN)", intro: "Thank you for your order. Please find the payment details below.", region: "GB" }],
  ["de", fakerDE, { phone: "Telefon", card: "Kartennummer", iban: "Bankverbindung", intro: "Vielen Dank für Ihre Bestellung. Die Zahlungsdaten finden Sie unten.", region: "DE" }],
  ["fr", fakerFR, { phone: "Téléphone", card: "Numéro de carte", iban: "IBAN", intro: "Merci pour votre commande. Vous trouverez les coordonnées de paiement ci-dessous.", region: "FR" }],
  ["es", fakerES, { phone: "Teléfono", card: "Número de tarjeta", iban: "Cuenta bancaria", intro: "Gracias por su pedido. A continuación encontrará los datos de pago.", region: "ES" }],
];

/** Valid phone numbers of the region, as offices print them. */
const PHONES: Record<string, string[]> = {
  US: ["(415) 555-2671", "+1 212 736 5000", "212-736-5000", "(720) 333-4806"],
  GB: ["020 7946 0958", "+44 20 7946 0958", "0161 496 0753", "+44 161 496 0753"],
  DE: ["030 12345678", "+49 30 12345678", "089 4567890", "+49 89 4567890"],
  FR: ["01 23 45 67 89", "+33 1 23 45 67 89", "04 72 10 30 30", "+33 4 72 10 30 30"],
  ES: ["912 345 678", "+34 912 345 678", "933 123 456", "+34 933 123 456"],
};

/** A Luhn-valid Visa or Mastercard number in 4-4-4-4 groups (space or dash). */
function card(f: Faker): string {
  const body = f.helpers.arrayElement(["4", "51", "53", "55"]) + f.string.numeric(16);
  const d = body.slice(0, 15);
  const n = d + luhnDigit(d);
  return n.match(/.{4}/g)!.join(f.helpers.arrayElement([" ", " ", "-"]));
}

const CHAR_W = 0.55;
/** A header row and a value row; each cell's words laid out from its x. */
function tableRow(intro: string, cells: { head: string; value: string }[], size: number, gap: number): PageInput {
  const words: Word[] = [];
  const put = (text: string, x: number, y: number) => {
    for (const part of text.split(" ")) {
      if (part) words.push({ text: part, box: { x, y, width: part.length * size * CHAR_W, height: size } });
      x += (part.length + 1) * size * CHAR_W;
    }
    return x - size * CHAR_W;
  };
  put(intro, 60, 80);
  let x = 60;
  for (const c of cells) {
    put(c.head, x, 110);
    const end = put(c.value, x, 110 + size * 1.5);
    x = Math.max(end, x + c.head.length * size * CHAR_W) + gap;
  }
  return { page: 1, width: 612, height: 792, words, source: "text" };
}

/** Whether one finding of `label` spells exactly `value` (its digits and letters): all of it, nothing of the next cell. */
function whole(findings: Finding[], label: string, value: string): boolean {
  const chars = (s: string) => s.replace(/[^0-9A-Z]/g, "");
  return findings.some((f) => f.label === label && chars(f.text) === chars(value));
}

const PAIRS = [
  ["phone", "card"],
  ["card", "phone"],
  ["phone", "iban"],
  ["iban", "phone"],
] as const;
const LABEL = { phone: "PHONE_NUMBER", card: "CREDIT_CARD", iban: "IBAN" } as const;

describe("values in adjacent table cells", () => {
  it.each(LOCALES.flatMap(([id, f, words]) => PAIRS.map((p) => [id, p.join(" + "), f, words, p] as const)))(
    "%s: %s, a few points apart, are two whole findings",
    (_id, _pair, f, words, pair) => {
      f.seed(90210);
      const bad: string[] = [];
      for (let i = 0; i < 12; i++) {
        const value = { phone: f.helpers.arrayElement(PHONES[words.region]!), card: card(f), iban: f.finance.iban({ formatted: true, countryCode: words.region === "US" ? "DE" : words.region }) };
        const cells = pair.map((k) => ({ head: words[k], value: value[k] }));
        const page = tableRow(words.intro, cells, f.helpers.arrayElement([8, 9, 10]), f.number.int({ min: 3, max: 10 }));
        // (the region a real document's addresses and language give: a two-line page has too little of them)
        const found = detect([page], { defaultRegion: words.region });
        for (const k of pair)
          if (!whole(found, LABEL[k], value[k])) bad.push(`${value[pair[0]]} | ${value[pair[1]]}: ${k} -> ${JSON.stringify(found.map((x) => `${x.label}:${x.text}`))}`);
      }
      expect(bad).toEqual([]);
    },
  );
});
