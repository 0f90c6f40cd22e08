import { planReview, type DetectionView } from "../../../../apis/orchestrator/review";

const det: DetectionView = {
  pageCount: 2,
  pages: [{ page: 1, width: 595, height: 842 }, { page: 2, width: 842, height: 595 }],
  findings: [
    { id: "a", label: "EMAIL_ADDRESS", page: 1, boxes: [{ x: 10, y: 10, width: 100, height: 12 }] },
    { id: "b", label: "PERSON", page: 1, boxes: [{ x: 10, y: 30, width: 50, height: 12 }, { x: 10, y: 44, width: 30, height: 12 }] },
    { id: "c", label: "IBAN", page: 2, boxes: [{ x: 10, y: 10, width: 200, height: 12 }] },
  ],
  labels: ["EMAIL_ADDRESS", "PERSON", "IBAN", "MANUAL"],
};

async function fieldsOf(fn: () => Promise<unknown>): Promise<string[]> {
  try {
    await fn();
  } catch (err) {
    return ((err as { data: { fields: Array<{ field: string }> } }).data.fields).map((f) => f.field);
  }
  throw new Error("no error");
}

describe("the reviewer's list", () => {
  it("redacts every finding when the body is empty", async () => {
    const p = await planReview({}, det);
    expect(p.areas.map((a) => a.findingId)).toEqual(["a", "b", "b", "c"]);
    expect(p).toMatchObject({ acceptedFindings: 3, rejectedFindings: 0, manualAreas: 0 });
  });

  it("redacts all but the rejected findings, plus the hand-drawn areas", async () => {
    const p = await planReview({ reject: ["b"], areas: [{ page: 2, x: 0, y: 0, width: 842, height: 20 }] }, det);
    expect(p.areas.map((a) => [a.source, a.findingId ?? a.label])).toEqual([["detection", "a"], ["detection", "c"], ["manual", "MANUAL"]]);
  });

  it("redacts exactly the accepted findings when accept is given", async () => {
    expect((await planReview({ accept: ["c"] }, det)).areas.map((a) => a.findingId)).toEqual(["c"]);
  });

  it("takes the Manager's redactions list of ids and areas", async () => {
    const p = await planReview({ redactions: [{ id: "a" }, { page: 1, x: 1, y: 1, width: 5, height: 5, label: "PERSON" }] }, det);
    expect(p.areas.map((a) => a.findingId ?? a.label)).toEqual(["a", "PERSON"]);
    expect(p.rejectedFindings).toBe(2);
  });

  it.each([
    [{ accept: ["a", "zz"] }, ["accept[1]"]],
    [{ reject: "a" }, ["reject"]],
    [{ accept: ["a"], reject: ["a"] }, ["accept[0]"]],
    [{ areas: [{ page: 1, x: 500, y: 10, width: 100, height: 10 }] }, ["areas[0]"]],
    [{ areas: [{ page: 2, x: 10, y: 590, width: 10, height: 10 }] }, ["areas[0]"]],
    [{ areas: [{ page: 3, x: 1, y: 1, width: 1, height: 1 }] }, ["areas[0].page"]],
    [{ areas: [{ page: 1, x: "1", y: 1, width: 1, height: 1 }] }, ["areas[0].x"]],
    [{ areas: [{ page: 1, x: 1, y: 1, width: 1, height: 1, label: "SHOE_SIZE" }] }, ["areas[0].label"]],
    [{ areas: [{ page: 1, x: 1, y: 1, width: 0, height: 1 }] }, ["areas[0]"]],
    [{ redactions: [{ id: "nope" }, "x"] }, ["redactions[0]", "redactions[1]"]],
  ])("refuses %j naming %j", async (body, fields) => {
    expect(await fieldsOf(() => planReview(body, det))).toEqual(fields);
  });

  it("plans a directory's 58,717 findings a slice at a time, the same plan as in one piece", async () => {
    const big: DetectionView = {
      ...det,
      pageCount: 100,
      pages: Array.from({ length: 100 }, (_, p) => ({ page: p + 1, width: 612, height: 792 })),
      findings: Array.from({ length: 58_717 }, (_, i) => ({ id: `f${i}`, label: i % 3 === 2 ? "PERSON" : "EMAIL_ADDRESS", page: 1 + (i % 100), boxes: [{ x: i % 500, y: (i % 180) * 4.2, width: 60, height: 4.4 }] })),
    };
    // Timers run while it plans: on the old code the plan was one synchronous step and none could.
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    let p;
    try {
      p = await planReview({ reject: ["f1", "f58716"], areas: [{ page: 100, x: 1, y: 1, width: 5, height: 5 }] }, big);
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0);
    expect(p).toMatchObject({ acceptedFindings: 58_715, rejectedFindings: 2, manualAreas: 1 });
    expect(p.areas).toHaveLength(58_716);
    expect(p.areas[1]).toEqual({ page: 3, x: 2, y: 8.4, width: 60, height: 4.4, label: "PERSON", source: "detection", findingId: "f2" });
    expect(p.areas.at(-1)).toMatchObject({ source: "manual", page: 100, label: "MANUAL" });
    expect(p.areas.filter((a) => a.findingId === "f1" || a.findingId === "f58716")).toEqual([]);
  });
});
