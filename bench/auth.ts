/**
 * Authentication throughput and login latency through the real gateway (in-process stack, real
 * database): authenticated requests per second with a JWT and with an API key, and login latency at
 * the production bcrypt cost. Prints figures; asserts nothing.
 *
 *   MONGO_URL=mongodb://127.0.0.1:27017/docmill node --import tsx bench/auth.ts [seconds=5] [concurrency=32]
 *   (`bash scripts/infra.sh up` prints a MONGO_URL)
 */
import { randomBytes } from "node:crypto";

const SECONDS = Number(process.argv[2] ?? 5);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const BCRYPT_COST = 12;

async function main(): Promise<void> {
  // Set before config() is first read (modules below are loaded afterwards on purpose).
  process.env.BCRYPT_COST = String(BCRYPT_COST);
  process.env.JWT_SECRET_KEY ??= randomBytes(32).toString("hex");
  process.env.LOG_LEVEL ??= "warn";
  if (!process.env.MONGO_URL) {
    console.error("MONGO_URL is not set: start the infrastructure with `bash scripts/infra.sh up` and export the MONGO_URL it prints");
    process.exit(2);
  }
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only after the environment above is set */
  const { startStack } = require("../test/support/stack") as typeof import("../test/support/stack");
  const { allRouteGroups } = require("../kernel/gateway/routes") as typeof import("../kernel/gateway/routes");
  const { buildRoutes } = require("../kernel/gateway/routing") as typeof import("../kernel/gateway/routing");
  const { default: Gateway } = require("../services/gateway.service") as typeof import("../services/gateway.service");
  /* eslint-enable @typescript-eslint/no-require-imports */
  type Group = import("../kernel/gateway/types").RouteGroup;

  const groups: Group[] = allRouteGroups();
  const keyRoute = groups.flatMap((g) => g.routes.filter((r) => r.access === "apiKey" && r.method === "GET" && !r.path.includes(":")).map((r) => g.prefix + r.path))[0];
  let apiKeyPath = keyRoute;
  let note = `API key measured on ${keyRoute}`;
  if (!keyRoute) {
    // No jobs route is registered yet: an API-key route answering the caller exercises the same path (gateway -> keys.resolve -> auth.principalFor).
    groups.push({ prefix: "/v1", routes: [{ method: "GET", path: "/bench-apikey", access: "apiKey", action: "auth.usersMe", summary: "bench probe" }] });
    apiKeyPath = "/v1/bench-apikey";
    note = "no API-key route registered yet: measured on a bench-only apiKey route that calls auth.usersMe (same authentication path as the jobs routes)";
  }
  const onError = (Gateway.settings as unknown as { onError: Parameters<typeof buildRoutes>[1] }).onError;
  const url = new URL(process.env.MONGO_URL);
  url.pathname = `/bench_auth_${randomBytes(4).toString("hex")}`;
  const stack = await startStack({
    services: ["gateway", "auth", "keys"],
    mongoUrl: url.toString(),
    mods: { gateway: { settings: { routes: buildRoutes(groups, onError) } as never } },
  });
  const base = stack.baseUrl;
  const post = (p: string, body: unknown, token?: string) =>
    fetch(base + p, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

  try {
    // Login latency at cost 12 (the admin seed password; each login runs one bcrypt compare).
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const r = await post("/v1/auth/login", { login: "admin", password: "Admin@1234!Tmp" });
      samples.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`login failed: ${r.status}`);
    }
    const login = await (await post("/v1/auth/login", { login: "admin", password: "Admin@1234!Tmp" })).json() as { token: string; user: { id: string } };
    const key = await (await post("/v1/api-keys", { name: "bench", userId: login.user.id, expiresAt: new Date(Date.now() + 86400e3).toISOString() }, login.token)).json() as { key: string };

    async function rps(label: string, path: string, headers: Record<string, string>) {
      const end = Date.now() + SECONDS * 1000;
      let ok = 0;
      let bad = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < end) {
            const r = await fetch(base + path, { headers });
            await r.arrayBuffer();
            if (r.status === 200) ok++;
            else bad++;
          }
        }),
      );
      console.log(`${label.padEnd(34)} ${(ok / SECONDS).toFixed(0).padStart(7)} req/s  (${ok} ok, ${bad} failed, ${CONCURRENCY} concurrent, ${SECONDS}s)`);
    }

    samples.sort((a, b) => a - b);
    console.log(`login latency, bcrypt cost ${BCRYPT_COST}:     median ${samples[5].toFixed(0)} ms, min ${samples[0].toFixed(0)} ms, max ${samples[9].toFixed(0)} ms (10 logins)`);
    // Baseline without authentication; the authenticated routes below also read the user from the database.
    await rps("public GET /api/status (baseline)", "/api/status", {});
    await rps("JWT    GET /v1/users/me", "/v1/users/me", { authorization: `Bearer ${login.token}` });
    await rps("JWT    GET /api/auth/me", "/api/auth/me", { authorization: `Bearer ${login.token}` });
    await rps(`APIKEY GET ${apiKeyPath}`, apiKeyPath, { "x-api-key": key.key });
    console.log(note);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
