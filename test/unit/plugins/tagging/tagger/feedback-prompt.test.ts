import { demoteTags } from "../../../../../plugins/tagging/tagger/feedback";
import { buildPrompt } from "../../../../../plugins/tagging/tagger/llm";
import { indexVocabulary, vocabularyForPrompt, type Vocabulary } from "../../../../../plugins/tagging/tagger/vocabulary";
import { cleanTags, diffTags } from "../../../../../apis/tagger/learning";

describe("demoteTags", () => {
  it.each([
    { name: "nothing demoted keeps the order", cands: ["a b", "c", "d"], demoted: [], want: ["a b", "c", "d"] },
    { name: "a demoted tag moves behind all others", cands: ["coral reef", "heat stress", "fish"], demoted: ["coral reef"], want: ["heat stress", "fish", "coral reef"] },
    { name: "matching is by stem and case", cands: ["Sensors", "optics", "fibres"], demoted: ["sensor"], want: ["optics", "fibres", "Sensors"] },
    { name: "several demoted keep their own order", cands: ["x", "y", "z", "w"], demoted: ["w", "x"], want: ["y", "z", "x", "w"] },
    { name: "a demoted tag not among the candidates changes nothing", cands: ["x", "y"], demoted: ["q"], want: ["x", "y"] },
  ])("$name", ({ cands, demoted, want }) => {
    expect(demoteTags(cands, demoted, "en")).toEqual(want);
  });
});

describe("vocabularyForPrompt", () => {
  const big: Vocabulary = {
    name: "big",
    concepts: Array.from({ length: 400 }, (_, i) => ({ id: `c${i}`, prefLabel: `unrelated term ${i}`, altLabels: [] as string[] })).concat([
      { id: "cr", prefLabel: "Coral reefs", altLabels: ["reef"] },
      { id: "mh", prefLabel: "Marine heatwaves", altLabels: [] },
      { id: "hf", prefLabel: "Herbivorous fish grazing pressure", altLabels: [] },
    ]),
  };
  it("gives a small vocabulary whole", () => {
    const small: Vocabulary = { name: "s", concepts: [{ id: "a", prefLabel: "Alpha", altLabels: [] }, { id: "b", prefLabel: "Beta", altLabels: [] }] };
    expect(vocabularyForPrompt(indexVocabulary(small, "en"), "nothing in common", "en")).toEqual(["Alpha", "Beta"]);
  });
  it("picks the concepts a large vocabulary shares with the text, fully covered ones first", () => {
    const text = "Marine heatwaves bleach coral reefs; herbivorous fish keep algae low.";
    expect(vocabularyForPrompt(indexVocabulary(big, "en"), text, "en", 3)).toEqual(["Coral reefs", "Marine heatwaves", "Herbivorous fish grazing pressure"]);
  });
  it("puts the terms into the prompt as quoted strings", () => {
    const p = buildPrompt({ text: "t", count: 3, exclusions: [], avoid: [], vocabulary: ["Coral reefs", 'say "hi"'] });
    expect(p.user).toContain('Prefer these controlled vocabulary terms, written exactly as given');
    expect(p.user).toContain('"Coral reefs", "say \\"hi\\""');
    expect(buildPrompt({ text: "t", count: 3, exclusions: [], avoid: [] }).user).not.toContain("controlled vocabulary");
  });
});

describe("tag edits", () => {
  it.each([
    { name: "trims, collapses spaces, drops empties and case duplicates", tags: ["  Coral  reefs ", "", "coral reefs", "Fish"], want: ["Coral reefs", "Fish"] },
    { name: "an empty list is allowed", tags: [], want: [] },
  ])("cleanTags: $name", ({ tags, want }) => {
    expect(cleanTags(tags)).toEqual(want);
  });
  it.each([["not a list"], [[1, 2]], [Array.from({ length: 51 }, (_, i) => `t${i}`)], [["x".repeat(201)]]])("cleanTags refuses bad input #%# with 422", (bad) => {
    expect(() => cleanTags(bad)).toThrow(expect.objectContaining({ type: "VALIDATION_ERROR" }));
  });
  it("diffTags compares case-insensitively", () => {
    expect(diffTags(["Coral reefs", "fish", "algae"], ["coral reefs", "algae", "reef resilience"])).toEqual({ added: ["reef resilience"], removed: ["fish"] });
  });
});
