/**
 * The auth service's collections: one user store shared by both API families, refresh tokens (stored
 * only as SHA-256), and login-attempt counters for brute-force protection. The server has no TTL
 * indexes and no transactions, so expiry is swept explicitly and every state change is one atomic
 * `findOneAndUpdate` whose filter states the expected state.
 */
import { randomUUID } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";

export type Role = "admin" | "user";

export interface UserDoc {
  _id: string;
  email: string;
  /** Always set: the user name a family's sign-in accepts, or the email for users registered without one. */
  username: string;
  fullName: string | null;
  passwordHash: string;
  roles: Role[];
  isActive: boolean;
  isVerified: boolean;
  passwordResetRequired: boolean;
  /**
   * Bumped by every password change or reset; access tokens carry it as `ver` and a token with an
   * older value is refused, so a change locks out every earlier token from the next request on.
   * Absent on users stored before it existed (read as 0).
   */
  tokenVersion?: number;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The API family id that issued a refresh token (kernel/gateway/families.ts). */
export type RefreshKind = string;

export interface RefreshTokenDoc {
  _id: string;
  /** SHA-256 (hex) of the opaque token; the token itself is never stored. */
  hash: string;
  userId: string;
  /** Every rotation of one login shares a family id; reuse of a spent token revokes the family. */
  familyId: string;
  kind: RefreshKind;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export interface LoginAttemptDoc {
  /** `acct:<login>` or `ip:<address>`. */
  _id: string;
  count: number;
  windowStart: Date;
  lockedUntil: Date | null;
  lockouts: number;
  lastLockAt: Date | null;
}

export interface AuthModels {
  User: Model<UserDoc>;
  RefreshToken: Model<RefreshTokenDoc>;
  LoginAttempt: Model<LoginAttemptDoc>;
}

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, default: () => randomUUID() },
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    username: { type: String, required: true, unique: true },
    fullName: { type: String, default: null },
    passwordHash: { type: String, required: true },
    roles: { type: [String], default: ["user"] },
    isActive: { type: Boolean, default: true },
    isVerified: { type: Boolean, default: true },
    passwordResetRequired: { type: Boolean, default: false },
    tokenVersion: { type: Number, default: 0 },
    disabledAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false, collection: "users" },
);

const refreshSchema = new Schema<RefreshTokenDoc>(
  {
    _id: { type: String, default: () => randomUUID() },
    hash: { type: String, required: true, unique: true },
    userId: { type: String, required: true, index: true },
    familyId: { type: String, required: true, index: true },
    kind: { type: String, required: true },
    createdAt: { type: Date, default: () => new Date() },
    expiresAt: { type: Date, required: true, index: true },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "refresh_tokens" },
);

const attemptSchema = new Schema<LoginAttemptDoc>(
  {
    _id: { type: String, required: true },
    count: { type: Number, default: 0 },
    windowStart: { type: Date, required: true },
    lockedUntil: { type: Date, default: null },
    lockouts: { type: Number, default: 0 },
    lastLockAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "login_attempts" },
);

export function defineAuthModels(conn: Connection): AuthModels {
  return {
    User: conn.model<UserDoc>("User", userSchema),
    RefreshToken: conn.model<RefreshTokenDoc>("RefreshToken", refreshSchema),
    LoginAttempt: conn.model<LoginAttemptDoc>("LoginAttempt", attemptSchema),
  };
}
