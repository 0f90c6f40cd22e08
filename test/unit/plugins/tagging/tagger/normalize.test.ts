import { mergeExclusions, normalizeTags, parseExclusionFile } from "../../../../../plugins/tagging/tagger/normalize";

describe("normalizeTags", () => {
  const cases: Array<[string, string[], Parameters<typeof normalizeTags>[1], string[]]> = [
    ["trims, collapses whitespace and lower-cases", ["  Digital   Governance ", "Open\tData"], { numTags: 8 }, ["digital governance", "open data"]],
    ["strips bullets, numbering and quotes", ['1. "Data Protection",', "- cybersecurity", "• e-government", "(2) 'open data'"], { numTags: 8 }, ["data protection", "cybersecurity", "e-government", "open data"]],
    ["keeps acronyms as written", ["NASA", "GDPR compliance", "The EU"], { numTags: 8 }, ["NASA", "GDPR compliance"]],
    ["keeps inner capitals", ["iPhone sales"], { numTags: 8 }, ["iPhone sales"]],
    ["drops stop-word-only tags and stop-word edges", ["the", "of the", "policy and", "of data", "freedom of information"], { numTags: 8 }, ["freedom of information"]],
    ["drops reference numbers and locators", ["2023/45", "ref 2023-001", "page 3", "section 4.2", "annex II", "12345678", "MeitY/DG/2025/014", "covid-19", "industry 4.0"], { numTags: 9 }, ["covid-19", "industry 4.0"]],
    ["drops boilerplate", ["Copyright 2024 Example Corp", "All rights reserved", "table of contents", "Introduction", "www.example.org", "https://x.y", "climate policy"], { numTags: 8 }, ["climate policy"]],
    ["drops tags over five words or sixty characters", ["one two three four five six", "a".repeat(61), "supply chain risk management"], { numTags: 8 }, ["supply chain risk management"]],
    ["dedupes case-insensitively and by plural", ["Policy", "policies", "Data Centres", "data centre", "digital-governance", "digital governance"], { numTags: 8 }, ["policy", "data centres", "digital-governance"]],
    ["drops a tag equal to an excluded word", ["Government", "public services"], { numTags: 8, exclusionWords: ["government"] }, ["public services"]],
    ["drops a tag containing an excluded word as a whole word", ["digital government", "governmental reform", "public services"], { numTags: 8, exclusionWords: ["Government"] }, ["governmental reform", "public services"]],
    ["excludes plurals of an excluded word", ["policies", "energy"], { numTags: 8, exclusionWords: ["policy"] }, ["energy"]],
    ["excludes multi-word terms", ["open data portal", "open source"], { numTags: 8, exclusionWords: ["open data"] }, ["open source"]],
    ["caps at numTags, refilling with later candidates", ["copyright", "alpha particles", "beta decay", "gamma rays", "delta waves"], { numTags: 3 }, ["alpha particles", "beta decay", "gamma rays"]],
    ["uses the language's stop words", ["der Verwaltung", "digitale Verwaltung"], { numTags: 8, language: "de" }, ["digitale verwaltung"]],
    ["strips an elided article in French", ["l'énergie", "d'énergie", "énergie solaire"], { numTags: 8, language: "fr" }, ["énergie", "énergie solaire"]],
  ];
  it.each(cases)("%s", (_name, raw, options, expected) => {
    expect(normalizeTags(raw, options)).toEqual(expected);
  });

  it("keeps proper nouns the text capitalises mid-sentence", () => {
    const text = "The conference took place in Berlin last year. Delegates from NASA and the city of berlin-adjacent towns met. Reports from Berlin followed.";
    expect(normalizeTags(["BERLIN", "nasa", "Conference"], { numTags: 8, text })).toEqual(["Berlin", "NASA", "conference"]);
  });

  it("lower-cases a word the text also writes in lower case", () => {
    const text = "Citizens apply online. Public services for Citizens are digital. Many citizens agree.";
    expect(normalizeTags(["Citizens"], { numTags: 8, text })).toEqual(["citizens"]);
  });

  it("keeps a multi-word name as the text writes it", () => {
    const text = "Surveys of coral on the Great Barrier Reef show bleaching. The reef is large.";
    expect(normalizeTags(["great barrier reef"], { numTags: 8, text })).toEqual(["Great Barrier Reef"]);
  });

  it("lower-cases German nouns even though the text capitalises them", () => {
    const text = "Die Bundesregierung will die Digitalisierung der Verwaltung beschleunigen. Die Verwaltung wird modern.";
    expect(normalizeTags(["Digitalisierung"], { numTags: 8, text })).toEqual(["digitalisierung"]);
  });

  // Capitals that grammar or layout explain are not evidence of a name; capitals mid-sentence still are.
  const form = ["The record belongs to John Smith", "Email: john.smith@example.com", "Phone: +44 20 7946 0958", "Card: 4111 1111 1111 1111", "Address: 221B Baker Street, London"].join("\n");
  const casing: Array<[string, string, string[], string[]]> = [
    ["a label at a line start", form, ["Email", "Phone", "Card", "Address"], ["email", "phone", "card", "address"]],
    ["a label mid-line after a value", "Name: Ann Lee Email: ann@example.org Phone: 555 0100", ["Email", "Phone"], ["email", "phone"]],
    ["the first word after a label", "Subject: Renewal of the lease\nThe lease runs to May.", ["Renewal"], ["renewal"]],
    ["a word starting a short line", "Invoice summary\nPayments received\nBalance due", ["Payments", "Balance"], ["payments", "balance"]],
    ["a word of a title-case heading", "Customer Account Statement\nThe balance is shown below.", ["Statement"], ["statement"]],
    ["a name after a mid-sentence capital stays", form, ["smith", "john smith", "london"], ["Smith", "John Smith", "London"]],
    ["a name in a label value stays", "Name: John Smith\nEmail: js@example.org", ["john smith"], ["John Smith"]],
    ["a wrapped long line continues its sentence", `${"The survey of the reef was carried out over several seasons by the team in".padEnd(70, " ")}\nQueensland with partners. Later reports from Queensland agreed.`, ["queensland"], ["Queensland"]],
  ];
  it.each(casing)("lower-cases a capital explained by layout or grammar: %s", (_name, text, raw, expected) => {
    expect(normalizeTags(raw, { numTags: 8, text })).toEqual(expected);
  });

  it("returns nothing for numTags 0 and ignores non-strings", () => {
    expect(normalizeTags(["a tag"], { numTags: 0 })).toEqual([]);
    expect(normalizeTags([42 as unknown as string, "solar power"], { numTags: 3 })).toEqual(["solar power"]);
  });
});

describe("parseExclusionFile", () => {
  const cases: Array<[string, string, string[]]> = [
    ["one term per line", "government\npolicy\r\nministry\n", ["government", "policy", "ministry"]],
    ["comma separated", "government, policy ,ministry", ["government", "policy", "ministry"]],
    ["comments and blank lines", "# generic words\ngovernment # too broad\n\n  \npolicy", ["government", "policy"]],
    ["a # inside a term is kept", "C#, F#", ["C#", "F#"]],
    ["dedupes case-insensitively, first spelling wins", "EU\neu\nEu, Public Sector\npublic   sector", ["EU", "Public Sector"]],
    ["strips quotes and a BOM", '\ufeff"annual report", \'draft\'', ["annual report", "draft"]],
    ["empty file", "# nothing here\n", []],
  ];
  it.each(cases)("%s", (_name, text, expected) => {
    expect(parseExclusionFile(text)).toEqual(expected);
  });
});

describe("mergeExclusions", () => {
  it("merges request words and file terms without duplicates", () => {
    expect(mergeExclusions(["Government", " policy "], null, ["government", "ministry"])).toEqual(["Government", "policy", "ministry"]);
  });
});
