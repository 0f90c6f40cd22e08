import { generateTags, isTaggerError, TaggerError } from "../../../../plugins/tagging/tagger";
import { generateTagsLLM } from "../../../../plugins/tagging/tagger/llm";
import { FakeLLM, reply, startFakeLLM } from "../../../support/fake-llm";
import { digitalGovernance } from "../../../unit/plugins/tagging/tagger/fixtures/documents";

const KEY = "sk-or-v1-test-0123456789abcdef0123456789abcdef";
const TAGS = ["digital governance", "public services", "digital identity", "data protection", "cybersecurity", "open data",
  "interoperability", "digital inclusion", "personal data", "digital literacy", "civil servants", "e-government"];

describe("LLM tag engine against an OpenAI-compatible server", () => {
  let fake: FakeLLM;
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  const base = () => ({
    text: digitalGovernance.text, numTags: 8, apiKey: KEY, baseURL: fake.baseURL, model: "openai/gpt-4o-mini", sleep,
  });

  beforeAll(async () => {
    fake = await startFakeLLM({ tags: TAGS });
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    waits.length = 0;
  });

  async function failure(p: Promise<unknown>): Promise<TaggerError> {
    try {
      await p;
    } catch (err) {
      expect(isTaggerError(err)).toBe(true);
      return err as TaggerError;
    }
    throw new Error("expected the call to fail");
  }

  function expectNoKey(err: TaggerError): void {
    expect(err.message).not.toContain(KEY);
    expect(JSON.stringify(err.data)).not.toContain(KEY);
    expect(String(err.stack)).not.toContain(KEY);
  }

  it("returns the model's tags, sending the key as a bearer token and asking for numTags", async () => {
    const r = await generateTagsLLM(base());
    expect(r.tags).toEqual(TAGS.slice(0, 8));
    expect(r.model).toBe("openai/gpt-4o-mini");
    expect(JSON.parse(r.raw)).toEqual(TAGS.slice(0, 8));
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0];
    expect(req.path).toBe("/v1/chat/completions");
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body?.model).toBe("openai/gpt-4o-mini");
    expect(FakeLLM.askedCount(req)).toBe(8);
    expect(req.prompt).toContain("digital-first approach");
  });

  it("works with an OpenRouter-style base URL", async () => {
    const r = await generateTagsLLM({ ...base(), baseURL: fake.openRouterURL, numTags: 3 });
    expect(r.tags).toEqual(TAGS.slice(0, 3));
    expect(fake.requests[0].path).toBe("/api/v1/chat/completions");
  });

  it("over-asks by the number of exclusion words and replaces excluded tags", async () => {
    const r = await generateTagsLLM({ ...base(), exclusionWords: ["Cybersecurity", "open data"] });
    expect(FakeLLM.askedCount(fake.requests[0])).toBe(10);
    expect(fake.requests[0].prompt).toContain('"Cybersecurity"');
    expect(r.tags).toHaveLength(8);
    expect(r.tags).not.toContain("cybersecurity");
    expect(r.tags).not.toContain("open data");
    expect(r.tags).toContain("digital literacy");
  });

  it("asks again for the missing tags when normalisation leaves too few", async () => {
    fake.enqueue(
      reply.content(JSON.stringify(["Digital Governance", "digital governance", "page 1", "copyright", "© 2025 all rights reserved", "public services", "Public Service", "open data"])),
      reply.tags(["digital identity", "data protection", "cybersecurity", "digital inclusion", "personal data", "open data", "e-government"]),
    );
    const r = await generateTagsLLM(base());
    expect(fake.requests).toHaveLength(2);
    expect(FakeLLM.askedCount(fake.requests[1])).toBe(7);
    expect(fake.requests[1].prompt).toContain('"digital governance"');
    expect(r.tags).toEqual(["digital governance", "public services", "open data", "digital identity", "data protection", "cybersecurity", "digital inclusion", "personal data"]);
    expect(r.attempts).toBe(2);
  });

  it("scrubs the key from the raw answer", async () => {
    fake.enqueue(reply.content(`Your key ${KEY} works. ["open data", "privacy", "cybersecurity"]`));
    const r = await generateTagsLLM({ ...base(), numTags: 3 });
    expect(r.tags).toEqual(["open data", "privacy", "cybersecurity"]);
    expect(r.raw).not.toContain(KEY);
    expect(r.raw).toContain("[redacted]");
  });

  it("parses a fenced, chatty answer", async () => {
    fake.enqueue(reply.content('Here are the tags:\n```json\n{"tags": ["Digital Governance", "CYBERSECURITY", "Open Data"]}\n```'));
    const r = await generateTagsLLM({ ...base(), numTags: 3 });
    expect(r.tags).toEqual(["digital governance", "cybersecurity", "open data"]);
  });

  it("rejects a bad key with LLM_AUTH as a 4xx, without retrying and without leaking the key", async () => {
    fake.enqueue(reply.error(401, `Incorrect API key provided: ${KEY}`));
    const err = await failure(generateTagsLLM(base()));
    expect(err.code).toBe("LLM_AUTH");
    expect(err.status).toBeGreaterThanOrEqual(400);
    expect(err.status).toBeLessThan(500);
    expect(err.data.providerStatus).toBe(401);
    expect(fake.requests).toHaveLength(1);
    expectNoKey(err);
  });

  it("reports an unknown model as LLM_MODEL", async () => {
    fake.knownModels = ["openai/gpt-4o-mini"];
    try {
      const err = await failure(generateTagsLLM({ ...base(), model: "nobody/no-such-model" }));
      expect(err.code).toBe("LLM_MODEL");
      expect(err.status).toBe(400);
      expect(err.data.model).toBe("nobody/no-such-model");
      expect(fake.requests).toHaveLength(1);
    } finally {
      fake.knownModels = undefined;
    }
  });

  it("waits as long as Retry-After says on 429, then succeeds", async () => {
    fake.enqueue(reply.rateLimited(2));
    const r = await generateTagsLLM(base());
    expect(r.tags).toHaveLength(8);
    expect(fake.requests).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it("gives up with LLM_RATE_LIMIT once the retries are spent", async () => {
    fake.responder = () => reply.rateLimited(1);
    const err = await failure(generateTagsLLM({ ...base(), maxRetries: 2 }));
    expect(err.code).toBe("LLM_RATE_LIMIT");
    expect(err.status).toBe(429);
    expect(err.data.attempts).toBe(3);
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it("does not wait for a Retry-After beyond a minute", async () => {
    fake.enqueue(reply.rateLimited(3600));
    const err = await failure(generateTagsLLM(base()));
    expect(err.code).toBe("LLM_RATE_LIMIT");
    expect(err.data.retryAfterMs).toBe(3_600_000);
    expect(waits).toEqual([]);
  });

  it("backs off exponentially on 5xx, then succeeds", async () => {
    fake.enqueue(reply.serverError(500), reply.serverError(503));
    const r = await generateTagsLLM(base());
    expect(r.tags).toHaveLength(8);
    expect(fake.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0]);
  });

  it("reports LLM_UNAVAILABLE when 5xx persists", async () => {
    fake.responder = () => reply.serverError(502);
    const err = await failure(generateTagsLLM({ ...base(), maxRetries: 1 }));
    expect(err.code).toBe("LLM_UNAVAILABLE");
    expect(err.status).toBeGreaterThanOrEqual(500);
    expectNoKey(err);
  });

  it("retries a malformed answer and reports LLM_BAD_RESPONSE when it stays malformed", async () => {
    fake.responder = () => reply.content("I'm sorry, I cannot do that.");
    const err = await failure(generateTagsLLM({ ...base(), maxRetries: 1 }));
    expect(err.code).toBe("LLM_BAD_RESPONSE");
    expect(fake.requests).toHaveLength(2);
  });

  it("recovers when a malformed answer is followed by a good one", async () => {
    fake.enqueue(reply.html(200));
    const r = await generateTagsLLM(base());
    expect(r.tags).toHaveLength(8);
    expect(fake.requests).toHaveLength(2);
  });

  it("times out a slow provider with LLM_TIMEOUT", async () => {
    fake.responder = () => reply.delay(5000);
    const err = await failure(generateTagsLLM({ ...base(), timeoutMs: 200, maxRetries: 1 }));
    expect(err.code).toBe("LLM_TIMEOUT");
    expect(err.status).toBe(502);
    expect(fake.requests).toHaveLength(2);
  });

  it("reports an unreachable provider as LLM_UNAVAILABLE", async () => {
    const err = await failure(generateTagsLLM({ ...base(), baseURL: "http://127.0.0.1:1/v1", maxRetries: 1 }));
    expect(err.code).toBe("LLM_UNAVAILABLE");
    expectNoKey(err);
  });
});

describe("generateTags", () => {
  let fake: FakeLLM;
  beforeAll(async () => {
    fake = await startFakeLLM({ tags: TAGS });
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("uses the model engine when an API key is given", async () => {
    const r = await generateTags({ text: digitalGovernance.text, numTags: 5 }, { apiKey: KEY, baseURL: fake.baseURL });
    expect(r).toEqual({ tags: TAGS.slice(0, 5), engine: "llm", model: "openai/gpt-4o-mini", raw: JSON.stringify(TAGS.slice(0, 5)) });
  });

  it("uses the local engine without a key, touching no network", async () => {
    const before = fake.requests.length;
    const r = await generateTags({ text: digitalGovernance.text, numTags: 6 }, { apiKey: "  " });
    expect(r.engine).toBe("local");
    expect(r.tags).toHaveLength(6);
    expect(r.model).toBeUndefined();
    expect(fake.requests.length).toBe(before);
  });

  it("defaults to eight tags", async () => {
    expect((await generateTags({ text: digitalGovernance.text })).tags).toHaveLength(8);
  });

  it.each([2, 16, 7.5])("rejects numTags %p with INVALID_INPUT", async (numTags) => {
    await expect(generateTags({ text: "x", numTags })).rejects.toMatchObject({ code: "INVALID_INPUT", status: 400 });
  });

  it("rejects an empty text with INVALID_INPUT", async () => {
    await expect(generateTags({ text: "  " })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});

describe("LLM tag engine cancellation", () => {
  it("stops without retrying when the caller aborts", async () => {
    const fake = await startFakeLLM({ tags: TAGS });
    try {
      const controller = new AbortController();
      // The caller aborts once the request is at the server (not after a fixed delay: on a loaded machine
      // the request may not have left in 100 ms, and then no request is the right answer for the wrong reason).
      fake.responder = () => {
        setImmediate(() => controller.abort());
        return reply.delay(5000);
      };
      const p = generateTagsLLM({ text: "Solar power policy text.", numTags: 3, apiKey: KEY, baseURL: fake.baseURL, maxRetries: 3, signal: controller.signal, sleep: async () => {} });
      await expect(p).rejects.toMatchObject({ code: "LLM_UNAVAILABLE", data: { attempts: 1 } });
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.stop();
    }
  });
});
