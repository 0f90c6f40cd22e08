/**
 * Password hashing and the two families' password rules. Pure rule checks (no I/O) so they are
 * table-tested; hashing is bcrypt at the configured cost.
 */
import bcrypt from "bcrypt";
import type { FieldError } from "../errors";

/** bcrypt reads only the first 72 bytes; longer passwords would silently share a hash. */
export const MAX_PASSWORD_BYTES = 72;

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** The tag generator's rule: at least 8 characters. */
export function taggerPasswordProblems(field: string, password: string): FieldError[] {
  const out: FieldError[] = [];
  if (password.length < 8) out.push({ field, message: "Password must be at least 8 characters long", kind: "string_too_short" });
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES)
    out.push({ field, message: `Password must be at most ${MAX_PASSWORD_BYTES} bytes long`, kind: "string_too_long" });
  return out;
}

/** The orchestrator's rule (ASP.NET Identity defaults, length raised to 8): upper, lower, digit, symbol. */
export function orchestratorPasswordProblems(field: string, password: string): FieldError[] {
  const out: FieldError[] = [];
  const add = (message: string, kind: string) => out.push({ field, message, kind });
  if (password.length < 8) add("Passwords must be at least 8 characters.", "PasswordTooShort");
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) add(`Passwords must be at most ${MAX_PASSWORD_BYTES} bytes.`, "PasswordTooLong");
  if (!/[A-Z]/.test(password)) add("Passwords must have at least one uppercase ('A'-'Z').", "PasswordRequiresUpper");
  if (!/[a-z]/.test(password)) add("Passwords must have at least one lowercase ('a'-'z').", "PasswordRequiresLower");
  if (!/[0-9]/.test(password)) add("Passwords must have at least one digit ('0'-'9').", "PasswordRequiresDigit");
  if (!/[^A-Za-z0-9]/.test(password)) add("Passwords must have at least one non alphanumeric character.", "PasswordRequiresNonAlphanumeric");
  return out;
}
