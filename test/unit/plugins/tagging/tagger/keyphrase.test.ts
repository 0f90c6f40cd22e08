import { isGenericWord, rankPhrases, stemWord } from "../../../../../plugins/tagging/tagger/keyphrase";
import { generateTagsLocal } from "../../../../../plugins/tagging/tagger/local";
import { stopwordsFor, type Language } from "../../../../../plugins/tagging/tagger/stopwords";

const top = (text: string, language: Language, n = 10, title?: string) => rankPhrases(text, language, title).slice(0, n).map((r) => r.phrase.toLowerCase());

describe("phrase quality: candidates are noun groups, never fragments", () => {
  const cases: Array<[Language, string, string[]]> = [
    // The fragments: a verb or adverb at an edge, a stop word inside.
    ["en", "Intercropping legumes with maize is a practice enhancing both yield and soil nitrogen. Intercropping legumes raises soil nitrogen.", ["enhancing both yield", "enhancing", "both yield"]],
    ["en", "Price labels influence consumers in buying decisions. Consumers in supermarkets compare price labels.", ["consumers in buying", "in buying"]],
    ["en", "The beam was simply supported deep in the test frame. Simply supported beams carry deep loads.", ["simply supported deep", "simply supported", "simply"]],
    ["fr", "Les ménages modestes chauffent davantage leur logement. Les ménages modestes vivent en précarité énergétique.", ["modestes chauffent", "chauffent"]],
    ["es", "La política de salario mínimo debería considerar la productividad regional del salario mínimo.", ["salario mínimo debería", "debería considerar"]],
    ["de", "Die Mietpreisbremse dämpft Mietsteigerungen kurzfristig. Die Mietpreisbremse ersetzt keinen Wohnungsneubau.", ["mietpreisbremse dämpft", "dämpft mietsteigerungen"]],
  ];
  it.each(cases)("%s: %s", (language, text, never) => {
    const got = top(text, language, 30);
    for (const bad of never) expect(got).not.toContain(bad);
  });

  it.each(["en", "de", "fr", "es", "hi"] as const)("no %s candidate starts or ends with a stop word", (language) => {
    const texts: Record<Language, string> = {
      en: "The recovery of coral reefs after marine heatwaves depends on the interval between heatwaves and on water quality.",
      de: "Der Ausbau der Windenergie stößt in vielen ländlichen Gemeinden auf Widerstand, vor allem wegen Lärm.",
      fr: "La rénovation énergétique des logements est au cœur de la politique climatique française pour les ménages.",
      es: "La escasez de agua obliga a los agricultores del sur de España a reducir el riego de sus olivares.",
      hi: "भारत में सिंचाई के लिए डीज़ल पंपों का व्यापक उपयोग किसानों की लागत और प्रदूषण दोनों बढ़ाता है।",
    };
    const stop = stopwordsFor(language);
    for (const r of rankPhrases(texts[language], language)) {
      const words = r.phrase.toLowerCase().split(/\s+/).map((w) => w.replace(/^[dl]'/u, ""));
      expect(stop.has(words[0])).toBe(false);
      expect(stop.has(words[words.length - 1])).toBe(false);
    }
  });

  it("keeps an inner connector (\"freedom of information\", \"pompes à chaleur\")", () => {
    expect(top("Pompes à chaleur et pompes à chaleur hybrides remplacent les chaudières. Les pompes à chaleur coûtent cher.", "fr", 10)).toContain("pompes à chaleur");
  });
});

describe("scoring", () => {
  const text = `This study analyses the impact of alternate wetting and drying on methane emissions from paddy rice.
    The results of the study show that alternate wetting and drying reduced methane emissions by a third. The
    analysis of the data suggests that paddy rice yields did not change. Methane emissions fell on every farm in
    the study, and the method saved irrigation water.`;

  it("demotes generic words of the background list (study, impact, analysis, method, results)", () => {
    const tags = generateTagsLocal(text, { numTags: 5, language: "en" }).tags.map((t) => t.toLowerCase());
    for (const g of ["study", "impact", "analysis", "method", "results", "data"]) expect(tags).not.toContain(g);
    expect(tags).toEqual(expect.arrayContaining(["methane emissions", "paddy rice"]));
  });

  it.each([
    ["study", "en"], ["countries", "en"], ["role", "en"], ["Ergebnisse", "de"], ["résultats", "fr"], ["efectos", "es"], ["अध्ययन", "hi"],
  ] as const)("%s is a generic word in %s", (w, l) => expect(isGenericWord(w, l)).toBe(true));
  it.each([["methane", "en"], ["Windenergie", "de"], ["logement", "fr"], ["olivar", "es"], ["भूजल", "hi"]] as const)(
    "%s is not generic in %s", (w, l) => expect(isGenericWord(w, l)).toBe(false),
  );

  it("merges variants by stem and keeps the form written most often", () => {
    const r = rankPhrases("Policies matter. Network policies and network policy rules. Network policies again.", "en");
    const forms = r.filter((x) => x.stem === `${stemWord("network", "en")} ${stemWord("policies", "en")}`);
    expect(forms).toHaveLength(1);
    expect(forms[0].phrase).toBe("Network policies");
    expect(forms[0].count).toBe(3);
  });

  it("boosts phrases of the title", () => {
    const body = "Sensors were installed on the bridge. Fibre optic sensors measured strain. Traffic loads varied.";
    const title = "Structural health monitoring of bridges with fibre optic sensors";
    const rank = (t?: string) => rankPhrases(body, "en", t).findIndex((r) => r.phrase.toLowerCase() === "fibre optic sensors");
    expect(rank(title)).toBeLessThan(rank());
    expect(rank(title)).toBeLessThan(3);
  });

  it("de-duplicates by containment: a lone word gives way to its two-word group", () => {
    const tags = generateTagsLocal(
      "Coral bleaching spreads. Coral bleaching followed the heatwave. Bleaching was severe, and bleaching killed corals. Reef recovery took years.",
      { numTags: 4, language: "en" },
    ).tags.map((t) => t.toLowerCase());
    expect(tags).toContain("coral bleaching");
    expect(tags).not.toContain("bleaching");
  });
});

describe("Hindi", () => {
  it("tokenises Devanagari and cuts groups at postpositions", () => {
    const text = "सौर सिंचाई पंप अपनाने वाले किसानों की सिंचाई लागत में कमी आई। सौर सिंचाई पंप पर सब्सिडी मिली। सौर सिंचाई पंप से भूजल का दोहन बढ़ा।";
    const got = top(text, "hi", 5);
    expect(got.slice(0, 3)).toContain("सौर सिंचाई पंप");
    for (const p of got) expect(p).not.toMatch(/(?:^| )(?:की|में|का|से|पर)(?: |$)/u);
  });
});
