import { devanagariDamage, looksGarbledDevanagari } from "../../../../plugins/tagging/devanagari";

// pdfjs's reading of a shaped Devanagari font (from the tagging corpus) next to the same lines as written.
const GARBLED = [
  " ामीण उत्तर प्रदेश म  सौर  सचाई पंप  का प्रसार और िकसान  क  आय",
  "आशा काय कता ओं  ारा गभा वस्था म  र ाल्पता क  पहचान और उपचार",
].join("\n");
const CLEAN = [
  "ग्रामीण उत्तर प्रदेश में सौर सिंचाई पंपों का प्रसार और किसानों की आय",
  "आशा कार्यकर्ताओं द्वारा गर्भावस्था में रक्ताल्पता की पहचान और उपचार",
].join("\n");

describe("looksGarbledDevanagari", () => {
  it.each([
    ["pdfjs's fragments of a shaped font", GARBLED, true],
    ["the same lines as written", CLEAN, false],
    ["English text", "Solar irrigation pumps and farm incomes in rural Uttar Pradesh, a panel study of 900 households", false],
    ["too few Devanagari words to judge", "Journal of Health · खंड 87,  ारा", false],
    ["clean Hindi mixed with English and numbers", `${CLEAN}\nVol. 12, No. 3, pp. 994-1006 · ISSN 2231-0101`, false],
  ])("%s", (_name, text, want) => {
    expect(looksGarbledDevanagari(text)).toBe(want);
  });

  it("counts orphan vowel signs and glyph gaps", () => {
    expect(devanagariDamage(CLEAN).damaged).toBe(0);
    expect(devanagariDamage(GARBLED).damaged).toBeGreaterThanOrEqual(8);
  });
});
