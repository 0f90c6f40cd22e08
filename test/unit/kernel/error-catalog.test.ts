/**
 * One error catalog (issue 16): the API error types, the runtime's, the SDK's, every plugin's and every
 * API family's job codes in kernel/errors.ts `errorCatalog()`, and docs/errors.md generated from it.
 * Folds in the former test/unit/apis/error-statuses.test.ts: the status a plugin or the SDK declares for a
 * code is the status the tag generator API answers when a job fails with it. They disagreed before issue 16
 * (LLM timeout 504 vs 502, an unreadable PDF 422 vs PDF_INVALID 400).
 */
import fs from "node:fs";
import path from "node:path";
import { ERROR_CATALOG, errorCatalog, registerErrorCodes, type CatalogRow } from "../../../kernel/errors";
import { manifestProblems } from "../../../kernel/plugins/loader";
import { PdfError } from "../../../sdk/pdf/errors";
import { TaggerError } from "../../../plugins/tagging/tagger/errors";
import { apiErrorOf } from "../../../apis/tagger/errors";
import { TAG_GENERATOR_SOURCES, fullErrorCatalog, renderErrorDocs } from "../../../scripts/error-docs";

const ROOT = path.join(__dirname, "../../..");
let rows: CatalogRow[];

beforeAll(() => {
  rows = fullErrorCatalog();
});

describe("the one error catalog", () => {
  it("is what docs/errors.md says: regenerate it with `node --import tsx scripts/gen-error-docs.ts` when this fails", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs/errors.md"), "utf8");
    expect(doc).toBe(renderErrorDocs(rows));
  });

  it("holds each type once, with a status, a message and a fix", () => {
    const types = rows.map((r) => r.type);
    expect(types.length).toBe(new Set(types).size);
    for (const r of rows) {
      expect({ type: r.type, status: r.status >= 400 && r.status < 600, message: r.message.length > 0, fix: r.fix.length > 0 })
        .toEqual({ type: r.type, status: true, message: true, fix: true });
    }
  });

  it("has the plugins' and the SDK's codes (PDF_*, LLM_*, OCR_TIMEOUT, REDACTION_*) with their owners", () => {
    const owner = (t: string) => rows.find((r) => r.type === t)?.owner;
    expect([owner("PDF_CORRUPT"), owner("COMPUTE_LIMIT_EXCEEDED"), owner("LLM_TIMEOUT"), owner("OCR_TIMEOUT"), owner("REDACTION_VERIFICATION_FAILED"), owner("URL_FETCH"), owner("WORKER_LOST")])
      .toEqual(["sdk", "sdk", "tagging", "tagging", "redaction", "tagger", "kernel"]);
  });

  /**
   * The codes the sources under `dirs` throw: `new XError("CODE"`, `{ type: "CODE" }` / `{ code: "CODE" }` on a
   * thrown object, the kernel's `fail("CODE"`. ConfigError's first argument is the environment variable at
   * fault, not a code.
   */
  const thrownCodes = (dirs: string[]): Set<string> => {
    const thrown = new Set<string>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name)) {
          const src = fs.readFileSync(p, "utf8");
          for (const m of src.matchAll(/new (?!ConfigError)[A-Z][A-Za-z]*Error\(\s*"([A-Z][A-Z0-9_]{2,})"|(?:type|code): "([A-Z][A-Z0-9_]{2,})"|fail\("([A-Z][A-Z0-9_]{2,})"/g)) thrown.add(m[1] ?? m[2] ?? m[3]!);
        }
      }
    };
    for (const d of dirs) walk(path.join(ROOT, d));
    return thrown;
  };

  it("names every code a plugin or the SDK throws (a new code without an entry fails here)", () => {
    const known = new Set(rows.map((r) => r.type));
    const thrown = thrownCodes(["plugins", "sdk"]);
    expect([...thrown].filter((c) => !known.has(c)).sort()).toEqual([]);
    expect(thrown.size).toBeGreaterThan(15);
  });

  it("names every code the host itself throws (kernel/, services/, cli/, apis/): the worker's and the runtime's reach a job's error", () => {
    const known = new Set(rows.map((r) => r.type));
    // Not error codes: the transporter adapter's name (kernel/channels.ts `{ type: "NATS" }`).
    const notErrors = new Set(["NATS"]);
    const thrown = thrownCodes(["kernel", "services", "cli", "apis"]);
    expect([...thrown].filter((c) => !known.has(c) && !notErrors.has(c)).sort()).toEqual([]);
    expect(thrown.has("PLUGIN_NOT_HOSTED") && thrown.has("WORKER_LOST")).toBe(true);
  });

  it("gives PdfError and TaggerError the catalog's status", () => {
    expect(new PdfError("PDF_CORRUPT", "x").status).toBe(rows.find((r) => r.type === "PDF_CORRUPT")!.status);
    expect(new PdfError("PDF_LIMIT_EXCEEDED", "x").status).toBe(413);
    expect(new TaggerError("LLM_RATE_LIMIT", "x").status).toBe(rows.find((r) => r.type === "LLM_RATE_LIMIT")!.status);
  });
});

