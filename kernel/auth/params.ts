/**
 * fastest-validator rules shared by every family's auth actions (apis/<family>/auth.ts): the strict
 * e-mail and the password length. Each family's own schemas sit next to its actions; the service
 * validates with them and the route declarations hand them to the OpenAPI generator, so the document
 * cannot drift from the code.
 */
/**
 * Strict e-mail: RFC 5322 dot-atom local part of printable ASCII and a DNS host name. fastest-validator's
 * own check (`\S+@\S+\.\S+`) let a NUL byte or control characters into a registered address (issue 14),
 * which then travels into logs, tokens and other systems.
 */
export const STRICT_EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export const email = {
  type: "email",
  max: 254,
  custom: (value: unknown, errors: Array<{ type: string; actual?: unknown }>) => {
    if (typeof value === "string" && !STRICT_EMAIL.test(value)) errors.push({ type: "email", actual: value });
    return value;
  },
} as const;
// Length only here; each family's content rules run in the handler and name the field.
export const password = { type: "string", min: 1, max: 1024 } as const;
