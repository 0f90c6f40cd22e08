import type { Box, Finding } from "./types";

/** One expected entity. Give `text`, `boxes` or both; how they are compared is set by ScoreOptions.match. */
export interface TruthItem {
  page: number;
  label: string;
  text?: string;
  boxes?: Box[];
}

export interface ScoreOptions {
  /**
   * "text": same page, label and text (case and whitespace ignored); "box": same page and label and
   * box intersection-over-union >= `iou`; "textOrBox" (default): either.
   */
  match?: "text" | "box" | "textOrBox";
  iou?: number;
}

export interface LabelScore {
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fp); 1 when nothing was predicted (no false positive was made). */
  precision: number;
  /** tp / (tp + fn); 1 when nothing was expected (nothing was missed). */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
}

export interface EvaluationReport {
  /** Per label, every label seen in findings or truth. */
  labels: Record<string, LabelScore>;
  /** All labels pooled (micro average). */
  overall: LabelScore;
  /** Unweighted mean of per-label F1 (0 with no labels). */
  macroF1: number;
}

function norm(s: string): string {
  return s.replace(/\s+/g, " ").trim().toLowerCase();
}

function area(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** IoU of two sets of boxes (boxes within one set are assumed not to overlap each other). */
export function boxSetIou(a: Box[], b: Box[]): number {
  let inter = 0;
  for (const x of a) for (const y of b) inter += intersection(x, y);
  const union = a.reduce((s, x) => s + area(x), 0) + b.reduce((s, y) => s + area(y), 0) - inter;
  return union > 0 ? inter / union : 0;
}

function metrics(tp: number, fp: number, fn: number): LabelScore {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/**
 * Precision, recall and F1 per label of `findings` against `truth`. Matching is one-to-one: each
 * truth item takes at most one finding (text matches are preferred over box matches), so a duplicate
 * finding counts as a false positive.
 */
export function score(findings: readonly Finding[], truth: readonly TruthItem[], options: ScoreOptions = {}): EvaluationReport {
  const mode = options.match ?? "textOrBox";
  const iou = options.iou ?? 0.5;
  const used = new Set<number>();
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (label: string, k: "tp" | "fp" | "fn") => {
    const c = counts.get(label) ?? { tp: 0, fp: 0, fn: 0 };
    c[k]++;
    counts.set(label, c);
  };
  const textMatch = (f: Finding, t: TruthItem) => t.text !== undefined && norm(f.text) === norm(t.text);
  const boxMatch = (f: Finding, t: TruthItem) => t.boxes !== undefined && boxSetIou(f.boxes, t.boxes) >= iou;

  for (const t of truth) {
    const candidates = findings.map((f, i) => ({ f, i })).filter(({ f, i }) => !used.has(i) && f.page === t.page && f.label === t.label);
    let hit = mode !== "box" ? candidates.find(({ f }) => textMatch(f, t)) : undefined;
    if (!hit && mode !== "text") hit = candidates.find(({ f }) => boxMatch(f, t));
    if (hit) {
      used.add(hit.i);
      bump(t.label, "tp");
    } else bump(t.label, "fn");
  }
  findings.forEach((f, i) => {
    if (!used.has(i)) bump(f.label, "fp");
  });

  const labels: Record<string, LabelScore> = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const label of [...counts.keys()].sort()) {
    const c = counts.get(label)!;
    labels[label] = metrics(c.tp, c.fp, c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  const f1s = Object.values(labels).map((l) => l.f1);
  return {
    labels,
    overall: metrics(tp, fp, fn),
    macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
  };
}
