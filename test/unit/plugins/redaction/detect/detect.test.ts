import { detect, findingId, resolveDetectionConfig, resolveOverlaps } from "../../../../../plugins/redaction/detect";
import type { Candidate } from "../../../../../plugins/redaction/detect/types";
import { CHAR_W, LEFT, LINE_H, LINE_STEP, TOP, pageOf } from "./page-fixture";

const cand = (start: number, end: number, label: string, score: number, strength: Candidate["strength"] = "validated"): Candidate => ({
  start,
  end,
  label,
  score,
  strength,
  recognizer: label.toLowerCase(),
});

describe("detect", () => {
  const letter = `Dear Mrs Jane Doe,
your IBAN DE89 3704 0044 0532 0130 00 was charged.
Contact: jane.doe@example.com
221B Baker Street
London NW1 6XE`;

  it("maps a two-line address to one finding with one padded box per line", () => {
    const [f] = detect([pageOf(letter)], { labels: ["PHYSICAL_ADDRESS"], boxPadding: 2 });
    expect(f).toMatchObject({ label: "PHYSICAL_ADDRESS", text: "221B Baker Street London NW1 6XE", page: 1, source: "text" });
    expect(f!.boxes).toEqual([
      { x: LEFT - 2, y: TOP + 3 * LINE_STEP - 2, width: 17 * CHAR_W + 4, height: LINE_H + 4 },
      { x: LEFT - 2, y: TOP + 4 * LINE_STEP - 2, width: 14 * CHAR_W + 4, height: LINE_H + 4 },
    ]);
  });

  it("returns findings sorted by page, then reading order", () => {
    const f = detect([pageOf("mail b@x.com", { page: 2 }), pageOf(letter, { page: 1 })]);
    expect(f.map((x) => [x.page, x.label])).toEqual([
      [1, "PERSON"],
      [1, "IBAN"],
      [1, "EMAIL_ADDRESS"],
      [1, "PHYSICAL_ADDRESS"],
      [2, "EMAIL_ADDRESS"],
    ]);
  });

  it("gives the same ids on every run, and different ids to different entities", () => {
    const a = detect([pageOf(letter)]);
    const b = detect([pageOf(letter)]);
    expect(a.map((f) => f.id)).toEqual(b.map((f) => f.id));
    expect(new Set(a.map((f) => f.id)).size).toBe(a.length);
    expect(a[0]!.id).toBe(findingId(a[0]!.page, a[0]!.label, a[0]!.text, a[0]!.boxes));
    const moved = detect([pageOf(letter, { page: 3 })]);
    expect(moved[0]!.id).not.toBe(a[0]!.id);
  });

  it("restricts output to the listed labels", () => {
    expect(new Set(detect([pageOf(letter)], { labels: ["IBAN", "EMAIL_ADDRESS"] }).map((f) => f.label))).toEqual(new Set(["IBAN", "EMAIL_ADDRESS"]));
  });

  it("drops findings under the score threshold", () => {
    // a lone first name without a cue scores 0.25: hidden by default, shown with a lower threshold
    expect(detect([pageOf("I met Sarah at noon.")], { labels: ["PERSON"] })).toEqual([]);
    expect(detect([pageOf("I met Sarah at noon.")], { labels: ["PERSON"], scoreThreshold: 0.2 }).map((f) => f.text)).toEqual(["Sarah"]);
  });

  it("throws a typed error for an unknown label", () => {
    expect(() => detect([pageOf(letter)], { labels: ["PASSPORT"] })).toThrow(/unknown label "PASSPORT"/);
  });

  it("accepts an already resolved configuration", () => {
    const config = resolveDetectionConfig({ labels: ["IBAN"] });
    expect(detect([pageOf(letter)], config).map((f) => f.label)).toEqual(["IBAN"]);
  });

  it("lets checksum-validated IBANs win over the phone numbers found inside them", () => {
    const f = detect([pageOf("IBAN GB29 NWBK 6016 1331 9268 19")], { labels: ["IBAN", "PHONE_NUMBER"], defaultRegion: "GB" });
    expect(f.map((x) => x.label)).toEqual(["IBAN"]);
  });

  it("keeps DATE_OF_BIRTH over DATE on the same span and plain DATE elsewhere", () => {
    const f = detect([pageOf("DOB 12/03/1980, issued 01/02/2023")], { labels: ["DATE", "DATE_OF_BIRTH"] });
    expect(f.map((x) => [x.label, x.text])).toEqual([
      ["DATE_OF_BIRTH", "12/03/1980"],
      ["DATE", "01/02/2023"],
    ]);
  });

  it("skips built-in recognisers for labels listed in disableBuiltInPatternRecognizersForLabels", () => {
    const f = detect([pageOf("mail a@b.com or EMP-12345")], {
      disableBuiltInPatternRecognizersForLabels: ["EMAIL_ADDRESS"],
      patternRecognizers: [{ name: "corp-mail", label: "EMAIL_ADDRESS", patterns: [{ name: "emp", regex: "EMP-\\d{5}", score: 0.9 }] }],
    });
    expect(f.map((x) => [x.label, x.text, x.recognizer])).toEqual([["EMAIL_ADDRESS", "EMP-12345", "corp-mail"]]);
  });

  describe("custom pattern recognisers", () => {
    const config = {
      patternRecognizers: [
        { name: "employee-id", label: "EMPLOYEE_ID", patterns: [{ name: "emp", regex: "EMP-\\d{5}", score: 0.4 }], contextWords: ["employee"] },
      ],
    };

    it("boosts a match near a context word over the threshold", () => {
      const f = detect([pageOf("employee number EMP-12345; the ticket that was opened last week is EMP-54321")], config);
      expect(f.map((x) => [x.label, x.text, x.score])).toEqual([["EMPLOYEE_ID", "EMP-12345", 0.75]]);
    });

    it("matches across word boundaries and maps back to the words", () => {
      const f = detect([pageOf("Ref: AB 12 CD")], { patternRecognizers: [{ name: "ref", label: "REF", patterns: [{ name: "r", regex: "AB \\d{2} CD", score: 0.9 }] }] });
      expect(f.map((x) => [x.text, x.boxes])).toEqual([["AB 12 CD", [{ x: LEFT + 5 * CHAR_W - 1, y: TOP - 1, width: 8 * CHAR_W + 2, height: LINE_H + 2 }]]]);
    });
  });

  describe("keyword recognisers", () => {
    const kw = (partialMatch: boolean) => ({
      labels: ["PROJECT"],
      keywordRecognizers: [{ name: "projects", label: "PROJECT", keywords: ["Orion", "Blue Falcon"], partialMatch }],
    });

    it("finds whole, case-sensitive keywords, including one broken across lines", () => {
      const f = detect([pageOf("Orion and OrionX and orion, the Blue\nFalcon")], kw(false));
      expect(f.map((x) => [x.text, x.score, x.boxes.length])).toEqual([
        ["Orion", 1, 1],
        ["Blue Falcon", 1, 2],
      ]);
    });

    it("finds substrings in partial mode", () => {
      expect(detect([pageOf("OrionX")], kw(true)).map((x) => x.text)).toEqual(["Orion"]);
    });
  });

  describe("keyword exclusions", () => {
    it("removes findings whose whole text equals an excluded keyword, case-insensitively", () => {
      const f = detect([pageOf("mail info@example.com or jane@example.com")], {
        labels: ["EMAIL_ADDRESS"],
        keywordExclusions: [{ name: "public", excludedKeywords: ["INFO@example.com"] }],
      });
      expect(f.map((x) => x.text)).toEqual(["jane@example.com"]);
    });

    it("removes findings containing an excluded keyword in partial mode, after every recogniser", () => {
      const f = detect([pageOf("mail info@example.com or jane@other.org")], {
        labels: ["EMAIL_ADDRESS", "DOMAIN"],
        keywordRecognizers: [{ name: "d", label: "DOMAIN", keywords: ["example.com"], partialMatch: true }],
        keywordExclusions: [{ name: "ours", excludedKeywords: ["example.com"], partialMatch: true }],
      });
      expect(f.map((x) => x.text)).toEqual(["jane@other.org"]);
    });
  });

  describe("OCR pages", () => {
    const text = "write to jane@example.com now";
    it("keeps the score of confidently read words", () => {
      const [f] = detect([pageOf(text, { source: "ocr", confidence: () => 96 })], { labels: ["EMAIL_ADDRESS"] });
      expect(f).toMatchObject({ score: 0.85, source: "ocr" });
    });

    it("lowers the score of words read with low confidence", () => {
      const conf = (c: number) => (w: string) => (w.includes("@") ? c : 95);
      expect(detect([pageOf(text, { source: "ocr", confidence: conf(68) })], { labels: ["EMAIL_ADDRESS"] })[0]!.score).toBeCloseTo(0.68);
      // a validated shape read with very low confidence is lowered to the floor, not dropped (recall first)
      expect(detect([pageOf(text, { source: "ocr", confidence: conf(30) })], { labels: ["EMAIL_ADDRESS"] })[0]!.score).toBeCloseTo(0.85 * 0.65, 2);
      expect(detect([pageOf(text, { source: "ocr", confidence: conf(30) })], { labels: ["EMAIL_ADDRESS"], labelThresholds: { EMAIL_ADDRESS: 0.6 } })).toEqual([]);
    });
  });

  it("detects nothing on an empty page", () => {
    expect(detect([{ page: 1, width: 612, height: 792, words: [], source: "ocr" }])).toEqual([]);
  });
});

