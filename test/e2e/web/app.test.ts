/**
 * The web app in a real browser against the real stack (gateway, auth, keys on the real database):
 * sign-in with the seeded administrator's forced password change, silent session restore on reload,
 * registration, the strict CSP, administration of users and API keys (the raw key shown once and
 * checked against the keys service), and a keyboard-only pass through sign-in.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startStack, type Stack } from "../../support/stack";
import { ensureWebBuilt, launch, shot, watchConsole } from "./support";

const ADMIN = { email: "admin@example.com", initial: "Admin@1234!Tmp", next: "Web-Admin#2026pw" };

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startStack({ services: ["gateway", "auth", "keys"] });
  browser = await launch();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(): Promise<{ ctx: BrowserContext; page: Page; problems: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const page = await ctx.newPage();
  return { ctx, page, problems: watchConsole(page) };
}

async function signIn(page: Page, login: string, password: string) {
  await page.goto(`${stack.baseUrl}/app/`);
  await page.getByLabel("Email or user name").fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("web app", () => {
  it("serves the app under /app/ with a CSP that forbids inline scripts and index.html for client routes", async () => {
    const res = await fetch(`${stack.baseUrl}/app/redact/some-job`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = html.match(/src="(\/app\/assets\/[^"]+\.js)"/)![1];
    const js = await fetch(stack.baseUrl + asset);
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${stack.baseUrl}/app/assets/missing-0000.js`)).status).toBe(404);
  });

  it("makes the seeded administrator set a new password, keeps the session over a reload without storing a token", async () => {
    const { ctx, page, problems } = await newPage();
    await page.goto(`${stack.baseUrl}/app/`);
    await page.getByRole("heading", { name: "Sign in to docmill" }).waitFor();
    await shot(page, "01-sign-in");

    await signIn(page, ADMIN.email, "wrong-password");
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/invalid|incorrect|wrong/i);

    await page.getByLabel("Password", { exact: true }).fill(ADMIN.initial);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Set a new password" }).waitFor();
    await shot(page, "02-forced-password-reset");
    await page.getByLabel("New password", { exact: true }).fill(ADMIN.next);
    await page.getByLabel("Repeat the new password").fill(ADMIN.next);
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByText(`Signed in as`).waitFor();

    // The access token lives in memory only: nothing in web storage, and the refresh cookie is HttpOnly.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    expect(stored).not.toMatch(/eyJ/);
    const cookies = await ctx.cookies();
    const refresh = cookies.filter((c) => c.path === "/v1/auth");
    expect(refresh.length).toBeGreaterThan(0);
    expect(refresh.every((c) => c.httpOnly)).toBe(true);

    // A reload restores the session through the refresh cookie, straight to the page that was open.
    await page.goto(`${stack.baseUrl}/app/admin/users`);
    await page.getByRole("heading", { name: "Users" }).waitFor();
    await page.locator("td", { hasText: ADMIN.email }).first().waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to docmill" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to docmill" }).waitFor();
    expect(problems.filter((p) => !/401|403|Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  });

  it("registers a new account and signs it in", async () => {
    const { ctx, page } = await newPage();
    await page.goto(`${stack.baseUrl}/app/register`);
    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    await page.getByLabel("Email").fill("reader@example.org");
    await page.getByLabel("Full name (optional)").fill("Rea Der");
    await page.getByLabel("Password", { exact: true }).fill("Reader#2026pw");
    await page.getByLabel("Repeat the password").fill("Reader#2026pw");
    await shot(page, "03-register");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("reader@example.org").waitFor();
    // Not an administrator: no admin screens in the navigation.
    expect(await page.getByRole("link", { name: "API keys" }).count()).toBe(0);
    await ctx.close();
  });

  it("lets the administrator create a user and an API key shown once, then revoke it", async () => {
    const { ctx, page, problems } = await newPage();
    await signIn(page, ADMIN.email, ADMIN.next);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();

    await page.getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Users" }).waitFor();
    const form = page.getByRole("form", { name: "Create a user" });
    await form.getByLabel("Email").fill("robot@example.org");
    await form.getByLabel("Initial password").fill("Robot#2026pw");
    await form.getByRole("button", { name: "Create" }).click();
    await page.getByRole("status").filter({ hasText: "robot@example.org created" }).waitFor();
    await page.getByRole("cell", { name: "robot@example.org", exact: true }).waitFor();
    await shot(page, "04-admin-users");

    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    const keyForm = page.getByRole("form", { name: "Create an API key" });
    await keyForm.getByLabel("Name").fill("CI pipeline");
    await keyForm.getByLabel("Acts as user").selectOption({ label: "robot@example.org" });
    await keyForm.getByRole("button", { name: "Create key" }).click();
    const raw = (await page.getByTestId("raw-key").textContent())!.trim();
    expect(raw).toMatch(/^pdft_[A-Za-z0-9_-]{40,}$/);
    await shot(page, "05-admin-api-key-created");

    // The key authenticates as the chosen user (what an X-Api-Key request resolves to).
    const principal = await stack.broker.call<{ email: string }, { key: string }>("keys.resolve", { key: raw });
    expect(principal.email).toBe("robot@example.org");

    // The list never shows the raw key again.
    await page.getByRole("button", { name: "Done" }).click();
    expect(await page.getByText(raw).count()).toBe(0);
    const row = page.locator("tr", { hasText: "CI pipeline" });
    await row.getByText("Active").waitFor();

    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: /Revoke/ }).click();
    await row.getByText("revoked").waitFor();
    await shot(page, "06-admin-api-keys");
    await expect(stack.broker.call("keys.resolve", { key: raw })).rejects.toMatchObject({ code: 401 });
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  });

  it("can be signed in to with the keyboard alone", async () => {
    const { ctx, page } = await newPage();
    await page.goto(`${stack.baseUrl}/app/`);
    await page.getByRole("heading", { name: "Sign in to docmill" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe("login");
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(ADMIN.next);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    // A new screen puts focus on its heading (screen readers announce it); the navigation is just before it.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    let reached = "";
    for (let i = 0; i < 10 && reached !== "History"; i++) {
      await page.keyboard.press("Shift+Tab");
      reached = (await page.evaluate(() => (document.activeElement?.closest("nav") ? document.activeElement.textContent : ""))) ?? "";
    }
    expect(reached).toBe("History");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/app\/history$/);
    await ctx.close();
  });

  it("labels every control of the tagging, batch and settings screens for screen readers", async () => {
    const { ctx, page } = await newPage();
    await signIn(page, ADMIN.email, ADMIN.next);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    for (const [link, heading, name] of [
      ["Tag a document", "Tag a document", "07-tag-single"],
      ["Batch", "Batch", "08-batch"],
      ["Detection settings", "Detection settings", "09-admin-detection"],
    ] as const) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      await shot(page, name);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll("main input, main select, main textarea, main button")]
          .filter((el) => {
            const e = el as HTMLInputElement;
            const labelled = (e.labels && e.labels.length > 0) || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby");
            return !labelled && !(el.tagName === "BUTTON" && el.textContent?.trim());
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled).toEqual([]);
    }
    // The tablet layout keeps the navigation reachable above the content.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tag a document" }).click();
    await page.getByRole("button", { name: "Generate tags" }).waitFor();
    await shot(page, "10-tablet-tag-single");
    await ctx.close();
  });
});
