/**
 * Finds text-layer words the page does not show (fake redactions: boxes or images drawn over text, text
 * in the page colour), by rendering each text page once at a low resolution and asking the pure
 * detect/visibility.ts which words leave no ink. OCR pages are skipped: OCR reads only what is visible.
 */
import sharp from "sharp";
import { sharpMaxPixels } from "../../sdk/pdf/memory";
import { runOffLoop, type PdfEngine } from "../../sdk";
import type { PageInput } from "./detect";

/** The pure visibility check (detect/visibility.ts), loaded by the compute thread. */
const VISIBILITY_MODULE = require.resolve("./detect/visibility");

/** 72 dpi: 6-pt print is still 6 pixels high, and a page renders in a few tens of milliseconds. */
export const VISIBILITY_DPI = 72;

export async function markHiddenText(
  pool: Pick<PdfEngine, "render">,
  pdf: Uint8Array,
  pages: PageInput[],
  opts: { password?: string; signal?: AbortSignal } = {},
): Promise<PageInput[]> {
  const out: PageInput[] = [];
  for (const page of pages) {
    opts.signal?.throwIfAborted();
    if (page.source !== "text" || page.words.length === 0) {
      out.push(page);
      continue;
    }
    const r = await pool.render(pdf, page.page, { dpi: VISIBILITY_DPI, password: opts.password });
    const { data, info } = await sharp(r.png, { limitInputPixels: sharpMaxPixels() }).flatten({ background: "#ffffff" }).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
    const gray = info.channels === 1 ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : Uint8Array.from({ length: info.width * info.height }, (_, i) => data[i * info.channels]!);
    // Every word's ink share over the page image: CPU work, in a compute thread off the event loop (issue 14).
    out.push(await runOffLoop<PageInput>(VISIBILITY_MODULE, "markHiddenWords", [page, { data: gray, width: info.width, height: info.height, scale: r.scale }], opts.signal));
  }
  return out;
}
