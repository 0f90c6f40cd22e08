import { centredArea, clampPage, overlayCommand, type Selection } from "../../../../web/src/review/keys";

const area: Selection = { kind: "area", index: 2 };
const box: Selection = { kind: "det", id: "f1" };

describe("page overlay keyboard (what its aria-label promises)", () => {
  it("arrows move the selected area 5 points, Alt+arrows 1 point, Shift+arrows resize it", () => {
    expect(overlayCommand({ key: "ArrowDown" }, area)).toEqual({ type: "nudge", index: 2, key: "ArrowDown", mode: "move", step: 5 });
    expect(overlayCommand({ key: "ArrowLeft", altKey: true }, area)).toEqual({ type: "nudge", index: 2, key: "ArrowLeft", mode: "move", step: 1 });
    expect(overlayCommand({ key: "ArrowRight", shiftKey: true }, area)).toEqual({ type: "nudge", index: 2, key: "ArrowRight", mode: "resize", step: 5 });
  });

  it("arrows do nothing without a selected area (the page scrolls as usual)", () => {
    expect(overlayCommand({ key: "ArrowDown" }, null)).toBeNull();
    expect(overlayCommand({ key: "ArrowDown" }, box)).toBeNull();
  });

  it("Delete and Backspace remove the selected area, and only an area", () => {
    expect(overlayCommand({ key: "Delete" }, area)).toEqual({ type: "removeArea", index: 2 });
    expect(overlayCommand({ key: "Backspace" }, area)).toEqual({ type: "removeArea", index: 2 });
    expect(overlayCommand({ key: "Delete" }, box)).toBeNull();
  });

  it("N adds an area, Page Up/Down turn pages, Escape drops the selection, other keys pass", () => {
    expect(overlayCommand({ key: "n" }, null)).toEqual({ type: "newArea" });
    expect(overlayCommand({ key: "N", shiftKey: true }, area)).toEqual({ type: "newArea" });
    expect(overlayCommand({ key: "PageDown" }, box)).toEqual({ type: "page", delta: 1 });
    expect(overlayCommand({ key: "PageUp" }, null)).toEqual({ type: "page", delta: -1 });
    expect(overlayCommand({ key: "Escape" }, area)).toEqual({ type: "deselect" });
    expect(overlayCommand({ key: "Tab" }, area)).toBeNull();
    expect(overlayCommand({ key: "Enter" }, area)).toBeNull();
  });

  it("a keyboard area is 120 by 30 points in the middle of the page", () => {
    expect(centredArea({ width: 612, height: 792 })).toEqual({ x: 246, y: 381, width: 120, height: 30 });
  });

  it("page numbers stay within the document; junk goes to page 1", () => {
    expect([clampPage(0, 5), clampPage(6, 5), clampPage(2.6, 5), clampPage(Number.NaN, 5), clampPage(3, 0)]).toEqual([1, 5, 3, 1, 1]);
  });
});
