/**
 * `docmill run` and `docmill plugins` as a user runs them: a real process, the real plugins, no server,
 * database or NATS. Exit codes: 0 done, 1 the plugin failed, 2 bad usage or invalid options.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makeTempDir, spawnProcess } from "../../support/infra";
import { multiPagePdf, truncatedPdf } from "../../support/pdf-fixtures";

jest.setTimeout(120_000);

let dir: string;
let pdf: string;

beforeAll(async () => {
  dir = makeTempDir("docmill-cli-");
  pdf = path.join(dir, "three.pdf");
  writeFileSync(pdf, (await multiPagePdf(3)).bytes);
});

async function docmill(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // NATS_URL and MONGO_URL of the test run are dropped: `docmill run` must need neither.
  const p = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", ...args], {
    env: { NATS_URL: "", MONGO_URL: "", TRANSPORTER: "", DOCMILL_PDF_THREADS: "1" },
  });
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

describe("docmill run", () => {
  it("prints pdf-info's result as JSON with the page count and title", async () => {
    const r = await docmill("run", "pdf-info", pdf, "--json");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const out = JSON.parse(r.stdout) as { plugin: string; status: string; result: { pageCount: number; metadata: { title?: string } }; outputs: Array<{ name: string }> };
    expect(out).toMatchObject({ plugin: "pdf-info", status: "completed", result: { pageCount: 3, metadata: { title: "3 pages" } } });
    expect(out.outputs.map((o) => o.name)).toEqual(["report"]);
  });

  it("writes the outputs into the --out folder", async () => {
    const outDir = path.join(dir, "out");
    mkdirSync(outDir);
    const r = await docmill("run", "pdf-info", pdf, "--out", outDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${path.join(outDir, "three.info.json")}`);
    expect(readdirSync(outDir)).toEqual(["three.info.json"]);
    expect(JSON.parse(readFileSync(path.join(outDir, "three.info.json"), "utf8"))).toMatchObject({ pageCount: 3 });
  });

  it("exits 2 naming the option when an option is invalid", async () => {
    const r = await docmill("run", "pdf-info", pdf, "--option", "maxPages=-3");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/maxPages/);
  });

  it("exits 2 naming the plugin and the available ones for an unknown plugin", async () => {
    const r = await docmill("run", "no-such-plugin", pdf);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown plugin "no-such-plugin"\. Available: .*pdf-info/);
  });

  it("exits 1 with the plugin's readable error for a damaged PDF", async () => {
    const cut = path.join(dir, "cut.pdf");
    writeFileSync(cut, (await truncatedPdf()).bytes);
    const r = await docmill("run", "pdf-info", cut, "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "failed", error: { type: "PDF_CORRUPT" } });
  });
});

describe("docmill plugins", () => {
  it("lists the shipped plugins with their versions", async () => {
    const r = await docmill("plugins");
    expect(r.code).toBe(0);
    const ids = r.stdout.trim().split("\n").map((l) => l.split(/\s+/)[0]);
    expect(ids).toContain("pdf-info");
    // Tagging and redaction are plugins too (listed when their folders exist in plugins/).
    const shipped = readdirSync(path.resolve(__dirname, "../../../plugins"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(ids.sort()).toEqual(shipped.sort());
    expect(r.stdout).toMatch(/pdf-info\s+1\.0\.0\s+PDF information/);
  });
});
