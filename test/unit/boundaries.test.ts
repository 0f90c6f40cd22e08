/**
 * The layout's import rules (README "Architecture", /docs/plugins.md), checked on the import graph of
 * every source file (test/support/import-graph.ts), like the detector purity test checks detect/:
 *
 * - kernel/ knows no product and no plugin: it imports no apis/, plugins/, cli/, services/ or web/, and
 *   no kernel line (code or comment) names a product it serves: what differs per product is registered
 *   by its API family (kernel/gateway/families.ts, registerAudited, registerJobEventShape...);
 * - sdk/ is what a plugin may import, and stands alone: it imports only sdk/, the wire types of
 *   shared/wire/ (which import nothing) and npm packages;
 * - a plugin imports only sdk/ and its own folder (never the host's internals, never another plugin);
 * - an API family (apis/) and the entry points (services/) reach a plugin only through its public
 *   contract file, plugins/<id>/contract.ts;
 * - web/ imports only its own files and shared/ (the wire types and helpers server and web share), and
 *   from npm only what runs in a browser; shared/ likewise, since the web app bundles it;
 * - shared/wire/ is the contract: it imports nothing, and no file elsewhere declares its own copy of a
 *   wire type (an interface or object type of the same name), so the two sides cannot drift again;
 * - no file imports itself back through a cycle.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { importCycles, REPO, sourceFiles, type SourceFile } from "../support/import-graph";

const files = sourceFiles();
const top = (p: string) => (p.startsWith("web/") ? "web" : p.split("/")[0]!);
const firstParty = (to: string) => to.includes("/") && !to.startsWith("@") && /^(kernel|sdk|apis|shared|cli|services|plugins|web|scripts|test|bench)\//.test(to);

interface Violation {
  file: string;
  line: number;
  imports: string;
  rule: string;
}

/** `allowed(from, to)` says whether `from` may import the first-party file `to`; otherwise a violation. */
function violations(filter: (f: SourceFile) => boolean, rule: string, allowed: (from: string, to: string) => boolean): Violation[] {
  return files
    .filter(filter)
    .flatMap((f) => f.imports.filter((i) => firstParty(i.to) && !allowed(f.path, i.to)).map((i) => ({ file: f.path, line: i.line, imports: i.specifier, rule })));
}

const pluginOf = (p: string) => p.split("/")[1];
const isContract = (to: string) => /^plugins\/[^/]+\/contract\.ts$/.test(to);

