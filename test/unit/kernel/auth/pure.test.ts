/** Pure parts of auth and keys: password rules, lockout growth, key expiry rules, OpenAPI conversion, tokens. */
import { checkExpiry, generateKey, keyStatus, maxExpiry } from "../../../../kernel/keys/core";
import { orchestratorPasswordProblems, orchestratorUser } from "../../../../apis/orchestrator/auth";
import { taggerPasswordProblems, taggerUser } from "../../../../apis/tagger/auth";
import { DEFAULT_THROTTLE, lockSeconds, throttleKeys } from "../../../../kernel/auth/throttle";
import { SignJWT } from "jose";
import { sha256Hex, signAccessToken, verifyAccessToken } from "../../../../kernel/auth/tokens";
import { parseRole } from "../../../../kernel/auth/views";
import { objectSchema, openApiPath, ruleToSchema } from "../../../../kernel/gateway/openapi";

describe("password rules", () => {
  it.each([
    ["Abcdef1!", 0],
    ["abcdef1!", 1],
    ["ABCDEF1!", 1],
    ["Abcdefg!", 1],
    ["Abcdefg1", 1],
    ["Ab1!", 1],
    ["abc", 4],
  ])("orchestrator rules for %s give %i problems", (pw, n) => {
    expect(orchestratorPasswordProblems("newPassword", pw)).toHaveLength(n);
  });

  it("names the field in every problem", () => {
    expect(orchestratorPasswordProblems("newPassword", "x").every((p) => p.field === "newPassword")).toBe(true);
  });

  it("tag generator needs 8 characters and refuses what bcrypt would truncate", () => {
    expect(taggerPasswordProblems("password", "1234567")).toHaveLength(1);
    expect(taggerPasswordProblems("password", "12345678")).toHaveLength(0);
    expect(taggerPasswordProblems("password", "é".repeat(40))).toHaveLength(1);
  });
});

describe("lockouts", () => {
  it("double with every lockout up to the cap", () => {
    expect([1, 2, 3, 4].map((n) => lockSeconds(DEFAULT_THROTTLE, n))).toEqual([30, 60, 120, 240]);
    expect(lockSeconds(DEFAULT_THROTTLE, 50)).toBe(DEFAULT_THROTTLE.maxLockSeconds);
  });

  it("key accounts by the submitted login, case-insensitively", () => {
    expect(throttleKeys(" Bob@Example.com ", "1.2.3.4")).toEqual({ account: "acct:bob@example.com", ip: "ip:1.2.3.4" });
  });
});

describe("API key rules", () => {
  const now = new Date("2026-01-31T12:00:00Z");

  it("generates pdft_ + 43 base64url characters, never twice the same", () => {
    const a = generateKey();
    expect(a).toMatch(/^pdft_[A-Za-z0-9_-]{43}$/);
    expect(generateKey()).not.toBe(a);
  });

  it("allows expiry up to twelve calendar months ahead, not one second more", () => {
    expect(maxExpiry(now).toISOString()).toBe("2027-01-31T12:00:00.000Z");
    expect(checkExpiry("2027-01-31T12:00:00Z", now).toISOString()).toBe("2027-01-31T12:00:00.000Z");
    expect(() => checkExpiry("2027-01-31T12:00:01Z", now)).toThrow("12 months");
    expect(() => checkExpiry("2026-01-31T12:00:00Z", now)).toThrow("future");
    expect(() => checkExpiry("31/01/2027", now)).toThrow("ISO 8601");
  });

  it("reports revoked before expired", () => {
    expect(keyStatus({ revokedAt: now, expiresAt: new Date(0) }, now)).toBe("revoked");
    expect(keyStatus({ revokedAt: null, expiresAt: now }, now)).toBe("expired");
    expect(keyStatus({ revokedAt: null, expiresAt: new Date(now.getTime() + 1) }, now)).toBe("active");
  });
});

describe("user views", () => {
  const u = { _id: "u1", email: "a@b.c", username: "a@b.c", fullName: null, roles: ["admin" as const], isActive: true, isVerified: true, passwordResetRequired: false, createdAt: new Date("2024-01-15T10:30:00Z") };

  it("shows the tag generator's exact fields", () => {
    expect(taggerUser(u)).toEqual({ id: "u1", email: "a@b.c", full_name: null, is_active: true, is_verified: true, created_at: "2024-01-15T10:30:00.000Z" });
  });

  it("spells roles the vendor's way and reads them case-insensitively", () => {
    expect(orchestratorUser(u).roles).toEqual(["Admin"]);
    expect(parseRole("ADMIN")).toBe("admin");
    expect(parseRole("User")).toBe("user");
    expect(parseRole("root")).toBeUndefined();
  });
});

