/** Detection statistics from review feedback: precision per label and recogniser, repeated rejections. */
import { detectionStats, excludedTerms, feedbackOfReview, normaliseTerm, type ReviewFeedback } from "../../../../../apis/orchestrator/feedback/stats";

const review = (jobId: string, findings: Array<[label: string, recognizer: string, accepted: boolean, text: string]>, at = "2026-12-01T10:00:00Z"): ReviewFeedback => ({
  jobId,
  reviewerId: "r1",
  at: new Date(at),
  manualAreas: 1,
  findings: feedbackOfReview(
    findings.map(([label, recognizer, , text], i) => ({ id: `${jobId}-${i}`, label, recognizer, text })),
    [...findings.flatMap(([, , accepted], i) => (accepted ? [{ source: "detection", findingId: `${jobId}-${i}` }] : [])), { source: "manual" }] as Array<{ source: string; findingId?: string }>,
  ),
});

describe("review feedback", () => {
  it("keeps the text of rejected findings only", () => {
    const f = feedbackOfReview([{ id: "a", label: "PERSON", text: "Dr  Watson" }, { id: "b", label: "EMAIL_ADDRESS", text: "j@x.io" }], [{ source: "detection", findingId: "b" }]);
    expect(f).toEqual([
      expect.objectContaining({ findingId: "a", accepted: false, term: "dr watson", termHash: expect.stringMatching(/^[0-9a-f]{16}$/) }),
      expect.objectContaining({ findingId: "b", accepted: true, term: null, termHash: expect.stringMatching(/^[0-9a-f]{16}$/) }),
    ]);
  });

  it("computes precision per label and recogniser and lists terms rejected in several jobs", () => {
    const reviews = [
      review("j1", [["PERSON", "person-heuristic", false, "Baker Street"], ["PERSON", "person-heuristic", true, "John Smith"], ["EMAIL_ADDRESS", "email", true, "a@b.io"]]),
      review("j2", [["PERSON", "person-heuristic", false, "baker  street"], ["PHONE_NUMBER", "phone", false, "2024"]], "2026-12-02T10:00:00Z"),
      review("j3", [["ORGANISATION", "org", false, "Baker Street"], ["PERSON", "person-heuristic", true, "Baker Street"]]),
    ];
    const s = detectionStats(reviews, { excluded: excludedTerms({ keywordExclusions: [{ name: "x", excludedKeywords: ["Baker Street"] }, { name: "y", excludedKeywords: ["2024"], partialMatch: true }] }) });
    expect(s).toMatchObject({ reviews: 3, findings: 7, accepted: 3, rejected: 4, manualAreas: 3, precision: 0.429 });
    expect(s.byLabel).toEqual([
      { key: "ORGANISATION", accepted: 0, rejected: 1, precision: 0 },
      { key: "PHONE_NUMBER", accepted: 0, rejected: 1, precision: 0 },
      { key: "PERSON", accepted: 2, rejected: 2, precision: 0.5 },
      { key: "EMAIL_ADDRESS", accepted: 1, rejected: 0, precision: 1 },
    ]);
    expect(s.byRecognizer.find((r) => r.key === "person-heuristic")).toEqual({ key: "person-heuristic", accepted: 2, rejected: 2, precision: 0.5 });
    // "2024" was rejected in one job only; a partial-match exclusion does not count as excluded.
    expect(s.rejectedTerms).toEqual([
      { term: "baker street", labels: ["PERSON", "ORGANISATION"], recognizers: ["org", "person-heuristic"], rejections: 3, jobs: 3, accepted: 1, lastRejectedAt: "2026-12-02T10:00:00.000Z", excluded: true },
    ]);
    expect(detectionStats(reviews, { excluded: new Set(), minJobs: 1 }).rejectedTerms.map((t) => t.term)).toEqual(["baker street", "2024"]);
    expect(detectionStats(reviews, { excluded: new Set(), label: "EMAIL_ADDRESS" })).toMatchObject({ findings: 1, precision: 1, rejectedTerms: [] });
  });

  it("answers null precision, not NaN, with nothing reviewed", () => {
    expect(detectionStats([], { excluded: new Set() })).toMatchObject({ reviews: 0, precision: null, byLabel: [], rejectedTerms: [] });
    expect(normaliseTerm("  A\tB  ")).toBe("a b");
  });
});
