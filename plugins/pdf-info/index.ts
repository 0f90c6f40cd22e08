/**
 * pdf-info: page count, document metadata (title, author, producer, dates...), page sizes and which
 * pages have a text layer. The example plugin of docs/plugins.md: small, but real and tested end to end.
 *
 *   docmill run pdf-info document.pdf --json
 *
 * Parsing runs on the PDF engine's worker-thread pool, so the worker's event loop stays free.
 */
import { definePlugin } from "../../sdk";
import { summarise, type PdfInfoResult } from "./summary";

export interface PdfInfoOptions {
  /** Refuse documents with more pages than this (the job fails with PDF_TOO_MANY_PAGES). */
  maxPages: number;
  /** Also write the result as a JSON file output named "report". */
  report: boolean;
}

export default definePlugin<PdfInfoOptions, PdfInfoResult>({
  id: "pdf-info",
  version: "1.0.0",
  apiVersion: "1",
  title: "PDF information",
  description: "Page count, metadata, page sizes and text-layer presence of a PDF",
  accepts: ["application/pdf"],
  optionsSchema: {
    $$strict: "remove",
    maxPages: { type: "number", integer: true, min: 1, max: 100000, default: 2000, convert: true },
    report: { type: "boolean", default: true, convert: true },
  },

  canRun(input) {
    return input.size > 0 ? true : "The file is empty";
  },

  async run(ctx) {
    await ctx.progress(5, "Reading the PDF");
    const bytes = await ctx.input.read();
    ctx.signal.throwIfAborted();
    await ctx.progress(20, "Parsing pages");
    const extracted = await ctx.pdf.extract(bytes, { maxPages: ctx.options.maxPages });
    ctx.signal.throwIfAborted();
    await ctx.progress(90, `Summarising ${extracted.pageCount} pages`);
    const result = summarise(extracted, { filename: ctx.input.filename, size: ctx.input.size, sha256: ctx.input.sha256 });
    if (ctx.options.report) {
      const base = ctx.input.filename.replace(/\.pdf$/i, "") || "document";
      await ctx.writeOutput("report", JSON.stringify(result, null, 2) + "\n", { contentType: "application/json", filename: `${base}.info.json` });
    }
    await ctx.progress(100, "Done");
    return result;
  },
});