describe("the tag generator API answers a failed job with the code's catalog status", () => {
  const reachable = () => errorCatalog().filter((r) => r.kind === "job" && TAG_GENERATOR_SOURCES.has(r.owner));

  it("for every code of the runtime, the SDK, the tagging plugin and the tagger family", () => {
    const got = reachable().map((r) => ({ code: r.type, status: apiErrorOf({ type: r.type, message: "m" }).code }));
    expect(got).toEqual(reachable().map((r) => ({ code: r.type, status: r.status })));
    expect(got.length).toBeGreaterThan(20);
  });

  it("answers an LLM timeout 502 (LLM_UNAVAILABLE), like every provider failure", () => {
    expect(apiErrorOf({ type: "LLM_TIMEOUT", message: "The model provider did not answer in time" })).toMatchObject({ code: 502, type: "LLM_UNAVAILABLE" });
  });

  it("answers an unreadable PDF 400 (PDF_INVALID), as both public APIs document", () => {
    expect(apiErrorOf({ type: "PDF_CORRUPT", message: "not a PDF" })).toMatchObject({ code: 400, type: "PDF_INVALID", message: "Failed to extract text from PDF: not a PDF" });
  });

  it("answers a code nobody declared 500 PROCESSING_FAILED, also one named like an Object property", () => {
    expect(apiErrorOf({ type: "SOMETHING_NEW", message: "m" })).toMatchObject({ code: 500, type: "PROCESSING_FAILED" });
    expect(apiErrorOf({ type: "constructor", message: "m" })).toMatchObject({ code: 500, type: "PROCESSING_FAILED" });
  });
});

describe("declaring codes (plugins through the SDK, API families)", () => {
  it("registers a new owner's codes, and the same code with the same status again is fine", () => {
    const codes = { TEST_PLUGIN_BROKE: { status: 422, message: "It broke", fix: "Do not break it" } };
    expect(registerErrorCodes("test-plugin", codes)).toEqual([]);
    expect(registerErrorCodes("test-plugin", codes)).toEqual([]);
    expect(errorCatalog().find((r) => r.type === "TEST_PLUGIN_BROKE")).toMatchObject({ owner: "test-plugin", status: 422, kind: "job" });
  });

  it("refuses a code the catalog has with another status, naming who has it", () => {
    expect(registerErrorCodes("x", { PDF_CORRUPT: { status: 422, message: "m", fix: "f" } })).toEqual([
      "error code PDF_CORRUPT is already in the catalog (the SDK) with status 400, not 422: use that status or another code",
    ]);
    expect(registerErrorCodes("x", { NOT_FOUND: { status: 400, message: "m", fix: "f" } })[0]).toContain("(the API types) with status 404");
    expect(registerErrorCodes("x", { LLM_TIMEOUT: { status: 504, message: "m", fix: "f" } })[0]).toContain("(tagging) with status 502");
    expect(errorCatalog().find((r) => r.type === "PDF_CORRUPT")!.status).toBe(ERROR_CATALOG.PDF_INVALID.code);
  });

  it("makes the loader refuse a manifest with a malformed errors table, saying how to fix it", () => {
    const manifest = {
      id: "bad", version: "1.0.0", apiVersion: "1", title: "Bad", accepts: ["application/pdf"], optionsSchema: {}, run: async () => ({}),
      errors: { lower_case: { status: 400, message: "m", fix: "f" }, OK_CODE: { status: 200, message: "", fix: "f" } },
    };
    expect(manifestProblems({ default: manifest }, "bad")).toEqual([
      'error code "lower_case" must be upper-case letters, digits and underscores, e.g. "MY_PLUGIN_FAILED" (manifest field "errors")',
      'error code OK_CODE: status 200 is not an error status: use 4xx when the caller can fix it, 5xx when not (manifest field "errors")',
      'error code OK_CODE: give a message saying what went wrong (manifest field "errors")',
    ]);
  });
});
