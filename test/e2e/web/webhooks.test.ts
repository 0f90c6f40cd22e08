/**
 * The webhooks screen and the cancel/delete buttons of the redaction jobs, in a real browser against the
 * real stack in process (gateway, auth, keys, storage, jobs, an in-process worker, tagger, orchestrator, webhooks)
 * and a real receiver on 127.0.0.1: register an endpoint (the secret shown once is the one that verifies
 * the deliveries), see the deliveries, redeliver one, cancel a job waiting for review, delete it.
 */
import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { resetConfig } from "../../../kernel/config";
import { reviewDocument } from "../../fixtures/redaction-corpus";
import { startStack, type Stack } from "../../support/stack";
import { startReceiver, type Receiver } from "../webhooks/receiver";
import { ensureWebBuilt, launch, shot, watchConsole } from "./support";

jest.setTimeout(300_000);

const ENV = { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_SWEEP_INTERVAL_SECONDS: "1" };
let stack: Stack;
let browser: Browser;
let rx: Receiver;

beforeAll(async () => {
  Object.assign(process.env, ENV);
  resetConfig();
  ensureWebBuilt();
  rx = await startReceiver({ "/hook": "ok" });
  stack = await startStack({ services: ["gateway", "auth", "keys", "storage", "jobs", "worker", "tagger", "orchestrator", "webhooks"], broker: { namespace: `webhooks-web-${randomBytes(4).toString("hex")}` } });
  browser = await launch();
  for (let i = 0; i < 300; i++) {
    const plugins = await stack.broker.call<Array<{ id: string }>>("jobs.plugins");
    if (plugins.some((p) => p.id === "redaction")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await rx?.close();
  for (const k of Object.keys(ENV)) delete process.env[k];
  resetConfig();
});

it("registers a webhook (secret shown once), lists its deliveries, redelivers, and cancels and deletes a redaction job", async () => {
  const email = `hooks${randomBytes(3).toString("hex")}@example.com`;
  const password = "Hooks!Passw0rd";
  expect((await fetch(`${stack.baseUrl}/api/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) })).status).toBeLessThan(300);
  const token = ((await (await fetch(`${stack.baseUrl}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: email, password }) })).json()) as { token: string }).token;

  const ctx = await browser.newContext({ viewport: { width: 1366, height: 860 }, reducedMotion: "reduce" });
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  page.on("dialog", (d) => void d.accept());
  const failures: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  await page.goto(`${stack.baseUrl}/app/`);
  await page.getByLabel("Email or user name").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
  await page.getByRole("heading", { name: "Webhooks", exact: true }).waitFor();
  // A bad URL is refused with the server's message next to the field.
  await page.getByLabel("Endpoint URL").fill("ftp://example.com/x");
  await page.getByRole("button", { name: "Register endpoint" }).click();
  await page.getByText("URL must start with http:// or https://").first().waitFor();

  await page.getByLabel("Endpoint URL").fill(rx.url("/hook"));
  await page.getByLabel("job.cancelled").check();
  await page.getByLabel("job.deleted").check();
  await page.getByRole("button", { name: "Register endpoint" }).click();
  const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await shot(page, "18-webhook-secret");
  await page.getByRole("button", { name: "Done" }).click();
  await page.reload();
  await page.getByRole("heading", { name: "Webhooks", exact: true }).waitFor();
  // Shown once: after a reload the page has the endpoint, not the secret.
  await page.locator(`td code`, { hasText: rx.url("/hook") }).waitFor();
  expect(await page.content()).not.toContain(secret.slice(6));

  const fd = new FormData();
  fd.append("file", new Blob([Buffer.from(await reviewDocument())], { type: "application/pdf" }), "webhook-record.pdf");
  const job = ((await (await fetch(`${stack.baseUrl}/v1/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: fd })).json()) as { id: string }).id;
  const [ready] = await rx.waitFor("/hook", 1);
  expect(new Webhook(secret).verify(ready!.body, ready!.headers)).toMatchObject({ type: "job.readyForReview", data: { id: job } });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Redaction" }).click();
  const row = page.locator(`tr[data-job-id="${job}"]`);
  await row.getByText("readyForReview", { exact: false }).or(row.getByText("Ready for review")).first().waitFor();
  await row.getByRole("button", { name: /^Cancel/ }).click();
  await row.getByText(/cancelled/i).first().waitFor();
  await row.getByRole("button", { name: /^Cancel/ }).waitFor({ state: "detached" });
  const cancelled = (await rx.waitFor("/hook", 2))[1]!;
  expect(new Webhook(secret).verify(cancelled.body, cancelled.headers)).toMatchObject({ type: "job.cancelled", data: { id: job, status: "cancelled" } });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
  await page.getByRole("button", { name: /^Deliveries/ }).click();
  const deliveries = page.getByRole("region", { name: /Deliveries of/ }).or(page.locator('[aria-label^="Deliveries of"]'));
  await deliveries.locator("tr[data-delivery-id]").nth(1).waitFor();
  expect(await deliveries.locator("tr[data-delivery-id]").count()).toBe(2);
  await deliveries.getByText("delivered").first().waitFor();
  await shot(page, "19-webhook-deliveries");
  const firstId = await deliveries.locator("tr[data-delivery-id]").last().getAttribute("data-delivery-id");
  await deliveries.locator(`tr[data-delivery-id="${firstId}"]`).getByRole("button", { name: /^Redeliver/ }).click();
  const again = (await rx.waitFor("/hook", 3))[2]!;
  expect(again.headers["webhook-id"]).toBe(firstId);
  expect(new Webhook(secret).verify(again.body, again.headers)).toMatchObject({ type: "job.readyForReview" });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Redaction" }).click();
  await row.getByRole("button", { name: /^Delete/ }).click();
  await row.waitFor({ state: "detached" });
  expect((await fetch(`${stack.baseUrl}/v1/jobs/${job}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  const deleted = (await rx.waitFor("/hook", 4)).find((r) => JSON.parse(r.body).type === "job.deleted")!;
  expect(new Webhook(secret).verify(deleted.body, deleted.headers)).toMatchObject({ data: { id: job, status: "deleted" } });
  // The expected refusals only: no session cookie yet at the first load, and the bad URL.
  expect(failures).toEqual(["401 POST /v1/auth/refresh", "400 POST /v1/webhooks"]);
  // Resource errors are in `failures` above (the favicon 404 is the browser's own request); no script error, no CSP violation.
  expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
  await ctx.close();
});
