import { DocmillClientError, DocmillServerError, validationError } from "../../../kernel/errors";
import { familyOf, renderError } from "../../../kernel/gateway/render-error";
import { registerApiFamilies } from "../../../apis";
import { apiErrorOf } from "../../../apis/tagger/errors";

// The bodies are the API families' (apis/*/family.ts); the kernel classifies and dispatches.
registerApiFamilies();

const TRACE = "00-0123456789abcdef0123456789abcdef-0123456789abcdef-00";

describe("familyOf", () => {
  it.each([
    ["/api/auth/login", "tagger"],
    ["/", "tagger"],
    ["/v1/jobs?status=finished", "orchestrator"],
    ["/v1", "orchestrator"],
    ["/healthz/ready", "orchestrator"],
    ["/v10/x", "tagger"],
  ])("puts %s in the %s family", (url, family) => {
    expect(familyOf(url)).toBe(family);
  });
});

describe("renderError for the tag generator family", () => {
  it("answers {detail} with the seed message", () => {
    const r = renderError("tagger", new DocmillClientError("TOKEN_EXPIRED"), TRACE);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Token has expired" });
  });

  it("answers validation problems as FastAPI does: 422 with loc/msg/type per field", () => {
    const r = renderError("tagger", validationError([{ field: "password", message: "String should have at least 8 characters", kind: "string_too_short" }]), TRACE);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ detail: [{ loc: ["body", "password"], msg: "String should have at least 8 characters", type: "string_too_short" }] });
  });

  it("hides internals of a 500 and gives a trace id", () => {
    const r = renderError("tagger", new Error("connect ECONNREFUSED 10.1.2.3:27017 secret-stuff"), TRACE);
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ detail: "Internal server error", trace_id: TRACE });
    expect(JSON.stringify(r.body)).not.toMatch(/ECONNREFUSED|secret/);
  });

  // docs/tagging.md: a 500 of a single call says `Tag generation failed`, as the seed's did. The kernel's
  // type for it names no product (PROCESSING_FAILED); the family keeps its own words.
  it.each(["PLUGIN_ERROR", "WORKER_LOST", "DISPATCH_FAILED", "DISPATCH", "INTERRUPTED", "FAILED", "SOMETHING_NEW"])(
    "answers a tagging job failed with %s 500 {detail: 'Tag generation failed', trace_id}, without the job's message",
    (type) => {
      const r = renderError("tagger", apiErrorOf({ type, message: "ENOENT: no such file or directory, open '/srv/model.bin'" }), TRACE);
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ detail: "Tag generation failed", trace_id: TRACE });
    },
  );

  it("maps body-parser failures to 400 and 413", () => {
    expect(renderError("tagger", { type: "entity.parse.failed", status: 400 } as never, TRACE).status).toBe(400);
    expect(renderError("tagger", { type: "entity.too.large", status: 413 } as never, TRACE).status).toBe(413);
  });
});

describe("renderError for the orchestrator family", () => {
  it("answers an ApiErrorResponse with the documented fields", () => {
    const r = renderError("orchestrator", new DocmillClientError("API_KEY_INVALID"), TRACE);
    expect(r.status).toBe(401);
    expect(r.headers["Content-Type"]).toMatch(/problem\+json/);
    expect(r.body).toEqual({
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.2",
      title: "Unauthorized",
      status: 401,
      traceId: TRACE,
      detail: "Missing or invalid API key",
      code: "API_KEY_INVALID",
    });
  });

  it("answers validation problems with 400 and an errors map per field", () => {
    const r = renderError(
      "orchestrator",
      validationError([
        { field: "expiresAt", message: "must be at most 12 months ahead" },
        { field: "expiresAt", message: "must be a date" },
        { field: "name", message: "is required" },
      ]),
      TRACE,
    );
    expect(r.status).toBe(400);
    expect((r.body as { errors: unknown }).errors).toEqual({ expiresAt: ["must be at most 12 months ahead", "must be a date"], name: ["is required"] });
  });

  it("never leaks a server error's message", () => {
    const r = renderError("orchestrator", new DocmillServerError("INTERNAL", "mongo said: E11000 dup key users.email"), TRACE);
    expect(r.status).toBe(500);
    expect((r.body as { detail: string }).detail).toBe("Internal server error");
  });

  it("sends Retry-After with a rate limit", () => {
    const r = renderError("orchestrator", new DocmillClientError("TOO_MANY_REQUESTS", undefined, { retryAfter: 12.2 }), TRACE);
    expect(r.status).toBe(429);
    expect(r.headers["Retry-After"]).toBe("13");
  });
});
