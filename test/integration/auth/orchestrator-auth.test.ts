/**
 * The Smart Redact orchestrator's `/v1/auth/*` and `/v1/users` over real HTTP: the seed's curl flow
 * (login, first-login reset, refresh by cookie, change password, logout), user administration and
 * disabled accounts, and the seeded admin's re-creation.
 */
import { startStack, type Stack } from "../../support/stack";
import { ADMIN, client, cookiePair, decodeJwt, withDb, RELAXED_THROTTLE, settings } from "./helpers";

let stack: Stack;
let api: ReturnType<typeof client>;
const NEW_ADMIN_PASSWORD = "MySecurePassword1!";

/** The seed's extraction: `grep -o '"token":"[^"]*"' | cut -d'"' -f4`. */
function grepToken(text: string): string {
  const m = text.match(/"token":"[^"]*"/g);
  expect(m).toHaveLength(1);
  return m![0].split('"')[3];
}

beforeAll(async () => {
  stack = await startStack({ services: ["gateway", "auth", "keys"], mods: { auth: { settings: settings({ throttle: RELAXED_THROTTLE }) } } });
  api = client(stack.baseUrl);
});
afterAll(() => stack?.stop());

async function adminLogin(password = NEW_ADMIN_PASSWORD) {
  const r = await api("POST", "/v1/auth/login", { json: { login: ADMIN.email, password } });
  expect(r.status).toBe(200);
  return { token: grepToken(r.text), cookie: cookiePair(r.headers.get("set-cookie")), body: r.body };
}

describe("the seed's curl flow", () => {
  let token = "";
  let cookie = "";

  it("logs in as the seeded admin; the token carries password_reset_required; the refresh cookie is HttpOnly on /v1/auth", async () => {
    const r = await api("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } });
    expect(r.status).toBe(200);
    token = grepToken(r.text);
    expect(r.body.passwordResetRequired).toBe(true);
    expect(r.body.user).toMatchObject({ email: ADMIN.email, userName: "admin", roles: ["Admin", "User"], isActive: true });
    const claims = decodeJwt(token).payload;
    expect(claims.password_reset_required).toBe(true);
    expect((claims.exp as number) - (claims.iat as number)).toBe(15 * 60);
    const set = r.headers.get("set-cookie")!;
    expect(set).toMatch(/^refreshToken=[A-Za-z0-9_-]{43};/);
    expect(set).toContain("Path=/v1/auth");
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Strict");
    expect(set).toContain(`Max-Age=${30 * 86400}`);
    // Plain http: no Secure flag (the browser would drop the cookie).
    expect(set).not.toContain("Secure");
    cookie = cookiePair(set);
  });

  it("accepts the user name as the login", async () => {
    const r = await api("POST", "/v1/auth/login", { json: { login: "admin", password: ADMIN.password } });
    expect(r.status).toBe(200);
  });

  it("resets the password on first log-in and returns a token without the claim", async () => {
    const r = await api("POST", "/v1/auth/reset-password", { json: { newPassword: NEW_ADMIN_PASSWORD }, token, cookie });
    expect(r.status).toBe(200);
    token = grepToken(r.text);
    expect(decodeJwt(token).payload.password_reset_required).toBeUndefined();
    cookie = cookiePair(r.headers.get("set-cookie"));
    expect((await api("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).status).toBe(401);
  });

  it("refuses reset-password without the password_reset_required claim", async () => {
    const r = await api("POST", "/v1/auth/reset-password", { json: { newPassword: "Another1!pass" }, token });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ status: 403, title: "Forbidden" });
  });

  it("calls a protected endpoint: GET /v1/users", async () => {
    const r = await api("GET", "/v1/users", { token });
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body[0]).toMatchObject({ email: ADMIN.email, userName: "admin", passwordResetRequired: false });
  });

  it("refreshes with the cookie alone and rotates it", async () => {
    const r = await api("POST", "/v1/auth/refresh", { cookie });
    expect(r.status).toBe(200);
    const next = grepToken(r.text);
    expect((await api("GET", "/v1/users/me", { token: next })).status).toBe(200);
    const newCookie = cookiePair(r.headers.get("set-cookie"));
    expect(newCookie).not.toBe(cookie);
    const replay = await api("POST", "/v1/auth/refresh", { cookie });
    expect(replay.status).toBe(401);
    // The replay revoked the family: the rotated cookie is dead too.
    expect((await api("POST", "/v1/auth/refresh", { cookie: newCookie })).status).toBe(401);
  });

  it("refuses refresh without a cookie in ApiErrorResponse form", async () => {
    const r = await api("POST", "/v1/auth/refresh");
    expect(r.status).toBe(401);
    expect(Object.keys(r.body).sort()).toEqual(["code", "detail", "status", "title", "traceId", "type"]);
    expect(r.body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
  });

  it("changes the password: every refresh token revoked, a new access token returned", async () => {
    const a = await adminLogin();
    const b = await adminLogin();
    const r = await api("POST", "/v1/auth/change-password", { json: { currentPassword: NEW_ADMIN_PASSWORD, newPassword: "NewPassword1!" }, token: a.token });
    expect(r.status).toBe(200);
    const fresh = grepToken(r.text);
    expect((await api("GET", "/v1/users/me", { token: fresh })).status).toBe(200);
    expect((await api("POST", "/v1/auth/refresh", { cookie: a.cookie })).status).toBe(401);
    expect((await api("POST", "/v1/auth/refresh", { cookie: b.cookie })).status).toBe(401);
    // Back to the password the other tests use (a.token died with the change; the returned one lives).
    const back = await api("POST", "/v1/auth/change-password", { json: { currentPassword: "NewPassword1!", newPassword: NEW_ADMIN_PASSWORD }, token: fresh });
    expect(back.status).toBe(200);
  });

  it("refuses change-password with a wrong current password, naming the field", async () => {
    const { token: t } = await adminLogin();
    const r = await api("POST", "/v1/auth/change-password", { json: { currentPassword: "Wrong1!xx", newPassword: "NewPassword1!" }, token: t });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors)).toEqual(["currentPassword"]);
  });

  it("logs out: 204, cookie cleared, the refresh token revoked", async () => {
    const s = await adminLogin();
    const r = await api("POST", "/v1/auth/logout", { token: s.token, cookie: s.cookie });
    expect(r.status).toBe(204);
    expect(r.headers.get("set-cookie")).toMatch(/^refreshToken=; Path=\/v1\/auth; HttpOnly; SameSite=Strict; Max-Age=0/);
    expect((await api("POST", "/v1/auth/refresh", { cookie: s.cookie })).status).toBe(401);
  });
});

