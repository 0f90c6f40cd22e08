/** The user as the kernel sees it (the principal) and role names; each family's user view is in apis/<family>/auth.ts. Pure. */
import type { Principal } from "../gateway/types";
import type { Role, UserDoc } from "./models";

export type UserLike = Pick<UserDoc, "_id" | "email" | "username" | "fullName" | "roles" | "isActive" | "isVerified" | "passwordResetRequired" | "createdAt"> &
  Partial<Pick<UserDoc, "updatedAt">>;

/** Accepts role names case-insensitively; returns undefined for unknown names. */
export function parseRole(name: string): Role | undefined {
  const n = name.trim().toLowerCase();
  return n === "admin" || n === "user" ? n : undefined;
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
