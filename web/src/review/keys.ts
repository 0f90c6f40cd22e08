/**
 * What a key pressed on the page overlay does. Pure (the screen applies the command), so the keyboard
 * contract the overlay's aria-label announces is unit-tested: test/unit/web/review/keys.test.ts.
 */
export type Arrow = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown";
const ARROWS: readonly string[] = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];

/** What is selected on the page: a finding's box, a drawn area (by index in the draft), or nothing. */
export type Selection = { kind: "det"; id: string } | { kind: "area"; index: number } | null;

export type OverlayCommand =
  | { type: "nudge"; index: number; key: Arrow; mode: "move" | "resize"; step: number }
  | { type: "removeArea"; index: number }
  | { type: "newArea" }
  | { type: "page"; delta: 1 | -1 }
  | { type: "deselect" }
  | null;

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  altKey?: boolean;
}

/**
 * Arrows move the selected area 5 points (Alt: 1 point), Shift+arrows resize it, Delete/Backspace remove
 * it; N adds an area in the middle of the page; Page Up/Down turn pages; Escape drops the selection.
 */
export function overlayCommand(e: KeyPress, selection: Selection): OverlayCommand {
  if (selection?.kind === "area" && ARROWS.includes(e.key)) {
    return { type: "nudge", index: selection.index, key: e.key as Arrow, mode: e.shiftKey ? "resize" : "move", step: e.altKey ? 1 : 5 };
  }
  if (selection?.kind === "area" && (e.key === "Delete" || e.key === "Backspace")) return { type: "removeArea", index: selection.index };
  switch (e.key) {
    case "n":
    case "N":
      return { type: "newArea" };
    case "PageDown":
      return { type: "page", delta: 1 };
    case "PageUp":
      return { type: "page", delta: -1 };
    case "Escape":
      return { type: "deselect" };
    default:
      return null;
  }
}

/** The size of an area added with the keyboard: 120 by 30 points, centred on the page. */
export function centredArea(size: { width: number; height: number }) {
  return { x: size.width / 2 - 60, y: size.height / 2 - 15, width: 120, height: 30 };
}

/** A page number typed or stepped to, kept within 1..pageCount (junk goes to page 1). */
export function clampPage(p: number, pageCount: number): number {
  return Math.min(Math.max(1, Math.round(p) || 1), Math.max(1, pageCount));
}
