import { draftKey, draftReducer, EMPTY_DRAFT, groupByLabel, isRejected, matchesExclusion, newArea, parseDraft, redactionBody, toggleOutcome, type Draft, type DraftAction } from "../../../../web/src/review/draft";

const det = (id: string, label: string, text: string, page = 1) => ({ id, label, text, page, score: 0.9, boxes: [{ x: 10, y: 10, width: 50, height: 12 }] });
const ann = det("f1", "PERSON", "Ann Lee");
const acme = det("f2", "ORGANIZATION", "ACME Holdings GmbH");
const mail = det("f3", "EMAIL_ADDRESS", "ann@acme.example", 2);
const run = (actions: DraftAction[], from: Draft = EMPTY_DRAFT) => actions.reduce(draftReducer, from);

describe("review draft reducer", () => {
  it("rejects and accepts findings by id, a whole label at once, without duplicates", () => {
    const d = run([
      { type: "setRejected", ids: ["f1", "f2"], reject: true },
      { type: "setRejected", ids: ["f1"], reject: true },
      { type: "setRejected", ids: ["f2"], reject: false },
    ]);
    expect(d.rejected).toEqual(["f1"]);
    expect(EMPTY_DRAFT.rejected).toEqual([]);
  });

  it("adds, moves and removes drawn areas by index, ignoring an index that is gone", () => {
    const a = { page: 1, label: "MANUAL", x: 1, y: 2, width: 30, height: 10 };
    const b = { page: 2, label: "PERSON", x: 5, y: 5, width: 20, height: 8 };
    let d = run([{ type: "addArea", area: a }, { type: "addArea", area: b }, { type: "updateArea", index: 1, rect: { x: 9, y: 9, width: 21, height: 9 } }]);
    expect(d.areas).toEqual([a, { ...b, x: 9, y: 9, width: 21, height: 9 }]);
    expect(draftReducer(d, { type: "updateArea", index: 7, rect: { x: 0, y: 0, width: 1, height: 1 } })).toBe(d);
    d = draftReducer(d, { type: "removeArea", index: 0 });
    expect(d.areas).toEqual([{ ...b, x: 9, y: 9, width: 21, height: 9 }]);
  });

  it("keeps exclusion words trimmed and once; blank words are ignored", () => {
    const d = run([{ type: "addExclusion", word: "  ACME " }, { type: "addExclusion", word: "ACME" }, { type: "addExclusion", word: "   " }, { type: "addExclusion", word: "Lee" }, { type: "removeExclusion", word: "ACME" }]);
    expect(d.exclusions).toEqual(["Lee"]);
    expect(run([{ type: "addArea", area: { page: 1, label: "M", x: 0, y: 0, width: 1, height: 1 } }, { type: "reset" }])).toEqual(EMPTY_DRAFT);
  });
});

describe("review draft questions", () => {
  it("an exclusion keeps a finding visible case-insensitively, inside longer text", () => {
    expect(matchesExclusion(acme, ["acme"])).toBe(true);
    expect(matchesExclusion(acme, ["ACME Corp"])).toBe(false);
    expect(matchesExclusion(acme, [""])).toBe(false);
    const d = run([{ type: "addExclusion", word: "acme" }]);
    expect([ann, acme, mail].map((x) => isRejected(x, d))).toEqual([false, true, true]);
  });

  it("a click flips a finding, and says so; accepting one an exclusion keeps is refused with the reason", () => {
    const first = toggleOutcome(ann, EMPTY_DRAFT);
    expect(first.action).toEqual({ type: "setRejected", ids: ["f1"], reject: true });
    expect(first.message).toBe("PERSON Ann Lee: rejected, will stay visible");
    const rejected = draftReducer(EMPTY_DRAFT, first.action!);
    expect(toggleOutcome(ann, rejected)).toEqual({ action: { type: "setRejected", ids: ["f1"], reject: false }, message: "PERSON Ann Lee: accepted, will be redacted" });
    const excluded = run([{ type: "addExclusion", word: "ACME" }]);
    expect(toggleOutcome(acme, excluded)).toEqual({ action: null, message: "ACME Holdings GmbH is excluded by a keyword; remove the exclusion to redact it." });
  });

  it("the submitted body names every finding once, accepted or rejected, with the drawn areas", () => {
    const area = { page: 2, label: "MANUAL", x: 1, y: 1, width: 10, height: 10 };
    const d = run([{ type: "setRejected", ids: ["f1"], reject: true }, { type: "addExclusion", word: "acme" }, { type: "addArea", area }]);
    expect(redactionBody([ann, acme, mail], d)).toEqual({ accept: [], reject: ["f1", "f2", "f3"], areas: [area] });
    expect(redactionBody([ann, acme, mail], EMPTY_DRAFT)).toEqual({ accept: ["f1", "f2", "f3"], reject: [], areas: [] });
  });

  it("a new area is kept inside the page and gets the manual label when none is chosen", () => {
    expect(newArea(3, "", { x: 580, y: -20, width: 100, height: 40 }, { width: 612, height: 792 })).toEqual({ page: 3, label: "MANUAL", x: 512, y: 0, width: 100, height: 40 });
    expect(newArea(1, "PERSON", { x: 5, y: 5, width: 10, height: 10 }, { width: 612, height: 792 }).label).toBe("PERSON");
  });

  it("groups findings by label in alphabetical order, keeping the result's order inside a group", () => {
    const later = det("f4", "PERSON", "Bo Ek", 3);
    expect(groupByLabel([ann, mail, acme, later]).map(([label, items]) => [label, items.map((i) => i.id)])).toEqual([
      ["EMAIL_ADDRESS", ["f3"]],
      ["ORGANIZATION", ["f2"]],
      ["PERSON", ["f1", "f4"]],
    ]);
  });
});

describe("stored drafts", () => {
  it("reads back what was stored, per job", () => {
    const d = run([{ type: "setRejected", ids: ["f1"], reject: true }, { type: "addExclusion", word: "ACME" }, { type: "addArea", area: { page: 1, label: "MANUAL", x: 1, y: 2, width: 3, height: 4 } }]);
    expect(parseDraft(JSON.stringify(d))).toEqual(d);
    expect(draftKey("j-1")).not.toBe(draftKey("j-2"));
  });

  it("drops what is broken instead of failing the screen: bad JSON, wrong types, areas without numbers", () => {
    expect(parseDraft(null)).toEqual(EMPTY_DRAFT);
    expect(parseDraft("{not json")).toEqual(EMPTY_DRAFT);
    expect(parseDraft("null")).toEqual(EMPTY_DRAFT);
    expect(parseDraft('"text"')).toEqual(EMPTY_DRAFT);
    expect(
      parseDraft(JSON.stringify({ rejected: ["a", 3, null], exclusions: "ACME", areas: [{ page: 1, label: "M", x: 0, y: 0, width: 5, height: 5 }, { page: "1", label: "M", x: 0, y: 0, width: 5, height: 5 }, { page: 1, x: 0, y: 0, width: 5, height: 5 }, null] })),
    ).toEqual({ rejected: ["a"], exclusions: [], areas: [{ page: 1, label: "M", x: 0, y: 0, width: 5, height: 5 }] });
  });
});
