import { createHash } from "node:crypto";
import { resolveDetectionConfig, type DetectionConfig, type DetectionConfigInput } from "./config";
import { BUILT_IN_RECOGNIZERS, runKeywordRecognizers, runPatternRecognizers } from "./recognizers";
import { inferLocale } from "./evidence";
import { propagateNames } from "./recognizers/person";
import { buildTextModel, spanToBoxes, wordsInSpan, type TextModel } from "./text-model";
import type { Box, Candidate, Finding, PageInput, Strength } from "./types";

/** OCR words at or above this confidence (0-100) are trusted fully. */
export const OCR_TRUSTED_CONFIDENCE = 85;
/** The most an OCR-confidence penalty can take away: score is multiplied by at least this. */
export const OCR_MIN_FACTOR = 0.3;
/**
 * The same floor for a value whose shape a strict rule validated (checksum, TLD, numbering plan): OCR
 * is least confident exactly where it read a value with "@", digits and punctuation, and such a
 * shape is rarely noise, so low confidence may lower it but not drop it.
 */
export const OCR_MIN_FACTOR_VALIDATED = 0.65;

const STRENGTH_RANK: Record<Strength, number> = { checksum: 3, validated: 2, heuristic: 1 };

function isResolved(c: DetectionConfigInput | DetectionConfig): c is DetectionConfig {
  return (c as DetectionConfig).labels instanceof Set;
}

/** Run every enabled recogniser on one page's text model; raw candidates, nothing filtered yet. */
export function candidatesFor(model: TextModel, config: DetectionConfig): Candidate[] {
  const enabled = (label: string) => config.labels.has(label) && !config.disabledBuiltInLabels.has(label);
  const out: Candidate[] = [];
  for (const rec of BUILT_IN_RECOGNIZERS) {
    if (!rec.labels.some(enabled)) continue;
    for (const c of rec.run(model, config)) if (enabled(c.label)) out.push(c);
  }
  out.push(...runPatternRecognizers(model, config), ...runKeywordRecognizers(model, config));
  return out;
}

/** Scale a score by the mean OCR confidence of the words it covers (text-layer pages are untouched). */
export function ocrAdjusted(model: TextModel, c: Candidate): number {
  if (model.page.source !== "ocr") return c.score;
  const confidences = wordsInSpan(model, c.start, c.end)
    .map((i) => model.words[i]!.word.confidence)
    .filter((v): v is number => typeof v === "number");
  if (!confidences.length) return c.score;
  const mean = confidences.reduce((a, b) => a + b, 0) / confidences.length;
  const floor = c.strength === "heuristic" ? OCR_MIN_FACTOR : OCR_MIN_FACTOR_VALIDATED;
  const factor = mean >= OCR_TRUSTED_CONFIDENCE ? 1 : Math.max(floor, mean / OCR_TRUSTED_CONFIDENCE);
  return c.score * factor;
}

/** Text a reader cannot see outranks whatever kind of data it is: the reviewer must learn the box is fake. */
const exposedFirst = (c: Candidate) => (c.label === "EXPOSED_REDACTION" ? 1 : 0);

function priority(a: Candidate, b: Candidate): number {
  return (
    exposedFirst(b) - exposedFirst(a) ||
    STRENGTH_RANK[b.strength] - STRENGTH_RANK[a.strength] ||
    b.score - a.score ||
    b.end - b.start - (a.end - a.start) ||
    a.start - b.start ||
    (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) ||
    (a.recognizer < b.recognizer ? -1 : a.recognizer > b.recognizer ? 1 : 0)
  );
}

/**
 * Resolve collisions between candidates:
 * - overlapping spans of the same label merge into their union (best score and strength kept), so
 *   "John M. Smith" and "Smith" become one finding;
 * - across labels, a span lying inside (or equal to) a stronger one is dropped: checksum-validated
 *   beats format-validated beats heuristic, then the higher score wins (the vendor's
 *   "deterministicWins"). Partial overlaps keep both, since dropping either would leave text unredacted.
 */
