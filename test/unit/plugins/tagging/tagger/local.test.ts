import { generateTagsLocal, rankKeyphrases } from "../../../../../plugins/tagging/tagger/local";
import { phraseKey } from "../../../../../plugins/tagging/tagger/normalize";
import { digitalGovernance, frenchReport, germanPolicy, scientificAbstract, spanishNews, technicalManual } from "./fixtures/documents";

const keys = (tags: string[]) => tags.map((t) => phraseKey(t));

describe("generateTagsLocal", () => {
  it("tags a policy text with its obvious key phrases", () => {
    const { tags, language } = generateTagsLocal(digitalGovernance.text, { numTags: 8, title: digitalGovernance.title });
    expect(language).toBe("en");
    expect(tags).toHaveLength(8);
    expect(keys(tags)).toEqual(expect.arrayContaining(["digital governance", "public service", "digital identity"]));
  });

  it("tags a scientific abstract and keeps a place name capitalised", () => {
    const { tags } = generateTagsLocal(scientificAbstract.text, { numTags: 8, title: scientificAbstract.title });
    expect(tags).toHaveLength(8);
    expect(tags).toEqual(expect.arrayContaining(["Great Barrier Reef", "marine heatwaves", "heat stress"]));
  });

  it("tags a German text in lower case", () => {
    const { tags, language } = generateTagsLocal(germanPolicy.text, { numTags: 8 });
    expect(language).toBe("de");
    expect(tags).toHaveLength(8);
    expect(tags).toEqual(expect.arrayContaining(["digitalisierung", "digitale identität", "verwaltungsleistungen"]));
    // "verwaltung" may come as the group it heads ("öffentlichen verwaltung").
    expect(tags.some((t) => /(?:^| )verwaltung$/.test(t))).toBe(true);
    expect(tags.every((t) => t === t.toLowerCase())).toBe(true);
  });

  it("tags French and Spanish texts", () => {
    const fr = generateTagsLocal(frenchReport.text, { numTags: 6 });
    expect(fr.language).toBe("fr");
    expect(fr.tags).toHaveLength(6);
    expect(fr.tags).toEqual(expect.arrayContaining(["transition énergétique", "énergies renouvelables"]));
    const es = generateTagsLocal(spanishNews.text, { numTags: 6 });
    expect(es.language).toBe("es");
    expect(es.tags).toEqual(expect.arrayContaining(["sequía", "consumo de agua"]));
  });

  it("returns exactly numTags for every requested size", () => {
    for (let n = 3; n <= 15; n += 1) {
      expect(generateTagsLocal(digitalGovernance.text, { numTags: n }).tags).toHaveLength(n);
    }
  });

  it("never returns boilerplate, reference numbers or duplicates", () => {
    for (const doc of [digitalGovernance, technicalManual]) {
      const { tags } = generateTagsLocal(doc.text, { numTags: 15 });
      expect(tags.join("|")).not.toMatch(/copyright|rights reserved|page \d|2025\/014|meity\/dg/i);
      expect(new Set(keys(tags)).size).toBe(tags.length);
      expect(tags.every((t) => t.split(" ").length <= 5)).toBe(true);
    }
  });

  it("replaces excluded words instead of returning fewer tags", () => {
    const plain = generateTagsLocal(digitalGovernance.text, { numTags: 8 }).tags;
    const { tags } = generateTagsLocal(digitalGovernance.text, { numTags: 8, exclusionWords: ["Digital", "citizens"] });
    expect(tags).toHaveLength(8);
    expect(tags.some((t) => /\b(digital|citizens?)\b/i.test(t))).toBe(false);
    expect(plain.some((t) => /\bdigital\b/i.test(t))).toBe(true);
  });

  it("returns fewer tags than asked when the text has too little material", () => {
    const { tags } = generateTagsLocal("Solar panels.", { numTags: 8 });
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.length).toBeLessThan(8);
    expect(generateTagsLocal("", { numTags: 8 }).tags).toEqual([]);
  });

  const record = [
    "Customer record for John Smith",
    "Email: john.smith@example.com",
    "Phone: +44 20 7946 0958",
    "IBAN: GB82 WEST 1234 5698 7654 32",
    "Card: 4111 1111 1111 1111",
    "Address: 221B Baker Street, London NW1 6XE",
    "The customer record lists the account holder and the card used for payments.",
  ].join("\n");
  const codes: Array<[string, string, RegExp]> = [
    ["an all-caps group of an IBAN", record, /^(WEST|GB82|west)$/],
    ["all-caps groups of a German IBAN", "Zahlung an DE89 3704 0044 0532 0130 00 für die Miete. Die Miete ist monatlich fällig.", /^(DE89|de89)$/],
    ["letters of a grouped reference code", "Ticket AB12 CD34 EF56 was closed. The ticket concerned the printer. The printer works.", /^(AB12|CD34|EF56)$/i],
  ];
  it.each(codes)("never tags %s", (_name, text, bad) => {
    const { tags } = generateTagsLocal(text, { numTags: 10 });
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.filter((t) => t.split(" ").some((w) => bad.test(w)))).toEqual([]);
  });

  it("lower-cases labels of a form and keeps the name and acronyms", () => {
    const { tags } = generateTagsLocal(record, { numTags: 8 });
    expect(tags).toHaveLength(8);
    for (const label of ["Email", "Phone", "Card", "Address"]) expect(tags).not.toContain(label);
    expect(tags).toEqual(expect.arrayContaining(["email", "phone", "IBAN"]));
    expect(tags.some((t) => /\bSmith\b/.test(t))).toBe(true);
  });

  it("keeps short codes next to words ('G20 summit', 'ISO 27001')", () => {
    const text = "The G20 summit discussed trade. Leaders at the G20 summit agreed on ISO 27001 audits. ISO 27001 audits start soon.";
    expect(keys(generateTagsLocal(text, { numTags: 6 }).tags).join("|")).toMatch(/g20/);
  });

  it("honours a forced language", () => {
    expect(generateTagsLocal(germanPolicy.text, { numTags: 5, language: "de" }).language).toBe("de");
  });
});

describe("rankKeyphrases", () => {
  it("ranks a repeated phrase above a once-seen one", () => {
    const ranked = rankKeyphrases(scientificAbstract.text, "en").map((r) => r.key);
    expect(ranked.indexOf("marine heatwave")).toBeLessThan(ranked.indexOf("greenhouse gas emission"));
  });

  it("never produces a phrase with a stop word at its edge", () => {
    for (const r of rankKeyphrases(digitalGovernance.text, "en")) {
      expect(r.key).not.toMatch(/^(the|of|and|for|to|a|in) | (the|of|and|for|to|a|in)$/);
    }
  });
});
