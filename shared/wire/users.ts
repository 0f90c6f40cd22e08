/**
 * Users, tokens and API keys on the wire: the orchestrator API's (/v1/users, /v1/users/me, /v1/api-keys)
 * and the tag generator's (/api/auth/*), declared once for the server (apis/orchestrator/auth.ts
 * `orchestratorUser`, apis/tagger/auth.ts `taggerUser`, kernel/keys/core.ts `keyView` build them) and the
 * web app (web/src/api/auth.ts, admin.ts read them). Types only.
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

/** A user as the tag generator API shows it (/api/auth/register, /api/auth/login's `user`, /api/auth/me). */
export interface TaggerUser {
  id: string;
  email: string;
  full_name: string | null;
  is_active: boolean;
  is_verified: boolean;
  created_at: string;
}

/** The tag generator's tokens (/api/auth/login's `tokens`, /api/auth/refresh). */
export interface TaggerTokens {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  /** Seconds. */
  expires_in: number;
}
