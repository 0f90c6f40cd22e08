/**
 * How a plugin (and the SDK itself) declares the error codes its jobs may fail with. Each code joins the
 * host's one error catalog (kernel/errors.ts `errorCatalog()`, docs/errors.md is generated from it): the
 * plugin loader registers a manifest's `errors` and refuses start-up when a table is malformed or gives a
 * code another status than the catalog already has for it.
 *
 * A job fails with a code when the thrown error carries it as `type` (or `code`); the message is the
 * error's own sentence. `status` is the HTTP status a synchronous API answers with for it (the tag
 * generator's single call, say), `fix` is what the person who sees the error can do about it.
 */

export interface ErrorCode {
  /** HTTP status (400-599): 4xx when the caller can fix it (the document, an option, their key), 5xx when not. */
  status: number;
  /** What the message says (the thrower's own sentence is shown; this describes its shape). */
  message: string;
  /** What the person who sees the error can do, e.g. "Upload the PDF without a password". */
  fix: string;
}

export type ErrorCodes<C extends string = string> = Readonly<Record<C, ErrorCode>>;

/** The form of an error code: upper-case letters, digits and underscores, starting with a letter. */
export const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9_]{2,63}$/;

/** Declares a table of error codes (types it, checks nothing: the loader does, naming the fix). */
export function defineErrorCodes<C extends string>(codes: Record<C, ErrorCode>): ErrorCodes<C> {
  return codes;
}

/** The problems of a declared table, each with its fix; empty when it is fine. Pure. */
export function errorCodeProblems(codes: unknown): string[] {
  if (codes === undefined) return [];
  if (!codes || typeof codes !== "object" || Array.isArray(codes)) {
    return ["errors must be an object of codes: errors: defineErrorCodes({ MY_CODE: { status: 400, message, fix } })"];
  }
  const problems: string[] = [];
  for (const [code, e] of Object.entries(codes as Record<string, unknown>)) {
    if (!ERROR_CODE_PATTERN.test(code)) problems.push(`error code "${code}" must be upper-case letters, digits and underscores, e.g. "MY_PLUGIN_FAILED"`);
    const entry = e as Partial<ErrorCode> | null;
    if (!entry || typeof entry !== "object") {
      problems.push(`error code ${code} needs { status, message, fix }`);
      continue;
    }
    if (!Number.isInteger(entry.status) || entry.status! < 400 || entry.status! > 599) {
      problems.push(`error code ${code}: status ${String(entry.status)} is not an error status: use 4xx when the caller can fix it, 5xx when not`);
    }
    if (typeof entry.message !== "string" || !entry.message.trim()) problems.push(`error code ${code}: give a message saying what went wrong`);
    if (typeof entry.fix !== "string" || !entry.fix.trim()) problems.push(`error code ${code}: give a fix saying what the person who sees it can do`);
  }
  return problems;
}
