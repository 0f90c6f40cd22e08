/**
 * One error vocabulary: the status a plugin's error class states (PdfError, TaggerError) is the status the
 * tag generator API answers when a job fails with that code (apis/tagger/errors.ts maps it onto the error
 * catalog, kernel/errors.ts, which docs/errors.md is generated from). They disagreed before issue 16
 * (LLM timeout 504 vs 502, an unreadable PDF 422 vs PDF_INVALID 400); the public APIs document 400 for an
 * unreadable upload and the catalog 502 for a provider that did not answer.
 */
import { ERROR_CATALOG } from "../../../kernel/errors";
import { PDF_ERROR_STATUS } from "../../../sdk/pdf/errors";
import { TAGGER_ERROR_STATUS } from "../../../plugins/tagging/tagger/errors";
import { apiErrorOf } from "../../../apis/tagger/errors";

const cases: Array<[string, number]> = [...Object.entries(PDF_ERROR_STATUS), ...Object.entries(TAGGER_ERROR_STATUS)];

describe("plugin error statuses agree with the error catalog", () => {
  it.each(cases)("%s is answered with %i", (code, status) => {
    const err = apiErrorOf({ type: code, message: "m" });
    expect({ code, catalogType: err.type, status: err.code }).toEqual({ code, catalogType: err.type, status });
    expect(ERROR_CATALOG[err.type as keyof typeof ERROR_CATALOG].code).toBe(status);
  });

  it("answers an LLM timeout 502 (LLM_UNAVAILABLE), like every provider failure", () => {
    expect(apiErrorOf({ type: "LLM_TIMEOUT", message: "The model provider did not answer in time" })).toMatchObject({ code: 502, type: "LLM_UNAVAILABLE" });
  });

  it("answers an unreadable PDF 400 (PDF_INVALID), as both public APIs document", () => {
    expect(apiErrorOf({ type: "PDF_CORRUPT", message: "not a PDF" })).toMatchObject({ code: 400, type: "PDF_INVALID" });
  });
});
