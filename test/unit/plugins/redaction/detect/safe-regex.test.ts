import { compileSafeRegex, MAX_USER_REGEX_LENGTH, unsafeReason } from "../../../../../plugins/redaction/detect/safe-regex";

describe("unsafeReason", () => {
  it.each([
    ["\\d{3}-\\d{2}-\\d{4}"],
    ["(\\d{3}-){2}\\d{4}"],
    ["(?:foo|bar){1,3}"],
    ["(?:\\d{4}[ -]?){3}\\d{4}"],
    ["EMP-[A-Z]{2}\\d+"],
    ["[(a+)+]x"],
    ["\\(a+\\)+"],
  ])("accepts %s", (src) => expect(unsafeReason(src)).toBeNull());

  it.each([
    ["(a+)+", /nests a quantifier/],
    ["(\\w+\\s?)*", /nests a quantifier/],
    ["(x*){2,5}", /nests a quantifier/],
    ["(a|aa)+", /repeats without bound/],
    ["([a-z]{2})*", /repeats without bound/],
    ["(a)\\1", /backreference/],
    ["(?<x>a)\\k<x>", /backreference/],
    ["(ab", /unbalanced/],
    ["ab)", /unbalanced/],
    ["[ab", /unterminated/],
    ["a".repeat(MAX_USER_REGEX_LENGTH + 1), /longer than/],
  ])("rejects %s", (src, reason) => expect(unsafeReason(src)).toMatch(reason));
});

describe("compileSafeRegex", () => {
  it("compiles a safe pattern as a global regex", () => {
    const r = compileSafeRegex("EMP-\\d{5}");
    expect(r.ok && [..."EMP-12345 EMP-1".matchAll(r.regex)].map((m) => m[0])).toEqual(["EMP-12345"]);
  });

  it("falls back to legacy mode for patterns Unicode mode refuses", () => {
    const r = compileSafeRegex("[\\w-]+@corp");
    expect(r.ok).toBe(true);
  });

  it("rejects a pattern that matches the empty string", () => {
    expect(compileSafeRegex("a?")).toEqual({ ok: false, reason: "matches the empty string" });
  });

  it("rejects an invalid pattern with the engine's message", () => {
    const r = compileSafeRegex("a{2,1}");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/not a valid regular expression/);
  });
});
