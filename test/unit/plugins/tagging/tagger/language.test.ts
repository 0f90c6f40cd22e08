import { detectLanguage } from "../../../../../plugins/tagging/tagger/local";
import { corpus } from "./fixtures/documents";

describe("detectLanguage", () => {
  const cases: Array<[string, string, string]> = [
    ["en", "The committee reviewed the budget and decided that the funds would be used for the new school.", "en"],
    ["de", "Die Kommission hat den Haushalt geprüft und beschlossen, dass die Mittel für die neue Schule verwendet werden.", "de"],
    ["fr", "La commission a examiné le budget et a décidé que les fonds seraient utilisés pour la nouvelle école.", "fr"],
    ["es", "La comisión revisó el presupuesto y decidió que los fondos se usarían para la nueva escuela.", "es"],
  ];
  it.each(cases)("recognises a %s sentence", (_name, text, expected) => {
    const r = detectLanguage(text);
    expect(r.language).toBe(expected);
    expect(r.confidence).toBeGreaterThanOrEqual(0.25);
  });

  it.each(corpus.map((d) => [d.id, d] as const))("recognises the corpus document %s", (_id, doc) => {
    expect(detectLanguage(doc.text).language).toBe(doc.language);
  });

  it("answers en with zero confidence when there is nothing to go on", () => {
    expect(detectLanguage("")).toEqual({ language: "en", confidence: 0 });
    expect(detectLanguage("12345 678 / 90")).toEqual({ language: "en", confidence: 0 });
  });

  it("is less confident on a short text than on a long one", () => {
    const short = detectLanguage("la casa");
    const long = detectLanguage(cases[3][1]);
    expect(short.confidence).toBeLessThan(long.confidence);
  });
});
