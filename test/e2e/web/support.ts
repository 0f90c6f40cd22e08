/**
 * Browser helpers for the web app's end-to-end tests: Debian's chromium driven by playwright-core
 * (no browser download), the app built on demand, screenshots into test-artifacts/screenshots/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { chromium, type Browser, type Page } from "playwright-core";

export const ROOT = path.resolve(__dirname, "../../..");
export const SHOTS = path.join(ROOT, "test-artifacts/screenshots");
export const CHROMIUM = "/usr/bin/chromium";

/** Builds web/dist when it is missing (CI runs the tests without `npm run build`). */
export function ensureWebBuilt(): void {
  if (existsSync(path.join(ROOT, "web/dist/index.html"))) return;
  const r = spawnSync(path.join(ROOT, "node_modules/.bin/vite"), ["build", "--config", "web/vite.config.ts", "--logLevel", "warn"], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No sandbox as root in CI; and no background traffic: the machine has no internet.
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-default-apps",
      "--disable-sync",
      "--disable-domain-reliability",
      "--disable-client-side-phishing-detection",
      "--no-first-run",
      "--no-default-browser-check",
      "--metrics-recording-only",
      "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    ],
  });
}

/** Saves a full-page screenshot under test-artifacts/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Collects console errors and CSP violations, which the tests require to stay empty. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  return problems;
}

/** A one-page text PDF about one subject (batch inputs: every document has its own words). */
export async function topicPdf(title: string, lines: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  page.drawText(title, { x: 72, y: 760, size: 18, font });
  lines.forEach((line, i) => page.drawText(line, { x: 72, y: 720 - i * 18, size: 12, font }));
  return Buffer.from(await doc.save());
}

/** The text pdftotext (poppler-utils) reads from a PDF: what a person could copy out of the file. */
export function pdfText(file: string): string {
  const r = spawnSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`pdftotext failed (is poppler-utils installed?): ${r.stderr}`);
  return r.stdout;
}

/** Reads a small CSV (quoted cells, "" escapes) into rows of cells. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
