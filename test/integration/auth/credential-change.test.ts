/**
 * Credential changes end earlier sessions on every node: two gateway nodes on the real NATS transporter
 * and one database, each with a warm user cache. Access tokens issued before a password change, an
 * admin reset or a forced first-login reset are refused from the very next request on either node;
 * the token the change returned keeps working. Also: a failed `/v1/auth/refresh` clears the cookie.
 */
import { randomBytes } from "node:crypto";
import type { BrokerOptions, ServiceBroker } from "moleculer";
import { sha256Hex } from "../../../kernel/auth/tokens";
import { natsUrl } from "../../support/infra";
import { startStack, uniqueMongoUrl, type Stack } from "../../support/stack";
import { ADMIN, client, cookiePair, decodeJwt, RELAXED_THROTTLE, settings, withDb } from "./helpers";

const namespace = `cred-${randomBytes(4).toString("hex")}`;
const mongoUrl = uniqueMongoUrl("cred");
let nodeA: Stack;
let nodeB: Stack;
let a: ReturnType<typeof client>;
let b: ReturnType<typeof client>;
let admin = "";
let adminBeforeReset = "";

const ADMIN_PASSWORD = "AdminPass1!";
const BOB = { email: "bob@example.com", password: "BobPass123!" };
const CLEARED = /^refreshToken=; Path=\/v1\/auth; HttpOnly; SameSite=Strict; Max-Age=0$/;

function node(id: string) {
  return startStack({
    services: ["gateway", "auth", "keys"],
    mongoUrl,
    broker: { transporter: natsUrl() as BrokerOptions["transporter"], nodeID: id, namespace },
    mods: { auth: { settings: settings({ throttle: RELAXED_THROTTLE }) } },
  });
}

async function seeEachOther(broker: ServiceBroker, nodes: string[]) {
  for (let i = 0; i < 200; i++) {
    const list = broker.registry.getServiceList({ onlyAvailable: true }) as Array<{ name: string; nodeID: string }>;
    if (nodes.every((n) => list.some((s) => s.name === "auth" && s.nodeID === n))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("nodes did not discover each other");
}

/** Every node has the user cached: a stale cache is what the change must get past. */
async function warm(token: string, path = "/v1/users/me") {
  for (const api of [a, b]) expect((await api("GET", path, { token })).status).toBe(200);
}

async function expectTaggerRefused(token: string) {
  for (const api of [a, b]) {
    const r = await api("GET", "/api/auth/me", { token });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Could not validate credentials" });
  }
}

async function expectOrchestratorRefused(token: string) {
  for (const api of [a, b]) {
    const r = await api("GET", "/v1/users/me", { token });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ status: 401, title: "Unauthorized", detail: "Could not validate credentials", code: "UNAUTHORIZED" });
    expect(r.headers.get("content-type")).toContain("application/problem+json");
  }
}

async function v1Login(login: string, password: string, api = b) {
  const r = await api("POST", "/v1/auth/login", { json: { login, password } });
  expect(r.status).toBe(200);
  return { token: r.body.token as string, cookie: cookiePair(r.headers.get("set-cookie")), body: r.body };
}

beforeAll(async () => {
  nodeA = await node("cred-a");
  nodeB = await node("cred-b");
  await seeEachOther(nodeA.broker, ["cred-a", "cred-b"]);
  await seeEachOther(nodeB.broker, ["cred-a", "cred-b"]);
  a = client(nodeA.baseUrl);
  b = client(nodeB.baseUrl);
  adminBeforeReset = (await v1Login(ADMIN.email, ADMIN.password)).token;
  await warm(adminBeforeReset);
  const reset = await a("POST", "/v1/auth/reset-password", { json: { newPassword: ADMIN_PASSWORD }, token: adminBeforeReset });
  expect(reset.status).toBe(200);
  admin = reset.body.token;
  const created = await a("POST", "/v1/users", { json: { email: BOB.email, password: BOB.password, roles: ["User"] }, token: admin });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await nodeB?.stop();
  await nodeA?.stop();
});

