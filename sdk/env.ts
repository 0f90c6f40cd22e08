/**
 * Typed reading of environment variables, shared by the kernel's config module and by plugins'
 * `settings(env)` functions: a bad value stops start-up with a message naming the variable, instead of
 * surfacing later as a confusing runtime error. Pure: the caller passes the environment.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error in ${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

export function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/**
 * A whole-number limit read where it is used (a pool's threads, a module's memory cap), not through the
 * kernel's config: empty or unset gives `def`; anything else under `min` (or over `max`) is a RangeError
 * naming the variable and what it must be.
 */
export function intSetting(env: Env, name: string, def: number, min: number, max?: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new RangeError(`${name} must be an integer ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}, got "${raw}"`);
  }
  return n;
}

export function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

export function list(env: Env, name: string): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function oneOf<T extends string>(env: Env, name: string, def: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return def;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `expected one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

/** Parses a size such as `50MB`, `100mb`, `1048576` into bytes. */
export function parseBytes(raw: string, name = "size"): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(raw);
  if (!m) throw new ConfigError(name, `expected a size such as 50MB, got "${raw}"`);
  const unit = (m[2] ?? "b").toLowerCase();
  const mult = unit.startsWith("g") ? 1024 ** 3 : unit.startsWith("m") ? 1024 ** 2 : unit.startsWith("k") ? 1024 : 1;
  return Math.round(Number(m[1]) * mult);
}

/** A size variable (MAX_FILE_SIZE=50MB) or the default. */
export function bytes(env: Env, name: string, def: number): number {
  const raw = env[name];
  return raw ? parseBytes(raw, name) : def;
}
