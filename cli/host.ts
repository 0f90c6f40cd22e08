/** Plugin loading for the command line: same folders as the workers, selected by id. */
import { loadPlugins } from "../kernel/plugins/loader";
import { pluginRoots } from "../kernel/plugins/host";
import type { PluginManifest } from "../sdk/manifest";

export function hostedPluginsFrom(only: string[]): PluginManifest[] {
  return loadPlugins({ roots: pluginRoots(), only });
}
