import { ConfigError, loadConfig, parseBytes } from "../../../kernel/config";
import { orchestratorFamily } from "../../../apis/orchestrator/family";
import { taggerFamily } from "../../../apis/tagger/family";

describe("config", () => {
  it("uses the documented defaults on an empty environment", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.jwt.algorithm).toBe("HS256");
    // Token lifetimes belong to the API families (apis/*/family.ts), read from the same environment.
    expect(taggerFamily.tokenLifetimes(c.rawEnv)).toEqual({ accessSeconds: 30 * 60, refreshSeconds: 7 * 86400 });
    expect(orchestratorFamily.tokenLifetimes(c.rawEnv)).toEqual({ accessSeconds: 15 * 60, refreshSeconds: 30 * 86400 });
    expect(c.files.maxBytes).toBe(50 * 1024 * 1024);
    expect(c.transporter).toBeUndefined();
    expect(c.services).toEqual([]);
  });

  it("generates a per-process secret in development when none is set", () => {
    const a = loadConfig({});
    const b = loadConfig({});
    expect(a.jwt.secretGenerated).toBe(true);
    expect(a.jwt.secret).toHaveLength(64);
    expect(a.jwt.secret).not.toBe(b.jwt.secret);
  });

  it.each([
    ["unset", undefined],
    ["the documented placeholder", "your-super-secret-jwt-key-change-in-production"],
    ["short", "too-short-secret"],
  ])("refuses to start in production with a %s secret", (_label, secret) => {
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET_KEY: secret })).toThrow(/JWT_SECRET_KEY/);
  });

  it("accepts a long random secret in production", () => {
    const c = loadConfig({ NODE_ENV: "production", JWT_SECRET_KEY: "a".repeat(16) + "0123456789abcdef0123456789" });
    expect(c.jwt.secretGenerated).toBe(false);
  });

  it("names the variable when a value is out of range", () => {
    expect(() => loadConfig({ PORT: "70000" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT/);
    expect(() => loadConfig({ JWT_ALGORITHM: "none" })).toThrow(/JWT_ALGORITHM.*HS256/);
    expect(() => loadConfig({ METRICS: "maybe" })).toThrow(/METRICS/);
  });

  it("splits service and plugin lists and takes NATS from a nats transporter", () => {
    const c = loadConfig({ SERVICES: "gateway, auth,,keys", PLUGINS: "tagging", TRANSPORTER: "nats://10.0.0.1:4222" });
    expect(c.services).toEqual(["gateway", "auth", "keys"]);
    expect(c.plugins).toEqual(["tagging"]);
    expect(c.natsUrl).toBe("nats://10.0.0.1:4222");
  });

  it.each([
    ["1048576", 1048576],
    ["50MB", 50 * 1024 * 1024],
    ["1.5kb", 1536],
    ["2g", 2 * 1024 ** 3],
  ])("parses the size %s", (raw, bytes) => {
    expect(parseBytes(raw)).toBe(bytes);
  });

  it("rejects a size it cannot read", () => {
    expect(() => parseBytes("lots", "MAX_FILE_SIZE")).toThrow(/MAX_FILE_SIZE/);
  });
});
