/** What finishJob keeps on the job document and what goes to the results record (kernel/jobs/results.ts). */
import { detach } from "../../../../kernel/jobs/results";

describe("detach", () => {
  it("moves findings and scanWords to the record and keeps the rest with a reference and counts", () => {
    const findings = [
      { id: "f1", label: "EMAIL_ADDRESS", text: "a@example.com" },
      { id: "f2", label: "EMAIL_ADDRESS", text: "b@example.com" },
      { id: "f3", label: "PHONE_NUMBER", text: "+1 555 0100" },
    ];
    const result = { phase: "detection", pageCount: 2, pages: [{ page: 1 }, { page: 2 }], findings, labels: ["EMAIL_ADDRESS"], scanWords: { 2: "words" } };
    const { kept, ref, record } = detach("job-1", 3, result);
    expect(kept).toEqual({ phase: "detection", pageCount: 2, pages: [{ page: 1 }, { page: 2 }], labels: ["EMAIL_ADDRESS"] });
    expect(ref).toEqual({ id: "job-1:3", findings: 3, labels: { EMAIL_ADDRESS: 2, PHONE_NUMBER: 1 } });
    expect(record).toMatchObject({ _id: "job-1:3", jobId: "job-1", result });
    expect(record!.result).toBe(result);
  });

  it("leaves results without those parts (tagging, a redaction report, nothing) on the document", () => {
    for (const r of [{ phase: "redaction", verification: { leaks: 0 } }, { tags: ["a"] }, null, undefined, "text", [1, 2]]) {
      const { kept, ref, record } = detach("job-2", 1, r);
      expect(kept).toEqual(r ?? null);
      expect(ref).toBeNull();
      expect(record).toBeNull();
    }
  });

  it("counts a result whose scanWords came without findings as zero findings", () => {
    const { kept, ref } = detach("job-3", 1, { phase: "detection", scanWords: {} });
    expect(kept).toEqual({ phase: "detection" });
    expect(ref).toEqual({ id: "job-3:1", findings: 0, labels: {} });
  });
});
