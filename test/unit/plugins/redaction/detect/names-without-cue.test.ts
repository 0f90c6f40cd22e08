/**
 * Person names with no title, salutation or label in front of them, found by the name lexicon
 * (@cspell/dict-people-names) together with layout evidence: a recipient block above an address, a
 * table cell under a name column, a name wrapped after its cue, a month spelt like a first name. Built
 * from generated documents (seeded faker, five locales), not from one fixture: faker's names are not the
 * lexicon's (it knows 42-94 % of faker's surnames), so what it does not know must be carried by layout.
 * Their neighbours are generated the same way and must stay out: company names (made of surnames) in a
 * letterhead above an address, product names in a table, headings.
 */
import { fakerDE, fakerEN_GB, fakerEN_US, fakerES, fakerFR, type Faker } from "@faker-js/faker";
import { detect } from "../../../../../plugins/redaction/detect";
import { pageOf } from "./page-fixture";

const LOCALES: [string, Faker][] = [["en_US", fakerEN_US], ["en_GB", fakerEN_GB], ["de", fakerDE], ["fr", fakerFR], ["es", fakerES]];
const PER_LOCALE = 16;
const plain = (s: string) => s.replace(/[^\p{L}\p{N} .,'’-]/gu, "");
const person = (f: Faker) => `${plain(f.person.firstName())} ${plain(f.person.lastName())}`;
// all labels, as a user runs it: a street or town named after a person is an address finding that wins
const names = (text: string) => detect([pageOf(text)]).filter((x) => x.label === "PERSON").map((x) => x.text);
/** Runs `make` for every generated case and returns the misses and the PERSON findings that are not the name. */
function run(make: (f: Faker, locale: string) => { text: string; name: string | null }) {
  const misses: string[] = [];
  const extra: string[] = [];
  let total = 0;
  for (const [locale, f] of LOCALES) {
    f.seed(1313);
    for (let i = 0; i < PER_LOCALE; i++) {
      const { text, name } = make(f, locale);
      const found = names(text);
      if (name) {
        total++;
        if (!found.includes(name)) misses.push(`${locale}: ${name}`);
      }
      extra.push(...found.filter((x) => x !== name).map((x) => `${locale}: ${x}`));
    }
  }
  return { misses, extra, total };
}

const street = (f: Faker) => plain(f.location.streetAddress());
const town = (f: Faker, locale: string) => (locale === "en_US" ? `${plain(f.location.city())}, ${f.location.state({ abbreviated: true })} ${f.location.zipCode()}` : locale === "en_GB" ? `${plain(f.location.city())} ${f.location.zipCode()}` : `${f.location.zipCode()} ${plain(f.location.city())}`);
const HEAD: Record<string, { statement: string; name: string; phone: string; desc: string; transfer: string }> = {
  en_US: { statement: "Account statement", name: "Participant", phone: "Phone", desc: "Description", transfer: "Standing order" },
  en_GB: { statement: "Account statement", name: "Driver", phone: "Tel", desc: "Description", transfer: "Payment from" },
  de: { statement: "Kontoauszug", name: "Teilnehmer", phone: "Telefon", desc: "Beschreibung", transfer: "Überweisung an" },
  fr: { statement: "Relevé de compte", name: "Participant", phone: "Téléphone", desc: "Désignation", transfer: "Virement de" },
  es: { statement: "Extracto de cuenta", name: "Participante", phone: "Teléfono", desc: "Descripción", transfer: "Transferencia a" },
};

describe("names with no cue, found by lexicon and layout", () => {
  it("a recipient block: the name alone on its line, above the street and the town", () => {
    const r = run((f, locale) => {
      const name = person(f);
      return { text: `${plain(f.company.name())} Bank\n${HEAD[locale]!.statement}\n${name}\n${street(f)}\n${town(f, locale)}\nIBAN: ${f.finance.iban()}`, name };
    });
    // names the lexicon does not know still have the block around them
    expect(r.misses.length).toBeLessThanOrEqual(Math.floor(r.total * 0.05));
  });

  it("a table cell under a name column, the row holding the phone and e-mail cells", () => {
    const r = run((f, locale) => {
      const name = person(f);
      const h = HEAD[locale]!;
      const row = `${name}${" ".repeat(Math.max(4, 26 - name.length))}${f.phone.number()}      ${f.internet.email()}`;
      return { text: `Payment details\n${h.name}${" ".repeat(26 - h.name.length)}${h.phone}${" ".repeat(20)}E-mail\n${row}\nDelivery is expected within ten working days.`, name };
    });
    expect(r.misses.length).toBeLessThanOrEqual(Math.floor(r.total * 0.05));
  });

  it("a name wrapped after its cue ('Standing order Emily' / 'Nader')", () => {
    const r = run((f, locale) => {
      const first = plain(f.person.firstName());
      const last = plain(f.person.lastName());
      return { text: `${f.date.past().toISOString().slice(0, 10)}    ${HEAD[locale]!.transfer} ${first}\n${last}    -${f.finance.amount()}`, name: `${first} ${last}` };
    });
    expect(r.misses).toEqual([]);
  });

  it.each([["April", "Payment from"], ["June", "Transfer to"], ["August", "Überweisung an"]])("a month that is a first name, after a cue: %s", (month, cue) => {
    fakerEN_US.seed(7);
    for (let i = 0; i < 10; i++) {
      const name = `${month} ${plain(fakerEN_US.person.lastName())}`;
      expect(names(`01/10/2024    ${cue} ${name}    -62.07`)).toEqual([name]);
    }
    // the month itself before a date or a year stays a month
    expect(names(`Statement period: ${month} 2024 to ${month} 2025`)).toEqual([]);
  });

  it("keeps company names, products and headings out", () => {
    const r = run((f, locale) => ({
      text: `${plain(f.company.name())}\n${street(f)}, ${town(f, locale)}\nINVOICE\n${HEAD[locale]!.desc}          Qty    Amount\n${plain(f.commerce.productName())}          2      ${f.commerce.price()}\n${plain(f.commerce.productName())}          1      ${f.commerce.price()}\nPayment details\nTerms and Conditions`,
      name: null,
    }));
    // every one of these lines is made of capitalised words, and company names of surnames
    expect(r.extra.length).toBeLessThanOrEqual(Math.floor(LOCALES.length * PER_LOCALE * 0.05));
  });
});

describe("addresses wrapped between street and town", () => {
  const addresses = (text: string) => detect([pageOf(text)], { labels: ["PHYSICAL_ADDRESS"] }).map((x) => x.text);
  const covers = (found: string[], value: string) => found.some((x) => x.replace(/\s+/g, " ").includes(value));

  it("prose that wraps after the street: 'address 321 Murray Paddock,' / 'Windler-on-Schaefer GT5 0MS'", () => {
    const misses: string[] = [];
    for (const [locale, f] of [["en_GB", fakerEN_GB], ["en_US", fakerEN_US]] as const) {
      f.seed(90210);
      for (let i = 0; i < 20; i++) {
        const st = plain(f.location.streetAddress());
        const tail = locale === "en_GB" ? `${plain(f.location.city())} ${f.location.zipCode()}` : `${plain(f.location.city())}, ${f.location.state({ abbreviated: true })} ${f.location.zipCode()}`;
        const text = `SERVICE AGREEMENT\nbetween ${person(f)}, ${f.helpers.arrayElement(["address", "mailing address", "home address"])} ${st},\n${tail}, Email\n${f.internet.email()} ("A"), further details can be found below.`;
        if (!covers(addresses(text), `${st}, ${tail}`)) misses.push(`${st} / ${tail}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it("a US address wrapped between town and state ('address 991 Lincoln Highway, Tonyshire,' / 'GA 17285')", () => {
    fakerEN_US.seed(27182);
    for (let i = 0; i < 10; i++) {
      const st = plain(fakerEN_US.location.streetAddress());
      const [town, state, zip] = [plain(fakerEN_US.location.city()), fakerEN_US.location.state({ abbreviated: true }), fakerEN_US.location.zipCode("#####")];
      const found = addresses(`between ${person(fakerEN_US)}, address ${st}, ${town},\n${state} ${zip}, E-mail a@example.com ("A"), This summary`);
      expect(found.map((x) => x.replace(/\s+/g, " "))).toContainEqual(`${st}, ${town}, ${state} ${zip}`);
    }
  });

  it("a UK postcode wrapped inside itself ('Bogisich-upon-Franecki BC2' / '3IA.')", () => {
    fakerEN_GB.seed(4242);
    for (let i = 0; i < 10; i++) {
      const [out, inn] = fakerEN_GB.location.zipCode().split(" ") as [string, string];
      const st = plain(fakerEN_GB.location.streetAddress());
      const town = plain(fakerEN_GB.location.city());
      const found = addresses(`Re: ${person(fakerEN_GB)}, address ${st}, ${town} ${out}\n${inn}. Phone 01873 39403.`);
      expect(found.map((x) => x.replace(/\s+/g, " "))).toContainEqual(`${st}, ${town} ${out} ${inn}`);
    }
  });

  it("a Spanish street with no number ('Salida Juana s/n.') above its postcode and town", () => {
    fakerES.seed(1313);
    for (let i = 0; i < 10; i++) {
      const st = `${fakerES.helpers.arrayElement(["Salida", "Rampa", "Ronda", "Camino", "Travesía"])} ${plain(fakerES.person.firstName())} s/n.`;
      const tail = `${fakerES.location.zipCode()} ${plain(fakerES.location.city())}`;
      const found = addresses(`${person(fakerES)}\n${st}\n${tail}\n23/01/2022`);
      expect(found.map((x) => x.replace(/\s+/g, " "))).toContainEqual(`${st} ${tail}`);
      // on one line, with a unit after the "s/n." that is no sentence end
      const one = `${st} Puerta ${fakerES.number.int({ min: 1, max: 900 })}, ${tail}`;
      expect(addresses(`${person(fakerES)}\n${one}\n23/01/2022`)).toContain(one);
    }
  });

  it("prose wrapped inside the street's unit or the town: 'Str. 4 Zimmer' / '549, 06938 Nord Michelle', '29431 Süd' / 'Jeremiestadt,'", () => {
    fakerDE.seed(4242);
    for (let i = 0; i < 10; i++) {
      const st = `${plain(fakerDE.person.lastName())}${fakerDE.helpers.arrayElement(["str.", "straße", "weg"])} ${fakerDE.number.int({ min: 1, max: 140 })}`;
      const unit = fakerDE.helpers.arrayElement([["Zimmer", String(fakerDE.number.int({ min: 100, max: 999 }))], [String(fakerDE.number.int({ min: 1, max: 5 })), "OG"]]);
      const zip = fakerDE.location.zipCode();
      const [w1, w2] = [fakerDE.helpers.arrayElement(["Nord", "Süd", "Ost", "West", "Neu", "Alt"]), plain(fakerDE.person.firstName())];
      const unitWrap = addresses(`zwischen ${person(fakerDE)}, anschrift ${st} ${unit[0]}\n${unit[1]}, ${zip} ${w1} ${w2}, E-Mail mail@example.org ("A")`).map((x) => x.replace(/\s+/g, " "));
      expect(unitWrap).toContainEqual(`${st} ${unit[0]} ${unit[1]}, ${zip} ${w1} ${w2}`);
      const townWrap = addresses(`& ${person(fakerDE)}, anschrift ${st}, ${zip} ${w1}\n${w2}, Mobil 01586 46787641 ("B").`).map((x) => x.replace(/\s+/g, " "));
      expect(townWrap).toContainEqual(`${st}, ${zip} ${w1} ${w2}`);
    }
  });

  it("UK postcodes whose letters look like digits ('OS0 0MP') and towns joined by 'del', 'de la'", () => {
    fakerEN_GB.seed(1313);
    for (let i = 0; i < 10; i++) {
      const st = plain(fakerEN_GB.location.streetAddress());
      const pc = `${fakerEN_GB.helpers.arrayElement(["OS", "SO", "IS", "OL"])}${fakerEN_GB.number.int({ min: 0, max: 9 })} ${fakerEN_GB.number.int({ min: 0, max: 9 })}${fakerEN_GB.string.alpha({ length: 2, casing: "upper" })}`;
      const town = plain(fakerEN_GB.location.city());
      expect(addresses(`Vandervort Inc\n${st}, ${town} ${pc}\nCell: +44 147 936 242`)).toContain(`${st}, ${town} ${pc}`);
    }
    fakerES.seed(1313);
    for (let i = 0; i < 10; i++) {
      const town = `${plain(fakerES.location.city()).split(" ")[0]} ${fakerES.helpers.arrayElement(["del", "de la", "de"])} ${plain(fakerES.person.lastName()).split(" ")[0]}`;
      const line = `Plaza ${plain(fakerES.person.lastName())} ${fakerES.number.int({ min: 1, max: 90 })}, ${fakerES.location.zipCode()} ${town}`;
      expect(addresses(`${person(fakerES)}\n${line}\nFecha de nacimiento: 24 de mayo de 1947`)).toContain(line);
    }
  });
});


describe("names spelt like function words or salutations, and letterhead streets after a name", () => {
  // "Cara", "Don" are salutations, "Weniger", "Keiner", "Will" function words: an e-mail address of the
  // page that spells the part with its neighbour says they are a name here
  it("a contact row whose e-mail address spells the name", () => {
    const misses: string[] = [];
    for (const [first, last] of [["Cara", "Huke"], ["Don", "Dare"], ["Tyron", "Weniger"], ["Betty", "Keiner"], ["Will", "Ferry"], ["Donna", "Alle"]]) {
      for (const mail of [`${first}.${last}12@gmail.com`, `${first}_${last}@hotmail . com`]) {
        const text = `Kontakte\n${first} ${last}, ${mail}, +49-785-8913609`;
        if (!names(text).includes(`${first} ${last}`)) misses.push(text);
      }
    }
    expect(misses).toEqual([]);
    // the same words with no e-mail address that spells them stay function words
    expect(names("Kontakte\nDon Quixote Books, info@quixote-books.com")).not.toContain("Don Quixote");
  });

  it("a letterhead name above a street of no known type keeps both apart", () => {
    fakerDE.seed(31415);
    const bad: string[] = [];
    for (let i = 0; i < 16; i++) {
      const name = person(fakerDE);
      const street = `${plain(fakerDE.location.street())} ${fakerDE.number.int({ min: 1, max: 99 })}a`;
      const tail = `${fakerDE.location.zipCode("#####")} ${plain(fakerDE.location.city())}`;
      const text = `Dr. ${name}\n${street}, ${tail}\nTel. 01545 87526017`;
      const found = detect([pageOf(text)]);
      const addr = found.filter((f) => f.label === "PHYSICAL_ADDRESS").map((f) => f.text);
      const people = found.filter((f) => f.label === "PERSON").map((f) => f.text);
      if (!addr.includes(`${street}, ${tail}`) || people.some((p) => p !== name)) bad.push(`${text} -> ${[...people, ...addr].join(" | ")}`);
    }
    expect(bad).toEqual([]);
  });

  it("a salutation spelt like a first name right after a title starts the name; a wrapped surname before an amount stays", () => {
    expect(names("Herr Don Dare hat angerufen")).toContain("Don Dare");
    expect(names("Sehr geehrte Frau Cara Huke,\nvielen Dank")).toContain("Cara Huke");
    // an amount after the wrapped surname is no house number
    expect(names("2024-03-01    Standing order Emily\nNader 12.50")).toContain("Emily Nader");
  });
});

describe("merchants made of a surname on transaction lines", () => {
  // a bank statement's "date | text | amount | balance": a surname and a goods word ("Rey Jouets",
  // "García Videojuegos") is a merchant there; a transfer names its person with a cue
  const cell = (s: string, n: number) => s + " ".repeat(Math.max(6, n - s.length));
  it("a surname and a department on a line of date and amounts is no person; a transfer's person still is", () => {
    const r = run((f, locale) => {
      const merchant = `${plain(f.person.lastName())} ${plain(f.commerce.department())}`;
      const name = person(f);
      const day = f.date.past().toISOString().slice(0, 10);
      const row = (text: string) => `${cell(day, 16)}${cell(text, 40)}${cell(`-${f.finance.amount()}`, 14)}${f.finance.amount({ min: 1000, max: 9000 })}`;
      return { text: `${HEAD[locale]!.statement}\n${row(merchant)}\n${row(`${HEAD[locale]!.transfer} ${name}`)}\n${row(merchant.split(" ").reverse().join(" "))}`, name };
    });
    // (faker's French "Le gall", "Le roux" in lower case are the misses left)
    expect(r.misses.length).toBeLessThanOrEqual(Math.floor(r.total * 0.05));
    // 30 of 80 merchants were PERSON findings before transaction lines counted against them
    expect(r.extra.length).toBeLessThanOrEqual(Math.floor(r.total * 0.05));
  });
});
