/**
 * The per-page arithmetic of applying a redaction (apply.ts), as a pure function of plain data, so that it
 * runs in a compute thread (sdk/compute): which words stay in a rebuilt page's text layer, and what
 * verification must not find on the page. On a dense page that is every word tested against every area
 * near it, three times, and a long document's pages held the event loop the gateway shares in the
 * embedded shape for seconds (issue 14). One task per page keeps each message to a thread small.
 */
import type { Word } from "../../../sdk";
import { BoxIndex, coveredShare, pageSecrets, partitionWords, type PageSecrets, type RedactionArea } from "./geometry";

export interface PagePlanInput {
  page: number;
  /** The page's words: its text layer, or a scan's OCR words. */
  words: Word[];
  /** A scan's own (little) text layer: OCR words over it are not counted a second time. */
  textWords?: Word[];
  areas: RedactionArea[];
  /** The words of the ORIGINAL page (text layer, detection's OCR): every word an area covers is a secret too. */
  coveredWords: boolean;
  /** Return the words that stay (the page gets an invisible text layer of them). */
  keepWords: boolean;
}

export interface PagePlan {
  /** The words no area touches (only with `keepWords`). */
  kept: Word[] | null;
  keptCount: number;
  droppedCount: number;
  secrets: PageSecrets;
}

export function planPage(input: PagePlanInput): PagePlan {
  const textBoxes = input.textWords ? new BoxIndex(input.textWords.map((t) => t.box)) : undefined;
  const words = textBoxes ? input.words.filter((w) => coveredShare(w.box, textBoxes) < 0.3) : input.words;
  const part = partitionWords(words, new BoxIndex(input.areas.map((a) => a.box)));
  return {
    kept: input.keepWords ? part.kept : null,
    keptCount: part.kept.length,
    droppedCount: part.dropped.length,
    secrets: pageSecrets(input.page, words, input.areas, { coveredWords: input.coveredWords }),
  };
}
