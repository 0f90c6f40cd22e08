/**
 * A plugin's deployment settings: what its manifest's `settings(env)` makes of the environment the
 * kernel's config was read from. Read once per config (a test's resetConfig() reads them again), checked
 * when the plugin loads so a bad value refuses start-up, handed to every run as `ctx.settings`.
 */
import { config, type Config } from "../config";
import type { PluginManifest } from "../../sdk/manifest";

type AnyManifest = PluginManifest<never, unknown, unknown> | PluginManifest;

const cache = new WeakMap<AnyManifest, { cfg: Config; value: unknown }>();

/** Throws what the manifest's settings function throws (ConfigError naming the variable). */
export function pluginSettings(manifest: AnyManifest): Record<string, unknown> {
  if (!manifest.settings) return {};
  const cfg = config();
  const hit = cache.get(manifest);
  if (hit && hit.cfg === cfg) return hit.value as Record<string, unknown>;
  const value = manifest.settings(cfg.rawEnv);
  cache.set(manifest, { cfg, value });
  return value as Record<string, unknown>;
}
