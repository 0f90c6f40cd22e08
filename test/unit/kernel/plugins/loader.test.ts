import { manifestProblems } from "../../../../kernel/plugins/loader";
import { validateOptions, parseOptionPairs } from "../../../../kernel/plugins/options";

const good = {
  id: "demo",
  version: "1.2.3",
  apiVersion: "1",
  title: "Demo",
  accepts: ["application/pdf"],
  optionsSchema: { n: { type: "number", default: 2 } },
  run: async () => ({}),
};

describe("plugin manifest validation", () => {
  it("accepts a complete manifest", () => {
    expect(manifestProblems({ default: good }, "demo")).toEqual([]);
  });

  it("tells how to export a manifest when there is none", () => {
    expect(manifestProblems({}, "demo")[0]).toMatch(/export default definePlugin/);
  });

  it("names the fix for an id that differs from the folder", () => {
    expect(manifestProblems({ default: good }, "other").join()).toMatch(/rename the folder or set id: "other"/);
  });

  it("refuses a version that is not semver", () => {
    expect(manifestProblems({ default: { ...good, version: "one" } }, "demo").join()).toMatch(/not semver/);
  });

  it("refuses an incompatible runtime API version and names the supported one", () => {
    expect(manifestProblems({ default: { ...good, apiVersion: "2" } }, "demo").join()).toMatch(/set apiVersion: "1"/);
  });

  it("refuses an empty accepts list and a missing run function", () => {
    const problems = manifestProblems({ default: { ...good, accepts: [], run: undefined } }, "demo").join("\n");
    expect(problems).toMatch(/accepts/);
    expect(problems).toMatch(/run/);
  });

  it("refuses an options schema that does not compile", () => {
    expect(manifestProblems({ default: { ...good, optionsSchema: { n: { type: "no-such-rule" } } } }, "demo").join()).toMatch(/optionsSchema does not compile/);
  });
});

describe("plugin options", () => {
  it("applies defaults without touching the caller's object", () => {
    const raw = {};
    expect(validateOptions(good.optionsSchema, raw, "demo")).toEqual({ n: 2 });
    expect(raw).toEqual({});
  });

  it("names the bad field as options.<name>", () => {
    try {
      validateOptions(good.optionsSchema, { n: "x" }, "demo");
      throw new Error("no error");
    } catch (err) {
      expect((err as { type: string }).type).toBe("VALIDATION_ERROR");
      expect((err as { data: { fields: Array<{ field: string }> } }).data.fields[0]!.field).toBe("options.n");
    }
  });

  it("parses k=v pairs from the command line", () => {
    expect(parseOptionPairs(["a=1", "b=true", "c=text", "d={\"x\":1}"])).toEqual({ a: 1, b: true, c: "text", d: { x: 1 } });
  });
});
