import { parseWireStatus, wireStatus } from "../../../../apis/orchestrator/status";

describe("wire status of a runtime job", () => {
  it.each([
    ["queued", false, "created"],
    ["running", false, "detectionInProgress"],
    ["paused:readyForReview", false, "readyForReview"],
    ["paused:readyForReview", true, "redactionInProgress"],
    ["queued", true, "redactionInProgress"],
    ["running", true, "redactionInProgress"],
    ["completed", true, "finished"],
    ["failed", false, "failed"],
    ["failed", true, "failed"],
    ["expired", true, "expired"],
    ["cancelled", false, "cancelled"],
  ])("maps %s (reviewed: %s) to %s", (status, reviewed, wire) => {
    expect(wireStatus(status, reviewed)).toBe(wire);
  });

  it("reads filter values in any casing, PascalCase included", () => {
    expect(parseWireStatus("ReadyForReview")).toBe("readyForReview");
    expect(parseWireStatus("FINISHED")).toBe("finished");
    expect(parseWireStatus("done")).toBeUndefined();
  });
});