describe("resolveOverlaps", () => {
  it("keeps the higher score on the same span", () => {
    expect(resolveOverlaps([cand(0, 5, "A", 0.6), cand(0, 5, "B", 0.8)]).map((c) => c.label)).toEqual(["B"]);
  });

  it("prefers a checksum-validated span over a heuristic one with a higher score", () => {
    expect(resolveOverlaps([cand(0, 5, "H", 0.95, "heuristic"), cand(0, 5, "C", 0.6, "checksum")]).map((c) => c.label)).toEqual(["C"]);
  });

  it("drops a span contained in a stronger one and keeps partial overlaps of other labels", () => {
    const out = resolveOverlaps([cand(0, 10, "A", 0.9), cand(2, 5, "B", 0.7), cand(8, 14, "C", 0.6)]);
    expect(out.map((c) => [c.label, c.start, c.end])).toEqual([
      ["A", 0, 10],
      ["C", 8, 14],
    ]);
  });

  it("merges overlapping spans of one label into their union with the best score", () => {
    const out = resolveOverlaps([cand(0, 13, "PERSON", 0.6, "heuristic"), cand(8, 13, "PERSON", 0.85, "heuristic")]);
    expect(out).toEqual([{ ...cand(0, 13, "PERSON", 0.85, "heuristic") }]);
  });
});
