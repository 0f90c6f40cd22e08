/**
 * Which plugins this process hosts: plugins/ plus PLUGINS_DIR folders, filtered by PLUGINS. Loaded once
 * per process; a bad manifest throws PluginLoadError (start-up stops with its message).
 */
import { config } from "../config";
import { BUILTIN_PLUGIN_DIR, loadPlugins } from "./loader";
import type { PluginManifest } from "../../sdk/manifest";

let loaded: PluginManifest[] | undefined;

export function pluginRoots(): string[] {
  return [BUILTIN_PLUGIN_DIR, ...config().pluginDirs];
}

export function hostedPlugins(): PluginManifest[] {
  loaded ??= loadPlugins({ roots: pluginRoots(), only: config().plugins });
  return loaded;
}
