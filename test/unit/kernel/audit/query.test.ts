/** Audit filters and the details an entry may keep. */
import { auditQuery, encodeCursor } from "../../../../kernel/audit/query";
import { cleanDetails } from "../../../../kernel/audit/model";
import { buildEntry } from "../../../../kernel/audit/middleware";
import { AUDITED, loginHash } from "../../../../kernel/audit/catalog";
import { orchestratorAudited } from "../../../../apis/orchestrator/audit";

describe("audit query", () => {
  it("turns filters into one query, prefix actions included", () => {
    const { filter, pageSize } = auditQuery({ action: "user.", outcome: "failure", actorId: "u1", from: "2026-12-01", pageSize: 10 });
    expect(pageSize).toBe(10);
    expect(filter).toEqual({ $and: [{ action: { $regex: "^user\\." } }, { outcome: "failure" }, { "actor.id": "u1" }, { at: { $gte: new Date("2026-12-01") } }] });
    expect(auditQuery({}).filter).toEqual({});
    const at = new Date("2026-12-01T10:00:00Z");
    expect(auditQuery({ cursor: encodeCursor(at, "e9") }).filter).toEqual({ $and: [{ $or: [{ at: { $lt: at } }, { at, _id: { $lt: "e9" } }] }] });
  });

  it.each([
    [{ action: "user.*" }, "action"],
    [{ outcome: "ok" }, "outcome"],
    [{ from: "12/01/2026" }, "from"],
    [{ to: "2026-02-30T99:00:00Z" }, "to"],
    [{ pageSize: 201 }, "pageSize"],
    [{ cursor: Buffer.from('{"t":"x"}').toString("base64url") }, "cursor"],
  ])("refuses %p naming %s", (params, field) => {
    expect(() => auditQuery(params)).toThrow(expect.objectContaining({ type: "VALIDATION_ERROR", data: { fields: [expect.objectContaining({ field })] } }));
  });
});

describe("audit entries", () => {
  it("keep ids and counts, never free text", () => {
    expect(cleanDetails({ n: 3, ok: true, id: "job-1", roles: ["Admin"], email: "a@b.c", text: "John Smith, 12 Main St", name: "x".repeat(101), nested: { a: 1 } })).toEqual({ n: 3, ok: true, id: "job-1", roles: ["Admin"] });
  });

  it("name a failed sign-in's account by hash, with the caller's request id and address", () => {
    const e = buildEntry(orchestratorAudited["auth.v1Login"]!, { requestID: "req-12345678" }, { clientIp: "10.0.0.9" }, { params: { login: "Someone@Example.com ", password: "secret" }, result: null, error: "INVALID_CREDENTIALS", caller: "gateway" });
    expect(e).toMatchObject({ action: "auth.login", outcome: "failure", actor: { id: null, via: "anonymous" }, ip: "10.0.0.9", requestId: "req-12345678", target: { type: "account", id: loginHash("someone@example.com") }, error: "INVALID_CREDENTIALS" });
    expect(JSON.stringify(e)).not.toMatch(/secret|Someone/i);
  });

  it("name the caller's own account as the target of a password change", () => {
    const e = buildEntry(orchestratorAudited["auth.v1ResetPassword"]!, { requestID: "r-12345678" }, { user: { id: "u7", email: "x", roles: [], isAdmin: false, via: "jwt" } }, { params: { newPassword: "N3w!" }, result: { token: "t" }, caller: "gateway" });
    expect(e).toMatchObject({ action: "user.password_changed", actor: { id: "u7" }, target: { type: "user", id: "u7" }, details: { forced: true } });
    expect(JSON.stringify(e)).not.toContain("N3w!");
  });

  it("skip internal calls of actions recorded only from the gateway", () => {
    expect(AUDITED["jobs.create"]!.when!({ params: {}, result: {}, caller: "orchestrator" })).toBe(false);
    expect(AUDITED["jobs.create"]!.when!({ params: {}, result: {}, caller: "gateway" })).toBe(true);
  });
});
