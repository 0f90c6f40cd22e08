/**
 * Request validation that names the field. Moleculer's built-in validator raises a ValidationError the
 * gateway renders without its field list, so actions behind routes validate in a `before` hook with
 * the same fastest-validator schema and throw our catalogued VALIDATION_ERROR with one entry per field.
 */
import Validator from "fastest-validator";
import type { Context } from "moleculer";
import { validationError } from "../errors";

const v = new Validator({ useNewCustomCheckerFunction: true });

/** A `before` hook that validates (and sanitises: trim, convert) `ctx.params` against `schema`. */
export function validated(schema: Record<string, unknown>): (ctx: Context<Record<string, unknown>>) => void {
  const check = v.compile({ $$root: false, ...schema } as never);
  return (ctx) => {
    if (ctx.params === null || typeof ctx.params !== "object" || Array.isArray(ctx.params)) {
      throw validationError([{ field: "body", message: "The request body must be a JSON object", kind: "object" }]);
    }
    const res = check(ctx.params);
    if (res === true) return;
    const errs = res as Array<{ field?: string; message?: string; type?: string }>;
    throw validationError(errs.map((e) => ({ field: e.field ?? "body", message: e.message ?? "is invalid", kind: e.type })));
  };
}
