/**
 * Turns the reviewer's redaction request into the list of areas the redaction plugin applies, checking
 * it against the job's detection result. Two shapes are accepted:
 *
 *   { accept?: [findingId], reject?: [findingId], areas?: [{page, x, y, width, height, label?}] }
 *   { redactions: [ {id} | {findingId} | {page, x, y, width, height, label?} ] }   (the Manager's shape)
 *
 * Semantics of the first: with `accept`, exactly those findings are redacted; without it, every finding
 * not in `reject`. `areas` are added by hand. With `redactions`, exactly the listed entries are redacted.
 * Every problem is reported with its field (`accept[2]`, `areas[0].width`), as a 400. Pure, but made a
 * slice at a time: the plan has an area per accepted finding, and for the 58,717 findings of a 100-page
 * fine-print directory building it in one step held the event loop the gateway shares (embedded shape)
 * for 60 to 90 ms, 0.2 s on a loaded machine, growing with the document (issue 14).
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { validationError, type FieldError } from "../../kernel/errors";
import type { ReviewArea } from "../../plugins/redaction/contract";
import type { Unchecked } from "../../kernel/call";
import type { Detection, DetectionPage, DetectionResult } from "../../shared/wire/detections";
import type { RedactionRequest } from "../../shared/wire/redaction";

/** What planning a review reads of the detections file (the wire DetectionResult, shared/wire/detections.ts). */
export type DetectionView = Pick<DetectionResult, "pageCount" | "labels"> & {
  pages: Array<Pick<DetectionPage, "page" | "width" | "height">>;
  findings: Array<Pick<Detection, "id" | "label" | "page" | "boxes">>;
};

/** One area of the reviewer's list: the plugin's own resume input shape. */
export type PlannedArea = ReviewArea;

export interface ReviewPlan {
  areas: PlannedArea[];
  acceptedFindings: number;
  rejectedFindings: number;
  manualAreas: number;
}

const MAX_ENTRIES = 10_000;
const TOLERANCE = 0.5;

/** Longest stretch of planning on the event loop before it is let go (as sdk/compute/pieces.ts). */
const SLICE_MS = 8;

/** Runs `fn` on each item in order, letting the event loop go once SLICE_MS have passed. */
async function eachInSlices<T>(items: Iterable<T>, fn: (item: T, i: number) => void): Promise<void> {
  let since = performance.now();
  let i = 0;
  for (const item of items) {
    fn(item, i++);
    if (performance.now() - since >= SLICE_MS) {
      await nextTurn();
      since = performance.now();
    }
  }
}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The request as received: the wire's keys (and the vendor's `redactions`), values not checked yet. */
type Body = Unchecked<RedactionRequest> & { redactions?: unknown };

function idList(body: Body, key: "accept" | "reject", errors: FieldError[]): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    errors.push({ field: key, message: `${key} must be an array of finding ids`, kind: "array" });
    return [];
  }
  if (v.length > MAX_ENTRIES) errors.push({ field: key, message: `${key} has more than ${MAX_ENTRIES} entries`, kind: "arrayMax" });
  return v.map((id, i) => {
    if (typeof id !== "string" || !id) errors.push({ field: `${key}[${i}]`, message: "must be a finding id (string)", kind: "string" });
    return String(id);
  });
}

function manualArea(raw: unknown, field: string, det: DetectionView, defaultLabel: string, errors: FieldError[]): PlannedArea | undefined {
  if (!isObject(raw)) {
    errors.push({ field, message: "must be an object {page, x, y, width, height, label?}", kind: "object" });
    return undefined;
  }
  const before = errors.length;
  const num = (k: string) => {
    const v = raw[k];
    if (typeof v !== "number" || !Number.isFinite(v)) errors.push({ field: `${field}.${k}`, message: `${k} must be a number (PDF points)`, kind: "number" });
    return v as number;
  };
  const page = raw.page;
  if (typeof page !== "number" || !Number.isInteger(page)) errors.push({ field: `${field}.page`, message: "page must be an integer (1-based)", kind: "number" });
  const [x, y, width, height] = ["x", "y", "width", "height"].map(num) as [number, number, number, number];
  let label = defaultLabel;
  if (raw.label !== undefined && raw.label !== null) {
    if (typeof raw.label !== "string" || !det.labels.includes(raw.label)) {
      errors.push({ field: `${field}.label`, message: `Unknown label "${String(raw.label)}": use one of ${det.labels.join(", ")}`, kind: "enum" });
    } else label = raw.label;
  }
  if (errors.length > before) return undefined;
  const info = det.pages.find((p) => p.page === page);
  if (!info) {
    errors.push({ field: `${field}.page`, message: `Page ${page} does not exist: the document has ${det.pageCount} pages`, kind: "range" });
    return undefined;
  }
  if (width <= 0 || height <= 0) {
    errors.push({ field, message: "width and height must be greater than 0", kind: "range" });
    return undefined;
  }
  if (x < -TOLERANCE || y < -TOLERANCE || x + width > info.width + TOLERANCE || y + height > info.height + TOLERANCE) {
    errors.push({
      field,
      message: `The box lies outside page ${page} (${info.width.toFixed(2)} x ${info.height.toFixed(2)} pt; origin top-left)`,
      kind: "range",
    });
    return undefined;
  }
  return { page: page as number, x, y, width, height, label, source: "manual" };
}

