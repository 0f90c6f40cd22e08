import { Readable } from "node:stream";
import { definePlugin, type PluginManifest } from "../../../../sdk/manifest";
import { inStage, runPlugin, toJobError, undeclaredCode, type RunIo } from "../../../../kernel/plugins/runner";
import { registerErrorCodes } from "../../../../kernel/errors";
import { defineErrorCodes } from "../../../../sdk/error-codes";

// What the loader does with a manifest's `errors` table: the plugin's codes join the one catalog.
beforeAll(() => {
  expect(registerErrorCodes("broken", defineErrorCodes({ BROKEN_BAD_KEY: { status: 400, message: "The key was refused", fix: "Use another key" } }))).toEqual([]);
});

const bytes = Buffer.from("hello");
const io = (): RunIo => ({
  jobId: "j1",
  owner: "u1",
  attempt: 1,
  input: { fileId: "f1", filename: "a.txt", contentType: "text/plain", size: bytes.length, sha256: "x", read: async () => bytes, stream: async () => Readable.from([bytes]) },
  rawOptions: {},
  signal: new AbortController().signal,
  logger: { info() {}, warn() {}, error() {}, debug() {} } as never,
  reportProgress: async () => undefined,
  storeOutput: async (name) => ({ name, fileId: "o1", size: 1, sha256: "y", contentType: "text/plain", filename: name }),
});

const plugin = (over: Partial<PluginManifest>): PluginManifest =>
  definePlugin({ id: "broken", version: "1.0.0", apiVersion: "1", title: "Broken", accepts: ["text/plain"], optionsSchema: {}, run: async () => ({ ok: true }), ...over });

describe("a plugin's failure names the plugin and the stage (as rollup's PluginDriver does)", () => {
  it.each([
    ["canRun", { canRun: () => Promise.reject(new Error("no model file")) }],
    ["setup", { setup: () => Promise.reject(Object.assign(new Error("bad key"), { type: "BROKEN_BAD_KEY" })) }],
    ["run", { run: () => Promise.reject(Object.assign(new Error("page 3 is unreadable"), { code: "PDF_CORRUPT" })) }],
  ] as const)("%s", async (stage, over) => {
    const err = await runPlugin(plugin(over as Partial<PluginManifest>), io()).then(
      () => null,
      (e: unknown) => e,
    );
    const job = toJobError(err);
    expect(job).toMatchObject({ plugin: "broken", stage });
    // The plugin's own code still decides the catalogued type.
    expect(job.type).toBe(stage === "setup" ? "BROKEN_BAD_KEY" : stage === "run" ? "PDF_CORRUPT" : "PLUGIN_ERROR");
  });

  it("keeps the innermost stage and leaves values it cannot mark", () => {
    const e = inStage(inStage(new Error("x"), "inner", "run"), "outer", "setup") as { plugin: string; stage: string };
    expect([e.plugin, e.stage]).toEqual(["inner", "run"]);
    expect(inStage("a string", "p", "run")).toBe("a string");
    expect(toJobError(inStage(Object.freeze(new Error("frozen")), "p", "run"))).toEqual({ type: "PLUGIN_ERROR", message: "frozen" });
  });

  it("lets only catalogued codes reach a job's error: an undeclared one is PLUGIN_ERROR (INTERNAL outside a plugin), message kept", async () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'model.bin'"), { code: "ENOENT" });
    const err = await runPlugin(plugin({ run: () => Promise.reject(enoent) }), io()).then(() => null, (e: unknown) => e);
    expect(toJobError(err)).toEqual({ type: "PLUGIN_ERROR", message: "ENOENT: no such file or directory, open 'model.bin'", plugin: "broken", stage: "run" });
    expect(undeclaredCode(err)).toBe("ENOENT");
    const forgotten = await runPlugin(plugin({ run: () => Promise.reject(Object.assign(new Error("nope"), { type: "BROKEN_NEVER_DECLARED" })) }), io()).then(() => null, (e: unknown) => e);
    expect(toJobError(forgotten)).toMatchObject({ type: "PLUGIN_ERROR", plugin: "broken" });
    expect(toJobError(Object.assign(new Error("host trouble"), { type: "HOST_ONLY_CODE" }))).toEqual({ type: "INTERNAL", message: "host trouble" });
    // Catalogued codes pass: the runtime's, the SDK's, a registered plugin's, an API type.
    for (const type of ["WORKER_LOST", "PDF_CORRUPT", "BROKEN_BAD_KEY", "VALIDATION_ERROR"]) {
      expect(toJobError(Object.assign(new Error("x"), { type })).type).toBe(type);
      expect(undeclaredCode(Object.assign(new Error("x"), { type }))).toBeUndefined();
    }
  });

  it("says nothing of a plugin for an error of the host", () => {
    expect(toJobError(Object.assign(new Error("gone"), { type: "SERVICE_UNAVAILABLE" }))).toEqual({ type: "SERVICE_UNAVAILABLE", message: "gone" });
  });
});
