import type { Candidate } from "../types";
import type { Recognizer } from "./recognizer";

/**
 * EXPOSED_REDACTION: text still in the file where the page shows none of it (visibility.ts marked its
 * words `hidden`), i.e. a "redaction" made by drawing. One candidate per run of hidden words on a line,
 * so the review shows the hidden text's own box and redaction removes the text, not just the drawing.
 * Text drawn outside the page's visible box ("offPage") has its box at the page edge (hidden-text.ts).
 * It outranks every other label (strength "checksum", score 0.99): the reviewer must see that the box
 * drawn there is fake, whatever kind of data lies under it.
 */
export const exposedRecognizer: Recognizer = {
  name: "exposed-text",
  labels: ["EXPOSED_REDACTION"],
  run(model) {
    const out: Candidate[] = [];
    for (const line of model.lines) {
      type Run = { start: number; end: number; how: "covered" | "offPage" };
      let run = null as Run | null;
      const flush = () => {
        // Off-page text gets a recogniser of its own: the review says why a box sits at the page edge.
        if (run) out.push({ start: run.start, end: run.end, label: "EXPOSED_REDACTION", score: 0.99, recognizer: run.how === "offPage" ? "off-page-text" : "exposed-text", strength: "checksum" });
        run = null;
      };
      for (const pw of line.words) {
        const how = pw.word.hidden;
        if (run && how !== run.how) flush();
        if (how) run = run ? { ...run, end: pw.end } : { start: pw.start, end: pw.end, how };
      }
      flush();
    }
    return out;
  },
};
