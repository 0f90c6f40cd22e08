import Validator from "fastest-validator";
import { isSupportedCountry, type CountryCode } from "libphonenumber-js/max";
import { compileSafeRegex, MAX_USER_REGEX_LENGTH, type UserRegex } from "./safe-regex";

/**
 * The detection configuration, modelled on the vendor's `detectionConfiguration`
 * (smart-redact-api.md §5.2): it is merged over built-in defaults, only set fields override.
 */

/** Labels produced by the built-in recognisers. Custom recognisers may add free-form labels. */
export const BUILT_IN_LABELS = [
  "EMAIL_ADDRESS",
  "PHONE_NUMBER",
  "IBAN",
  "CREDIT_CARD",
  "SSN",
  "IP_ADDRESS",
  "URL",
  "DATE_OF_BIRTH",
  "DATE",
  "PERSON",
  "PHYSICAL_ADDRESS",
  "ORGANISATION",
  "EXPOSED_REDACTION",
] as const;
export type BuiltInLabel = (typeof BUILT_IN_LABELS)[number];

/**
 * Labels enabled when `labels` is empty. `DATE` (every date in a document) and `ORGANISATION`
 * (company names are rarely personal data) are opt-in: list them in `labels` to get them.
 */
export const DEFAULT_LABELS: readonly BuiltInLabel[] = BUILT_IN_LABELS.filter((l) => l !== "DATE" && l !== "ORGANISATION");

/**
 * Languages whose context words (and month names) the recognisers use. Unlike the vendor, an empty
 * list means every supported language rather than English only: the context words are distinctive
 * ("geboren", "date of birth"), so using them all costs little precision and avoids silent misses on
 * documents in another language.
 */
