/**
 * The orchestrator API's users and API keys on the wire (/v1/users, /v1/users/me, /v1/api-keys), declared
 * once for the server (apis/orchestrator/auth.ts `orchestratorUser`, kernel/keys/core.ts `keyView` build
 * them) and the web app (web/src/api/auth.ts, admin.ts read them). Types only.
 */

/** Roles as the orchestrator spells them (the vendor's casing). */
export type UserRole = "Admin" | "User";

/** A user as /v1/users lists it and /v1/users/me answers. */
export interface User {
  id: string;
  /** Same as `id`: the vendor's create answer carries `userId`. */
  userId: string;
  email: string;
  userName: string;
  fullName: string | null;
  roles: UserRole[];
  isActive: boolean;
  passwordResetRequired: boolean;
  createdAt: string;
  updatedAt: string | null;
}

/** The signed-in user (GET /v1/users/me). */
export type Me = User;

export type ApiKeyStatus = "active" | "revoked" | "expired";

/** An API key as listed: never the raw key, never its hash. */
export interface ApiKey {
  id: string;
  name: string;
  /** The first characters of the key, to tell keys apart. */
  prefix: string;
  userId: string;
  createdBy: string;
  expiresAt: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: ApiKeyStatus;
}
