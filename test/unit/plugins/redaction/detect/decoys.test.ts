/**
 * Look-alike decoys: values shaped like an identifier that fail its strict rule (a mod 97 check, Luhn,
 * the SSA's numbering, octets <= 255) in a context that does not support it. With every label enabled,
 * as a user runs it, a decoy must produce no finding at all: not as the identifier it imitates, and not
 * as another one through its parts (the digit tail of a bad-checksum IBAN, "GB74 WGVL 0020 0405 4994 27",
 * read as an international phone number "0020 ..."; seed 90210 of the bench had exactly that hit).
 * Values are generated (seeded faker, five locales) and corrupted at a random position, so the test
 * covers the class, not one string; each table row also checks the valid value in an identifier's own
 * context is still found, so the test cannot pass by finding nothing.
 */
import { fakerDE, fakerEN_GB, fakerEN_US, fakerES, fakerFR, type Faker } from "@faker-js/faker";
import { detect } from "../../../../../plugins/redaction/detect";
import { luhn } from "../../../../../plugins/redaction/detect/recognizers/credit-card";
import { ibanMod97 } from "../../../../../plugins/redaction/detect/recognizers/iban";
import { isValidSsn } from "../../../../../plugins/redaction/detect/recognizers/ssn";
import { pageOf } from "./page-fixture";

const LOCALES: [string, Faker, string][] = [["en_US", fakerEN_US, "DE"], ["en_GB", fakerEN_GB, "GB"], ["de", fakerDE, "DE"], ["fr", fakerFR, "FR"], ["es", fakerES, "ES"]];
const PER_LOCALE = 12;
const grouped = (s: string) => s.replace(/(.{4})/g, "$1 ").trim();

/** Every finding (any label) touching `value` in `text`. */
function hits(text: string, value: string): string[] {
  const at = text.indexOf(value);
  return detect([pageOf(text)])
    .filter((f) => {
      const i = text.indexOf(f.text);
      return i >= 0 && i < at + value.length && at < i + f.text.length;
    })
    .map((f) => `${f.label} ${JSON.stringify(f.text)}`);
}

/** One character of `v` changed (digit to another digit, letter to another letter) until `bad(v)` holds. */
function corrupt(f: Faker, v: string, from: number, bad: (s: string) => boolean): string {
  for (;;) {
    const i = f.number.int({ min: from, max: v.length - 1 });
    const c = v[i]!;
    const r = /\d/.test(c) ? String((Number(c) + f.number.int({ min: 1, max: 9 })) % 10) : c === "A" ? "B" : "A";
    const out = v.slice(0, i) + r + v.slice(i + 1);
    if (bad(out)) return out;
  }
}

type Case = { decoy: string; text: string; valid: string; validText: string };
/** Runs `make` for every generated case: the decoys' findings, and the valid values that were missed. */
function run(make: (f: Faker, cc: string, locale: string) => Case) {
  const found: string[] = [];
  const missed: string[] = [];
  for (const [locale, f, cc] of LOCALES) {
    f.seed(90210);
    for (let i = 0; i < PER_LOCALE; i++) {
      const c = make(f, cc, locale);
      found.push(...hits(c.text, c.decoy).map((h) => `${locale}: ${c.text} -> ${h}`));
      if (!detect([pageOf(c.validText)]).some((x) => x.text.includes(c.valid))) missed.push(`${locale}: ${c.validText}`);
    }
  }
  return { found, missed };
}

const REF = { en_US: "Ref:", en_GB: "Ref:", de: "Referenz:", fr: "Réf. :", es: "Referencia:" } as Record<string, string>;

