/**
 * The admin screens of issue 18 (part B) in a real browser against the real stack: detection statistics
 * from real reviews (two redaction jobs whose IP address the reviewer rejected), the one-click exclusion
 * (then checked in the default configuration through the API), and the audit log with its filters.
 * A user who is not an admin sees neither screen in the navigation and gets the API's refusal.
 */
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { reviewDocument } from "../../fixtures/redaction-corpus";
import { startStack, type Stack } from "../../support/stack";
import { ensureWebBuilt, launch, shot, watchConsole } from "./support";

jest.setTimeout(400_000);

const ADMIN = { email: "admin@example.com", initial: "Admin@1234!Tmp", next: "Stats-Admin#2026pw" };
const USER = { email: "reviewer.two@example.com", password: "Review123!xy" };

let stack: Stack;
let browser: Browser;
let admin = "";
let key = "";
let ipText = "";
let userPassword = USER.password;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API bodies read loosely
type Json = any;

async function api(method: string, path: string, opts: { json?: unknown; token?: string; apiKey?: string; form?: FormData } = {}): Promise<Json> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers["x-api-key"] = opts.apiKey;
  if (opts.json !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(stack.baseUrl + path, { method, headers, body: opts.form ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function waitStatus(id: string, status: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const job = await api("GET", `/v1/jobs/${id}`, { apiKey: key });
    if (job.status === status) return;
    if (job.status === "failed") throw new Error(JSON.stringify(job.error));
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`job ${id} never reached ${status}`);
}

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "worker", "tagger", "orchestrator", "audit", "feedback"],
    broker: { namespace: `webops-${randomBytes(4).toString("hex")}` },
  });
  browser = await launch();
  const first = await api("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.initial } });
  admin = (await api("POST", "/v1/auth/reset-password", { token: first.token, json: { newPassword: ADMIN.next } })).token;
  const user = await api("POST", "/v1/users", { token: admin, json: { email: USER.email, password: USER.password, roles: ["User"] } });
  const u = await api("POST", "/v1/auth/login", { json: { login: USER.email, password: USER.password } });
  // An account an admin created may have to replace its password first (the app would ask).
  if (u.passwordResetRequired) {
    await api("POST", "/v1/auth/reset-password", { token: u.token, json: { newPassword: USER.password + "z" } });
    userPassword = USER.password + "z";
  }
  key = (await api("POST", "/v1/api-keys", { token: admin, json: { name: "ops-screens", userId: user.userId, expiresAt: new Date(Date.now() + 7 * 86400e3).toISOString() } })).key;
  for (let i = 0; i < 300; i++) {
    const plugins = await stack.broker.call<Array<{ id: string }>>("jobs.plugins");
    if (plugins.some((p) => p.id === "redaction")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const pdf = await reviewDocument();
  for (let n = 0; n < 2; n++) {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), `case-${n}.pdf`);
    const job = await api("POST", "/v1/jobs", { apiKey: key, form });
    await waitStatus(job.id, "readyForReview");
    const r = await fetch(`${stack.baseUrl}/v1/jobs/${job.id}/files/detections`, { headers: { "x-api-key": key } });
    const ip = ((await r.json()).findings as Array<{ id: string; label: string; text: string }>).find((f) => f.label === "IP_ADDRESS")!;
    ipText = ip.text;
    await api("POST", `/v1/jobs/${job.id}/redaction`, { apiKey: key, json: { reject: [ip.id] } });
  }
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signedIn(login: string, password: string): Promise<{ ctx: BrowserContext; page: Page; problems: () => string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, reducedMotion: "reduce" });
  const page = await ctx.newPage();
  const logged = watchConsole(page);
  // Failed requests are listed by URL; the one expected is the silent session restore of a fresh browser.
  const failed: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400 && !(r.status() === 401 && r.url().endsWith("/v1/auth/refresh"))) failed.push(`${r.status()} ${r.url()}`);
  });
  const problems = () => [...logged.filter((p) => !/Failed to load resource/.test(p)), ...failed];
  await page.goto(`${stack.baseUrl}/app/`);
  await page.getByLabel("Email or user name").fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  return { ctx, page, problems };
}

