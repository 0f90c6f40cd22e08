import { buildPrompt, classify, parseTagList, retryAfter } from "../../../../../plugins/tagging/tagger/llm";
import { APIConnectionTimeoutError, APIError } from "openai";

describe("parseTagList", () => {
  const cases: Array<[string, string, string[] | undefined]> = [
    ["a JSON array", '["open data", "cybersecurity"]', ["open data", "cybersecurity"]],
    ["an object with tags", '{"tags": ["open data", "cybersecurity"]}', ["open data", "cybersecurity"]],
    ["an object with keywords", '{"keywords": ["solar power"]}', ["solar power"]],
    ["an array of objects", '[{"tag": "open data"}, {"name": "privacy"}]', ["open data", "privacy"]],
    ["a fenced code block", 'Here you go:\n```json\n["open data", "privacy"]\n```', ["open data", "privacy"]],
    ["an array inside prose", 'Sure! The tags are ["open data", "privacy"]. Hope this helps.', ["open data", "privacy"]],
    ["a reasoning block before the answer", '<think>the text is about [data]</think>["privacy"]', ["privacy"]],
    ["a bulleted list", "Tags:\n- open data\n- privacy\n* cybersecurity", ["open data", "privacy", "cybersecurity"]],
    ["a numbered list", "1. open data\n2) privacy", ["open data", "privacy"]],
    ["a comma list", "open data, privacy, cybersecurity", ["open data", "privacy", "cybersecurity"]],
    ["a refusal", "Sorry, I cannot help with that.", undefined],
    ["an empty answer", "   ", undefined],
    ["an empty array", "[]", undefined],
    ["prose lines", "This document is about many things that matter a great deal to everyone involved.\nIt also covers more topics than one could list here in a sentence.", undefined],
  ];
  it.each(cases)("reads %s", (_name, content, expected) => {
    expect(parseTagList(content)).toEqual(expected);
  });
});

describe("retryAfter", () => {
  it("reads seconds, milliseconds and HTTP dates", () => {
    expect(retryAfter(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:05 GMT" }), now)).toBe(5000);
    expect(retryAfter(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfter(new Headers())).toBeUndefined();
  });
});

describe("classify", () => {
  const apiError = (status: number, message: string) =>
    APIError.generate(status, { error: { message } }, undefined, new Headers());
  const cases: Array<[number, string, string, boolean]> = [
    [401, "bad key", "LLM_AUTH", false],
    [403, "forbidden", "LLM_AUTH", false],
    [402, "insufficient credits", "LLM_AUTH", false],
    [404, "no such model", "LLM_MODEL", false],
    [400, "foo/bar is not a valid model ID", "LLM_MODEL", false],
    [400, "context length exceeded", "LLM_REJECTED", false],
    [429, "slow down", "LLM_RATE_LIMIT", true],
    [500, "oops", "LLM_UNAVAILABLE", true],
    [503, "overloaded", "LLM_UNAVAILABLE", true],
  ];
  it.each(cases)("maps HTTP %i (%s) to %s", (status, message, code, retryable) => {
    const f = classify(apiError(status, message));
    expect(f.code).toBe(code);
    expect(f.retryable).toBe(retryable);
    expect(f.providerStatus).toBe(status);
  });

  it("maps a client timeout to LLM_TIMEOUT and scrubs echoed keys", () => {
    expect(classify(new APIConnectionTimeoutError()).code).toBe("LLM_TIMEOUT");
    const f = classify(apiError(401, "Incorrect API key provided: sk-or-v1-abcd****wxyz"));
    expect(f.message).not.toContain("sk-or");
  });
});

describe("buildPrompt", () => {
  it("asks for the count, lists exclusions and already chosen tags", () => {
    const p = buildPrompt({ text: "Some text.", title: "A title", count: 10, exclusions: ["government"], avoid: ["open data"] });
    expect(p.user).toContain("exactly 10 tags");
    expect(p.user).toContain('"government"');
    expect(p.user).toContain('"open data"');
    expect(p.user).toContain("Title: A title");
    expect(p.user).toContain("Some text.");
  });
});
