/**
 * A scan whose OCR runs out of the page timeout is not "a document without readable text": the tagging
 * job fails OCR_TIMEOUT (503 to the tag generator's clients), never INSUFFICIENT_TEXT (400, "the document
 * may be empty"). The PDF and its text layer go through the real pool; OCR answers as the engine does for a
 * page whose time ran out (sdk/pdf/ocr.ts: no words, report.status "timeout"), because a real timeout
 * cannot be produced on cue on a machine of unknown speed.
 */
import plugin, { taggingSettings, type TaggingOptions, type TaggingSettings } from "../../../../plugins/tagging";
import { apiErrorOf } from "../../../../apis/tagger/errors";
import { pdfPool } from "../../../../sdk/pdf/pool";
import type { PdfEngine } from "../../../../sdk";
import type { RunContext } from "../../../../sdk/manifest";
import type { OcrPageReport } from "../../../../sdk/pdf/types";
import { scanPage, scanPdf } from "../../../support/scan-corpus";

jest.setTimeout(120_000);
afterAll(() => pdfPool.close());

function engine(status: OcrPageReport["status"]): PdfEngine {
  return new Proxy(pdfPool, {
    get(target, key) {
      if (key === "ocrPdfPages") {
        return async (_pdf: Uint8Array, pages: number[]) =>
          pages.map((page) => ({ page, text: "", words: [], confidence: 0, report: { status, pass: "primary", passes: [], langs: ["eng"], rotation: 0, skew: 0, preprocessing: [], measured: { dpi: 300, specksPerMp: 0, stroke: 0, ink: 0 } } }));
      }
      const v = Reflect.get(target, key) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as PdfEngine;
}

async function failure(status: OcrPageReport["status"]): Promise<{ type?: string; message?: string }> {
  const bytes = Buffer.from(await scanPdf([await scanPage("clean", 4713), await scanPage("clean", 4714)]));
  const ctx = {
    jobId: "t", owner: "u", attempt: 1, signal: new AbortController().signal,
    options: { num_pages: 3, num_tags: 8, language: "eng" } as TaggingOptions,
    input: { fileId: "f", filename: "scan.pdf", contentType: "application/pdf", size: bytes.length, read: async () => bytes, stream: async () => { throw new Error("unused"); } },
    progress: async () => {},
    logger: { info() {}, warn() {}, error() {}, debug() {} },
    pdf: engine(status),
    settings: taggingSettings(process.env),
    secrets: { open: () => { throw new Error("no sealed values here"); } },
  } as unknown as RunContext<TaggingOptions, TaggingSettings>;
  return (await plugin.run(ctx).then(() => undefined, (e: unknown) => e)) as { type?: string; message?: string };
}

it("fails OCR_TIMEOUT, answered as 503 SERVICE_UNAVAILABLE, when the scan's OCR ran out of time", async () => {
  const err = await failure("timeout");
  expect(err).toMatchObject({ type: "OCR_TIMEOUT" });
  expect(err.message).toBe("Reading scanned pages 1, 2 did not finish within the OCR page timeout. Try again later.");
  expect(apiErrorOf({ type: err.type!, message: err.message! })).toMatchObject({ code: 503, type: "SERVICE_UNAVAILABLE" });
});

it("still fails INSUFFICIENT_TEXT (400) when OCR finished and found nothing", async () => {
  const err = await failure("unreadable");
  expect(err).toMatchObject({ type: "INSUFFICIENT_TEXT" });
  expect(apiErrorOf({ type: err.type!, message: err.message! })).toMatchObject({ code: 400 });
});