describe("admin insight screens", () => {
  it("shows precision from the reviews and excludes a rejected term with one click", async () => {
    const { ctx, page, problems } = await signedIn(ADMIN.email, ADMIN.next);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Detection statistics" }).click();
    await page.getByRole("heading", { name: "Detection statistics", exact: true }).waitFor();
    await page.getByTestId("reviews").waitFor();
    expect(await page.getByTestId("reviews").textContent()).toBe("2");
    const ipRow = page.locator('tr[data-precision-key="IP_ADDRESS"]').first();
    expect((await ipRow.locator("td").allTextContents()).map((t) => t.trim())).toEqual(["IP_ADDRESS", "0", "2", "0 %"]);
    const emailRow = page.locator('tr[data-precision-key="EMAIL_ADDRESS"]').first();
    expect((await emailRow.locator("td").nth(3).textContent())?.trim()).toBe("100 %");
    const term = page.locator(`tr[data-term="${ipText.toLowerCase()}"]`);
    expect((await term.locator("td").allTextContents()).slice(1, 5)).toEqual(["IP_ADDRESS", "2", "2", "0"]);
    await shot(page, "issue18-detection-stats");

    await term.getByRole("button", { name: `Exclude ${ipText.toLowerCase()}` }).click();
    await page.getByRole("status").filter({ hasText: "Excluded from new jobs" }).waitFor();
    await term.getByText("Excluded", { exact: true }).waitFor();
    const cfg = await api("GET", "/v1/detection-configurations/default", { token: admin });
    expect(cfg.configuration.keywordExclusions).toEqual([{ name: "review-feedback", excludedKeywords: [ipText.toLowerCase()], partialMatch: false }]);
    await shot(page, "issue18-detection-stats-excluded");
    expect(problems()).toEqual([]);
    await ctx.close();
  });

  it("lists the audit log with filters and marks failures", async () => {
    await fetch(`${stack.baseUrl}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: "intruder@example.com", password: "guess-1234" }) });
    const { ctx, page, problems } = await signedIn(ADMIN.email, ADMIN.next);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log", exact: true }).waitFor();
    await page.locator('tr[data-audit-action="review.submitted"]').first().waitFor();
    const actions = await page.locator("tr[data-audit-action]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-audit-action")));
    for (const a of ["auth.login", "user.created", "key.created", "key.used", "job.created", "review.submitted", "file.downloaded", "detection_configuration.exclusion_added"]) expect(actions).toContain(a);
    await shot(page, "issue18-audit-log");

    await page.getByLabel("Action").selectOption("review.");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForFunction(() => [...document.querySelectorAll("tr[data-audit-action]")].every((r) => r.getAttribute("data-audit-action") === "review.submitted"));
    const reviews = page.locator('tr[data-audit-action="review.submitted"]');
    expect(await reviews.count()).toBe(2);
    expect(await reviews.first().textContent()).toContain("rejectedFindings: 1");

    await page.getByLabel("Action").selectOption("");
    await page.getByLabel("Outcome").selectOption("failure");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForFunction(() => [...document.querySelectorAll("tr[data-audit-action]")].every((r) => r.getAttribute("data-audit-action") === "auth.login"));
    const failed = page.locator("tr[data-audit-action]");
    expect(await failed.count()).toBe(1);
    expect(await failed.first().textContent()).toContain("INVALID_CREDENTIALS");
    expect(await page.content()).not.toContain("intruder@example.com");
    expect(problems()).toEqual([]);
    await ctx.close();
  });

  it("hides both screens from a user who is not an admin, and the API refuses them", async () => {
    const { ctx, page } = await signedIn(USER.email, userPassword);
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Audit log" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Detection statistics" }).count()).toBe(0);
    await page.goto(`${stack.baseUrl}/app/admin/audit`);
    await page.getByRole("heading", { name: "Audit log", exact: true }).waitFor();
    await page.getByRole("alert").waitFor();
    expect(await page.locator("tr[data-audit-action]").count()).toBe(0);
    await ctx.close();
  });
});
