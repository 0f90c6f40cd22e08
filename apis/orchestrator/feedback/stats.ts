/**
 * Review feedback (issue 18): what reviewers did with each finding, and what it says about detection.
 * Pure: the service loads the stored reviews and the default configuration, this computes.
 *
 * Precision per label and per recogniser = accepted / (accepted + rejected) over the findings of real
 * reviews (a finding the reviewer kept is a true positive; one they rejected, a false positive; what
 * they drew by hand is a miss, counted but outside precision). A term "rejected again and again" is a
 * finding text rejected in at least `minJobs` different jobs. Terms are document text: only admins see
 * them (GET /v1/detection-stats) and they are never logged or written to the audit log.
 */
import { createHash } from "node:crypto";
import type { DetectionStats, PrecisionRow } from "../../../shared/wire/feedback";

/** `feedback.record`'s params (services/feedback.service.ts). */
export interface RecordFeedbackParams {
  jobId: string;
  reviewerId: string;
  /** ISO time of the review. */
  at: string;
  manualAreas?: number;
  findings: FeedbackFinding[];
}

export interface FeedbackFinding {
  findingId: string;
  label: string;
  recognizer: string;
  accepted: boolean;
  score?: number;
  /** Only for a rejected finding: its text, normalised (trimmed, spaces collapsed, lower case). */
  term?: string | null;
  /**
   * SHA-256 (16 hex) of the normalised text, for every finding: tells how often a rejected term was kept
   * elsewhere without storing the text of what reviewers kept (that is the personal data itself).
   */
  termHash?: string | null;
}

export interface ReviewFeedback {
  jobId: string;
  reviewerId: string;
  at: Date;
  findings: FeedbackFinding[];
  manualAreas: number;
}

// The statistics' wire shape is shared with the web app (shared/wire/feedback.ts).
export type { DetectionStats, DetectionStatsResponse, PrecisionRow, RejectedTerm } from "../../../shared/wire/feedback";

export function termHash(normalised: string): string {
  return createHash("sha256").update(normalised).digest("hex").slice(0, 16);
}

/** How a term is compared and stored: the exclusion matcher compares case-insensitively with spaces collapsed. */
export function normaliseTerm(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

const ratio = (a: number, r: number) => (a + r ? Math.round((a / (a + r)) * 1000) / 1000 : null);

function rows(map: Map<string, { a: number; r: number }>): PrecisionRow[] {
  return [...map.entries()]
    .map(([key, v]) => ({ key, accepted: v.a, rejected: v.r, precision: ratio(v.a, v.r) }))
    .sort((x, y) => (x.precision ?? 1) - (y.precision ?? 1) || y.rejected - x.rejected || x.key.localeCompare(y.key));
}

/** Words already excluded (whole-text exclusions) in a detection configuration. */
export function excludedTerms(configuration: unknown): Set<string> {
  const out = new Set<string>();
  const list = (configuration as { keywordExclusions?: unknown } | null)?.keywordExclusions;
  if (!Array.isArray(list)) return out;
  for (const ex of list as Array<{ excludedKeywords?: unknown; partialMatch?: unknown }>) {
    if (ex?.partialMatch === true || !Array.isArray(ex?.excludedKeywords)) continue;
    for (const k of ex.excludedKeywords) if (typeof k === "string") out.add(normaliseTerm(k));
  }
  return out;
}

export function detectionStats(reviews: ReviewFeedback[], opts: { excluded: Set<string>; minJobs?: number; maxTerms?: number; label?: string }): DetectionStats {
  const byLabel = new Map<string, { a: number; r: number }>();
  const byRec = new Map<string, { a: number; r: number }>();
  const terms = new Map<string, { labels: Map<string, number>; recs: Set<string>; rejections: number; jobs: Set<string>; last: Date }>();
  let accepted = 0;
  let rejected = 0;
  let manual = 0;
  for (const rv of reviews) {
    manual += rv.manualAreas ?? 0;
    for (const f of rv.findings) {
      if (opts.label && f.label !== opts.label) continue;
      const bump = (m: Map<string, { a: number; r: number }>, k: string) => {
        const v = m.get(k) ?? { a: 0, r: 0 };
        if (f.accepted) v.a++;
        else v.r++;
        m.set(k, v);
      };
      bump(byLabel, f.label);
      bump(byRec, f.recognizer || "unknown");
      if (f.accepted) accepted++;
      else rejected++;
      if (!f.accepted && f.term) {
        const t = terms.get(f.term) ?? { labels: new Map(), recs: new Set(), rejections: 0, jobs: new Set(), last: rv.at };
        t.labels.set(f.label, (t.labels.get(f.label) ?? 0) + 1);
        t.recs.add(f.recognizer);
        t.rejections++;
        t.jobs.add(rv.jobId);
        if (rv.at > t.last) t.last = rv.at;
        terms.set(f.term, t);
      }
    }
  }
  // How often the same text was kept elsewhere: a term often accepted is not safe to exclude.
  const acceptedTexts = new Map<string, number>();
  for (const rv of reviews) for (const f of rv.findings) if (f.accepted && f.termHash) acceptedTexts.set(f.termHash, (acceptedTexts.get(f.termHash) ?? 0) + 1);
  const minJobs = opts.minJobs ?? 2;
  const rejectedTerms = [...terms.entries()]
    .filter(([, t]) => t.jobs.size >= minJobs)
    .map(([term, t]) => ({
      term,
      labels: [...t.labels.entries()].sort((a, b) => b[1] - a[1]).map(([l]) => l),
      recognizers: [...t.recs].sort(),
      rejections: t.rejections,
      jobs: t.jobs.size,
      accepted: acceptedTexts.get(termHash(term)) ?? 0,
      lastRejectedAt: t.last.toISOString(),
      excluded: opts.excluded.has(term),
    }))
    .sort((a, b) => b.jobs - a.jobs || b.rejections - a.rejections || a.term.localeCompare(b.term))
    .slice(0, opts.maxTerms ?? 50);
  return {
    reviews: reviews.length,
    findings: accepted + rejected,
    accepted,
    rejected,
    manualAreas: manual,
    precision: ratio(accepted, rejected),
    byLabel: rows(byLabel),
    byRecognizer: rows(byRec),
    rejectedTerms,
  };
}

/** The ids of the findings the reviewer's areas came from. */
export function acceptedIds(areas: Array<{ source: string; findingId?: string }>): Set<string> {
  return new Set(areas.filter((a) => a.source === "detection" && a.findingId).map((a) => a.findingId as string));
}

/**
 * The feedback of one submitted review: every finding of the detection result, accepted when one of the
 * reviewer's areas came from it. The text is kept for rejected findings only (what the term list needs).
 */
export function feedbackOfReview(
  findings: Array<{ id: string; label: string; recognizer?: string; score?: number; text?: string }>,
  areas: Array<{ source: string; findingId?: string }> | ReadonlySet<string>,
): FeedbackFinding[] {
  const kept = areas instanceof Set ? areas : acceptedIds(areas as Array<{ source: string; findingId?: string }>);
  return findings.map((f) => {
    const accepted = kept.has(f.id);
    const norm = f.text ? normaliseTerm(f.text).slice(0, 200) : null;
    return {
      findingId: f.id,
      label: f.label,
      recognizer: f.recognizer ?? "unknown",
      accepted,
      score: f.score,
      term: accepted ? null : norm,
      termHash: norm ? termHash(norm) : null,
    };
  });
}
