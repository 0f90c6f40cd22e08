/**
 * The import graph of docmill's own sources, for the boundary test (test/unit/boundaries.test.ts) and the
 * layout figures (scripts/layout-report.ts). Reads each file's import/export-from, require(),
 * require.resolve() and import() specifiers after stripping comments, and resolves the relative ones the
 * way Node/TypeScript do (.ts, .tsx, /index.ts). `@docmill/sdk` counts as an import of sdk/index.ts.
 * Type-only imports count too: a boundary is about what a folder may know, not only what it loads.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import path from "node:path";

export const REPO = path.resolve(__dirname, "../..");

/** Folders (and files) whose sources form the product; tests and benches are left out. */
export const SOURCE_ROOTS = ["kernel", "sdk", "apis", "shared", "cli", "services", "plugins", "web/src", "scripts", "moleculer.config.ts"];

export interface ImportEdge {
  /** Repository-relative path of the imported file, or the bare package name. */
  to: string;
  specifier: string;
  line: number;
}

export interface SourceFile {
  path: string;
  imports: ImportEdge[];
}

function walk(dir: string): string[] {
  const abs = path.join(REPO, dir);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [dir];
  return readdirSync(abs).flatMap((name) => {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) return [];
    const rel = path.join(dir, name);
    return statSync(path.join(REPO, rel)).isDirectory() ? walk(rel) : /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** Comments out, string contents kept (specifiers live in strings). */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\brequire\.resolve\s*\(\s*)(["'])([^"'\n]+)\1/g;

function resolveRelative(fromFile: string, spec: string): string | undefined {
  const base = path.normalize(path.join(path.dirname(fromFile), spec));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    const abs = path.join(REPO, c);
    if (existsSync(abs) && statSync(abs).isFile()) return c;
  }
  return undefined;
}

export function parseImports(file: string, code: string): ImportEdge[] {
  const clean = stripComments(code);
  const edges: ImportEdge[] = [];
  for (const m of clean.matchAll(SPECIFIER)) {
    const spec = m[2]!;
    const line = clean.slice(0, m.index).split("\n").length;
    if (spec === "@docmill/sdk") edges.push({ to: "sdk/index.ts", specifier: spec, line });
    else if (spec.startsWith(".")) edges.push({ to: resolveRelative(file, spec) ?? `?${path.normalize(path.join(path.dirname(file), spec))}`, specifier: spec, line });
    else edges.push({ to: spec, specifier: spec, line });
  }
  return edges;
}

export function sourceFiles(roots: string[] = SOURCE_ROOTS): SourceFile[] {
  return roots.flatMap(walk).map((p) => ({ path: p, imports: parseImports(p, readFileSync(path.join(REPO, p), "utf8")) }));
}

/** Strongly connected components with more than one file (Tarjan): each is an import cycle. */
export function importCycles(files: SourceFile[]): string[][] {
  const graph = new Map(files.map((f) => [f.path, [...new Set(f.imports.map((i) => i.to).filter((t) => t.includes("/") && !t.startsWith("?")))]]));
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}
