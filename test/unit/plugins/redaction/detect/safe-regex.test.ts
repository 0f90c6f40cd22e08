import { compileSafeRegex, MAX_USER_REGEX_LENGTH, unsafeReason } from "../../../../../plugins/redaction/detect/safe-regex";

const all = (src: string, text: string) => {
  const r = compileSafeRegex(src);
  if (!r.ok) throw new Error(r.reason);
  return [...r.regex.matchAll(text)].map((m) => [m.index, m[0]]);
};

describe("unsafeReason", () => {
  it.each([
    ["\\d{3}-\\d{2}-\\d{4}"],
    ["(\\d{3}-){2}\\d{4}"],
    ["(?:foo|bar){1,3}"],
    ["(?:\\d{4}[ -]?){3}\\d{4}"],
    ["EMP-[A-Z]{2}\\d+"],
    ["[\\w-]+@corp"],
    ["(?<id>EMP)-\\d+"],
    // Shapes that backtrack exponentially in JavaScript are fine here: matching is linear.
    ["(a+)+$"],
    ["(?:a|a){1,100}$"],
    ["\\d+\\d+\\d+\\d+z"],
  ])("accepts %s", (src) => expect(unsafeReason(src)).toBeNull());

  it.each([
    ["(a)\\1", /backreference/],
    ["(?<x>a)\\k<x>", /backreference|not a valid/],
    ["foo(?=bar)", /lookaround/],
    ["(?<!x)foo", /lookaround/],
    ["(?:a{1,50}){1,50}$", /invalid repeat count/],
    ["a{1001}", /invalid repeat count/],
    ["a{2,1}", /invalid repeat count/],
    ["(ab", /not a valid regular expression/],
    ["ab)", /not a valid regular expression/],
    ["[ab", /not a valid regular expression/],
    ["", /is empty/],
    ["a".repeat(MAX_USER_REGEX_LENGTH + 1), /longer than/],
  ])("rejects %s", (src, reason) => expect(unsafeReason(src)).toMatch(reason));
});

describe("compileSafeRegex", () => {
  it("finds every match with UTF-16 offsets, as RegExp would", () => {
    const text = "😀 EMP-12345 é EMP-1 EMP-67890";
    expect(all("EMP-\\d{5}", text)).toEqual([...text.matchAll(/EMP-\d{5}/g)].map((m) => [m.index, m[0]]));
  });

  it("supports Unicode classes", () => {
    expect(all("\\p{Lu}\\p{Ll}+", "müller Müller")).toEqual([[7, "Müller"]]);
  });

  it("skips empty matches of a pattern that can also match text", () => {
    expect(all("\\bx*", "ab xx")).toEqual([[3, "xx"]]);
  });

  it("rejects a pattern that matches the empty string", () => {
    expect(compileSafeRegex("a?")).toEqual({ ok: false, reason: "matches the empty string" });
  });

  it("runs the issue's ReDoS patterns over 100,000 characters without stalling (linear engine)", () => {
    for (const src of ["(?:a|a){1,100}$", "\\d+\\d+\\d+\\d+z", "(a+)+$", "(\\w+\\s?)*!"]) {
      // 26 characters stalled the API 1.6 s on RegExp; the cost doubled per character.
      const text = `${"a".repeat(50_000)}${"1".repeat(50_000)}`;
      expect(all(src, text).length).toBeLessThanOrEqual(1);
    }
  });
});
