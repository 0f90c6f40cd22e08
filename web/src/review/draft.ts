/**
 * The reviewer's undecided work on one job: which findings they rejected, which areas they drew, which
 * words they keep visible. Pure: a reducer and the questions the screen asks of a draft; no DOM, no
 * storage (web/src/hooks/useReviewDraft.ts keeps it in sessionStorage). Unit-tested in
 * test/unit/web/review/draft.test.ts.
 */
import type { Detection, ManualArea, RedactionBody } from "../api/redaction";
import { clampRect, type Rect } from "../viewer/coords";

export interface Draft {
  rejected: string[];
  areas: ManualArea[];
  exclusions: string[];
}

export const EMPTY_DRAFT: Draft = { rejected: [], areas: [], exclusions: [] };

export type DraftAction =
  | { type: "setRejected"; ids: string[]; reject: boolean }
  | { type: "addArea"; area: ManualArea }
  | { type: "updateArea"; index: number; rect: Rect }
  | { type: "removeArea"; index: number }
  | { type: "addExclusion"; word: string }
  | { type: "removeExclusion"; word: string }
  | { type: "reset" };

export function draftReducer(d: Draft, a: DraftAction): Draft {
  switch (a.type) {
    case "setRejected": {
      const s = new Set(d.rejected);
      for (const id of a.ids) {
        if (a.reject) s.add(id);
        else s.delete(id);
      }
      return { ...d, rejected: [...s] };
    }
    case "addArea":
      return { ...d, areas: [...d.areas, a.area] };
    case "updateArea":
      if (!d.areas[a.index]) return d;
      return { ...d, areas: d.areas.map((x, i) => (i === a.index ? { ...x, ...a.rect } : x)) };
    case "removeArea":
      return { ...d, areas: d.areas.filter((_, i) => i !== a.index) };
    case "addExclusion": {
      const w = a.word.trim();
      return w && !d.exclusions.includes(w) ? { ...d, exclusions: [...d.exclusions, w] } : d;
    }
    case "removeExclusion":
      return { ...d, exclusions: d.exclusions.filter((x) => x !== a.word) };
    case "reset":
      return EMPTY_DRAFT;
  }
}

/** A stored draft (JSON) back to a Draft; anything broken or missing counts as nothing decided. */
export function parseDraft(raw: string | null): Draft {
  if (!raw) return EMPTY_DRAFT;
  try {
    const d = JSON.parse(raw) as Partial<Draft> | null;
    if (!d || typeof d !== "object") return EMPTY_DRAFT;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    const areas = Array.isArray(d.areas) ? d.areas.filter(isArea) : [];
    return { rejected: strings(d.rejected), areas, exclusions: strings(d.exclusions) };
  } catch {
    return EMPTY_DRAFT;
  }
}

function isArea(v: unknown): v is ManualArea {
  if (!v || typeof v !== "object") return false;
  const a = v as Record<string, unknown>;
  return ["page", "x", "y", "width", "height"].every((k) => typeof a[k] === "number" && Number.isFinite(a[k])) && typeof a.label === "string";
}

export const draftKey = (jobId: string) => `docmill.review.${jobId}`;

/** True when a keyword exclusion keeps the finding visible (case-insensitive substring, as the server matches). */
export function matchesExclusion(d: Pick<Detection, "text">, words: string[]): boolean {
  const t = d.text.toLowerCase();
  return words.some((w) => w && t.includes(w.toLowerCase()));
}

/** Rejected by hand or by an exclusion: the finding stays visible in the output. */
export function isRejected(d: Pick<Detection, "id" | "text">, draft: Draft): boolean {
  return draft.rejected.includes(d.id) || matchesExclusion(d, draft.exclusions);
}

/**
 * What a click on a finding means: flip it, or (accepting one an exclusion keeps visible) refuse and say
 * why. `message` is what the screen reader hears.
 */
export function toggleOutcome(d: Pick<Detection, "id" | "text" | "label">, draft: Draft): { action: DraftAction | null; message: string } {
  const reject = !isRejected(d, draft);
  if (!reject && matchesExclusion(d, draft.exclusions)) {
    return { action: null, message: `${d.text} is excluded by a keyword; remove the exclusion to redact it.` };
  }
  return {
    action: { type: "setRejected", ids: [d.id], reject },
    message: `${d.label} ${d.text}: ${reject ? "rejected, will stay visible" : "accepted, will be redacted"}`,
  };
}

/** A new drawn area on a page, kept inside it; an empty label means the manual label. */
export function newArea(page: number, label: string, r: Rect, size: { width: number; height: number }): ManualArea {
  return { page, label: label || "MANUAL", ...clampRect(r, size) };
}

/** The body of POST /v1/jobs/:id/redaction: every finding either accepted or rejected, and the drawn areas. */
export function redactionBody(detections: Array<Pick<Detection, "id" | "text">>, draft: Draft): RedactionBody {
  const accept: string[] = [];
  const reject: string[] = [];
  for (const d of detections) (isRejected(d, draft) ? reject : accept).push(d.id);
  return { accept, reject, areas: draft.areas };
}

/** Findings grouped by label, labels in alphabetical order, each group in the result's order. */
export function groupByLabel<T extends Pick<Detection, "label">>(detections: T[]): Array<[string, T[]]> {
  const m = new Map<string, T[]>();
  for (const d of detections) {
    const g = m.get(d.label);
    if (g) g.push(d);
    else m.set(d.label, [d]);
  }
  return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}