/** The areas of the chosen findings, in the detection result's order of the ids given. */
async function findingAreas(byId: Map<string, DetectionView["findings"][number]>, ids: Iterable<string>): Promise<PlannedArea[]> {
  const out: PlannedArea[] = [];
  await eachInSlices(ids, (id) => {
    const f = byId.get(id)!;
    for (const b of f.boxes) out.push({ page: f.page, ...b, label: f.label, source: "detection", findingId: f.id });
  });
  return out;
}

export async function planReview(body: unknown, det: DetectionView, manualLabel = "MANUAL"): Promise<ReviewPlan> {
  const b: Body = isObject(body) ? body : {};
  const errors: FieldError[] = [];
  const byId = new Map<string, DetectionView["findings"][number]>();
  await eachInSlices(det.findings, (f) => byId.set(f.id, f));
  const checkKnown = (ids: string[] | undefined, key: keyof RedactionRequest) =>
    eachInSlices(ids ?? [], (id, i) => {
      if (typeof id === "string" && id && !byId.has(id)) errors.push({ field: `${key}[${i}]`, message: `Unknown finding id "${id}"`, kind: "unknown" });
    });

  if (b.redactions !== undefined && b.redactions !== null) {
    if (!Array.isArray(b.redactions)) throw validationError([{ field: "redactions", message: "redactions must be an array", kind: "array" }]);
    if (b.redactions.length > MAX_ENTRIES) throw validationError([{ field: "redactions", message: `redactions has more than ${MAX_ENTRIES} entries`, kind: "arrayMax" }]);
    const ids = new Set<string>();
    const manual: PlannedArea[] = [];
    await eachInSlices(b.redactions, (r, i) => {
      const id = isObject(r) ? (r.id ?? r.findingId) : undefined;
      if (typeof id === "string") {
        if (!byId.has(id)) errors.push({ field: `redactions[${i}]`, message: `Unknown finding id "${id}"`, kind: "unknown" });
        else ids.add(id);
        return;
      }
      const a = manualArea(r, `redactions[${i}]`, det, manualLabel, errors);
      if (a) manual.push(a);
    });
    if (errors.length) throw validationError(errors);
    return { areas: [...(await findingAreas(byId, ids)), ...manual], acceptedFindings: ids.size, rejectedFindings: det.findings.length - ids.size, manualAreas: manual.length };
  }

  const accept = idList(b, "accept", errors);
  const reject = idList(b, "reject", errors);
  await checkKnown(accept, "accept");
  await checkKnown(reject, "reject");
  const rejected = new Set(reject ?? []);
  await eachInSlices(accept ?? [], (id, i) => {
    if (rejected.has(id)) errors.push({ field: `accept[${i}]`, message: `Finding "${id}" is both accepted and rejected`, kind: "conflict" });
  });
  const manual: PlannedArea[] = [];
  if (b.areas !== undefined && b.areas !== null) {
    if (!Array.isArray(b.areas)) errors.push({ field: "areas", message: "areas must be an array", kind: "array" });
    else if (b.areas.length > MAX_ENTRIES) errors.push({ field: "areas", message: `areas has more than ${MAX_ENTRIES} entries`, kind: "arrayMax" });
    else await eachInSlices(b.areas, (r, i) => {
      const a = manualArea(r, `areas[${i}]`, det, manualLabel, errors);
      if (a) manual.push(a);
    });
  }
  if (errors.length) throw validationError(errors);
  let chosen: Set<string>;
  if (accept) chosen = new Set(accept);
  else {
    chosen = new Set();
    await eachInSlices(det.findings, (f) => {
      if (!rejected.has(f.id)) chosen.add(f.id);
    });
  }
  return {
    areas: [...(await findingAreas(byId, chosen)), ...manual],
    acceptedFindings: chosen.size,
    rejectedFindings: det.findings.length - chosen.size,
    manualAreas: manual.length,
  };
}