describe("access tokens after a credential change", () => {
  it("the forced first-login reset refuses the token it was made with; the returned one works on both nodes", async () => {
    await expectOrchestratorRefused(adminBeforeReset);
    await warm(admin);
    expect((decodeJwt(admin).payload.ver as number) > (decodeJwt(adminBeforeReset).payload.ver as number)).toBe(true);
  });

  it("change-password refuses earlier tokens of both families on both nodes; the returned token and cookie work", async () => {
    const tagger = await b("POST", "/api/auth/login", { json: { email: BOB.email, password: BOB.password } });
    expect(tagger.status).toBe(200);
    const taggerToken = tagger.body.tokens.access_token as string;
    const v1 = await v1Login(BOB.email, BOB.password);
    await warm(taggerToken, "/api/auth/me");
    await warm(v1.token);

    const changed = await a("POST", "/v1/auth/change-password", { json: { currentPassword: BOB.password, newPassword: "BobPass456!" }, token: v1.token });
    expect(changed.status).toBe(200);
    const fresh = changed.body.token as string;

    await expectTaggerRefused(taggerToken);
    await expectOrchestratorRefused(v1.token);
    // Usually issued in the same second as v1.token: the version, not iat, tells them apart.
    await warm(fresh);
    await warm(fresh, "/api/auth/me");

    // Refresh tokens: revoked as before; the cookie the change set rotates into a working token.
    const oldRefresh = await b("POST", "/api/auth/refresh", { json: { refresh_token: tagger.body.tokens.refresh_token } });
    expect(oldRefresh.status).toBe(401);
    expect(oldRefresh.body).toEqual({ detail: "Invalid or expired refresh token" });
    expect((await b("POST", "/v1/auth/refresh", { cookie: v1.cookie })).status).toBe(401);
    const rotated = await b("POST", "/v1/auth/refresh", { cookie: cookiePair(changed.headers.get("set-cookie")) });
    expect(rotated.status).toBe(200);
    await warm(rotated.body.token);
    BOB.password = "BobPass456!";
  });

  it("an admin's reset of another user's password refuses that user's earlier tokens, not the admin's", async () => {
    const before = await v1Login(BOB.email, BOB.password);
    await warm(before.token);
    const r = await a("POST", `/v1/users/${before.body.user.id}/reset-password`, { json: { newPassword: "TempPass1!" }, token: admin });
    expect(r.status).toBe(200);
    await expectOrchestratorRefused(before.token);
    expect((await b("POST", "/v1/auth/refresh", { cookie: before.cookie })).status).toBe(401);
    await warm(admin);

    // Bob's own forced reset: the temporary token dies, the returned one lives.
    const temp = await v1Login(BOB.email, "TempPass1!");
    expect(temp.body.passwordResetRequired).toBe(true);
    await warm(temp.token);
    const own = await b("POST", "/v1/auth/reset-password", { json: { newPassword: "BobPass789!" }, token: temp.token });
    expect(own.status).toBe(200);
    await expectOrchestratorRefused(temp.token);
    await warm(own.body.token);
  });

  it("stores the version on the user", async () => {
    const users = await withDb(mongoUrl, (db) => db.collection("users").find({ email: BOB.email }).toArray());
    // change-password, admin reset, own reset.
    expect(users[0].tokenVersion).toBe(3);
  });
});

describe("a failed /v1/auth/refresh clears the cookie", () => {
  async function expectCleared(cookie?: string) {
    const r = await b("POST", "/v1/auth/refresh", cookie ? { cookie } : {});
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ status: 401, title: "Unauthorized", code: "INVALID_REFRESH_TOKEN" });
    expect(r.headers.get("set-cookie")).toMatch(CLEARED);
  }

  it("a successful refresh sets the rotated cookie and answers JSON", async () => {
    const s = await v1Login(ADMIN.email, ADMIN_PASSWORD);
    const r = await a("POST", "/v1/auth/refresh", { cookie: s.cookie });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(Object.keys(r.body).sort()).toEqual(["expiresAt", "token"]);
    const set = r.headers.get("set-cookie")!;
    expect(set).toMatch(/^refreshToken=[A-Za-z0-9_-]{43}; Path=\/v1\/auth; HttpOnly; SameSite=Strict; Max-Age=2592000$/);
    expect(cookiePair(set)).not.toBe(s.cookie);
    await warm(r.body.token);
  });

  it("missing cookie", async () => {
    await expectCleared();
  });

  it("unknown cookie", async () => {
    await expectCleared(`refreshToken=${randomBytes(32).toString("base64url")}`);
  });

  it("reused cookie (and the rotated one it revoked)", async () => {
    const s = await v1Login(ADMIN.email, ADMIN_PASSWORD);
    const first = await b("POST", "/v1/auth/refresh", { cookie: s.cookie });
    expect(first.status).toBe(200);
    await expectCleared(s.cookie);
    await expectCleared(cookiePair(first.headers.get("set-cookie")));
  });

  it("expired cookie", async () => {
    const s = await v1Login(ADMIN.email, ADMIN_PASSWORD);
    const hash = sha256Hex(s.cookie.slice("refreshToken=".length));
    const res = await withDb(mongoUrl, (db) => db.collection("refresh_tokens").updateOne({ hash }, { $set: { expiresAt: new Date(Date.now() - 1000) } }));
    expect(res.modifiedCount).toBe(1);
    await expectCleared(s.cookie);
  });
});