export function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  const byLabel = new Map<string, Candidate[]>();
  for (const c of candidates) byLabel.set(c.label, [...(byLabel.get(c.label) ?? []), c]);
  const merged: Candidate[] = [];
  for (const list of byLabel.values()) {
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    let cur: Candidate | null = null;
    for (const c of list) {
      if (cur && c.start < cur.end) {
        const best: Candidate = priority(c, cur) < 0 ? c : cur;
        cur = { ...best, start: cur.start, end: Math.max(cur.end, c.end) };
      } else {
        if (cur) merged.push(cur);
        cur = { ...c };
      }
    }
    if (cur) merged.push(cur);
  }
  merged.sort(priority);
  const kept: Candidate[] = [];
  for (const c of merged) {
    if (!kept.some((k) => k.start <= c.start && c.end <= k.end)) kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : 1));
}

/** Deterministic id: same page, label, text and boxes give the same id on every run and machine. */
export function findingId(page: number, label: string, text: string, boxes: Box[]): string {
  const r = (n: number) => Math.round(n * 100) / 100;
  const key = JSON.stringify([page, label, text, boxes.map((b) => [r(b.x), r(b.y), r(b.width), r(b.height)])]);
  return createHash("sha256").update(key).digest("hex").slice(0, 24);
}

function excluded(text: string, config: DetectionConfig): boolean {
  const t = text.toLowerCase();
  return config.keywordExclusions.some((ex) =>
    ex.excludedKeywords.some((k) => {
      const kw = k.trim().replace(/\s+/g, " ").toLowerCase();
      return ex.partialMatch ? t.includes(kw) : t === kw;
    }),
  );
}

export function thresholdOf(config: DetectionConfig, label: string): number {
  return config.labelThresholds[label] ?? config.scoreThreshold;
}

/** Scored candidates of one page, before thresholds. */
function scoredCandidates(model: TextModel, config: DetectionConfig): Candidate[] {
  return candidatesFor(model, config).map((c) => ({ ...c, score: Math.round(ocrAdjusted(model, c) * 1000) / 1000 }));
}

function toFindings(model: TextModel, candidates: Candidate[], config: DetectionConfig): Finding[] {
  const page = model.page;
  const findings: Finding[] = [];
  for (const c of resolveOverlaps(candidates.filter((c) => c.score >= thresholdOf(config, c.label)))) {
    const text = model.text.slice(c.start, c.end).replace(/\s+/g, " ");
    if (excluded(text, config)) continue;
    const boxes = spanToBoxes(model, c.start, c.end, config.boxPadding);
    if (!boxes.length) continue;
    findings.push({
      id: findingId(page.page, c.label, text, boxes),
      label: c.label,
      text,
      page: page.page,
      boxes,
      score: c.score,
      source: page.source,
      recognizer: c.recognizer,
    });
  }
  return findings;
}

/** Detect PII on one page (see detect()); the locale is inferred from this page alone. */
export function detectPage(page: PageInput, config: DetectionConfig): Finding[] {
  return detectModels([buildTextModel(page)], config);
}

function detectModels(models: TextModel[], config: DetectionConfig): Finding[] {
  const locale = inferLocale(models, config);
  for (const m of models) m.locale = locale;
  const perPage = models.map((m) => scoredCandidates(m, config));
  // A name found with evidence on one page is a name wherever else it appears in the document.
  if (config.labels.has("PERSON") && !config.disabledBuiltInLabels.has("PERSON")) {
    const extra = propagateNames(models, perPage, thresholdOf(config, "PERSON"));
    extra.forEach((list, i) => perPage[i]!.push(...list));
  }
  return models.flatMap((m, i) => toFindings(m, perPage[i]!, config));
}

/**
 * Find PII on the pages of one document: infer the document's locale once, run every enabled
 * recogniser, lower scores of low-confidence OCR words, carry names found with evidence to their other
 * occurrences, drop candidates under their label's threshold, resolve overlaps, map spans to per-line boxes, apply keyword
 * exclusions last, and return findings in page then reading order. Pure: same input, same output.
 * @throws DetectionConfigError (DETECTION_CONFIG_INVALID) when `config` is not valid.
 */
export function detect(pages: PageInput[], config: DetectionConfigInput | DetectionConfig = {}): Finding[] {
  const resolved = isResolved(config) ? config : resolveDetectionConfig(config);
  return detectModels([...pages].sort((a, b) => a.page - b.page).map((p) => buildTextModel(p)), resolved);
}
