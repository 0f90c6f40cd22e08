import { detect } from "../../../../../plugins/redaction/detect";
import {
  BUILT_IN_LABELS,
  DEFAULT_LABEL_THRESHOLDS,
  DEFAULT_LABELS,
  DetectionConfigError,
  SUPPORTED_LANGUAGES,
  resolveDetectionConfig,
  validateDetectionConfig,
} from "../../../../../plugins/redaction/detect/config";
import { pageOf } from "./page-fixture";

function errorsOf(input: unknown): string[] {
  try {
    resolveDetectionConfig(input as never);
  } catch (err) {
    expect(err).toBeInstanceOf(DetectionConfigError);
    expect((err as DetectionConfigError).type).toBe("DETECTION_CONFIG_INVALID");
    return (err as DetectionConfigError).data.errors;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("resolveDetectionConfig", () => {
  it("resolves the built-in defaults from an empty object", () => {
    const c = resolveDetectionConfig({});
    expect([...c.labels].sort()).toEqual([...DEFAULT_LABELS].sort());
    expect(c.labels.has("DATE")).toBe(false);
    expect(c.scoreThreshold).toBe(0.5);
    expect(c.languages).toEqual([...SUPPORTED_LANGUAGES]);
    expect(c.defaultRegion).toBe("US");
    expect(c.checksumValidationMode).toBe("strict");
    expect(c.boxPadding).toBe(1);
  });

  it("exports every built-in label", () => {
    expect(BUILT_IN_LABELS).toEqual(expect.arrayContaining(["EMAIL_ADDRESS", "IBAN", "CREDIT_CARD", "SSN", "PERSON", "PHYSICAL_ADDRESS", "DATE_OF_BIRTH"]));
  });

  it("rejects an unknown label and names it", () => {
    const errors = errorsOf({ labels: ["EMAIL_ADDRESS", "PASSPORT"] });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"PASSPORT"');
  });

  it("accepts a custom label defined by a recognizer in the same configuration", () => {
    const c = resolveDetectionConfig({
      labels: ["EMPLOYEE_ID"],
      patternRecognizers: [{ name: "emp", label: "EMPLOYEE_ID", patterns: [{ name: "p", regex: "EMP-\\d{5}", score: 0.9 }] }],
    });
    expect([...c.labels]).toEqual(["EMPLOYEE_ID"]);
  });

  it("enables custom labels next to the defaults when labels is empty", () => {
    const c = resolveDetectionConfig({ keywordRecognizers: [{ name: "k", label: "PROJECT", keywords: ["Orion"] }] });
    expect(c.labels.has("PROJECT")).toBe(true);
    expect(c.labels.has("EMAIL_ADDRESS")).toBe(true);
    expect(c.keywordRecognizers[0]).toEqual({ name: "k", label: "PROJECT", keywords: ["Orion"], score: 1, partialMatch: false });
  });

  it("rejects a user regex the linear-time engine cannot run, naming the recognizer and pattern", () => {
    const errors = errorsOf({ patternRecognizers: [{ name: "bad", label: "X", patterns: [{ name: "evil", regex: "(a)\\1", score: 0.5 }] }] });
    expect(errors[0]).toMatch(/pattern "evil" of recognizer "bad" uses a backreference/);
  });

  it("accepts a pattern that backtracks exponentially in JavaScript: it runs on the linear-time engine", () => {
    const c = resolveDetectionConfig({ patternRecognizers: [{ name: "r", label: "X", patterns: [{ name: "p", regex: "(a+)+$", score: 0.5 }] }] });
    expect([...c.patternRecognizers[0]!.patterns[0]!.regex.matchAll(`${"a".repeat(40_000)}!`)]).toEqual([]);
  });

  it.each([
    [{ scoreThreshold: 1.5 }, /scoreThreshold/],
    [{ languages: ["xx"] }, /languages/],
    [{ defaultRegion: "ZZ" }, /defaultRegion "ZZ"/],
    [{ checksumValidationMode: "lenient" }, /checksumValidationMode/],
    [{ keywordRecognizers: [{ name: "k", label: "K", keywords: [] }] }, /keywords/],
    [{ keywordExclusions: [{ name: "e" }] }, /excludedKeywords/],
    [{ disableBuiltInPatternRecognizersForLabels: ["NOPE"] }, /"NOPE"/],
    [{ labels: ["bad label"] }, /labels/],
  ])("rejects %j", (input, message) => {
    expect(errorsOf(input).join(" ")).toMatch(message);
  });

  it("reports unknown properties as warnings, not errors", () => {
    const r = validateDetectionConfig({ labels: [], regexTimeout: 100 } as never);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['unknown property "regexTimeout" was ignored']);
    expect(r.config).toBeDefined();
  });

  it("upper-cases a lower-case default region", () => {
    expect(resolveDetectionConfig({ defaultRegion: "de" }).defaultRegion).toBe("DE");
  });
});

describe("per-label thresholds", () => {
  // a name with a first-name cue only (below 1) and a grouped international number
  const text = "Minutes taken by John Smith on 12 May. Office +44 20 7946 0958";
  const findings = (cfg: Record<string, unknown>) => detect([pageOf(text)], { labels: ["PERSON", "PHONE_NUMBER"], ...cfg });
  const labelsOf = (cfg: Record<string, unknown>) => findings(cfg).map((f) => f.label);
  const scoreOf = (label: string) => findings({}).find((f) => f.label === label)!.score;

  it("defaults every built-in label to DEFAULT_LABEL_THRESHOLDS", () => {
    const c = resolveDetectionConfig({});
    for (const l of BUILT_IN_LABELS) expect(c.labelThresholds[l]).toBe(DEFAULT_LABEL_THRESHOLDS[l]);
  });

  it("raises one label's threshold without touching the others", () => {
    expect(labelsOf({})).toEqual(["PERSON", "PHONE_NUMBER"]);
    expect(scoreOf("PERSON")).toBeLessThan(1);
    expect(labelsOf({ labelThresholds: { PERSON: scoreOf("PERSON") + 0.01 } })).toEqual(["PHONE_NUMBER"]);
  });

  it("lets scoreThreshold set every label, with labelThresholds still winning", () => {
    const above = Math.max(scoreOf("PERSON"), scoreOf("PHONE_NUMBER")) + 0.01;
    expect(above).toBeLessThanOrEqual(1);
    expect(labelsOf({ scoreThreshold: above })).toEqual([]);
    expect(labelsOf({ scoreThreshold: above, labelThresholds: { PERSON: 0.5 } })).toEqual(["PERSON"]);
  });

  it("rejects thresholds of unknown labels or outside 0..1", () => {
    expect(errorsOf({ labelThresholds: { PASSPORT: 0.5 } })[0]).toContain('"PASSPORT"');
    expect(errorsOf({ labelThresholds: { PERSON: 2 } }).length).toBeGreaterThan(0);
  });
});