describe("layout boundaries", () => {
  it("sees every layer", () => {
    for (const layer of ["kernel", "sdk", "apis", "shared", "cli", "services", "plugins", "web"]) {
      expect({ layer, files: files.filter((f) => top(f.path) === layer).length > 0 }).toEqual({ layer, files: true });
    }
  });

  it("resolves every relative import (a moved file leaves no dangling path)", () => {
    const dangling = files.flatMap((f) => f.imports.filter((i) => i.to.startsWith("?")).map((i) => `${f.path}:${i.line} ${i.specifier}`));
    expect(dangling).toEqual([]);
  });

  it("keeps the kernel free of API families, plugins, the CLI, entry points and the web app", () => {
    expect(violations((f) => top(f.path) === "kernel", "kernel imports only kernel/, sdk/, shared/", (_f, to) => ["kernel", "sdk", "shared"].includes(top(to)))).toEqual([]);
  });

  it("keeps product and plugin names out of the kernel (families and plugins register what differs)", () => {
    // The two products docmill replaces, by the names their families, services and docs use, and the two
    // built-in processors (plugins/tagging, plugins/redaction): the kernel knows neither, not even in a comment.
    const product = /tagger|orchestrator|smart[ -]?redact|meta-data|redaction|tagging/i;
    const named = files
      .filter((f) => top(f.path) === "kernel")
      .flatMap((f) =>
        readFileSync(path.join(REPO, f.path), "utf8")
          .split("\n")
          .flatMap((text, i) => (product.test(text) ? [{ file: f.path, line: i + 1, text: text.trim().slice(0, 120) }] : [])),
      );
    expect(named).toEqual([]);
  });

  it("keeps the SDK standalone, so a plugin outside the repository gets all of it through @docmill/sdk", () => {
    // The wire types its plugins' results carry (shared/wire imports nothing, so the SDK still stands alone).
    expect(violations((f) => top(f.path) === "sdk", "sdk imports only sdk/ and shared/wire/", (_f, to) => top(to) === "sdk" || to.startsWith("shared/wire/"))).toEqual([]);
  });

  it("lets a plugin import only the SDK and its own folder", () => {
    expect(
      violations((f) => top(f.path) === "plugins", "plugins import only sdk/ and their own folder", (from, to) => top(to) === "sdk" || (top(to) === "plugins" && pluginOf(to) === pluginOf(from))),
    ).toEqual([]);
  });

  it("lets API families and entry points reach a plugin only through its contract file", () => {
    expect(
      violations((f) => ["apis", "services"].includes(top(f.path)), "apis/ and services/ import a plugin only via plugins/<id>/contract.ts", (_f, to) => top(to) !== "plugins" || isContract(to)),
    ).toEqual([]);
  });

  it("keeps API families out of entry points, the CLI and the web app", () => {
    expect(violations((f) => top(f.path) === "apis", "apis/ imports no services/, cli/, web/", (_f, to) => !["services", "cli", "web"].includes(top(to)))).toEqual([]);
  });

  it("lets the web app import only its own files and the shared wire types", () => {
    expect(violations((f) => top(f.path) === "web", "web/ imports only web/ and shared/", (_f, to) => ["web", "shared"].includes(top(to)))).toEqual([]);
  });

  it("lets the web app and shared/ use only npm packages that run in a browser (no node: built-ins, no server libraries)", () => {
    const BROWSER = new Set(["react", "react-dom", "pdfjs-dist", "papaparse"]);
    const pkg = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!.split("?")[0]!);
    const bad = files
      .filter((f) => ["web", "shared"].includes(top(f.path)))
      .flatMap((f) => f.imports.filter((i) => !i.specifier.startsWith(".") && !BROWSER.has(pkg(i.specifier))).map((i) => ({ file: f.path, line: i.line, imports: i.specifier, rule: "web/ and shared/ import only browser packages" })));
    expect(bad).toEqual([]);
  });

  it("keeps shared/wire/ a contract of types and constants that imports nothing", () => {
    expect(files.filter((f) => f.path.startsWith("shared/wire/")).flatMap((f) => f.imports.map((i) => `${f.path}:${i.line} ${i.specifier}`))).toEqual([]);
  });

  it("declares each wire type once: no file outside shared/wire/ has its own interface or object type of that name", () => {
    const read = (p: string) => readFileSync(path.join(REPO, p), "utf8");
    const wire = files.filter((f) => f.path.startsWith("shared/wire/"));
    const names = new Set(wire.flatMap((f) => [...read(f.path).matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]!)));
    expect(names.size).toBeGreaterThan(10);
    const copies = files
      .filter((f) => !f.path.startsWith("shared/wire/"))
      .flatMap((f) =>
        [...read(f.path).matchAll(/^(?:export )?(?:interface (\w+)\b[^{]*\{|type (\w+)(?:<[^>]*>)? = \{)/gm)]
          .map((m) => m[1] ?? m[2]!)
          .filter((n) => names.has(n))
          .map((n) => `${f.path}: ${n}`),
      );
    expect(copies).toEqual([]);
  });

  it("keeps shared/ free of server and web code", () => {
    expect(violations((f) => top(f.path) === "shared", "shared/ imports only shared/", (_f, to) => top(to) === "shared")).toEqual([]);
  });

  it("has no import cycles", () => {
    expect(importCycles(files)).toEqual([]);
  });
});
