/** Sign-in through the orchestrator family (HttpOnly refresh cookie), registration through the tagger family. */
import { ApiError, decodeClaims, request, setToken, tokenOf } from "./client";
import type { Me } from "../../../shared/wire/users";

/** The signed-in user, as GET /v1/users/me answers (shared/wire/users.ts). */
export type { Me };

export function isAdmin(me: Me | null): boolean {
  return !!me?.roles?.some((r) => r.toLowerCase() === "admin");
}

/** True when the token says the user must set a new password before anything else. */
export function resetRequired(token: string): boolean {
  const v = decodeClaims(token).password_reset_required;
  return v === true || v === "true" || v === "True";
}

function expectToken(body: unknown): string {
  const t = tokenOf(body);
  if (!t) throw new ApiError("The server answered without an access token", 500);
  return t;
}

export async function login(loginName: string, password: string): Promise<string> {
  const body = await request<unknown>("POST", "/v1/auth/login", { json: { login: loginName, password }, auth: false });
  const token = expectToken(body);
  setToken(token);
  return token;
}

export async function register(email: string, password: string, fullName: string): Promise<void> {
  await request<unknown>("POST", "/api/auth/register", { json: { email, password, full_name: fullName || null }, auth: false });
}

export async function resetPassword(newPassword: string): Promise<string> {
  const token = expectToken(await request<unknown>("POST", "/v1/auth/reset-password", { json: { newPassword } }));
  setToken(token);
  return token;
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const body = await request<unknown>("POST", "/v1/auth/change-password", { json: { currentPassword, newPassword } });
  const t = tokenOf(body);
  if (t) setToken(t);
}

export async function logout(): Promise<void> {
  try {
    await request<unknown>("POST", "/v1/auth/logout", { json: {} });
  } finally {
    setToken(null);
  }
}

export const me = () => request<Me>("GET", "/v1/users/me");
