import { mean, phraseMatch, scoreDocument, stemPhrase } from "../../../../fixtures/tagging-corpus/score";

describe("tagging corpus scorer (Porter/Snowball-stemmed exact and partial matching)", () => {
  it.each([
    ["Coral bleaching", "coral bleached", "en", true, true],
    ["marine heatwaves", "marine heatwave", "en", true, true],
    ["coral", "coral bleaching", "en", false, true],
    ["southern Great Barrier Reef", "Great Barrier Reef", "en", false, true],
    ["reef", "coral bleaching", "en", false, false],
    ["bleaching coral", "coral bleaching", "en", false, false],
    ["self-healing concrete", "self healing concrete", "en", true, true],
    ["Energiegenossenschaften", "Energiegenossenschaft", "de", true, true],
    ["rénovations énergétiques", "rénovation énergétique", "fr", true, true],
    ["l'énergie", "énergie", "fr", true, true],
    ["becas condicionadas", "beca condicionada", "es", true, true],
    ["किसानों की आय", "किसान की आय", "hi", true, true],
  ] as const)("%s ~ %s (%s): exact %s, partial %s", (a, b, lang, exact, partial) => {
    expect(phraseMatch(stemPhrase(a, lang), stemPhrase(b, lang), "exact")).toBe(exact);
    expect(phraseMatch(stemPhrase(a, lang), stemPhrase(b, lang), "partial")).toBe(partial);
  });

  it("computes P, R and F1 at k, each gold phrase matched once", () => {
    const gold = ["coral bleaching", "marine heatwaves", "reef recovery", "Acropora"];
    const pred = ["coral bleaching", "coral bleaching events", "heatwaves", "fish", "Acropora"];
    const exact = scoreDocument(pred, gold, "en", 5, "exact");
    expect(exact.p).toBeCloseTo(2 / 5);
    expect(exact.r).toBeCloseTo(2 / 4);
    const partial = scoreDocument(pred, gold, "en", 5, "partial");
    // "coral bleaching events" is right (contains a keyword) but the keyword was already matched.
    expect(partial.p).toBeCloseTo(4 / 5);
    expect(partial.r).toBeCloseTo(3 / 4);
    expect(partial.f1).toBeCloseTo((2 * 0.8 * 0.75) / (0.8 + 0.75));
    expect(scoreDocument([], gold, "en", 5, "exact")).toEqual({ p: 0, r: 0, f1: 0 });
    expect(mean([exact, partial]).p).toBeCloseTo(0.6);
  });
});
