import { boxSetIou, score } from "../../../../../plugins/redaction/detect/evaluate";
import type { Box, Finding } from "../../../../../plugins/redaction/detect/types";

const box = (x: number, y = 0, width = 10, height = 10): Box => ({ x, y, width, height });
const finding = (label: string, text: string, boxes: Box[] = [box(0)], page = 1): Finding => ({
  id: `${label}:${text}`,
  label,
  text,
  page,
  boxes,
  score: 0.9,
  source: "text",
  recognizer: "test",
});

describe("score", () => {
  it("computes per-label precision, recall and F1", () => {
    const findings = [finding("EMAIL_ADDRESS", "a@x.com"), finding("EMAIL_ADDRESS", "b@x.com"), finding("PERSON", "Jane Doe")];
    const truth = [
      { page: 1, label: "EMAIL_ADDRESS", text: "a@x.com" },
      { page: 1, label: "PERSON", text: "Jane  DOE" },
      { page: 1, label: "PERSON", text: "John Roe" },
    ];
    const r = score(findings, truth);
    expect(r.labels.EMAIL_ADDRESS).toEqual({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1, f1: 2 / 3 });
    expect(r.labels.PERSON).toEqual({ tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5, f1: 2 / 3 });
    expect(r.overall).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(r.overall.precision).toBeCloseTo(2 / 3);
    expect(r.macroF1).toBeCloseTo(2 / 3);
  });

  it("does not count a finding with the right text but the wrong label or page", () => {
    const r = score([finding("PERSON", "Jane", [box(0)], 2), finding("ORGANISATION", "Jane")], [{ page: 1, label: "PERSON", text: "Jane" }]);
    expect(r.labels.PERSON).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(r.labels.ORGANISATION).toMatchObject({ tp: 0, fp: 1, fn: 0, precision: 0, recall: 1, f1: 0 });
  });

  it("matches one truth item with one finding only, so duplicates are false positives", () => {
    const r = score([finding("SSN", "123-45-6789"), finding("SSN", "123-45-6789")], [{ page: 1, label: "SSN", text: "123-45-6789" }]);
    expect(r.labels.SSN).toMatchObject({ tp: 1, fp: 1, fn: 0 });
  });

  it("matches by box overlap when asked to", () => {
    const f = [finding("PERSON", "J. Doe", [box(0, 0, 10, 10)])];
    const truth = [{ page: 1, label: "PERSON", text: "Jane Doe", boxes: [box(1, 0, 10, 10)] }];
    expect(score(f, truth, { match: "text" }).labels.PERSON).toMatchObject({ tp: 0 });
    expect(score(f, truth, { match: "box" }).labels.PERSON).toMatchObject({ tp: 1 });
    expect(score(f, truth, { match: "box", iou: 0.9 }).labels.PERSON).toMatchObject({ tp: 0 });
    expect(score(f, truth).labels.PERSON).toMatchObject({ tp: 1 });
  });

  it("gives perfect scores for nothing expected and nothing found", () => {
    expect(score([], [])).toEqual({ labels: {}, overall: { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 }, macroF1: 0 });
  });

  it("gives zero recall when everything was missed", () => {
    expect(score([], [{ page: 1, label: "IBAN", text: "x" }]).labels.IBAN).toEqual({ tp: 0, fp: 0, fn: 1, precision: 1, recall: 0, f1: 0 });
  });
});

describe("boxSetIou", () => {
  it("is 1 for identical sets, 0 for disjoint ones and partial in between", () => {
    expect(boxSetIou([box(0)], [box(0)])).toBe(1);
    expect(boxSetIou([box(0)], [box(50)])).toBe(0);
    expect(boxSetIou([box(0)], [box(5)])).toBeCloseTo(50 / 150);
    expect(boxSetIou([box(0), box(0, 20)], [box(0)])).toBeCloseTo(0.5);
  });
});