describe("users administration", () => {
  let admin = "";
  let userId = "";
  const PASSWORD = "UserPass1!";

  beforeAll(async () => {
    admin = (await adminLogin()).token;
  });

  it("creates a user: 201, body with userId, vendor role spelling", async () => {
    const r = await api("POST", "/v1/users", { json: { email: "alice@example.com", password: PASSWORD, roles: ["user"] }, token: admin });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ email: "alice@example.com", roles: ["User"], isActive: true, passwordResetRequired: false });
    userId = r.body.userId;
    expect(r.body.id).toBe(userId);
  });

  it("enforces the orchestrator's password rules, naming the field", async () => {
    const r = await api("POST", "/v1/users", { json: { email: "weak@example.com", password: "alllowercase" }, token: admin });
    expect(r.status).toBe(400);
    expect(r.body.errors.password.length).toBeGreaterThanOrEqual(3);
  });

  it("refuses unknown role names", async () => {
    const r = await api("POST", "/v1/users", { json: { email: "r@example.com", password: PASSWORD, roles: ["root"] }, token: admin });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors)).toEqual(["roles"]);
  });

  it("lets a user in through both families with one account", async () => {
    const tagger = await api("POST", "/api/auth/login", { json: { email: "alice@example.com", password: PASSWORD } });
    expect(tagger.status).toBe(200);
    expect((await api("GET", "/v1/users/me", { token: tagger.body.tokens.access_token })).body.email).toBe("alice@example.com");
  });

  it("refuses admin routes to a non-admin with 403", async () => {
    const t = (await api("POST", "/v1/auth/login", { json: { login: "alice@example.com", password: PASSWORD } })).body.token;
    expect((await api("GET", "/v1/users", { token: t })).status).toBe(403);
    expect((await api("POST", "/v1/api-keys", { json: { name: "x", userId, expiresAt: new Date(Date.now() + 86400e3).toISOString() }, token: t })).status).toBe(403);
    expect((await api("GET", `/v1/users/${userId}`, { token: t })).status).toBe(200);
  });

  it("pages the list and reports the total in X-Total-Count", async () => {
    const r = await api("GET", "/v1/users?page=2&pageSize=1", { token: admin });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
    expect(Number(r.headers.get("x-total-count"))).toBeGreaterThanOrEqual(2);
  });

  it("updates name, roles and active flag; replaces roles with PUT /roles", async () => {
    const r = await api("PATCH", `/v1/users/${userId}`, { json: { fullName: "Alice A.", role: "ADMIN" }, token: admin });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ fullName: "Alice A.", roles: ["Admin"] });
    const roles = await api("PUT", `/v1/users/${userId}/roles`, { json: { roles: ["User"] }, token: admin });
    expect(roles.body.roles).toEqual(["User"]);
  });

  it("disables a user: live tokens of both families get 403 on the very next request, login too", async () => {
    const tagger = (await api("POST", "/api/auth/login", { json: { email: "alice@example.com", password: PASSWORD } })).body.tokens;
    const v1 = (await api("POST", "/v1/auth/login", { json: { login: "alice@example.com", password: PASSWORD } })).body.token;
    // Warm any cache first.
    expect((await api("GET", "/api/auth/me", { token: tagger.access_token })).status).toBe(200);
    expect((await api("POST", `/v1/users/${userId}/deactivate`, { token: admin })).body.isActive).toBe(false);
    const a = await api("GET", "/api/auth/me", { token: tagger.access_token });
    expect(a.status).toBe(403);
    expect(a.body).toEqual({ detail: "Your account has been disabled" });
    const b = await api("GET", "/v1/users/me", { token: v1 });
    expect(b.status).toBe(403);
    expect(b.body.detail).toBe("Your account has been disabled");
    expect((await api("POST", "/api/auth/refresh", { json: { refresh_token: tagger.refresh_token } })).status).toBe(401);
    const login = await api("POST", "/api/auth/login", { json: { email: "alice@example.com", password: PASSWORD } });
    expect(login.status).toBe(403);
    expect(login.body).toEqual({ detail: "Your account has been disabled" });
    // A wrong password on a disabled account reveals nothing.
    expect((await api("POST", "/api/auth/login", { json: { email: "alice@example.com", password: "nope-nope" } })).status).toBe(401);
    await api("POST", `/v1/users/${userId}/activate`, { token: admin });
    expect((await api("GET", "/api/auth/me", { token: tagger.access_token })).status).toBe(200);
  });

  it("an admin's reset-password sets a temporary password the user must replace", async () => {
    const r = await api("POST", `/v1/users/${userId}/reset-password`, { json: { newPassword: "TempPass1!" }, token: admin });
    expect(r.status).toBe(200);
    const login = await api("POST", "/v1/auth/login", { json: { login: "alice@example.com", password: "TempPass1!" } });
    expect(login.body.passwordResetRequired).toBe(true);
  });

  it("refuses an admin disabling or deleting their own account", async () => {
    const meId = (await api("GET", "/v1/users/me", { token: admin })).body.id;
    expect((await api("POST", `/v1/users/${meId}/deactivate`, { token: admin })).status).toBe(400);
    expect((await api("DELETE", `/v1/users/${meId}`, { token: admin })).status).toBe(400);
  });

  it("deletes a user: 204, then its tokens are refused and the id is 404", async () => {
    const t = (await api("POST", "/v1/auth/login", { json: { login: "alice@example.com", password: "TempPass1!" } })).body.token;
    expect((await api("DELETE", `/v1/users/${userId}`, { token: admin })).status).toBe(204);
    expect((await api("GET", "/v1/users/me", { token: t })).status).toBe(401);
    expect((await api("GET", `/v1/users/${userId}`, { token: admin })).status).toBe(404);
  });
});

describe("seeded admin", () => {
  it("is re-seeded with the documented password at start-up after being deleted", async () => {
    await withDb(stack.mongoUrl, (db) => db.collection("users").deleteOne({ username: "admin" }));
    const second = await startStack({ services: ["gateway", "auth"], mongoUrl: stack.mongoUrl });
    try {
      const r = await client(second.baseUrl)("POST", "/v1/auth/login", { json: { login: "admin", password: ADMIN.password } });
      expect(r.status).toBe(200);
      expect(r.body.passwordResetRequired).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
