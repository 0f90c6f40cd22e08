/**
 * A split deployment that leaves a service out (SERVICES without webhooks, vocabularies, audit...) must
 * answer that service's routes with 503 in the family's documented error shape, never 500: the caller
 * can retry, and the operator reads "not available" rather than "internal error". Only the gateway, auth
 * and keys run here; every declared route is called with valid credentials, and each route whose action's
 * service is missing must answer 503 (the others: anything but a 5xx).
 */
import { randomBytes } from "node:crypto";
import { allRouteGroups } from "../../../apis";
import { ADMIN, client } from "../../integration/auth/helpers";
import { login } from "../tagging/helpers";
import { startStack, type Stack } from "../../support/stack";

jest.setTimeout(300_000);

const RUNNING = ["gateway", "auth", "keys"];
let stack: Stack;
let admin = "";
let user = "";

beforeAll(async () => {
  stack = await startStack({ services: RUNNING, broker: { namespace: `miss-${randomBytes(4).toString("hex")}` } });
  admin = (await client(stack.baseUrl)("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  user = (await login(stack.baseUrl, `missing-${randomBytes(3).toString("hex")}@example.com`)).token;
});

afterAll(async () => {
  await stack?.stop();
});

it("answers 503 in the family's error shape for every route whose service is not running, and no 500 anywhere", async () => {
  const wrong: string[] = [];
  let unavailable = 0;
  const routes = allRouteGroups().flatMap((g) => g.routes.map((r) => ({ ...r, full: `${g.prefix}${r.path}` })));
  // Signing out or changing the admin's password would end the run early.
  const safe = routes.filter((r) => !/logout|password|revoke/.test(r.full));
  for (const r of safe) {
    const path = r.full.replace(/:\w+/g, "abc123");
    const token = r.full.startsWith("/v1") ? admin : user;
    const res = await fetch(stack.baseUrl + path, {
      method: r.method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: r.method === "GET" || r.method === "DELETE" ? undefined : "{}",
      redirect: "manual",
    });
    const text = await res.text();
    const service = r.action?.split(".")[0];
    const missing = service !== undefined && !RUNNING.includes(service);
    // Raw handlers (uploads, downloads) and the health checks call several services: 503 is right for them.
    const may503 = !r.action || /^gateway\.(health|ready)$/.test(r.action) || service === "gateway";
    const line = `${r.method} ${r.full} (${r.action ?? "handler"}): ${res.status} ${text.slice(0, 160)}`;
    // The web app's routes answer 503 by design while it is not built.
    if (/web app is not built/.test(text)) continue;
    if (missing) {
      if (res.status !== 503) wrong.push(`expected 503: ${line}`);
      else {
        unavailable++;
        const body = JSON.parse(text) as Record<string, unknown>;
        // The orchestrator family answers problem+json-like bodies, the tagger family its `detail` shape.
        const shaped = r.full.startsWith("/v1") ? body.status === 503 && typeof body.code === "string" : typeof body.detail === "string" || typeof body.error === "object";
        if (!shaped) wrong.push(`503 not in the family's shape: ${line}`);
        if (/Service '|not found on/i.test(text)) wrong.push(`503 names internals: ${line}`);
      }
    } else if (res.status >= 500 && !(res.status === 503 && may503)) wrong.push(`5xx: ${line}`);
  }
  expect(wrong).toEqual([]);
  // The families' routes that need jobs, storage, tagger, orchestrator, webhooks, audit, vocabularies...
  expect(unavailable).toBeGreaterThan(40);
});
