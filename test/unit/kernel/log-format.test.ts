import { jsonFormatter } from "../../../kernel/log-format";

const bindings = { nodeID: "n1", ns: "docmill", mod: "auth", svc: "auth" };

function parse(lines: string[]): Record<string, unknown> {
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

describe("jsonFormatter", () => {
  it("merges a leading object into the line as fields", () => {
    const line = parse(jsonFormatter("info", [{ msg: "action", action: "auth.login", requestID: "r-1", ms: 3.2 }], bindings));
    expect(line).toMatchObject({ level: "info", msg: "action", action: "auth.login", requestID: "r-1", ms: 3.2, nodeID: "n1", svc: "auth" });
    expect(typeof line.ts).toBe("string");
  });

  it("joins plain arguments into msg", () => {
    expect(parse(jsonFormatter("warn", ["listening on", 3000], bindings)).msg).toBe("listening on 3000");
  });

  it("keeps an error's stack", () => {
    const line = parse(jsonFormatter("error", ["failed:", new Error("boom")], bindings));
    expect(line.msg).toMatch(/^failed: Error: boom\n\s+at /);
  });

  it("survives values JSON cannot hold", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const line = parse(jsonFormatter("info", [{ msg: "x", circular }], bindings));
    expect(line.level).toBe("info");
  });
});
