import type { DetectionConfig } from "../config";
import { boost, hasContext } from "../context";
import type { TextModel } from "../text-model";
import type { Candidate } from "../types";
import { matches } from "./recognizer";

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Matches of the configured pattern recognisers (user regexes run on the linear-time engine, see safe-regex.ts). */
export function runPatternRecognizers(model: TextModel, config: DetectionConfig): Candidate[] {
  const out: Candidate[] = [];
  for (const rec of config.patternRecognizers) {
    if (!config.labels.has(rec.label)) continue;
    for (const p of rec.patterns) {
      for (const m of p.regex.matchAll(model.text)) {
        const start = m.index;
        const end = start + m[0].length;
        out.push({
          start,
          end,
          label: rec.label,
          score: boost(p.score, hasContext(model, start, end, rec.contextWords)),
          recognizer: rec.name,
          strength: "validated",
        });
      }
    }
  }
  return out;
}

/**
 * Matches of the configured keyword recognisers (denylists). Case-sensitive as in the vendor's
 * product; exact mode needs whole tokens, partial mode matches anywhere. Spaces inside a keyword match
 * any whitespace, so "John Smith" is found across a line break too.
 */
export function runKeywordRecognizers(model: TextModel, config: DetectionConfig): Candidate[] {
  const out: Candidate[] = [];
  for (const rec of config.keywordRecognizers) {
    if (!config.labels.has(rec.label)) continue;
    const body = [...rec.keywords]
      .sort((a, b) => b.length - a.length)
      .map((k) => escape(k.trim()).replace(/\s+/g, "\\s+"))
      .join("|");
    const re = rec.partialMatch ? new RegExp(`(?:${body})`, "gu") : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${body})(?![\\p{L}\\p{N}_])`, "gu");
    for (const m of matches(re, model.text)) {
      out.push({ start: m.index, end: m.index + m[0].length, label: rec.label, score: rec.score, recognizer: rec.name, strength: "validated" });
    }
  }
  return out;
}
