/**
 * Detection's OCR words of scanned pages, carried in the detection result to the redaction run, so a
 * scan is not OCRed a second time for its invisible text layer (the heaviest step of redacting a scan).
 * Compact (text and a box rounded to 0.01 pt per word) and capped: the result travels over the
 * transporter and sits in the job record, so a document with more OCR text than MAX_SCAN_WORDS_CHARS
 * carries none and its scans are OCRed again at redaction. Pure: no I/O.
 */
import type { Word } from "../../../sdk";

/** Page (as a string key) -> [text, x, y, width, height] per word, displayed top-left points. */
export type ScanWords = Record<string, Array<[string, number, number, number, number]>>;

/** Upper bound of the encoded words (characters of JSON), well under the transporter's 1 MB messages. */
export const MAX_SCAN_WORDS_CHARS = 300_000;

const r2 = (n: number) => Math.round(n * 100) / 100;

export function encodeScanWords(pages: ReadonlyArray<{ page: number; words: readonly Word[] }>, max = MAX_SCAN_WORDS_CHARS): ScanWords | undefined {
  if (!pages.length) return undefined;
  const out: ScanWords = {};
  let size = 0;
  for (const p of pages) {
    const list = p.words.map((w) => [w.text, r2(w.box.x), r2(w.box.y), r2(w.box.width), r2(w.box.height)] as [string, number, number, number, number]);
    size += JSON.stringify(list).length;
    if (size > max) return undefined;
    out[String(p.page)] = list;
  }
  return out;
}

/** The words by page; malformed entries (an older or hand-edited record) are skipped, never trusted blindly. */
export function decodeScanWords(v: unknown): Map<number, Word[]> {
  const out = new Map<number, Word[]>();
  if (!v || typeof v !== "object") return out;
  for (const [k, list] of Object.entries(v as Record<string, unknown>)) {
    const page = Number(k);
    if (!Number.isInteger(page) || page < 1 || !Array.isArray(list)) continue;
    const words: Word[] = [];
    for (const e of list) {
      if (!Array.isArray(e) || e.length !== 5 || typeof e[0] !== "string") continue;
      const [text, x, y, width, height] = e as [string, number, number, number, number];
      if (![x, y, width, height].every((n) => typeof n === "number" && Number.isFinite(n))) continue;
      words.push({ text, box: { x, y, width, height } });
    }
    out.set(page, words);
  }
  return out;
}
