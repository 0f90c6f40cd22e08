/**
 * The layout figures of issue 16 for this tree: files and lines per folder, the largest files, entry points
 * over 250 lines, import cycles, plugins importing host internals and kernel lines naming a product or a
 * plugin. Reads sources only (test/support/import-graph.ts, the graph the boundary test checks).
 *
 *   node --import tsx scripts/layout-report.ts
 *
 * For an older commit, extract it and run this script from there (the graph resolves paths next to itself):
 *   git archive <rev> | tar -x -C /tmp/old && mkdir -p /tmp/old/test/support /tmp/old/scripts &&
 *   cp test/support/import-graph.ts /tmp/old/test/support/ && cp scripts/layout-report.ts /tmp/old/scripts/ &&
 *   node --import tsx /tmp/old/scripts/layout-report.ts
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO, importCycles, sourceFiles } from "../test/support/import-graph";

/** Folders before the layout move (services/lib, plugins/) and after it (kernel/, sdk/, apis/, ...). */
const ROOTS = ["kernel", "sdk", "apis", "shared", "cli", "services", "plugins", "web/src", "scripts"];
const files = sourceFiles(ROOTS);
const lines = new Map(files.map((f) => [f.path, readFileSync(path.join(REPO, f.path), "utf8").split("\n").length - 1]));

/** The folder a file counts under: services/lib/<x> and apis/<family> one level deeper, the rest by their top folder. */
function area(p: string): string {
  const parts = p.split("/");
  if (parts[0] === "services" && parts[1] === "lib") return parts.length > 3 ? `services/lib/${parts[2]}` : "services/lib (files)";
  if (parts[0] === "apis" || parts[0] === "plugins" || parts[0] === "web") return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
  return parts[0]!;
}

const byArea = new Map<string, { files: number; lines: number }>();
for (const f of files) {
  const a = byArea.get(area(f.path)) ?? { files: 0, lines: 0 };
  a.files += 1;
  a.lines += lines.get(f.path)!;
  byArea.set(area(f.path), a);
}
const total = [...byArea.values()].reduce((s, a) => ({ files: s.files + a.files, lines: s.lines + a.lines }), { files: 0, lines: 0 });

const out: string[] = [];
out.push("| folder | files | lines |", "|---|---:|---:|");
for (const [a, v] of [...byArea].sort(([x], [y]) => x.localeCompare(y))) out.push(`| ${a} | ${v.files} | ${v.lines} |`);
out.push(`| **total** | ${total.files} | ${total.lines} |`, "");

out.push("Largest files:");
for (const [p, n] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, 12)) out.push(`  ${String(n).padStart(5)}  ${p}`);
out.push("");

const services = [...lines].filter(([p]) => /^services\/[^/]+\.service\.ts$/.test(p)).sort((a, b) => b[1] - a[1]);
out.push(`Entry points (services/*.service.ts): ${services.length}, ${services.reduce((s, [, n]) => s + n, 0)} lines; over 250: ${services.filter(([, n]) => n > 250).map(([p, n]) => `${p} ${n}`).join(", ") || "none"}`);
out.push(`  largest: ${services.slice(0, 5).map(([p, n]) => `${path.basename(p)} ${n}`).join(", ")}`);

const cycles = importCycles(files);
out.push(`Import cycles: ${cycles.length}${cycles.length ? ` (${cycles.map((c) => c.join(" <-> ")).join("; ")})` : ""}`);

// A plugin may import the SDK and its own folder; anything else relative is a host internal.
const leaks = files
  .filter((f) => f.path.startsWith("plugins/"))
  .flatMap((f) => {
    const own = f.path.split("/").slice(0, 2).join("/");
    // npm packages are fine; `@docmill/sdk` resolves to sdk/index.ts.
    const inRepo = f.imports.filter((i) => i.specifier.startsWith(".") || i.to === "sdk/index.ts");
    return inRepo.filter((i) => !i.to.startsWith(`${own}/`) && !i.to.startsWith("sdk/") && !i.to.startsWith("shared/wire/")).map((i) => `${f.path}:${i.line} ${i.specifier}`);
  });
out.push(`Plugin imports of host internals: ${leaks.length}${leaks.length ? `\n  ${leaks.slice(0, 20).join("\n  ")}` : ""}`);

const name = /tagger|orchestrator|smart[ -]?redact|meta-data|redaction|tagging/i;
const kernelFiles = files.filter((f) => f.path.startsWith("kernel/"));
const named = kernelFiles.flatMap((f) => readFileSync(path.join(REPO, f.path), "utf8").split("\n").filter((l) => name.test(l)).map(() => f.path));
out.push(`Kernel lines naming a product or plugin: ${kernelFiles.length ? named.length : "(no kernel/ folder)"}`);
process.stdout.write(out.join("\n") + "\n");
