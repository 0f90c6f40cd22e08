/**
 * Issue 14, item 4: login throttling counts an attempt before the password check (an atomic reservation),
 * so a parallel burst gets the same answers as a serial one: 10 parallel wrong passwords gave 10 × 401
 * and no 429 before, and 20 guesses in 70 s past the lock. Default settings (5 per account, 30 per address).
 */
import { startStack, type Stack } from "../../support/stack";
import { client } from "../../integration/auth/helpers";

jest.setTimeout(120_000);

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack({ services: ["gateway", "auth"] });
  api = client(stack.baseUrl);
  for (const email of ["serial@example.com", "burst@example.com"]) {
    expect((await api("POST", "/api/auth/register", { json: { email, password: "the-right-password" } })).status).toBe(201);
  }
});
afterAll(() => stack?.stop());

const login = (email: string, password: string, ip?: string) =>
  api("POST", "/api/auth/login", { json: { email, password }, headers: ip ? { "x-forwarded-for": ip } : {} });
const tally = (codes: number[]) => codes.reduce<Record<number, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {});

it("answers a parallel burst of 10 wrong passwords exactly as 10 serial ones: 5 × 401, then 429", async () => {
  const serial: number[] = [];
  for (let i = 0; i < 10; i++) serial.push((await login("serial@example.com", `wrong-${i}`)).status);
  expect(serial).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);

  const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => login("burst@example.com", `wrong-${i}`)));
  expect(tally(burst.map((r) => r.status))).toEqual({ 401: 5, 429: 5 });
  for (const r of burst.filter((x) => x.status === 429)) {
    expect(r.body).toEqual({ detail: "Too many failed login attempts; try again later" });
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  }
  // Locked now: a second burst, the right password included, gets nothing but 429.
  const again = await Promise.all([...Array.from({ length: 9 }, (_, i) => login("burst@example.com", `again-${i}`)), login("burst@example.com", "the-right-password")]);
  expect(tally(again.map((r) => r.status))).toEqual({ 429: 10 });
});

it("holds per address across many accounts, in parallel, on both families", async () => {
  // This address used 10 of its 30 slots above (5 serial, 5 burst); attempts refused for the account took none.
  const r = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      i % 2 ? login(`user${i}@example.com`, "guess") : api("POST", "/v1/auth/login", { json: { login: `user${i}@example.com`, password: "guess" } }),
    ),
  );
  expect(tally(r.map((x) => x.status))).toEqual({ 401: 20, 429: 20 });
  const after = await login("serial-never-seen@example.com", "x");
  expect(after.status).toBe(429);
});
