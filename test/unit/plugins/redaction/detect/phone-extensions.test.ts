import { detect } from "../../../../../plugins/redaction/detect";
import { CHAR_W, LEFT, pageOf } from "./page-fixture";

/**
 * A phone number's extension is part of the number: the redaction box must cover "x5025" too, or the
 * direct line of a person stays readable. The number alone is still found, and the words after an
 * extension stay out.
 */
function phones(text: string, source: "text" | "ocr" = "text", config: Record<string, unknown> = {}) {
  return detect([pageOf(text, { source })], { labels: ["PHONE_NUMBER"], ...config }).filter((f) => f.label === "PHONE_NUMBER");
}

// Every row has all four fields: jest's it.each takes a callback parameter beyond the row's length
// for its `done` callback, and a test that never calls it waits out the timeout.
type Row = [description: string, text: string, expected: string[], config: Record<string, unknown>];

const rows: Row[] = [
  ["a US number with x and digits", "Phone: +1 (415) 555-0132 x5025", ["+1 (415) 555-0132 x5025"], {}],
  ["a US number with ext.", "Call (415) 555-0132 ext. 12 for billing", ["(415) 555-0132 ext. 12"], {}],
  ["a capitalised Ext without a dot", "Tel: +44 20 7946 0958 Ext 4", ["+44 20 7946 0958 Ext 4"], {}],
  ["an extension after a comma", "Phone: (415) 555-0132, ext. 77", ["(415) 555-0132, ext. 77"], {}],
  ["German Durchwahl with a dash", "Telefon 030 1234567 Durchwahl -12", ["030 1234567 Durchwahl -12"], { defaultRegion: "DE" }],
  ["German DW", "Tel. 030 1234567 DW 12", ["030 1234567 DW 12"], { defaultRegion: "DE" }],
  ["French poste", "Téléphone : 01 42 68 53 00 poste 123", ["01 42 68 53 00 poste 123"], { defaultRegion: "FR" }],
  ["Spanish ext.", "Teléfono: 912 345 678 ext. 45", ["912 345 678 ext. 45"], { defaultRegion: "ES" }],
  ["an extension wrapped onto the next line", "Phone: (415) 555-0132\next. 12", ["(415) 555-0132 ext. 12"], {}],
  ["the number alone when no extension follows", "Phone: (415) 555-0132 or write", ["(415) 555-0132"], {}],
  ["the number alone before an unrelated number", "Phone: (415) 555-0132 2024 report", ["(415) 555-0132"], {}],
  ["no number cut out of a ticket id and a date (fr)", "Ticket d'incident\n#443721  05/11/2023", [], { defaultRegion: "FR" }],
  ["no number cut out of a ticket id and a date (de)", "Vorgang 708472 28.11.2024", [], { defaultRegion: "DE" }],
  ["no number cut out of a card-shaped reference", "Transaktionsref.: 4467 3691 3930 3123", [], { defaultRegion: "DE" }],
  ["no swallowing of a word that merely starts like a keyword", "Phone: (415) 555-0132 extra 12 copies", ["(415) 555-0132"], {}],
  ["no swallowing of a keyword glued to letters", "Phone: (415) 555-0132 ext. 12abc", ["(415) 555-0132"], {}],
  ["no swallowing of a keyword without digits", "Phone: (415) 555-0132 ext. please", ["(415) 555-0132"], {}],
];

describe("PHONE_NUMBER extensions", () => {
  it.each(rows)("text layer: %s", (_d, text, expected, config) => {
    expect(phones(text, "text", config).map((f) => f.text)).toEqual(expected);
  });
  it.each(rows)("OCR text: %s", (_d, text, expected, config) => {
    expect(phones(text, "ocr", config).map((f) => f.text)).toEqual(expected);
  });

  it("draws the redaction box over the extension", () => {
    const text = "Phone: +1 (415) 555-0132 x5025 today";
    const [f] = phones(text);
    const box = f!.boxes[0]!;
    const extEnd = LEFT + (text.indexOf("x5025") + "x5025".length) * CHAR_W;
    const todayStart = LEFT + text.indexOf("today") * CHAR_W;
    expect(box.x + box.width).toBeGreaterThanOrEqual(extEnd);
    expect(box.x + box.width).toBeLessThan(todayStart);
  });
});
