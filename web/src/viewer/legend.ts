/**
 * What a label means to a reviewer, for the labels whose name does not say it. The side list shows it
 * under the label's heading and the page box names it. Unit-tested in test/unit/web/viewer/colors.test.ts.
 */
export interface LabelInfo {
  /** A short name for the heading. */
  title: string;
  /** One or two sentences: what the reviewer sees and what accepting does. */
  explanation: string;
  /** Boxes of this label are drawn hatched (styles.css `.det.exposed`), not only in their colour. */
  hatched?: boolean;
}

const INFO: Readonly<Record<string, LabelInfo>> = {
  EXPOSED_REDACTION: {
    title: "Fake redaction",
    explanation:
      "Text under a box that hides nothing: the page shows a box (or text in the page colour), but the words are still in the file and anyone can copy them out. A thin box at the page edge is text drawn off the page, beyond that edge. Accept to remove them for good.",
    hatched: true,
  },
};

export function labelInfo(label: string): LabelInfo | undefined {
  return INFO[label.toUpperCase()];
}
