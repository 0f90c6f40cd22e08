/**
 * Password hashing (bcrypt at the configured cost) and the byte limit every family's password rule
 * applies (apis/<family>/auth.ts holds the rules themselves).
 */
import bcrypt from "bcrypt";

/** bcrypt reads only the first 72 bytes; longer passwords would silently share a hash. */
export const MAX_PASSWORD_BYTES = 72;

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