describe("access tokens", () => {
  const s = { secret: "unit-test-secret-0123456789abcdef", algorithm: "HS256" as const };
  const now = Math.floor(Date.now() / 1000);

  it("round-trips the tag generator's claims", async () => {
    const { token } = await signAccessToken(s, { id: "u1", email: "a@b.c" }, "tagger", 1800, now);
    const c = await verifyAccessToken(s, token);
    expect(c).toMatchObject({ sub: "a@b.c", user_id: "u1", type: "access", fam: "tagger" });
    expect(c.exp - c.iat).toBe(1800);
    expect(c.password_reset_required).toBeUndefined();
  });

  it("carries password_reset_required only when set", async () => {
    const { token } = await signAccessToken(s, { id: "u1", email: "a@b.c", passwordResetRequired: true }, "orchestrator", 900, now);
    expect((await verifyAccessToken(s, token)).password_reset_required).toBe(true);
  });

  it("refuses an expired token as TOKEN_EXPIRED and garbage as UNAUTHORIZED", async () => {
    const { token } = await signAccessToken(s, { id: "u1", email: "a@b.c" }, "tagger", 60, now - 120);
    await expect(verifyAccessToken(s, token)).rejects.toMatchObject({ type: "TOKEN_EXPIRED" });
    await expect(verifyAccessToken(s, "not.a.jwt")).rejects.toMatchObject({ type: "UNAUTHORIZED" });
  });

  it("carries the user's token version as ver, 0 when the user has none", async () => {
    const v3 = await signAccessToken(s, { id: "u1", email: "a@b.c", tokenVersion: 3 }, "orchestrator", 900, now);
    expect((await verifyAccessToken(s, v3.token)).ver).toBe(3);
    const v0 = await signAccessToken(s, { id: "u1", email: "a@b.c" }, "tagger", 900, now);
    expect((await verifyAccessToken(s, v0.token)).ver).toBe(0);
  });

  it("refuses a genuinely signed token whose ver is not a non-negative integer", async () => {
    const key = new TextEncoder().encode(s.secret);
    for (const ver of [-1, 1.5, "2", null]) {
      const token = await new SignJWT({ user_id: "u1", type: "access", fam: "tagger", ver })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("a@b.c")
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(key);
      await expect(verifyAccessToken(s, token)).rejects.toMatchObject({ type: "UNAUTHORIZED" });
    }
  });

  it("hashes with SHA-256 hex", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("OpenAPI conversion", () => {
  it("converts the common fastest-validator rules", () => {
    expect(ruleToSchema({ type: "string", min: 1, max: 5 }).schema).toEqual({ type: "string", minLength: 1, maxLength: 5 });
    expect(ruleToSchema({ type: "email" }).schema).toEqual({ type: "string", format: "email" });
    expect(ruleToSchema({ type: "number", integer: true, min: 1 }).schema).toEqual({ type: "integer", minimum: 1 });
    expect(ruleToSchema({ type: "enum", values: ["a", "b"] }).schema).toEqual({ enum: ["a", "b"] });
    expect(ruleToSchema({ type: "array", items: "string" }).schema).toEqual({ type: "array", items: { type: "string" } });
    expect(ruleToSchema({ type: "uuid" }).schema).toEqual({ type: "string", format: "uuid" });
    expect(ruleToSchema({ type: "date" }).schema).toEqual({ type: "string", format: "date-time" });
    expect(ruleToSchema({ type: "boolean", optional: true })).toEqual({ schema: { type: "boolean" }, optional: true });
    expect(ruleToSchema("string|optional")).toEqual({ schema: { type: "string" }, optional: true });
    expect(ruleToSchema({ type: "string", nullable: true }).schema).toEqual({ type: ["string", "null"] });
  });

  it("lists required fields of an object", () => {
    expect(objectSchema({ a: "string", b: { type: "number", optional: true } })).toEqual({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a"],
    });
  });

  it("turns :params into {params}", () => {
    expect(openApiPath("/v1", "/users/:id/roles")).toEqual({ path: "/v1/users/{id}/roles", names: ["id"] });
    expect(openApiPath("", "/")).toEqual({ path: "/", names: [] });
  });
});
