/**
 * A plugin outside the repository (test/fixtures/plugins/word-stats, found through PLUGINS_DIR) imports
 * only `@docmill/sdk` and gets the PDF engine, its settings and its secrets from the RunContext. Run as a
 * user runs it, `docmill run`, in a child process: once under tsx (npm start, the Docker image) and once
 * from the built dist/ with plain Node, whose type stripping loads the plugin's TypeScript. Both must
 * resolve the name to the running host's SDK (kernel/plugins/sdk-alias.ts); jest's resolver plays no part.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { REPO_ROOT } from "../../support/infra";

const run = promisify(execFile);
const NODE = path.join(REPO_ROOT, "node_modules/.bin/node");
const FIXTURES = path.join(REPO_ROOT, "test/fixtures/plugins");

let dir: string;
let pdf: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "docmill-sdk-"));
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([300, 300]).drawText("Quarterly invoice summary extraordinarily", { x: 20, y: 200, size: 12, font });
  doc.addPage([300, 300]).drawText("to be paid", { x: 20, y: 200, size: 12, font });
  pdf = path.join(dir, "in.pdf");
  writeFileSync(pdf, await doc.save());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function docmill(args: string[], env: NodeJS.ProcessEnv, entry: string[]): Promise<CliOutcome> {
  try {
    const r = await run(NODE, [...entry, ...args], { cwd: REPO_ROOT, env: { ...process.env, PLUGINS_DIR: FIXTURES, ...env }, timeout: 240_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const expected = { pages: 2, words: 7, longest: "extraordinarily", perPage: [4, 3] };

describe.each([
  ["under tsx", () => ["--import", "tsx", "scripts/docmill.ts"]],
  ["from the built dist/ with plain Node", () => ["test-artifacts/sdk-dist/scripts/docmill.js"]],
])("an external plugin that imports only @docmill/sdk, %s", (mode, entry) => {
  beforeAll(async () => {
    if (!mode.startsWith("from the built")) return;
    mkdirSync(path.join(REPO_ROOT, "test-artifacts"), { recursive: true });
    // The build a deployment runs (tsconfig.build.json), into a folder of its own.
    await run(path.join(REPO_ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json", "--outDir", "test-artifacts/sdk-dist"], { cwd: REPO_ROOT, timeout: 400_000 });
    expect(existsSync(path.join(REPO_ROOT, "test-artifacts/sdk-dist/sdk/index.js"))).toBe(true);
  }, 420_000);

  it("runs on a PDF with the host's engine and its own settings", async () => {
    const r = await docmill(["run", "word-stats", pdf, "--json", "--out", dir], {}, entry());
    expect(r.stderr).not.toMatch(/Cannot find module/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(report).toMatchObject({ plugin: "word-stats", status: "completed", result: expected });
    expect(JSON.parse(readFileSync(path.join(dir, "stats.json"), "utf8"))).toEqual(expected);
  }, 250_000);

  it("applies its settings from the environment (WORD_STATS_MIN_LENGTH)", async () => {
    const r = await docmill(["run", "word-stats", pdf, "--json"], { WORD_STATS_MIN_LENGTH: "5" }, entry());
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(report.result).toEqual({ pages: 2, words: 4, longest: "extraordinarily", perPage: [4, 0] });
  }, 250_000);

  it("refuses to load with a bad setting, naming the folder and the variable", async () => {
    const r = await docmill(["run", "word-stats", pdf], { WORD_STATS_MIN_LENGTH: "many" }, entry());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Plugin folder ${path.join(FIXTURES, "word-stats")} cannot be loaded`);
    expect(r.stderr).toContain('settings: Configuration error in WORD_STATS_MIN_LENGTH: expected a whole number from 1 to 100, got "many"');
  }, 250_000);
});
