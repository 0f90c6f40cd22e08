/** Plugin loading for the command line: same folders as the workers, selected by id. */
import { loadPlugins } from "./loader";
import { pluginRoots } from "./host";
import type { PluginManifest } from "./manifest";

export function hostedPluginsFrom(only: string[]): PluginManifest[] {
  return loadPlugins({ roots: pluginRoots(), only });
}
