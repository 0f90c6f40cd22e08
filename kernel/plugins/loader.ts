/**
 * Plugin discovery and manifest validation. A bad manifest stops start-up with a message that names the
 * folder and says how to fix it: a half-loaded plugin would only fail later, on a user's job.
 */
import fs from "node:fs";
import path from "node:path";
import Validator from "fastest-validator";
import { compileOptions } from "./options";
import { RUNTIME_API_VERSION, type PluginManifest } from "../../sdk/manifest";
import { errorCodeProblems } from "../../sdk/error-codes";
import { registerErrorCodes } from "../errors";
import { installSdkAlias } from "./sdk-alias";
import { pluginSettings } from "./settings";

/** The plugins/ folder of this code base. */
export const BUILTIN_PLUGIN_DIR = path.resolve(__dirname, "../../plugins");

export class PluginLoadError extends Error {
  constructor(
    readonly folder: string,
    readonly problems: string[],
  ) {
    super(`Plugin folder ${folder} cannot be loaded:\n  - ${problems.join("\n  - ")}`);
    this.name = "PluginLoadError";
  }
}

export interface FoundPlugin {
  id: string;
  dir: string;
  entry: string;
}

const ID = /^[a-z][a-z0-9-]{0,62}$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function entryOf(dir: string): string | undefined {
  for (const f of ["index.ts", "index.js"]) {
    const p = path.join(dir, f);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Folders under each root that have an `index.ts`/`index.js`. Folders without one are libraries of a
 * plugin still being written, not plugins, and are skipped. The first root wins on a duplicate id.
 */
export function discoverPlugins(roots: string[]): FoundPlugin[] {
  const found = new Map<string, FoundPlugin>();
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    for (const name of fs.readdirSync(root).sort()) {
      const dir = path.join(root, name);
      if (!fs.statSync(dir).isDirectory() || name.startsWith(".") || name === "node_modules") continue;
      const entry = entryOf(dir);
      if (entry && !found.has(name)) found.set(name, { id: name, dir, entry });
    }
  }
  return [...found.values()];
}

const shape = new Validator().compile({
  id: { type: "string" },
  version: { type: "string" },
  apiVersion: { type: "string" },
  title: { type: "string", min: 1 },
  description: { type: "string", optional: true },
  accepts: { type: "array", items: "string", min: 1 },
  optionsSchema: { type: "object" },
  pausePoints: { type: "array", items: { type: "string", pattern: /^[A-Za-z][A-Za-z0-9]*$/ }, optional: true },
  resources: { type: "array", items: { type: "string", pattern: /^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+$/ }, optional: true },
  ocrLanguages: { type: "array", items: { type: "string", pattern: /^[a-z_]{3,8}$/ }, optional: true },
  canRun: { type: "function", optional: true },
  setup: { type: "function", optional: true },
  run: { type: "function" },
  cleanup: { type: "function", optional: true },
  errors: { type: "object", optional: true },
}) as (v: unknown) => true | Array<{ field?: string; message?: string }>;

function major(v: string): string {
  return v.split(".")[0] ?? "";
}

/** Problems of a module's manifest, each with its fix; empty when it is fine. Pure. */
export function manifestProblems(mod: unknown, folderName: string): string[] {
  const m = (mod as { default?: unknown; manifest?: unknown } | undefined)?.default ?? (mod as { manifest?: unknown })?.manifest;
  if (!m || typeof m !== "object") {
    return ["index.ts exports no manifest: add `export default definePlugin({ id, version, apiVersion, title, accepts, optionsSchema, run })`"];
  }
  const problems: string[] = [];
  const res = shape(m);
  if (res !== true) {
    for (const e of res) problems.push(`${e.message ?? "invalid"} (fix the manifest field "${e.field}")`);
  }
  const man = m as Partial<PluginManifest>;
  if (typeof man.id === "string" && man.id !== folderName) {
    problems.push(`id "${man.id}" differs from the folder name "${folderName}": rename the folder or set id: "${folderName}"`);
  }
  if (typeof man.id === "string" && !ID.test(man.id)) {
    problems.push(`id "${man.id}" must be lower-case letters, digits and dashes, starting with a letter`);
  }
  if (typeof man.version === "string" && !SEMVER.test(man.version)) {
    problems.push(`version "${man.version}" is not semver: use e.g. "1.0.0"`);
  }
  if (typeof man.apiVersion === "string" && major(man.apiVersion) !== major(RUNTIME_API_VERSION)) {
    problems.push(
      `apiVersion "${man.apiVersion}" is not supported: this docmill provides runtime API ${RUNTIME_API_VERSION}; set apiVersion: "${major(RUNTIME_API_VERSION)}" and adapt the plugin`,
    );
  }
  if (Array.isArray(man.accepts) && man.accepts.some((t) => typeof t !== "string" || !/^[\w.+-]+\/[\w.+-]+$/.test(t))) {
    problems.push(`accepts must list content types such as "application/pdf"`);
  }
  if (man.optionsSchema && typeof man.optionsSchema === "object") {
    try {
      compileOptions(man.optionsSchema);
      JSON.stringify(man.optionsSchema);
    } catch (err) {
      problems.push(`optionsSchema does not compile: ${(err as Error).message} (it must be a fastest-validator schema of plain JSON values)`);
    }
  }
  problems.push(...errorCodeProblems(man.errors).map((p) => `${p} (manifest field "errors")`));
  return problems;
}

export interface LoadOptions {
  /** Folders to search; default: plugins/ then config().pluginDirs. */
  roots: string[];
  /** Only these ids (PLUGINS); empty = all found. An unknown id is an error. */
  only?: string[];
}

/** Discovers, imports and validates plugins. Throws PluginLoadError naming the folder and the fix. */
export function loadPlugins(opts: LoadOptions): PluginManifest[] {
  const found = discoverPlugins(opts.roots);
  const only = opts.only?.filter(Boolean) ?? [];
  for (const id of only) {
    if (!found.some((f) => f.id === id)) {
      throw new PluginLoadError(
        path.join(opts.roots[0] ?? "plugins", id),
        [`PLUGINS names "${id}" but no such plugin folder with an index.ts exists (found: ${found.map((f) => f.id).join(", ") || "none"})`],
      );
    }
  }
  const selected = only.length ? found.filter((f) => only.includes(f.id)) : found;
  // A plugin outside this repository imports `@docmill/sdk`: resolve it to this host's SDK.
  installSdkAlias();
  return selected.map((f) => {
    let mod: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(f.entry);
    } catch (err) {
      throw new PluginLoadError(f.dir, [`index could not be imported: ${(err as Error).message}`]);
    }
    const problems = manifestProblems(mod, f.id);
    if (problems.length) throw new PluginLoadError(f.dir, problems);
    const m = mod as { default?: PluginManifest; manifest?: PluginManifest };
    const manifest = (m.default ?? m.manifest)!;
    try {
      pluginSettings(manifest);
    } catch (err) {
      throw new PluginLoadError(f.dir, [`settings: ${(err as Error).message}`]);
    }
    // Its codes join the one error catalog (docs/errors.md); a code the catalog has with another status refuses start-up.
    const clashes = registerErrorCodes(manifest.id, manifest.errors);
    if (clashes.length) throw new PluginLoadError(f.dir, clashes);
    return manifest;
  });
}