export const SUPPORTED_LANGUAGES = ["en", "de", "fr", "it", "es", "pt", "nl"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export interface PatternSpec {
  name: string;
  /** RE2 regex source (linear-time engine); see safe-regex.ts for what is refused and MAX_USER_REGEX_LENGTH. */
  regex: string;
  score: number;
}

export interface PatternRecognizerConfig {
  name: string;
  label: string;
  patterns: PatternSpec[];
  /** Words that, found shortly before a match, raise its score by CONTEXT_BOOST. */
  contextWords?: string[];
}

export interface KeywordRecognizerConfig {
  name: string;
  label: string;
  /** Case-sensitive. */
  keywords: string[];
  score?: number;
  /** false: the keyword must be whole tokens; true: any substring match. */
  partialMatch?: boolean;
}

export interface KeywordExclusionConfig {
  name: string;
  /** Case-insensitive. */
  excludedKeywords: string[];
  /** false: the finding's whole text equals a keyword; true: the finding's text contains one. */
  partialMatch?: boolean;
}

/** What callers send (every field optional). */
export interface DetectionConfigInput {
  labels?: string[];
  scoreThreshold?: number;
  languages?: string[];
  /** ISO 3166 alpha-2 region used to read national phone numbers (default "US"). */
  defaultRegion?: string;
  checksumValidationMode?: "strict" | "relaxed";
  patternRecognizers?: PatternRecognizerConfig[];
  keywordRecognizers?: KeywordRecognizerConfig[];
  keywordExclusions?: KeywordExclusionConfig[];
  disableBuiltInPatternRecognizersForLabels?: string[];
  /** Points added around every box (default 1). */
  boxPadding?: number;
  /**
   * Minimum score per label, overriding `scoreThreshold` for that label (e.g. `{ "PERSON": 0.7 }`).
   * Without either, each label uses its default from DEFAULT_LABEL_THRESHOLDS (tuned for recall).
   */
  labelThresholds?: Record<string, number>;
}

/**
 * Default minimum score per built-in label. They are tuned for recall: a redaction tool that misses
 * personal data has failed, an extra box costs a reviewer one click. Candidates below them are values
 * whose shape fits but no evidence supports (a Luhn-failing "card", an SSN-shaped order number).
 */
export const DEFAULT_LABEL_THRESHOLDS: Readonly<Record<string, number>> = {
  EMAIL_ADDRESS: 0.5,
  PHONE_NUMBER: 0.5,
  IBAN: 0.5,
  CREDIT_CARD: 0.5,
  SSN: 0.5,
  IP_ADDRESS: 0.5,
  URL: 0.5,
  DATE_OF_BIRTH: 0.5,
  DATE: 0.5,
  PERSON: 0.5,
  PHYSICAL_ADDRESS: 0.5,
  ORGANISATION: 0.5,
  EXPOSED_REDACTION: 0.5,
};

export interface CompiledPatternRecognizer {
  name: string;
  label: string;
  patterns: { name: string; regex: UserRegex; score: number }[];
  contextWords: string[];
}

/** The resolved configuration the detectors run with. */
export interface DetectionConfig {
  /** Enabled labels (never empty after resolution). */
  labels: Set<string>;
  /** Threshold of labels without an entry in `labelThresholds`. */
  scoreThreshold: number;
  /** Resolved minimum score per label (defaults, then `scoreThreshold`, then the caller's per-label values). */
  labelThresholds: Record<string, number>;
  languages: Language[];
  defaultRegion: CountryCode | undefined;
  /** True when the caller set defaultRegion: it then wins over the region inferred from the document. */
  defaultRegionSet?: boolean;
  checksumValidationMode: "strict" | "relaxed";
  patternRecognizers: CompiledPatternRecognizer[];
  keywordRecognizers: Required<KeywordRecognizerConfig>[];
  keywordExclusions: Required<KeywordExclusionConfig>[];
  disabledBuiltInLabels: Set<string>;
  boxPadding: number;
}

const LABEL_PATTERN = "^[A-Za-z][A-Za-z0-9_]{0,63}$";
const name = { type: "string", min: 1, max: 100 };
const label = { type: "string", pattern: LABEL_PATTERN };
const score = { type: "number", min: 0, max: 1 };

/** fastest-validator schema of DetectionConfigInput (structure only; cross-field rules are in resolveDetectionConfig). */
export const detectionConfigSchema = {
  labels: { type: "array", items: label, optional: true },
  scoreThreshold: { ...score, optional: true },
  languages: { type: "array", items: { type: "enum", values: [...SUPPORTED_LANGUAGES] }, optional: true },
  defaultRegion: { type: "string", length: 2, optional: true },
  checksumValidationMode: { type: "enum", values: ["strict", "relaxed"], optional: true },
  patternRecognizers: {
    type: "array",
    optional: true,
    items: {
      type: "object",
      props: {
        name,
        label,
        patterns: {
          type: "array",
          min: 1,
          items: {
            type: "object",
            props: { name, regex: { type: "string", min: 1, max: MAX_USER_REGEX_LENGTH }, score },
          },
        },
        contextWords: { type: "array", items: { type: "string", min: 1 }, optional: true },
      },
    },
  },
  keywordRecognizers: {
    type: "array",
    optional: true,
    items: {
      type: "object",
      props: {
        name,
        label,
        keywords: { type: "array", min: 1, items: { type: "string", min: 1, max: 200 } },
        score: { ...score, optional: true },
        partialMatch: { type: "boolean", optional: true },
      },
    },
  },
  keywordExclusions: {
    type: "array",
    optional: true,
    items: {
      type: "object",
      props: {
        name,
        excludedKeywords: { type: "array", min: 1, items: { type: "string", min: 1, max: 200 } },
        partialMatch: { type: "boolean", optional: true },
      },
    },
  },
  disableBuiltInPatternRecognizersForLabels: { type: "array", items: label, optional: true },
  boxPadding: { type: "number", min: 0, max: 20, optional: true },
  labelThresholds: { type: "record", key: label, value: score, optional: true },
} as const;

const check = new Validator().compile(detectionConfigSchema as never) as (v: unknown) => true | { message?: string }[];

/** Thrown by resolveDetectionConfig; `data.errors` lists every problem found, each a full sentence. */
export class DetectionConfigError extends Error {
  readonly type = "DETECTION_CONFIG_INVALID";
  readonly code = 422;
  constructor(readonly data: { errors: string[] }) {
    super(`Invalid detection configuration: ${data.errors.join("; ")}`);
    this.name = "DetectionConfigError";
  }
}

export interface ValidationResult {
  errors: string[];
  /** Unknown top-level properties: ignored, reported like the vendor's validation warnings. */
  warnings: string[];
  config?: DetectionConfig;
}

/** Validate and resolve a configuration without throwing. */
export function validateDetectionConfig(input: DetectionConfigInput | undefined | null): ValidationResult {
  const raw = (input ?? {}) as Record<string, unknown>;
  const warnings = Object.keys(raw)
    .filter((k) => !(k in detectionConfigSchema))
    .map((k) => `unknown property "${k}" was ignored`);
  // fastest-validator mutates nothing here (no defaults/convert in the schema), so check a copy anyway
  const result = check(JSON.parse(JSON.stringify(raw)));
  if (result !== true) return { errors: result.map((e) => e.message ?? String(e)), warnings };

  const errors: string[] = [];
  const inp = raw as DetectionConfigInput;
  const custom = new Set<string>([
    ...(inp.patternRecognizers ?? []).map((r) => r.label),
    ...(inp.keywordRecognizers ?? []).map((r) => r.label),
  ]);
  const builtIn = new Set<string>(BUILT_IN_LABELS);
  for (const l of inp.labels ?? []) {
    if (!builtIn.has(l) && !custom.has(l))
      errors.push(`unknown label "${l}" in labels: use one of ${BUILT_IN_LABELS.join(", ")} or a label defined by a custom recognizer`);
  }
  for (const l of Object.keys(inp.labelThresholds ?? {})) {
    if (!builtIn.has(l) && !custom.has(l)) errors.push(`unknown label "${l}" in labelThresholds`);
  }
  for (const l of inp.disableBuiltInPatternRecognizersForLabels ?? []) {
    if (!builtIn.has(l)) errors.push(`unknown label "${l}" in disableBuiltInPatternRecognizersForLabels`);
  }
  let region: CountryCode | undefined = "US";
  if (inp.defaultRegion !== undefined) {
    const r = inp.defaultRegion.toUpperCase();
    if (isSupportedCountry(r)) region = r;
    else errors.push(`defaultRegion "${inp.defaultRegion}" is not a supported ISO 3166 region`);
  }
  const patternRecognizers: CompiledPatternRecognizer[] = [];
  for (const rec of inp.patternRecognizers ?? []) {
    const patterns: CompiledPatternRecognizer["patterns"] = [];
    for (const p of rec.patterns) {
      const compiled = compileSafeRegex(p.regex);
      if (compiled.ok) patterns.push({ name: p.name, regex: compiled.regex, score: p.score });
      else errors.push(`pattern "${p.name}" of recognizer "${rec.name}" ${compiled.reason}`);
    }
    patternRecognizers.push({ name: rec.name, label: rec.label, patterns, contextWords: rec.contextWords ?? [] });
  }
  if (errors.length) return { errors, warnings };

  const labels = new Set<string>(inp.labels?.length ? inp.labels : [...DEFAULT_LABELS, ...custom]);
  return {
    errors,
    warnings,
    config: {
      labels,
      scoreThreshold: inp.scoreThreshold ?? 0.5,
      labelThresholds: {
        ...(inp.scoreThreshold === undefined ? DEFAULT_LABEL_THRESHOLDS : {}),
        ...(inp.labelThresholds ?? {}),
      },
      defaultRegionSet: inp.defaultRegion !== undefined,
      languages: inp.languages?.length ? [...new Set(inp.languages as Language[])] : [...SUPPORTED_LANGUAGES],
      defaultRegion: region,
      checksumValidationMode: inp.checksumValidationMode ?? "strict",
      patternRecognizers,
      keywordRecognizers: (inp.keywordRecognizers ?? []).map((k) => ({
        name: k.name,
        label: k.label,
        keywords: k.keywords,
        score: k.score ?? 1,
        partialMatch: k.partialMatch ?? false,
      })),
      keywordExclusions: (inp.keywordExclusions ?? []).map((e) => ({
        name: e.name,
        excludedKeywords: e.excludedKeywords,
        partialMatch: e.partialMatch ?? false,
      })),
      disabledBuiltInLabels: new Set(inp.disableBuiltInPatternRecognizersForLabels ?? []),
      boxPadding: inp.boxPadding ?? 1,
    },
  };
}

/**
 * Resolve a configuration over the built-in defaults.
 * @throws DetectionConfigError (type DETECTION_CONFIG_INVALID) listing every problem, e.g. an unknown label.
 */
export function resolveDetectionConfig(input?: DetectionConfigInput | null): DetectionConfig {
  const r = validateDetectionConfig(input);
  if (!r.config) throw new DetectionConfigError({ errors: r.errors });
  return r.config;
}
