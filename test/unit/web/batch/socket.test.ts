import { afterClose, batchSocketUrl, parseBatchMessage, POLICY_VIOLATION } from "../../../../web/src/batch/socket";

describe("batch WebSocket messages", () => {
  it("reads the catch-up: the job's state and every result so far (results without a row id are dropped)", () => {
    const e = parseBatchMessage(JSON.stringify({ type: "catchup", state: { status: "processing", total: 3 }, results: [{ row_id: 0, status: "success" }, { status: "success" }, null] }));
    expect(e).toEqual({ kind: "catchup", state: { status: "processing", total: 3 }, results: [{ row_id: 0, status: "success" }] });
    expect(parseBatchMessage('{"type":"catchup"}')).toEqual({ kind: "catchup", state: undefined, results: [] });
  });

  it("each way a batch ends is an end, with the server's message or its type", () => {
    for (const type of ["completed", "failed", "cancelled", "error"]) expect(parseBatchMessage(JSON.stringify({ type }))).toEqual({ kind: "end", message: type });
    expect(parseBatchMessage(JSON.stringify({ type: "completed", message: "10 documents tagged" }))).toEqual({ kind: "end", message: "10 documents tagged" });
  });

  it("an error field is an error whatever the type (a refused token)", () => {
    expect(parseBatchMessage(JSON.stringify({ type: "catchup", error: "Invalid token" }))).toEqual({ kind: "error", message: "Invalid token" });
  });

  it("keepalives carry the status when they have one; a row update is anything with a numeric row id", () => {
    expect(parseBatchMessage('{"type":"keepalive","status":"paused"}')).toEqual({ kind: "keepalive", status: "paused" });
    expect(parseBatchMessage('{"type":"keepalive","status":3}')).toEqual({ kind: "keepalive", status: undefined });
    expect(parseBatchMessage('{"type":"row","row_id":4,"status":"success","tags":["a"]}')).toEqual({ kind: "row", row: { type: "row", row_id: 4, status: "success", tags: ["a"] } });
    expect(parseBatchMessage('{"row_id":"4","status":"success"}')).toEqual({ kind: "ignore" });
  });

  it("ignores what is not a JSON object", () => {
    for (const raw of ["", "not json", "[1,2]", "null", "42", '"text"']) expect(parseBatchMessage(raw)).toEqual({ kind: "ignore" });
  });
});

describe("batch WebSocket reconnect rule", () => {
  const base = { stopped: false, ended: false, finalSync: "no" as const, code: 1006, attempts: 0 };

  it("backs off 1 s, 2 s, 4 s ... and never waits more than 10 s", () => {
    expect([0, 1, 2, 3, 4, 10].map((attempts) => afterClose({ ...base, attempts }))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000].map((delayMs) => ({ kind: "retry", delayMs })));
  });

  it("after the end message connects once more for the final catch-up, then stops", () => {
    expect(afterClose({ ...base, ended: true, finalSync: "pending" })).toEqual({ kind: "final" });
    expect(afterClose({ ...base, ended: true, finalSync: "done" })).toEqual({ kind: "stop" });
  });

  it("stops when the page left or the server refused (1008): trying again would be refused again", () => {
    expect(afterClose({ ...base, stopped: true, finalSync: "pending" })).toEqual({ kind: "stop" });
    expect(afterClose({ ...base, code: POLICY_VIOLATION })).toEqual({ kind: "stop" });
  });

  it("connects on the page's own host, wss under https, the job id and token escaped", () => {
    expect(batchSocketUrl({ protocol: "https:", host: "docs.example:8443" }, "a/b", "t+k=")).toBe("wss://docs.example:8443/api/batch/ws/a%2Fb?token=t%2Bk%3D");
    expect(batchSocketUrl({ protocol: "http:", host: "localhost:3000" }, "j1", "t")).toBe("ws://localhost:3000/api/batch/ws/j1?token=t");
  });
});
