/**
 * Brute-force protection (per account and per address, identical for unknown accounts), the closed
 * gateway (undeclared routes unreachable) and the OpenAPI document with Swagger UI.
 */
import GatewayService from "../../../services/gateway.service";
import { allRouteGroups } from "../../../apis";
import { openApiPath } from "../../../kernel/gateway/openapi";
import { buildRoutes } from "../../../kernel/gateway/routing";
import { startStack, type Stack } from "../../support/stack";
import { client, settings } from "./helpers";

const onError = (GatewayService.settings as unknown as { onError: Parameters<typeof buildRoutes>[1] }).onError;

describe("login throttling", () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    stack = await startStack({
      services: ["gateway", "auth"],
      mods: { auth: { settings: settings({ throttle: { accountMax: 3, ipMax: 8, windowSeconds: 900, baseLockSeconds: 60, maxLockSeconds: 3600 } }) } },
    });
    api = client(stack.baseUrl);
    expect((await api("POST", "/api/auth/register", { json: { email: "bob@example.com", password: "bobs-password" } })).status).toBe(201);
  });
  afterAll(() => stack?.stop());

  const attempt = (email: string, password: string) => api("POST", "/api/auth/login", { json: { email, password } });

  it("locks an account after repeated failures, even for the right password, and says when to retry", async () => {
    for (let i = 0; i < 3; i++) expect((await attempt("bob@example.com", "wrong-password")).status).toBe(401);
    const r = await attempt("bob@example.com", "bobs-password");
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ detail: "Too many failed login attempts; try again later" });
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(50);
    expect(Number(r.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });

  it("answers an unknown account exactly like a known one", async () => {
    const seq: Array<[number, unknown]> = [];
    for (let i = 0; i < 4; i++) {
      const r = await attempt("ghost@example.com", "wrong-password");
      seq.push([r.status, r.body]);
    }
    expect(seq.map((s) => s[0])).toEqual([401, 401, 401, 429]);
    expect(seq[3][1]).toEqual({ detail: "Too many failed login attempts; try again later" });
  });

  it("locks a client address that tries many accounts, on both families", async () => {
    // 6 failures so far from this address (refused attempts while locked do not count); the 8th locks it.
    expect((await attempt("carol@example.com", "wrong-password")).status).toBe(401);
    expect((await attempt("erin@example.com", "wrong-password")).status).toBe(401);
    const r = await api("POST", "/v1/auth/login", { json: { login: "dave@example.com", password: "wrong" } });
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ status: 429, detail: "Too many failed login attempts; try again later" });
    expect(r.headers.get("retry-after")).toBeTruthy();
  });
});

describe("closed gateway and OpenAPI", () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    const routes = [
      ...(buildRoutes(allRouteGroups(), onError) as object[]),
      // An alias declared without an access level, as a careless route file might: it must stay closed.
      { name: "undeclared", path: "/undeclared", mappingPolicy: "restrict", authentication: true, aliases: { "GET /probe": "gateway.status" } },
    ];
    stack = await startStack({ services: ["gateway", "auth", "keys"], mods: { gateway: { settings: settings({ routes }) } } });
    api = client(stack.baseUrl);
  });
  afterAll(() => stack?.stop());

  it("refuses a route that declares no access level", async () => {
    const r = await api("GET", "/undeclared/probe");
    expect(r.status).toBe(404);
  });

  it("serves an OpenAPI 3 document listing every declared route with its security", async () => {
    const r = await api("GET", "/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    expect(r.body.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(r.body.components.securitySchemes.apiKeyAuth).toMatchObject({ type: "apiKey", in: "header", name: "X-Api-Key" });
    for (const g of allRouteGroups()) {
      for (const def of g.routes) {
        const op = r.body.paths[openApiPath(g.prefix, def.path).path]?.[def.method.toLowerCase()];
        expect([g.prefix + def.path, def.method, Boolean(op)]).toEqual([g.prefix + def.path, def.method, true]);
        expect(op.security).toEqual(def.access === "public" ? [] : expect.arrayContaining([{ bearerAuth: [] }]));
      }
    }
    const login = r.body.paths["/v1/auth/login"].post;
    expect(login.requestBody.content["application/json"].schema).toMatchObject({ type: "object", required: ["login", "password"] });
    expect(r.body.paths["/v1/users/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
  });

  it("serves Swagger UI with a page-only CSP that allows its own scripts", async () => {
    const page = await api("GET", "/swagger");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    for (const asset of ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "docmill-init.js"]) {
      const a = await api("GET", `/swagger/${asset}`);
      expect([asset, a.status]).toEqual([asset, 200]);
    }
    expect((await api("GET", "/swagger/..%2Fpackage.json")).status).toBe(404);
    expect((await api("GET", "/swagger/index.html")).status).toBe(404);
    // Every other route keeps the strict policy.
    expect((await api("GET", "/openapi.json")).headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});
