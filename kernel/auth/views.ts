/** The user as each API family shows it. Pure. */
import type { Principal } from "../gateway/types";
import type { Role, UserDoc } from "./models";

type UserLike = Pick<UserDoc, "_id" | "email" | "username" | "fullName" | "roles" | "isActive" | "isVerified" | "passwordResetRequired" | "createdAt"> &
  Partial<Pick<UserDoc, "updatedAt">>;

/** Tag generator: `{id, email, full_name, is_active, is_verified, created_at}`. */
export function taggerUser(u: UserLike) {
  return {
    id: u._id,
    email: u.email,
    full_name: u.fullName ?? null,
    is_active: u.isActive,
    is_verified: u.isVerified,
    created_at: new Date(u.createdAt).toISOString(),
  };
}

/** The orchestrator spells roles "Admin" and "User". */
export function vendorRole(r: Role): string {
  return r === "admin" ? "Admin" : "User";
}

/** Accepts role names case-insensitively; returns undefined for unknown names. */
export function parseRole(name: string): Role | undefined {
  const n = name.trim().toLowerCase();
  return n === "admin" || n === "user" ? n : undefined;
}

/** Orchestrator: camelCase, `userId` alongside `id` because the vendor's create answer carries `userId`. */
export function orchestratorUser(u: UserLike) {
  return {
    id: u._id,
    userId: u._id,
    email: u.email,
    userName: u.username,
    fullName: u.fullName ?? null,
    roles: u.roles.map(vendorRole),
    isActive: u.isActive,
    passwordResetRequired: u.passwordResetRequired,
    createdAt: new Date(u.createdAt).toISOString(),
    updatedAt: u.updatedAt ? new Date(u.updatedAt).toISOString() : null,
  };
}

export function principalOf(u: UserLike, via: Principal["via"]): Principal {
  return {
    id: u._id,
    email: u.email,
    username: u.username,
    fullName: u.fullName ?? null,
    roles: [...u.roles],
    isAdmin: u.roles.includes("admin"),
    via,
  };
}
