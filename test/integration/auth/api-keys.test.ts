/**
 * API keys over real HTTP with two gateway nodes on the real NATS transporter and one database:
 * creation rules, what is stored, scope (jobs routes only), and revocation taking effect on the very
 * next request through the other node even though that node cached the key.
 */
import { randomBytes } from "node:crypto";
import type { BrokerOptions, ServiceBroker } from "moleculer";
import GatewayService from "../../../services/gateway.service";
import { allRouteGroups } from "../../../apis";
import { buildRoutes } from "../../../kernel/gateway/routing";
import type { RouteGroup } from "../../../kernel/gateway/types";
import { natsUrl } from "../../support/infra";
import { startStack, uniqueMongoUrl, type Stack } from "../../support/stack";
import { ADMIN, client, readCollection, settings } from "./helpers";

// The jobs routes (issue 4) are not here yet: an API-key route that answers the caller stands in for them.
const probe: RouteGroup = { prefix: "/v1", routes: [{ method: "GET", path: "/probe-jobs", access: "apiKey", action: "auth.usersMe", summary: "test probe" }] };
const routes = buildRoutes([...allRouteGroups(), probe], (GatewayService.settings as unknown as { onError: Parameters<typeof buildRoutes>[1] }).onError);

const namespace = `keys-${randomBytes(4).toString("hex")}`;
const mongoUrl = uniqueMongoUrl("keys");
let nodeA: Stack;
let nodeB: Stack;
let a: ReturnType<typeof client>;
let b: ReturnType<typeof client>;
let admin = "";
let adminId = "";
let userId = "";

function node(id: string) {
  return startStack({
    services: ["gateway", "auth", "keys"],
    mongoUrl,
    broker: { transporter: natsUrl() as BrokerOptions["transporter"], nodeID: id, namespace },
    mods: { gateway: { settings: settings({ routes }) } },
  });
}

async function seeEachOther(broker: ServiceBroker, nodes: string[]) {
  for (let i = 0; i < 200; i++) {
    const list = broker.registry.getServiceList({ onlyAvailable: true }) as Array<{ name: string; nodeID: string }>;
    if (nodes.every((n) => list.some((s) => s.name === "keys" && s.nodeID === n))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("nodes did not discover each other");
}

const inDays = (d: number) => new Date(Date.now() + d * 86400e3).toISOString();

beforeAll(async () => {
  nodeA = await node("gw-a");
  nodeB = await node("gw-b");
  await seeEachOther(nodeA.broker, ["gw-a", "gw-b"]);
  await seeEachOther(nodeB.broker, ["gw-a", "gw-b"]);
  a = client(nodeA.baseUrl);
  b = client(nodeB.baseUrl);
  const login = await a("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } });
  admin = login.body.token;
  adminId = login.body.user.id;
  userId = (await a("POST", "/v1/users", { json: { email: "ci@example.com", password: "CiPass123!", roles: ["User"] }, token: admin })).body.userId;
});
afterAll(async () => {
  await nodeB?.stop();
  await nodeA?.stop();
});

async function createKey(expiresAt = inDays(30), forUser = userId) {
  const r = await a("POST", "/v1/api-keys", { json: { name: "CI Pipeline Key", userId: forUser, expiresAt }, token: admin });
  expect(r.status).toBe(201);
  return r.body as { id: string; key: string; prefix: string };
}

describe("creating keys", () => {
  it("returns the raw key once, pdft_ + 32 random bytes base64url", async () => {
    const r = await a("POST", "/v1/api-keys", { json: { name: "CI Pipeline Key", userId, expiresAt: inDays(30) }, token: admin });
    expect(r.status).toBe(201);
    expect(r.body.key).toMatch(/^pdft_[A-Za-z0-9_-]{43}$/);
    expect(r.body).toMatchObject({ name: "CI Pipeline Key", userId, status: "active", lastUsedAt: null, revokedAt: null });
    expect(r.body.key.startsWith(r.body.prefix)).toBe(true);
  });

  it("stores only the SHA-256 and never lists the raw key", async () => {
    const { key } = await createKey();
    expect(JSON.stringify(await readCollection(mongoUrl, "api_keys"))).not.toContain(key);
    const list = await a("GET", "/v1/api-keys", { token: admin });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(key);
    expect(list.body[0]).not.toHaveProperty("key");
    expect(list.body[0]).not.toHaveProperty("hash");
  });

  it.each([
    ["more than 12 months ahead", inDays(400)],
    ["in the past", inDays(-1)],
    ["not a date", "next tuesday"],
  ])("refuses an expiresAt %s, naming the field", async (_what, expiresAt) => {
    const r = await a("POST", "/v1/api-keys", { json: { name: "k", userId, expiresAt }, token: admin });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors)).toEqual(["expiresAt"]);
  });

  it("requires expiresAt", async () => {
    const r = await a("POST", "/v1/api-keys", { json: { name: "k", userId }, token: admin });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors)).toEqual(["expiresAt"]);
  });

  it("refuses a key for an unknown user", async () => {
    const r = await a("POST", "/v1/api-keys", { json: { name: "k", userId: "no-such-user", expiresAt: inDays(1) }, token: admin });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors)).toEqual(["userId"]);
  });
});

