/**
 * The tag generator's `/api/auth/*` over real HTTP and a real database: every example of the seed,
 * then the attacks a token-based API must refuse.
 */
import { createHash } from "node:crypto";
import { SignJWT } from "jose";
import { startStack, type Stack } from "../../support/stack";
import { client, decodeJwt, readCollection, RELAXED_THROTTLE, settings } from "./helpers";

const SECRET = new TextEncoder().encode(process.env.JWT_SECRET_KEY!);
const JOHN = { email: "john@example.com", password: "secure_password_123", full_name: "John Doe" };

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack({ services: ["gateway", "auth", "keys"], mods: { auth: { settings: settings({ throttle: RELAXED_THROTTLE }) } } });
  api = client(stack.baseUrl);
});
afterAll(() => stack?.stop());

async function login(email = JOHN.email, password = JOHN.password) {
  const r = await api("POST", "/api/auth/login", { json: { email, password } });
  expect(r.status).toBe(200);
  return r.body as { user: Record<string, unknown>; tokens: { access_token: string; refresh_token: string; token_type: string; expires_in: number } };
}

describe("the seed's examples", () => {
  it("registers an account and answers 201 with the user object", async () => {
    const r = await api("POST", "/api/auth/register", { json: JOHN });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual(["created_at", "email", "full_name", "id", "is_active", "is_verified"]);
    expect(r.body).toMatchObject({ email: JOHN.email, full_name: "John Doe", is_active: true, is_verified: true });
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(r.body.created_at).toISOString()).toBe(r.body.created_at);
  });

  it("refuses a second registration with the same email, whatever its case", async () => {
    const r = await api("POST", "/api/auth/register", { json: { ...JOHN, email: "John@Example.com" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ detail: "Email already registered" });
  });

  it("refuses a password shorter than 8 characters, naming the field", async () => {
    const r = await api("POST", "/api/auth/register", { json: { email: "short@example.com", password: "1234567" } });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "password"]);
  });

  it("logs in and returns the user and the seed's token block", async () => {
    const body = await login();
    expect(body.user).toMatchObject({ email: JOHN.email, full_name: "John Doe", is_active: true, is_verified: true });
    expect(Object.keys(body.tokens).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
    expect(body.tokens.token_type).toBe("bearer");
    expect(body.tokens.expires_in).toBe(1800);
    const { header, payload } = decodeJwt(body.tokens.access_token);
    expect(header.alg).toBe("HS256");
    expect(payload).toMatchObject({ sub: JOHN.email, user_id: body.user.id, type: "access" });
    expect((payload.exp as number) - (payload.iat as number)).toBe(1800);
  });

  it("answers GET /api/auth/me with the caller", async () => {
    const { tokens, user } = await login();
    const r = await api("GET", "/api/auth/me", { token: tokens.access_token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(user);
  });

  it("rotates the refresh token: new pair, old refresh token refused", async () => {
    const { tokens } = await login();
    const r = await api("POST", "/api/auth/refresh", { json: { refresh_token: tokens.refresh_token } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
    expect(r.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await api("GET", "/api/auth/me", { token: r.body.access_token })).status).toBe(200);
    const again = await api("POST", "/api/auth/refresh", { json: { refresh_token: tokens.refresh_token } });
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ detail: "Invalid or expired refresh token" });
  });

  it("logs out: the refresh token stops working", async () => {
    const { tokens } = await login();
    const r = await api("POST", "/api/auth/logout", { json: { refresh_token: tokens.refresh_token } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ message: "Successfully logged out", success: true });
    expect((await api("POST", "/api/auth/refresh", { json: { refresh_token: tokens.refresh_token } })).status).toBe(401);
  });

  it("answers wrong credentials the same way whether or not the email exists", async () => {
    const wrong = await api("POST", "/api/auth/login", { json: { email: JOHN.email, password: "not-the-password" } });
    const unknown = await api("POST", "/api/auth/login", { json: { email: "nobody@example.com", password: "not-the-password" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ detail: "Invalid email or password" });
    expect(unknown.body).toEqual(wrong.body);
  });

  it("answers 401 'Could not validate credentials' without a token", async () => {
    const r = await api("GET", "/api/auth/me");
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Could not validate credentials" });
  });
});

describe("what is stored", () => {
  it("stores refresh tokens only as SHA-256 and passwords only as bcrypt", async () => {
    const { tokens } = await login();
    const rows = await readCollection(stack.mongoUrl, "refresh_tokens");
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(tokens.refresh_token);
    expect(rows.map((r) => r.hash)).toContain(createHash("sha256").update(tokens.refresh_token).digest("hex"));
    const users = await readCollection(stack.mongoUrl, "users");
    const john = users.find((u) => u.email === JOHN.email)!;
    expect(String(john.passwordHash)).toMatch(/^\$2[aby]\$\d\d\$/);
    expect(JSON.stringify(users)).not.toContain(JOHN.password);
  });
});

describe("attacks", () => {
  async function forge(claims: Record<string, unknown>, opts: { alg?: string; secret?: Uint8Array; exp?: number } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const users = await readCollection(stack.mongoUrl, "users");
    const id = String(users.find((u) => u.email === JOHN.email)!._id);
    return new SignJWT({ user_id: id, type: "access", ...claims })
      .setProtectedHeader({ alg: opts.alg ?? "HS256" })
      .setSubject(JOHN.email)
      .setIssuedAt(now - 3600)
      .setExpirationTime(opts.exp ?? now + 600)
      .sign(opts.secret ?? SECRET);
  }

  it("accepts a well-formed forged-by-us token (the control for the cases below)", async () => {
    expect((await api("GET", "/api/auth/me", { token: await forge({}) })).status).toBe(200);
  });

  it("rejects alg none", async () => {
    const good = decodeJwt(await forge({}));
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify(good.payload)).toString("base64url")}.`;
    const r = await api("GET", "/api/auth/me", { token: none });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Could not validate credentials" });
  });

  it("rejects a wrong signature", async () => {
    const r = await api("GET", "/api/auth/me", { token: await forge({}, { secret: new TextEncoder().encode("another-secret-another-secret-xx") }) });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Could not validate credentials" });
  });

  it("rejects a token signed with another algorithm than the configured one", async () => {
    const r = await api("GET", "/api/auth/me", { token: await forge({}, { alg: "HS512" }) });
    expect(r.status).toBe(401);
  });

  it("answers 'Token has expired' for an expired token", async () => {
    const r = await api("GET", "/api/auth/me", { token: await forge({}, { exp: Math.floor(Date.now() / 1000) - 5 }) });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Token has expired" });
  });

  it("rejects a signed token whose type is not access", async () => {
    const r = await api("GET", "/api/auth/me", { token: await forge({ type: "refresh" }) });
    expect(r.status).toBe(401);
  });

  it("rejects a refresh token used as an access token", async () => {
    const { tokens } = await login();
    const r = await api("GET", "/api/auth/me", { token: tokens.refresh_token });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Could not validate credentials" });
  });

  it("rejects an access token used as a refresh token", async () => {
    const { tokens } = await login();
    const r = await api("POST", "/api/auth/refresh", { json: { refresh_token: tokens.access_token } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Invalid or expired refresh token" });
  });

  it("revokes the whole family when a spent refresh token is presented again", async () => {
    const { tokens } = await login();
    const first = await api("POST", "/api/auth/refresh", { json: { refresh_token: tokens.refresh_token } });
    expect(first.status).toBe(200);
    // The thief replays the old token: refused, and the legitimate holder's newer token dies with it.
    expect((await api("POST", "/api/auth/refresh", { json: { refresh_token: tokens.refresh_token } })).status).toBe(401);
    const legit = await api("POST", "/api/auth/refresh", { json: { refresh_token: first.body.refresh_token } });
    expect(legit.status).toBe(401);
    const rows = await readCollection(stack.mongoUrl, "refresh_tokens");
    const hash = createHash("sha256").update(first.body.refresh_token).digest("hex");
    expect(rows.find((r) => r.hash === hash)!.revokedAt).toBeTruthy();
  });

  it("refuses NoSQL operators in the login body, naming the field", async () => {
    const r = await api("POST", "/api/auth/login", { json: { email: { $gt: "" }, password: { $gt: "" } } });
    expect(r.status).toBe(422);
    const locs = r.body.detail.map((d: { loc: string[] }) => d.loc.join("."));
    expect(locs).toEqual(expect.arrayContaining(["body.email", "body.password"]));
  });

  it("refuses SQL-looking input as an ordinary wrong login", async () => {
    const r = await api("POST", "/api/auth/login", { json: { email: "john@example.com", password: "' OR '1'='1" } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ detail: "Invalid email or password" });
  });

  it("answers malformed JSON with 400 and no internals", async () => {
    const r = await api("POST", "/api/auth/login", { raw: '{"email": "john@example.com", "password": ' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ detail: "The request body is not valid JSON" });
  });

  it("answers an oversized body with 413", async () => {
    const r = await api("POST", "/api/auth/login", { json: { email: "john@example.com", password: "x".repeat(2 * 1024 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ detail: "The request body is too large" });
  });

  it("never exposes $node or internal actions", async () => {
    for (const p of ["/$node/list", "/api/$node/actions", "/v1/$node/health", "/api/auth/resolveToken", "/api/auth.resolveToken", "/v1/keys/resolve"]) {
      const r = await api("GET", p);
      expect([p, r.status]).toEqual([p, 404]);
    }
    const post = await api("POST", "/api/auth/resolveToken", { json: { token: "x" } });
    expect(post.status).toBe(404);
  });

  it("sends security headers", async () => {
    const r = await api("GET", "/api/auth/me");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});
