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