describe("using keys", () => {
  it("authenticates as the linked user on an API-key route", async () => {
    const { key } = await createKey();
    const r = await b("GET", "/v1/probe-jobs", { apiKey: key });
    expect(r.status).toBe(200);
    expect(r.body.email).toBe("ci@example.com");
  });

  it("gets 403 on any route that is not a jobs route", async () => {
    const { key } = await createKey();
    for (const [m, p] of [["GET", "/v1/users"], ["GET", "/v1/users/me"], ["GET", "/api/auth/me"], ["GET", "/v1/api-keys"]]) {
      const r = await a(m, p, { apiKey: key });
      expect([p, r.status]).toEqual([p, 403]);
    }
  });

  it("refuses an unknown or malformed key with 401", async () => {
    expect((await a("GET", "/v1/probe-jobs", { apiKey: `pdft_${randomBytes(32).toString("base64url")}` })).status).toBe(401);
    const r = await a("GET", "/v1/probe-jobs", { apiKey: "pdft_short" });
    expect(r.status).toBe(401);
    expect(r.body.detail).toBe("Missing or invalid API key");
  });

  it("refuses a revoked key on the very next request through the other gateway node", async () => {
    const { id, key } = await createKey();
    // Node B resolves (and caches) the key.
    expect((await b("GET", "/v1/probe-jobs", { apiKey: key })).status).toBe(200);
    const rev = await a("POST", `/v1/api-keys/${id}/revoke`, { token: admin });
    expect(rev.status).toBe(200);
    expect(rev.body.status).toBe("revoked");
    const r = await b("GET", "/v1/probe-jobs", { apiKey: key });
    expect(r.status).toBe(401);
    expect(r.body.detail).toBe("The API key has been revoked");
  });

  it("refuses an expired key even while it is cached", async () => {
    const { key } = await createKey(new Date(Date.now() + 1500).toISOString());
    expect((await b("GET", "/v1/probe-jobs", { apiKey: key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const r = await b("GET", "/v1/probe-jobs", { apiKey: key });
    expect(r.status).toBe(401);
    expect(r.body.detail).toBe("The API key has expired");
  });

  it("refuses a key of a disabled user with 403 on every node", async () => {
    const { key } = await createKey();
    expect((await b("GET", "/v1/probe-jobs", { apiKey: key })).status).toBe(200);
    await a("POST", `/v1/users/${userId}/deactivate`, { token: admin });
    try {
      const r = await b("GET", "/v1/probe-jobs", { apiKey: key });
      expect(r.status).toBe(403);
      expect(r.body.detail).toBe("Your account has been disabled");
    } finally {
      await a("POST", `/v1/users/${userId}/activate`, { token: admin });
    }
    expect((await b("GET", "/v1/probe-jobs", { apiKey: key })).status).toBe(200);
  });

  it("records when a key was last used", async () => {
    const { id, key } = await createKey(inDays(2), adminId);
    await a("GET", "/v1/probe-jobs", { apiKey: key });
    const list = await a("GET", `/v1/api-keys?userId=${adminId}`, { token: admin });
    const row = list.body.find((k: { id: string }) => k.id === id);
    expect(row.lastUsedAt).not.toBeNull();
  });
});
