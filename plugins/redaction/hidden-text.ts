/**
 * Finds text-layer words the page does not show (fake redactions: boxes or images drawn over text, text
 * in the page colour), by rendering each text page once at a low resolution and asking the pure
 * detect/visibility.ts which words leave no ink. OCR pages are skipped: OCR reads only what is visible.
 *
 * The renders and the check run in the redaction engine's thread (redact/visibility-render.ts): PDFium
 * opens the document once for all pages and only the hidden words' indices come back, off the event loop.
 */
import type { PageInput } from "./detect";
import { redactionEngine, type RedactionEngine } from "./redact/engine-pool";

/** 72 dpi: 6-pt print is still 6 pixels high, and a page renders in a few milliseconds. */
export const VISIBILITY_DPI = 72;

export async function markHiddenText(
  pdf: Uint8Array,
  pages: PageInput[],
  opts: { password?: string; signal?: AbortSignal; engine?: RedactionEngine } = {},
): Promise<PageInput[]> {
  opts.signal?.throwIfAborted();
  const judged = pages.filter((p) => p.source === "text" && p.words.length > 0);
  if (!judged.length) return pages;
  const found = await (opts.engine ?? redactionEngine).hiddenWords(
    pdf,
    judged.map((p) => ({ page: p.page, width: p.width, height: p.height, words: p.words.map((w) => ({ text: w.text, box: w.box })) })),
    { dpi: VISIBILITY_DPI, password: opts.password },
    opts.signal,
  );
  const hidden = new Map(found.map((h) => [h.page, new Set(h.hidden)]));
  return pages.map((p) => {
    const marks = p.source === "text" ? hidden.get(p.page) : undefined;
    if (!marks) return p;
    return { ...p, words: p.words.map((w, i) => (marks.has(i) ? { ...w, hidden: "covered" as const } : w)) };
  });
}
