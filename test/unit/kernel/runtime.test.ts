import { availableServices, loadServiceSchema } from "../../../kernel/runtime";

describe("service discovery", () => {
  it("finds every service file by name", () => {
    expect(availableServices()).toEqual(expect.arrayContaining(["gateway", "auth", "keys", "storage", "jobs", "worker"]));
  });

  it("names the available services when asked for an unknown one", () => {
    expect(() => loadServiceSchema("nope")).toThrow(/Unknown service "nope"\. Available: .*gateway/);
  });

  it("refuses names that could walk out of services/", () => {
    expect(() => loadServiceSchema("../package")).toThrow(/Invalid service name/);
  });

  it("loads a schema whose name matches its file", () => {
    expect(loadServiceSchema("gateway").name).toBe("gateway");
  });
});
