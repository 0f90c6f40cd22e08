/**
 * Verification's comparison of OCR text with the redacted strings (verify.ts), as a pure function of
 * plain data, so that it runs in a compute thread (sdk/compute): on a long document it is every redacted
 * string searched in every page's text, work that must not hold the event loop the gateway shares in the
 * embedded shape (issue 14).
 */
import { leakedStrings, type PageSecrets } from "./geometry";

/** Per page of `texts`: how many distinct redacted strings of that page it still reads (pages with none left out). */
export function ocrLeaks(secrets: readonly PageSecrets[], texts: ReadonlyArray<{ page: number; text: string }>): Array<{ page: number; count: number }> {
  const byPage = new Map(secrets.map((s) => [s.page, s]));
  const out: Array<{ page: number; count: number }> = [];
  for (const o of texts) {
    const s = byPage.get(o.page);
    const count = s ? leakedStrings(s, o.text).length : 0;
    if (count) out.push({ page: o.page, count });
  }
  return out;
}
