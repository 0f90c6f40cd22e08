import {
  indexVocabulary, labelKey, mapToVocabulary, parseVocabularyCsv, parseVocabularyJson, VocabularyError, type Vocabulary,
} from "../../../../../plugins/tagging/tagger/vocabulary";

const csv = [
  "id;prefLabel;altLabels;broader",
  "env;Environment;;",
  "cc;Climate change;global warming|climate crisis;env",
  '"ghg";"Greenhouse gas emissions";"GHG emissions|carbon emissions|""CO2 emissions""";env',
  "mp;Microplastics;plastic particles|micro-plastics;env",
  "er;Energetische Sanierung;Gebäudesanierung;",
].join("\r\n");

describe("parseVocabularyCsv / parseVocabularyJson", () => {
  it("reads preferred labels, synonyms split on |, broader references and quoted fields", () => {
    const v = parseVocabularyCsv(csv, "env-thesaurus");
    expect(v.name).toBe("env-thesaurus");
    expect(v.concepts).toHaveLength(5);
    expect(v.concepts[2]).toEqual({ id: "ghg", prefLabel: "Greenhouse gas emissions", altLabels: ["GHG emissions", "carbon emissions", '"CO2 emissions"'], broader: "env" });
  });

  // A sheet saved by a spreadsheet in a locale whose list separator is `;` keeps commas inside labels.
  it("reads a semicolon sheet whose labels hold commas, and a tab-separated one", () => {
    const semi = parseVocabularyCsv("prefLabel;altLabels\nResearch, development and innovation;R&D|RDI\nSoil;earth, ground");
    expect(semi.concepts.map((c) => [c.prefLabel, c.altLabels])).toEqual([["Research, development and innovation", ["R&D", "RDI"]], ["Soil", ["earth, ground"]]]);
    const tab = parseVocabularyCsv("prefLabel\taltLabels\nSoil; earth\tground");
    expect(tab.concepts.map((c) => [c.prefLabel, c.altLabels])).toEqual([["Soil; earth", ["ground"]]]);
  });

  it("reads the JSON form (camelCase or snake_case, or a bare array)", () => {
    const json = JSON.stringify({ name: "t", concepts: [{ prefLabel: "Coral bleaching", altLabels: ["bleaching"] }, { pref_label: "Reefs", alt_labels: [], broader: "Coral bleaching" }] });
    const v = parseVocabularyJson(json);
    expect(v.concepts.map((c) => [c.id, c.prefLabel, c.broader])).toEqual([["Coral bleaching", "Coral bleaching", undefined], ["Reefs", "Reefs", "Coral bleaching"]]);
    expect(parseVocabularyJson(JSON.stringify([{ prefLabel: "A b" }])).concepts).toHaveLength(1);
  });

  const bad: Array<[string, () => Vocabulary, string]> = [
    ["not JSON", () => parseVocabularyJson("{"), "body"],
    ["no concepts", () => parseVocabularyJson('{"concepts": []}'), "concepts"],
    ["an empty label", () => parseVocabularyJson('{"concepts": [{"prefLabel": "  "}]}'), "concepts[0].prefLabel"],
    ["a duplicate preferred label", () => parseVocabularyJson('[{"prefLabel": "Soil"}, {"prefLabel": "soil", "id": "x"}]'), "concepts[1].prefLabel"],
    ["an unknown broader concept", () => parseVocabularyJson('[{"prefLabel": "Soil", "broader": "Earth"}]'), "concepts[0].broader"],
    ["a CSV without prefLabel column", () => parseVocabularyCsv("name,synonyms\nSoil,earth"), "line 1"],
    ["a CSV with an unclosed quote", () => parseVocabularyCsv('prefLabel\n"Soil'), "line 2"],
    // An unquoted comma inside a label: the label would be cut short and its rest read as a synonym.
    ["a CSV row with more fields than its header", () => parseVocabularyCsv("prefLabel,altLabels\nSoil,earth\nSmith, John,J. Smith"), "line 3"],
  ];
  it.each(bad)("rejects %s with the place of the error", (_name, parse, loc) => {
    expect(parse).toThrow(VocabularyError);
    try {
      parse();
    } catch (err) {
      expect((err as VocabularyError).loc).toBe(loc);
    }
  });
});

describe("mapToVocabulary", () => {
  const en = indexVocabulary(parseVocabularyCsv(csv), "en");
  const table: Array<[string, string[], string[], string[]]> = [
    // synonym -> preferred label, plural/stem variants, hyphen folding
    ["a synonym becomes the preferred label", ["global warming", "coral reefs"], ["Climate change"], ["coral reefs"]],
    ["stems and plurals match", ["greenhouse gas emission", "carbon emission"], ["Greenhouse gas emissions"], []],
    ["hyphens fold", ["micro-plastics", "plastic particle"], ["Microplastics"], []],
    ["unmatched strong candidates become suggestions, in rank order", ["sewage sludge", "microplastics", "wastewater treatment"], ["Microplastics"], ["sewage sludge", "wastewater treatment"]],
    ["nothing matches", ["river flow"], [], ["river flow"]],
    ["a longer candidate naming a concept in whole words maps to it", ["global warming impacts", "microplastic pollution", "river flow"], ["Climate change", "Microplastics"], ["river flow"]],
    ["a word inside another word is no match", ["environmentalism debate"], [], ["environmentalism debate"]],
    ["a single-word label inside a long phrase is too weak", ["new environment policy instruments"], [], ["new environment policy instruments"]],
  ];
  it.each(table)("%s", (_name, candidates, tags, suggestions) => {
    const r = mapToVocabulary(candidates, en, "en", { numTags: 5 });
    expect(r.tags).toEqual(tags);
    expect(r.suggested_new_tags).toEqual(suggestions);
  });

  it("returns vocabulary tags first, each concept once, capped, and caps suggestions", () => {
    const r = mapToVocabulary(["climate crisis", "urban heat", "global warming", "GHG emissions", "flood risk", "heat waves"], en, "en", { numTags: 1, numSuggestions: 2 });
    expect(r.tags).toEqual(["Climate change"]);
    expect(r.suggested_new_tags).toEqual(["urban heat", "flood risk"]);
  });

  it("uses the document language's stemmer (German compounds and inflection)", () => {
    const de = indexVocabulary(parseVocabularyCsv(csv), "de");
    expect(mapToVocabulary(["energetischen Sanierungen", "Gebäudesanierungen"], de, "de", { numTags: 5 }).tags).toEqual(["Energetische Sanierung"]);
    expect(labelKey("Energetische Sanierung", "de")).toBe(labelKey("energetischen Sanierungen", "de"));
  });
});
