import { decodeCursor, encodeCursor } from "../../../kernel/cursor";

const b64 = (s: string) => Buffer.from(s).toString("base64url");

describe("the /v1 page cursor", () => {
  it("decodes the cursor it encodes", () => {
    const at = new Date("2026-12-02T15:47:40.123Z");
    expect(decodeCursor(encodeCursor(at, "job-1"))).toEqual({ at, id: "job-1" });
    expect(decodeCursor(encodeCursor(at.toISOString(), "a".repeat(128)))).toEqual({ at, id: "a".repeat(128) });
  });

  it.each([
    "99999999999999999999_x",
    "",
    b64("{t:1"),
    b64("null"),
    b64("[1]"),
    b64('{"t":1e20,"id":"x"}'),
    b64('{"t":-1e20,"id":"x"}'),
    b64('{"t":1.5,"id":"x"}'),
    b64('{"t":"1","id":"x"}'),
    b64('{"t":1,"id":{"$ne":null}}'),
    b64('{"t":1,"id":""}'),
    b64(`{"t":1,"id":"${"x".repeat(129)}"}`),
  ])("refuses %j", (raw) => {
    expect(decodeCursor(raw)).toBeNull();
  });
});