describe("decoys that fail a checksum produce no finding of any label", () => {
  it.each([
    ["a bad-checksum IBAN after a reference label", (ref: string, v: string) => `${ref} ${v}`],
    ["a bad-checksum IBAN after a reference label, in a payment block", (ref: string, v: string) => `Amount due: 1,204.50\n${ref} ${v}\nThank you for your business.`],
    ["a bad-checksum IBAN alone on a line under a paragraph", (_ref: string, v: string) => `The attached schedule sets out the payments.\n${v}`],
    ["a bad-checksum IBAN written without spaces", (ref: string, v: string) => `${ref} ${v.replace(/ /g, "")}`],
  ])("%s", (_d, layout) => {
    const { found, missed } = run((f, cc, locale) => {
      const iban = f.finance.iban({ countryCode: cc });
      const decoy = grouped(corrupt(f, iban, 4, (s) => !ibanMod97(s)));
      const text = layout(REF[locale]!, decoy);
      return { decoy: text.includes(decoy) ? decoy : decoy.replace(/ /g, ""), text, valid: grouped(iban), validText: `IBAN: ${grouped(iban)}` };
    });
    expect(found).toEqual([]);
    expect(missed).toEqual([]);
  });

  it("a Luhn-failing card-shaped tracking or reference number", () => {
    const { found, missed } = run((f) => {
      const card = f.finance.creditCardNumber({ issuer: f.helpers.arrayElement(["visa", "mastercard"]) }).replace(/\D/g, "");
      const decoy = grouped(corrupt(f, card, 0, (s) => !luhn(s)));
      const label = f.helpers.arrayElement(["Tracking no.", "Transaction ref.", "REF", "Sendungsnr.", "N° de suivi", "Seguimiento:"]);
      return { decoy, text: `${label} ${decoy}`, valid: grouped(card), validText: `Card number: ${grouped(card)}` };
    });
    expect(found).toEqual([]);
    expect(missed).toEqual([]);
  });

  it("an SSN-shaped asset tag or order number, valid by the SSA's rules or not", () => {
    const { found, missed } = run((f) => {
      const n = f.string.numeric(9);
      const decoy = `${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`;
      const label = f.helpers.arrayElement(["Asset tag:", "Order no.", "Inventarnr.", "N° d'inventaire", "Pedido n.º"]);
      const ssn = isValidSsn(n) ? decoy : "123-45-6789";
      return { decoy, text: `${label} ${decoy}`, valid: ssn, validText: `SSN: ${ssn}` };
    });
    expect(found).toEqual([]);
    expect(missed).toEqual([]);
  });

  it("a dotted version number with an octet over 255", () => {
    const { found, missed } = run((f) => {
      const decoy = `${f.number.int({ min: 1, max: 12 })}.${f.number.int({ min: 256, max: 999 })}.${f.number.int({ min: 0, max: 99 })}.${f.number.int({ min: 0, max: 300 })}`;
      const ip = f.internet.ipv4();
      return { decoy, text: `${f.helpers.arrayElement(["Firmware", "Version", "Build", "Versión", "Version du logiciel"])}: ${decoy}`, valid: ip, validText: `Login from ${ip}` };
    });
    expect(found).toEqual([]);
    expect(missed).toEqual([]);
  });

  it("a phone number above an SSN-shaped asset tag is no card number joined over the line break", () => {
    // a form's value column: each value on its own line; the joined digits pass Luhn one time in ten
    fakerEN_US.seed(31415);
    const cards: string[] = [];
    const phones: string[] = [];
    for (let i = 0; i < 60; i++) {
      const phone = `${fakerEN_US.string.numeric({ length: 1, exclude: ["0", "1"] })}${fakerEN_US.string.numeric(2)}-${fakerEN_US.string.numeric(3)}-${fakerEN_US.string.numeric(4)}`;
      const tag = `${fakerEN_US.string.numeric(3)}-${fakerEN_US.string.numeric(2)}-${fakerEN_US.string.numeric(4)}`;
      const found = detect([pageOf(`Emergency contact - Telephone\nAsset tag\n${phone}\n${tag}`)]);
      cards.push(...found.filter((f) => f.label === "CREDIT_CARD").map((f) => f.text));
      // the tag below must not take away the phone found without it
      const alone = detect([pageOf(`Emergency contact - Telephone\nAsset tag\n${phone}`)]).some((f) => f.label === "PHONE_NUMBER");
      if (alone !== found.some((f) => f.label === "PHONE_NUMBER" && f.text === phone)) phones.push(phone);
    }
    expect(cards).toEqual([]);
    expect(phones).toEqual([]);
    // with a card label, a wrapped card number is still joined
    expect(detect([pageOf("Card number: 4111 1111\n1111 1111")]).map((f) => f.text)).toEqual(["4111 1111 1111 1111"]);
  });

  it("the valid IBAN of a statement line is still one IBAN, not a phone inside it", () => {
    fakerEN_GB.seed(7);
    for (let i = 0; i < 20; i++) {
      const iban = grouped(fakerEN_GB.finance.iban({ countryCode: fakerEN_GB.helpers.arrayElement(["GB", "DE", "FR", "ES"]) }));
      const text = `30/09/2024\nSEPA ${iban}\n-530.08`;
      expect(hits(text, iban)).toEqual([`IBAN ${JSON.stringify(iban)}`]);
    }
  });
});
