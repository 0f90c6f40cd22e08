/** Administration: users and API keys (/v1/users, /v1/api-keys). */
import { get, post, put, request } from "./client";
import type { ApiKey, User } from "../../../shared/wire/users";

/** Users and API keys as /v1/users and /v1/api-keys answer (shared/wire/users.ts). */
export type { ApiKey, User };

/** Lists come back either as a plain array or paged `{items}`; the screens want the array. */
export function itemsOf<T>(body: T[] | { items?: T[]; users?: T[]; keys?: T[] } | undefined): T[] {
  if (!body) return [];
  if (Array.isArray(body)) return body;
  return body.items ?? body.users ?? body.keys ?? [];
}

export const listUsers = async () => itemsOf(await get<User[] | { items: User[] }>("/v1/users", { pageSize: 500 }));
export const createUser = (body: { email: string; password: string; roles: string[]; fullName?: string }) => post<User>("/v1/users", body);
export const setActive = (id: string, active: boolean) => post<unknown>(`/v1/users/${encodeURIComponent(id)}/${active ? "activate" : "deactivate"}`);
export const setRoles = (id: string, roles: string[]) => put<unknown>(`/v1/users/${encodeURIComponent(id)}/roles`, { roles });
export const adminResetPassword = (id: string, newPassword: string) => post<unknown>(`/v1/users/${encodeURIComponent(id)}/reset-password`, { newPassword });

export const listKeys = async () => itemsOf(await get<ApiKey[] | { items: ApiKey[] }>("/v1/api-keys"));
export const createKey = (body: { name: string; userId: string; expiresAt: string }) => request<ApiKey & { key?: string; rawKey?: string; apiKey?: string }>("POST", "/v1/api-keys", { json: body });
export const revokeKey = (id: string) => post<unknown>(`/v1/api-keys/${encodeURIComponent(id)}/revoke`);

/** The raw key of a create answer, whatever the field is called. */
export function rawKeyOf(body: Partial<Record<"key" | "rawKey" | "apiKey" | "raw", unknown>>): string | undefined {
  for (const k of ["key", "rawKey", "apiKey", "raw"] as const) {
    const v = body[k];
    if (typeof v === "string") return v;
  }
  return undefined;
}
