/**
 * Makes `@docmill/sdk` importable by a plugin that lives outside this repository (a PLUGINS_DIR folder):
 * a module resolution hook (node:module registerHooks, synchronous, applies to require and import alike)
 * maps the name to this host's sdk/ entry. It is resolved relative to this file, so it points at
 * sdk/index.ts under tsx and at dist/sdk/index.js in the built shape; the plugin needs no npm package and
 * no path into the host. Under jest, jest's own resolver does not consult Node hooks: jest.config.js maps
 * the name (moduleNameMapper) instead.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import nodeModule from "node:module";

export const SDK_PACKAGE = "@docmill/sdk";

let installed = false;

/** The file `@docmill/sdk` resolves to in this process. */
export function sdkEntry(): string {
  return require.resolve(path.resolve(__dirname, "../../sdk"));
}

function resolvable(): boolean {
  try {
    require.resolve(SDK_PACKAGE);
    return true;
  } catch {
    return false;
  }
}

/** Idempotent. */
export function installSdkAlias(): void {
  if (installed) return;
  installed = true;
  // Already resolvable: under jest (moduleNameMapper; jest refuses registerHooks, which would attach to
  // the loader running jest itself) or when an @docmill/sdk package is installed next to the host.
  if (resolvable()) return;
  const url = pathToFileURL(sdkEntry()).href;
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === SDK_PACKAGE) return { url, format: url.endsWith(".ts") ? undefined : "commonjs", shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}
