/** The per-page arithmetic of applying a redaction (page-plan.ts), run in a compute thread by apply.ts. */
import { closeComputePool, runOffLoop } from "../../../../../sdk/compute/pool";
import type { Word } from "../../../../../sdk";
import type { RedactionArea } from "../../../../../plugins/redaction/redact/geometry";
import { planPage, type PagePlan } from "../../../../../plugins/redaction/redact/page-plan";

afterAll(() => closeComputePool());

const w = (text: string, x: number, y = 10): Word => ({ text, box: { x, y, width: 30, height: 10 } });
const area = (x: number, text?: string, y = 9): RedactionArea => ({ page: 2, box: { x, y, width: 32, height: 12 }, label: "EMAIL_ADDRESS", source: "detection", ...(text ? { text } : {}) });

describe("planPage", () => {
  it("a text page: the words an area touches go, the covered words and the finding's text are secrets, kept copies allowed", () => {
    const words = [w("Contact", 0), w("jane@example.org", 40), w("or", 80), w("jane@example.org", 120), w("today", 160)];
    const plan = planPage({ page: 2, words, areas: [area(39, "jane@example.org")], coveredWords: true, keepWords: false });
    expect(plan).toEqual({
      kept: null,
      keptCount: 4,
      droppedCount: 1,
      // The reviewer left the second copy visible: one occurrence may stay.
      secrets: { page: 2, strings: ["jane@example.org"], allowed: { "jane@example.org": 1 }, unchecked: 0 },
    });
  });

  it("a scan: OCR words over its own text layer are not counted twice, the kept words come back for its text layer", () => {
    const ocr = [w("Page", 0), w("7", 40), w("Secret", 80), w("Kept", 120)];
    const plan = planPage({ page: 2, words: ocr, textWords: [w("7", 40)], areas: [area(79)], coveredWords: false, keepWords: true });
    expect(plan.kept!.map((x) => x.text)).toEqual(["Page", "Kept"]);
    expect({ keptCount: plan.keptCount, droppedCount: plan.droppedCount }).toEqual({ keptCount: 2, droppedCount: 1 });
    // Words read on the redacted output are not secrets (coveredWords false) and the area has no text.
    expect(plan.secrets).toEqual({ page: 2, strings: [], allowed: {}, unchecked: 0 });
  });

  it("gives the same plan in a compute thread as inline (what apply.ts runs)", async () => {
    const words = Array.from({ length: 400 }, (_, i) => w(`word${i}@example.org`, (i % 10) * 50, 10 + Math.floor(i / 10) * 12));
    const areas = Array.from({ length: 40 }, (_, i) => ({ ...area((i % 5) * 100, `word${i * 10}@example.org`, 9 + i * 12) }));
    const input = { page: 2, words, areas, coveredWords: true, keepWords: true };
    const off = await runOffLoop<PagePlan>(require.resolve("../../../../../plugins/redaction/redact/page-plan"), "planPage", [input]);
    expect(off).toEqual(planPage(input));
    expect(off.droppedCount).toBeGreaterThan(30);
  });
});
