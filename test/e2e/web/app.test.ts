/**
 * The web app in a real browser against the real stack in process (gateway, auth, keys, storage, jobs,
 * an in-process worker running the tagging and redaction plugins, tagger, orchestrator, on the real
 * database): sign-in with the seeded administrator's forced password change, silent session restore,
 * registration, the strict CSP, users and API keys (the raw key shown once, then used by this test
 * with fetch), single tagging of a text and a scanned PDF, a batch of ten with live progress and exports
 * compared with the history API, a redaction review with the mouse (boxes where the detections are,
 * one rejected, one area drawn, the downloaded PDF read back with pdftotext), and the same review done
 * with the keyboard alone.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { intersects, rectToScreen } from "../../../web/src/viewer/coords";
import { piiTextPdf, scannedPdf, type Fixture } from "../../support/pdf-fixtures";
import { startStack, type Stack } from "../../support/stack";
import { ensureWebBuilt, launch, parseCsvRows, pdfText, shot, topicPdf, watchConsole } from "./support";

const ADMIN = { email: "admin@example.com", initial: "Admin@1234!Tmp", next: "Web-Admin#2026pw" };

const SERVICES = ["gateway", "auth", "keys", "storage", "jobs", "worker", "tagger", "orchestrator", "vocabularies"];

let stack: Stack;
let browser: Browser;
let pii: Fixture;

beforeAll(async () => {
  ensureWebBuilt();
  // Channels go over the run's NATS when it is set: a namespace of our own keeps other test files' jobs apart.
  stack = await startStack({ services: SERVICES, broker: { namespace: `web-${randomBytes(4).toString("hex")}` } });
  [browser, pii] = await Promise.all([launch(), piiTextPdf()]);
  // The in-process worker registers its plugins through the registry: wait until jobs can run both.
  for (let i = 0; i < 300; i++) {
    const plugins = await stack.broker.call<Array<{ id: string }>>("jobs.plugins");
    if (["tagging", "redaction"].every((id) => plugins.some((p) => p.id === id))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(): Promise<{ ctx: BrowserContext; page: Page; problems: string[] }> {
  // Reduced motion: the progress bar is drawn at its value at once, so screenshots show what the page says.
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 860 }, reducedMotion: "reduce" });
  const page = await ctx.newPage();
  return { ctx, page, problems: watchConsole(page) };
}

async function signIn(page: Page, login: string, password: string) {
  await page.goto(`${stack.baseUrl}/app/`);
  await page.getByLabel("Email or user name").fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signedInPage(viewport = { width: 1366, height: 860 }) {
  const { ctx, page, problems } = await newPage();
  await page.setViewportSize(viewport);
  await signIn(page, ADMIN.email, ADMIN.next);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  return { ctx, page, problems };
}

async function go(page: Page, link: string, heading = link) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
  await page.getByRole("heading", { name: heading, exact: true }).waitFor();
}

let adminToken = "";
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API bodies are compared field by field
type Json = any;

/** The API as the test sees it (the administrator's bearer token), to compare with what the app shows. */
async function api(path: string, init: { method?: string; body?: BodyInit } = {}): Promise<Json> {
  if (!adminToken) {
    const r = await fetch(`${stack.baseUrl}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: ADMIN.email, password: ADMIN.next }) });
    adminToken = ((await r.json()) as { token: string }).token;
  }
  const r = await fetch(stack.baseUrl + path, { method: init.method ?? "GET", headers: { authorization: `Bearer ${adminToken}` }, body: init.body });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  const type = r.headers.get("content-type") ?? "";
  return type.includes("json") ? r.json() : Buffer.from(await r.arrayBuffer());
}

/** Texts of the tag chips (each chip ends with its remove button). */
async function shownTags(page: Page): Promise<string[]> {
  return (await page.getByTestId("tags").locator("li").allTextContents()).map((t) => t.replace(/×\s*$/, "").trim());
}

/** Screen rectangle of an element relative to the page overlay. */
async function relBox(page: Page, selector: string, nth = 0) {
  const ob = (await page.getByTestId("page-overlay").boundingBox())!;
  const b = (await page.locator(selector).nth(nth).boundingBox())!;
  return { x: b.x - ob.x, y: b.y - ob.y, width: b.width, height: b.height };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1.5;

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

    // The key authenticates as the chosen user (what an X-Api-Key request resolves to)...
    const principal = await stack.broker.call<{ email: string }, { key: string }>("keys.resolve", { key: raw });
    expect(principal.email).toBe("robot@example.org");
    // ...and works on the jobs routes only: every other route refuses a key.
    const jobs = await fetch(`${stack.baseUrl}/v1/jobs`, { headers: { "x-api-key": raw } });
    expect(jobs.status).toBe(200);
    expect(await jobs.json()).toMatchObject({ items: [], nextCursor: null });
    const me = await fetch(`${stack.baseUrl}/v1/users/me`, { headers: { "x-api-key": raw } });
    expect(me.status).toBe(403);
    expect(await me.json()).toMatchObject({ status: 403 });

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
    expect((await fetch(`${stack.baseUrl}/v1/jobs`, { headers: { "x-api-key": raw } })).status).toBe(401);
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

  it("tags a text PDF and a scanned PDF, shows the tags history recorded, and re-runs a stored document", async () => {
    const { ctx, page, problems } = await signedInPage();
    await go(page, "Tag a document");
    const tagList = page.getByTestId("tags");

    await page.getByLabel("PDF file").setInputFiles({ name: "customer-record.pdf", mimeType: "application/pdf", buffer: Buffer.from(pii.bytes) });
    await page.getByRole("button", { name: "Generate tags" }).click();
    await tagList.locator("li").first().waitFor({ timeout: 120_000 });
    const textDoc = (await tagList.getAttribute("data-document-id"))!;
    expect(await page.getByTestId("extraction-method").textContent()).toBe("pdfjs_text");
    const recorded = await api(`/api/history/documents/${textDoc}`);
    expect(recorded.status).toBe("success");
    expect(await shownTags(page)).toEqual(recorded.tags);
    expect(recorded.tags.length).toBeGreaterThanOrEqual(3);
    await shot(page, "11-tag-result-text");

    // Re-run tags the stored PDF again with other options: a new history document, at most 4 tags.
    await page.getByLabel("Number of tags").fill("4");
    await page.getByRole("button", { name: "Re-run" }).click();
    await page.waitForFunction((old) => {
      const id = document.querySelector("[data-testid=tags]")?.getAttribute("data-document-id");
      return !!id && id !== old;
    }, textDoc);
    const rerun = await api(`/api/history/documents/${(await tagList.getAttribute("data-document-id"))!}`);
    expect(rerun.title).toBe(recorded.title);
    expect(rerun.tags.length).toBeLessThanOrEqual(4);
    expect(await shownTags(page)).toEqual(rerun.tags);

    // A scan: no text layer, so the page goes through OCR.
    const scan = await scannedPdf();
    await page.getByLabel("Number of tags").fill("8");
    await page.getByLabel("PDF file").setInputFiles({ name: "scanned-record.pdf", mimeType: "application/pdf", buffer: Buffer.from(scan.bytes) });
    await page.getByRole("button", { name: "Generate tags" }).click();
    await page.getByTestId("extraction-method").filter({ hasText: "tesseract_ocr" }).waitFor({ timeout: 180_000 });
    expect(await page.getByTestId("extraction-method").textContent()).toBe("tesseract_ocr (scanned document)");
    const scanned = await api(`/api/history/documents/${(await tagList.getAttribute("data-document-id"))!}`);
    expect(scanned.processing_metadata).toMatchObject({ is_scanned: true, ocr_pages: [1] });
    expect(await shownTags(page)).toEqual(scanned.tags);
    expect(scanned.tags.length).toBeGreaterThanOrEqual(3);
    await page.getByText("OCR confidence").waitFor();
    await shot(page, "12-tag-result-scanned");
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  }, 300_000);

  it("maps a sheet's columns before a batch starts, and refuses a broken sheet naming the row", async () => {
    const { ctx, page, problems } = await signedInPage();
    await go(page, "Batch");
    const sheet = "Name;Address;Notes\nAnnual report 2025;https://files.example.org/annual-2025.pdf;board copy\nSafety manual;https://files.example.org/safety.pdf;\n";
    await page.locator("#batch-files").setInputFiles({ name: "documents.csv", mimeType: "text/csv", buffer: Buffer.from(sheet) });
    await page.getByRole("heading", { name: "Map the columns (2 rows)" }).waitFor();
    // "Name" is guessed as the title; "Address" is not a name the app knows, so the sheet cannot start yet.
    expect(await page.getByLabel("Role of column Name").inputValue()).toBe("title");
    expect(await page.getByLabel("Role of column Address").inputValue()).toBe("");
    await page.getByText("Map one column to Title and one to File path or URL.").waitFor();
    expect(await page.getByRole("button", { name: "Start batch of 2" }).isDisabled()).toBe(true);
    await page.getByLabel("Role of column Address").selectOption("file_path");
    expect(await page.getByRole("button", { name: "Start batch of 2" }).isEnabled()).toBe(true);
    expect(await page.getByText("Map one column to Title").count()).toBe(0);
    // Giving "Notes" the title role takes it from "Name": one column per role.
    await page.getByLabel("Role of column Notes").selectOption("title");
    expect(await page.getByLabel("Role of column Name").inputValue()).toBe("");
    await shot(page, "08b-batch-csv-mapping");
    // Dropping PDFs replaces the sheet.
    await page.locator("#batch-files").setInputFiles({ name: "one.pdf", mimeType: "application/pdf", buffer: await topicPdf("One", ["A single page."]) });
    await page.getByRole("heading", { name: "1 PDF files" }).waitFor();
    expect(await page.getByRole("heading", { name: /Map the columns/ }).count()).toBe(0);
    await page.locator("#batch-files").setInputFiles({ name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from('title,file_path\n"Unclosed,https://files.example.org/a.pdf\n') });
    await page.getByRole("alert").filter({ hasText: "broken.csv is not a well-formed CSV" }).waitFor();
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  }, 120_000);

  it("runs a batch of ten uploaded PDFs with live progress to 100 % and exports exactly what the history API holds", async () => {
    const { ctx, page, problems } = await signedInPage();
    const topics = ["Solar panel maintenance", "Coffee roasting guide", "Bridge inspection report", "Beekeeping in winter", "Marathon training plan", "Sourdough bread baking", "Railway signalling basics", "Orchid care handbook", "Glacier melt survey", "Chess opening theory"];
    const files = await Promise.all(
      topics.map(async (t, i) => ({
        name: `topic-${String(i + 1).padStart(2, "0")}.pdf`,
        mimeType: "application/pdf",
        buffer: await topicPdf(t, [`This document is about ${t.toLowerCase()}.`, `${t} needs careful planning, good tools and regular review.`, `Every section of this ${t.toLowerCase()} document explains one practical step.`]),
      })),
    );
    await go(page, "Batch");
    await page.locator("#batch-files").setInputFiles(files);
    await page.getByRole("heading", { name: "10 PDF files" }).waitFor();
    await page.getByRole("button", { name: "Start batch of 10" }).click();
    await page.waitForURL(/\/app\/batch\/[^/]+$/);
    const jobId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);

    // Rows only arrive over the WebSocket (catch-up and per-document messages): all ten, all tagged.
    await page.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 150_000 });
    await page.getByTestId("batch-counts").filter({ hasText: "10 of 10 done" }).waitFor({ timeout: 30_000 });
    await page.locator('tr[data-status="success"]').nth(9).waitFor({ timeout: 30_000 });
    await page.locator(".badge", { hasText: "Completed" }).first().waitFor();
    await shot(page, "13-batch-progress");

    const status = await api(`/api/batch/jobs/${jobId}/status`);
    expect(status).toMatchObject({ status: "completed", progress: 1, processed_count: 10, failed_count: 0, total: 10 });
    const record = await api(`/api/history/jobs/${jobId}`);
    expect(record.documents).toHaveLength(10);
    const expected = record.documents.map((d: Json) => ({ title: d.title, file_path: d.file_path, status: d.status, tags: d.tags, error: d.error_message }));

    // The page's rows say what the server recorded.
    for (const d of record.documents) {
      const row = page.locator("tr[data-row]", { has: page.locator(".row-title").getByText(d.title, { exact: true }) });
      expect(await row.locator("td").nth(3).textContent()).toBe(d.tags.join(", "));
    }

    const [jsonDl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export JSON" }).click()]);
    expect(jsonDl.suggestedFilename()).toBe(`batch-${jobId}.json`);
    expect(JSON.parse(readFileSync((await jsonDl.path())!, "utf8"))).toEqual(expected);

    const [csvDl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    const rows = parseCsvRows(readFileSync((await csvDl.path())!, "utf8"));
    expect(rows[0]).toEqual(["title", "file_path", "status", "tags", "error"]);
    expect(rows.slice(1)).toEqual(expected.map((d: Json) => [d.title, d.file_path, d.status, d.tags.join(", "), d.error ?? ""]));

    // History lists the batch and its documents.
    await go(page, "History");
    const last = record.documents.find((d: Json) => d.file_path === "topic-10.pdf");
    await page.getByRole("button", { name: last.title, exact: true }).first().click();
    await page.getByRole("heading", { name: last.title, exact: true }).waitFor();
    await shot(page, "14-history");
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  }, 300_000);

  it("reviews a redaction with the mouse: boxes over the detected words, one rejected, one drawn, and the download proves it", async () => {
    const { ctx, page, problems } = await signedInPage({ width: 1366, height: 1000 });
    await go(page, "Redaction");
    await page.getByLabel("PDF to redact").setInputFiles({ name: "customer-record.pdf", mimeType: "application/pdf", buffer: Buffer.from(pii.bytes) });
    await page.getByRole("button", { name: "Upload and detect" }).click();
    await page.waitForURL(/\/app\/redact\/[^/]+$/);
    const jobId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
    await page.getByRole("button", { name: "Submit redaction" }).waitFor({ timeout: 150_000 });
    await page.locator("button.det[data-detection-id]").first().waitFor();

    const found = await api(`/v1/jobs/${jobId}/files/detections`);
    const onPage = found.findings.filter((f: Json) => f.page === 1);
    const boxCount = (label: string) => onPage.filter((f: Json) => f.label === label).reduce((n: number, f: Json) => n + f.boxes.length, 0);
    for (const label of new Set<string>(onPage.map((f: Json) => f.label))) {
      expect(await page.locator(`button.det[data-label="${label}"]`).count()).toBe(boxCount(label));
    }
    // Every drawn box is the detection's box through the app's coordinates module at the page's zoom.
    // The page and its boxes are measured in one snapshot, once the layout has settled ("Fit width"
    // follows the side list as it fills), so the zoom and the boxes belong to the same layout.
    const snapshot = () =>
      page.evaluate(() => {
        const ov = document.querySelector('[data-testid="page-overlay"]')!.getBoundingClientRect();
        const boxes: Record<string, Array<{ x: number; y: number; width: number; height: number }>> = {};
        for (const el of Array.from(document.querySelectorAll("button.det[data-detection-id]"))) {
          const r = el.getBoundingClientRect();
          (boxes[el.getAttribute("data-detection-id")!] ??= []).push({ x: r.x - ov.x, y: r.y - ov.y, width: r.width, height: r.height });
        }
        return { width: ov.width, boxes };
      });
    let layout = await snapshot();
    for (let tries = 0; tries < 40; tries++) {
      await page.waitForTimeout(150);
      const next = await snapshot();
      const stable = next.width === layout.width && JSON.stringify(next.boxes) === JSON.stringify(layout.boxes);
      layout = next;
      if (stable) break;
    }
    const zoom = layout.width / found.pages[0].width;
    for (const f of onPage) {
      for (let i = 0; i < f.boxes.length; i++) {
        const want = rectToScreen(f.boxes[i], zoom);
        const got = layout.boxes[f.id]![i]!;
        expect({ id: f.id, i, got: [got.x, got.y, got.width, got.height].map(Math.round) }).toEqual({
          id: f.id,
          i,
          got: [got.x, got.y, got.width, got.height].map((v, k) => (close(v, [want.x, want.y, want.width, want.height][k]) ? Math.round(v) : Number.NaN)),
        });
      }
    }
    // ...and lies over the word it names, where the fixture wrote it.
    const words = pii.truth.pages[0].words;
    const wordBox = (text: string) => words.find((w) => w.text === text)!.box;
    const email = onPage.find((f: Json) => f.label === "EMAIL_ADDRESS");
    const emailOnScreen = await relBox(page, `button.det[data-detection-id="${email.id}"]`);
    const emailWord = rectToScreen(wordBox("john.smith@example.com"), zoom);
    expect(intersects(emailOnScreen, emailWord)).toBe(true);
    expect(emailOnScreen.x).toBeLessThanOrEqual(emailWord.x + 1);
    expect(emailOnScreen.x + emailOnScreen.width).toBeGreaterThanOrEqual(emailWord.x + emailWord.width - 1);

    // Reject the IP address: it must stay in the output.
    const ip = onPage.find((f: Json) => f.label === "IP_ADDRESS");
    expect(ip.text).toBe("192.168.1.20");
    const ipBox = page.locator(`button.det[data-detection-id="${ip.id}"]`).first();
    await ipBox.click();
    expect(await ipBox.getAttribute("aria-pressed")).toBe("false");

    // Draw an area over "quick brown fox", which nothing detected.
    const overlay = (await page.getByTestId("page-overlay").boundingBox())!;
    const from = rectToScreen(wordBox("quick"), zoom);
    const to = rectToScreen(wordBox("fox"), zoom);
    await page.mouse.move(overlay.x + from.x - 3, overlay.y + from.y - 3);
    await page.mouse.down();
    await page.mouse.move(overlay.x + to.x + to.width + 3, overlay.y + to.y + to.height + 3, { steps: 8 });
    await page.mouse.up();
    await page.locator("button.det.manual").waitFor();
    await shot(page, "15-review-boxes");

    await page.getByRole("button", { name: "Submit redaction" }).click();
    await page.getByRole("button", { name: "Download redacted PDF" }).waitFor({ timeout: 150_000 });
    await page.getByTestId("verification").filter({ hasText: "passed" }).waitFor();
    const job = await api(`/v1/jobs/${jobId}`);
    expect(job).toMatchObject({ status: "finished", review: { acceptedFindings: found.findings.length - 1, rejectedFindings: 1, manualAreas: 1 } });
    await shot(page, "16-review-finished");

    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download redacted PDF" }).click()]);
    const text = pdfText((await dl.path())!);
    for (const gone of ["quick", "brown", "fox", "john.smith@example.com", "123-45-6789"]) expect(text).not.toContain(gone);
    expect(text).toContain("192.168.1.20");
    expect(text).toContain("jumps");

    // The home page lists the job among the recent redactions, finished, with its detection count.
    await go(page, "Dashboard");
    const row = page.getByRole("region", { name: "Recent redactions" }).locator(`tr[data-job-id="${jobId}"]`);
    await row.waitFor();
    expect((await row.locator("td").allInnerTexts()).map((t) => t.trim())).toEqual(["customer-record.pdf", "Finished", expect.any(String), String(found.findings.length)]);
    await row.getByRole("link", { name: "customer-record.pdf" }).click();
    await page.getByRole("button", { name: "Download redacted PDF" }).waitFor();
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  }, 360_000);

  it("reviews a redaction with the keyboard alone: tab to a detection, reject it, add an area, submit", async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(pii.bytes)], { type: "application/pdf" }), "keyboard.pdf");
    const created = await api("/v1/jobs", { method: "POST", body: form });
    const { ctx, page } = await signedInPage({ width: 1366, height: 1000 });
    await page.goto(`${stack.baseUrl}/app/redact/${created.id}`);
    await page.getByRole("button", { name: "Submit redaction" }).waitFor({ timeout: 150_000 });
    await page.locator("button.det[data-detection-id]").first().waitFor();
    await page.getByRole("heading", { name: "keyboard.pdf" }).focus();

    const active = () => page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      return { id: e?.dataset.detectionId ?? "", testid: e?.dataset.testid ?? "", text: e?.textContent?.trim() ?? "", pressed: e?.getAttribute("aria-pressed") ?? "" };
    });
    const tabUntil = async (ok: (a: Awaited<ReturnType<typeof active>>) => boolean, key = "Tab") => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press(key);
        const a = await active();
        if (ok(a)) return a;
      }
      throw new Error(`no focusable element matched after 80 presses of ${key}`);
    };

    const det = await tabUntil((a) => !!a.id);
    expect(det.pressed).toBe("true");
    await page.keyboard.press("Enter");
    expect((await active()).pressed).toBe("false");

    await tabUntil((a) => a.testid === "page-overlay", "Shift+Tab");
    await page.keyboard.press("n");
    await page.locator("button.det.manual").waitFor();
    const before = await relBox(page, "button.det.manual");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const after = await relBox(page, "button.det.manual");
    expect(after.y).toBeGreaterThan(before.y);
    await shot(page, "17-review-keyboard");

    await tabUntil((a) => a.text === "Submit redaction");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Download redacted PDF" }).waitFor({ timeout: 150_000 });
    const job = await api(`/v1/jobs/${created.id}`);
    expect(job).toMatchObject({ status: "finished", review: { rejectedFindings: 1, manualAreas: 1 } });
    await ctx.close();
  }, 360_000);

  it("marks a fake redaction (a black box over text still in the file) with its own hatched colour and says what it means", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const pg = pdf.addPage([595, 842]);
    pg.drawText("Customer record", { x: 60, y: 760, size: 16, font });
    pg.drawText("Account holder:", { x: 60, y: 730, size: 11, font });
    pg.drawText("Paul Covered", { x: 150, y: 730, size: 11, font });
    // The "redaction" a user drew in an editor: a black box over the name, the name still in the text layer.
    pg.drawRectangle({ x: 148, y: 727, width: font.widthOfTextAtSize("Paul Covered", 11) + 4, height: 14, color: rgb(0, 0, 0) });
    pg.drawText("Contact: jane.visible@example.com", { x: 60, y: 700, size: 11, font });
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(await pdf.save())], { type: "application/pdf" }), "fake-redaction.pdf");
    const created = await api("/v1/jobs", { method: "POST", body: form });
    const { ctx, page, problems } = await signedInPage({ width: 1366, height: 1000 });
    await page.goto(`${stack.baseUrl}/app/redact/${created.id}`);
    await page.getByRole("button", { name: "Submit redaction" }).waitFor({ timeout: 150_000 });
    const found = await api(`/v1/jobs/${created.id}/files/detections`);
    const fake = found.findings.find((f: Json) => f.label === "EXPOSED_REDACTION");
    expect(fake?.text).toBe("Paul Covered");

    const group = page.locator('[data-group="EXPOSED_REDACTION"]');
    await group.waitFor();
    expect((await group.getByRole("heading").textContent())?.trim()).toBe("Fake redaction EXPOSED_REDACTION (1)");
    expect(await group.getByTestId("label-info").textContent()).toMatch(/Text under a box that hides nothing/);
    const box = page.locator(`button.det[data-detection-id="${fake.id}"]`).first();
    expect(await box.getAttribute("aria-label")).toBe('Fake redaction, EXPOSED_REDACTION "Paul Covered", accepted');
    const look = await box.evaluate((el) => ({ border: getComputedStyle(el).borderTopColor, background: getComputedStyle(el).backgroundImage }));
    expect(look.border).toBe("rgb(170, 0, 255)");
    expect(look.background).toMatch(/^repeating-linear-gradient/);
    // The visible e-mail address keeps its own label and colour: only the hidden text is a fake redaction.
    const mail = found.findings.find((f: Json) => f.text === "jane.visible@example.com");
    expect(mail?.label).toBe("EMAIL_ADDRESS");
    expect(await page.locator(`button.det[data-detection-id="${mail.id}"]`).first().evaluate((el) => getComputedStyle(el).backgroundImage)).toBe("none");
    await shot(page, "17b-review-fake-redaction");
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  }, 360_000);

  it("uploads a vocabulary, tags with it, saves an edit of the tags, and the curator accepts the added tag", async () => {
    const { ctx, page, problems } = await signedInPage();
    await go(page, "Vocabularies");
    const csv = ["prefLabel,altLabels,broader", "Coral reefs,coral reef|reef,", "Marine heatwaves,marine heatwave,", "Water quality,,"].join("\n");
    await page.getByLabel("CSV or JSON file").setInputFiles({ name: "reef-terms.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("radio", { name: "Everyone on this server" }).check();
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByRole("status").filter({ hasText: 'Uploaded "reef-terms" with 3 concepts.' }).waitFor();
    const panel = page.getByLabel("Vocabulary", { exact: true });
    await panel.getByRole("cell", { name: "Coral reefs" }).waitFor();
    await page.getByLabel("Search concepts").fill("heat");
    await page.getByRole("button", { name: "Search", exact: true }).last().click();
    await panel.getByText("1 of 3 concepts").waitFor();
    expect(await panel.getByRole("cell", { name: "Coral reefs" }).count()).toBe(0);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("main input, main select, main textarea, main button")]
        .filter((el) => {
          const e = el as HTMLInputElement;
          return !((e.labels && e.labels.length > 0) || e.getAttribute("aria-label") || (el.tagName === "BUTTON" && el.textContent?.trim()));
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    await shot(page, "30-vocabularies");

    await go(page, "Tag a document");
    const vocabs = (await api("/api/vocabularies")).vocabularies as Array<{ id: string; name: string }>;
    const vocab = vocabs.find((v) => v.name === "reef-terms")!;
    await page.getByLabel("Controlled vocabulary").selectOption(vocab.id);
    const reef = await topicPdf("doc-7731", [
      "Marine heatwaves have become more frequent, and coral reefs recover slowly between events.",
      "We combined benthic surveys at 38 reef sites with degree heating weeks after three bleaching events.",
      "Coral cover fell by 41 percent after the first marine heatwave; recovery took six years.",
      "Water quality management shortened recovery where macroalgae covered the reef.",
      "Herbivorous fish grazing kept macroalgae low on protected reefs near the coast.",
      "Sediment runoff from farmland reduced coral recruitment near river mouths.",
    ]);
    await page.getByLabel("PDF file").setInputFiles({ name: "reef.pdf", mimeType: "application/pdf", buffer: reef });
    await page.getByRole("button", { name: "Generate tags" }).click();
    const tagList = page.getByTestId("tags");
    await tagList.locator("li").first().waitFor({ timeout: 120_000 });
    const first = await shownTags(page);
    // Vocabulary terms first (the words and their variants in the text map onto the preferred labels).
    expect(first.slice(0, 2).sort()).toEqual(["Coral reefs", "Marine heatwaves"]);
    await page.getByTestId("suggested").waitFor();
    const docId = (await tagList.getAttribute("data-document-id"))!;
    const dropped = first[first.length - 1]!;
    await page.getByRole("button", { name: `Remove tag ${dropped}` }).click();
    await page.getByLabel("Add a tag").fill("reef resilience");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("button", { name: "Save tags" }).click();
    await page.getByRole("status").filter({ hasText: "Saved: 1 added, 1 removed." }).waitFor();
    const saved = await api(`/api/history/documents/${docId}`);
    expect(saved.tags).toEqual([...first.slice(0, -1), "reef resilience"]);
    expect(saved.tag_edits).toEqual([expect.objectContaining({ added: ["reef resilience"], removed: [dropped] })]);
    await shot(page, "31-tag-with-vocabulary");

    await go(page, "History");
    await page.getByRole("button", { name: saved.title }).first().click();
    await page.getByRole("list", { name: "Tag edits" }).getByText(`added reef resilience; removed ${dropped}`).waitFor();
    await shot(page, "32-history-tag-edits");

    await go(page, "Vocabularies");
    await page.getByRole("button", { name: "reef-terms", exact: true }).click();
    await page.getByRole("button", { name: "Accept reef resilience" }).click();
    await page.getByRole("status").filter({ hasText: 'Added "reef resilience" as a concept' }).waitFor();
    const after = await api(`/api/vocabularies/${vocab.id}?q=resilience`);
    expect(after).toMatchObject({ concept_count: 4, concepts: [{ prefLabel: "reef resilience" }] });
    await shot(page, "33-vocabulary-suggestion-accepted");
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  }, 300_000);

  // Last: the saved default applies to every later redaction job of this stack.
  it("saves the default detection settings through the configurations API", async () => {
    const { ctx, page, problems } = await signedInPage();
    await go(page, "Detection settings");
    await page.getByLabel("Never redact these words").fill("ACME Corp\nDocmill");
    await page.getByRole("checkbox", { name: "de" }).check();
    await page.getByRole("button", { name: "Save default" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const def = await api("/v1/detection-configurations/default");
    expect(def.isDefault).toBe(true);
    expect(def.configuration.languages).toEqual(["en", "de"]);
    expect(def.configuration.keywordExclusions).toEqual([{ name: "admin-default", excludedKeywords: ["ACME Corp", "Docmill"], partialMatch: false }]);
    // A reload shows what was saved.
    await page.reload();
    await page.getByRole("heading", { name: "Detection settings" }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll("textarea")].some((t) => t.value.includes("ACME Corp")));
    expect(await page.getByLabel("Never redact these words").inputValue()).toBe("ACME Corp\nDocmill");
    expect(await page.getByRole("checkbox", { name: "de" }).isChecked()).toBe(true);
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    await ctx.close();
  });
});
