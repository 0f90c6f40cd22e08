/**
 * Access tokens (HS-family JWT signed with jose) and opaque refresh tokens. Verification pins the
 * configured algorithm, so `alg: none` and algorithm-confusion tokens fail before any claim is read.
 */
import { createHash, randomBytes } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { fail } from "../errors";

export interface JwtSettings {
  secret: string;
  algorithm: "HS256" | "HS384" | "HS512";
}

export interface AccessClaims {
  /** The user's email (the tag generator's `sub`). */
  sub: string;
  user_id: string;
  type: "access";
  /** Which family issued the token; both families accept both. */
  fam: string;
  password_reset_required?: true;
  /** The user's `tokenVersion` at issue; absent on tokens issued before versions existed (read as 0). */
  ver?: number;
  iat: number;
  exp: number;
}

const keys = new WeakMap<JwtSettings, Uint8Array>();
function keyOf(s: JwtSettings): Uint8Array {
  let k = keys.get(s);
  if (!k) {
    k = new TextEncoder().encode(s.secret);
    keys.set(s, k);
  }
  return k;
}

export async function signAccessToken(
  s: JwtSettings,
  user: { id: string; email: string; passwordResetRequired?: boolean; tokenVersion?: number },
  family: string,
  lifetimeSeconds: number,
  nowSeconds: number,
): Promise<{ token: string; expiresAt: number }> {
  const exp = nowSeconds + lifetimeSeconds;
  const claims: Record<string, unknown> = { user_id: user.id, type: "access", fam: family, ver: user.tokenVersion ?? 0 };
  if (user.passwordResetRequired) claims.password_reset_required = true;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: s.algorithm, typ: "JWT" })
    .setSubject(user.email)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(exp)
    .sign(keyOf(s));
  return { token, expiresAt: exp };
}

/**
 * Verifies signature, algorithm, expiry and token type. Throws TOKEN_EXPIRED for an expired but
 * otherwise genuine token, UNAUTHORIZED for everything else (the reason goes to no one).
 */
export async function verifyAccessToken(s: JwtSettings, token: string): Promise<AccessClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keyOf(s), {
      algorithms: [s.algorithm],
      requiredClaims: ["sub", "exp", "iat"],
      clockTolerance: 0,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) fail("TOKEN_EXPIRED");
    fail("UNAUTHORIZED");
  }
  if (payload.type !== "access" || typeof payload.user_id !== "string" || typeof payload.sub !== "string") fail("UNAUTHORIZED");
  if (payload.ver !== undefined && !(Number.isSafeInteger(payload.ver) && (payload.ver as number) >= 0)) fail("UNAUTHORIZED");
  return payload as unknown as AccessClaims;
}

/** A new opaque refresh token: 32 random bytes, base64url. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
