/**
 * Plugin options: validated with fastest-validator against the manifest's schema, defaults applied.
 * Used by the jobs service (before a job is accepted) and by the runtime (before `run`), so a plugin
 * always receives options that match its schema.
 */
import Validator from "fastest-validator";
import { validationError, type FieldError } from "../errors";
import type { OptionsSchema } from "../../sdk/manifest";

const validator = new Validator({ useNewCustomCheckerFunction: true });
type Check = (value: unknown) => true | Array<{ type: string; field?: string; message?: string }> | Promise<unknown>;
const cache = new WeakMap<object, Check>();

/** Compiles a schema; throws with fastest-validator's own message when the schema itself is invalid. */
export function compileOptions(schema: OptionsSchema): Check {
  let check = cache.get(schema);
  if (!check) {
    // An empty schema still gets `$$root`-less object validation: any object passes.
    check = validator.compile({ $$async: false, ...schema } as Parameters<Validator["compile"]>[0]) as unknown as Check;
    cache.set(schema, check);
  }
  return check;
}

/**
 * Returns the options with defaults applied, or throws VALIDATION_ERROR (422) naming each bad field as
 * `options.<field>`.
 */
export function validateOptions(schema: OptionsSchema, raw: unknown, pluginId: string): Record<string, unknown> {
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
    throw validationError([{ field: "options", message: `Options of ${pluginId} must be a JSON object`, kind: "object" }]);
  }
  // structuredClone: the validator writes defaults into the object; the caller's stays untouched.
  const options = structuredClone((raw ?? {}) as Record<string, unknown>);
  const result = compileOptions(schema)(options);
  if (result === true) return options;
  const fields: FieldError[] = (result as Array<{ type: string; field?: string; message?: string }>).map((e) => ({
    field: `options.${e.field ?? ""}`.replace(/\.$/, ""),
    message: `${pluginId}: ${e.message ?? "invalid value"}`,
    kind: e.type,
  }));
  throw validationError(fields);
}

/** Parses `k=v` pairs from the command line into an options object (numbers, booleans and JSON understood). */
export function parseOptionPairs(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf("=");
    if (i <= 0) throw new Error(`--option expects key=value, got "${pair}"`);
    const key = pair.slice(0, i).trim();
    const raw = pair.slice(i + 1);
    let value: unknown = raw;
    if (/^(true|false|null|-?\d+(\.\d+)?|[[{].*)$/s.test(raw.trim())) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    out[key] = value;
  }
  return out;
}
