/**
 * The Smart Redact orchestrator's `/v1/auth/*` (cookie-borne refresh token, first-log-in password reset)
 * and `/v1/users` (smart-redact-api.md): validator schemas, the vendor's password rule (ASP.NET Identity
 * defaults) and user view, and the actions the auth service hosts for it (`auth.v1Login`,
 * `auth.usersList`, …) on the one user store (kernel/auth/core.ts).
 */
import { fail, validationError, type FieldError } from "../../kernel/errors";
import { me, type AuthActions, type AuthCtx, type AuthThis } from "../../kernel/auth/actions";
import type { Role } from "../../kernel/auth/models";
import { email, password } from "../../kernel/auth/params";
import { MAX_PASSWORD_BYTES } from "../../kernel/auth/passwords";
import { validated } from "../../kernel/auth/validate";
import { parseRole, type UserLike } from "../../kernel/auth/views";
import type { User, UserRole } from "../../shared/wire/users";
import type { GatewayContext } from "../../kernel/gateway/types";

/** The family id tokens are issued for (family.ts ORCHESTRATOR_FAMILY; not imported: family.ts imports the routes that import this). */
const ORCHESTRATOR_FAMILY = "orchestrator";

export const REFRESH_COOKIE = "refreshToken";
export const REFRESH_COOKIE_PATH = "/v1/auth";

export const v1LoginParams = {
  login: { type: "string", min: 1, max: 254, trim: true },
  password,
} as const;
export const newPasswordParams = { newPassword: password } as const;
export const changePasswordParams = { currentPassword: password, newPassword: password } as const;

const roles = { type: "array", items: { type: "string", min: 1, max: 32 }, min: 1, max: 8 } as const;
const id = { type: "string", min: 1, max: 64 } as const;

export const listUsersParams = {
  page: { type: "number", integer: true, min: 1, convert: true, optional: true },
  pageSize: { type: "number", integer: true, min: 1, max: 500, convert: true, optional: true },
} as const;
export const createUserParams = {
  email,
  password,
  roles: { ...roles, optional: true },
  userName: { type: "string", min: 2, max: 64, optional: true },
  fullName: { type: "string", max: 200, optional: true, nullable: true },
} as const;
export const idParams = { id } as const;
export const updateUserParams = {
  id,
  fullName: { type: "string", max: 200, optional: true, nullable: true },
  roles: { ...roles, optional: true },
  /** Single-role shorthand. */
  role: { type: "string", min: 1, max: 32, optional: true },
  isActive: { type: "boolean", optional: true },
} as const;
export const setRolesParams = { id, roles } as const;
export const adminResetPasswordParams = { id, newPassword: password } as const;

/** What `auth.v1Login` and `auth.v1Refresh` answer: the access token and when it expires (ISO). */
export interface V1Token {
  token: string;
  expiresAt: string;
}

export interface V1LoginParams {
  login: string;
  password: string;
}
export interface CreateUserParams {
  email: string;
  password: string;
  roles?: string[];
  userName?: string;
  fullName?: string | null;
}
export interface UpdateUserParams {
  id: string;
  fullName?: string | null;
  roles?: string[];
  role?: string;
  isActive?: boolean;
}

/** The orchestrator's rule (ASP.NET Identity defaults, length raised to 8): upper, lower, digit, symbol. */
export function orchestratorPasswordProblems(field: string, pw: string): FieldError[] {
  const out: FieldError[] = [];
  const add = (message: string, kind: string) => out.push({ field, message, kind });
  if (pw.length < 8) add("Passwords must be at least 8 characters.", "PasswordTooShort");
  if (Buffer.byteLength(pw, "utf8") > MAX_PASSWORD_BYTES) add(`Passwords must be at most ${MAX_PASSWORD_BYTES} bytes.`, "PasswordTooLong");
  if (!/[A-Z]/.test(pw)) add("Passwords must have at least one uppercase ('A'-'Z').", "PasswordRequiresUpper");
  if (!/[a-z]/.test(pw)) add("Passwords must have at least one lowercase ('a'-'z').", "PasswordRequiresLower");
  if (!/[0-9]/.test(pw)) add("Passwords must have at least one digit ('0'-'9').", "PasswordRequiresDigit");
  if (!/[^A-Za-z0-9]/.test(pw)) add("Passwords must have at least one non alphanumeric character.", "PasswordRequiresNonAlphanumeric");
  return out;
}

/** The orchestrator spells roles "Admin" and "User". */
export function vendorRole(r: Role): UserRole {
  return r === "admin" ? "Admin" : "User";
}

/** Orchestrator: camelCase, `userId` alongside `id` because the vendor's create answer carries `userId`. */
export function orchestratorUser(u: UserLike): User {
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
export type OrchestratorUser = ReturnType<typeof orchestratorUser>;

function rolesOf(names: readonly string[], field: string): Role[] {
  const parsed = names.map(parseRole);
  if (parsed.some((r) => !r)) throw validationError([{ field, message: "Roles must be 'Admin' or 'User'", kind: "enum" }]);
  return parsed as Role[];
}

function checkPassword(problems: FieldError[]): void {
  if (problems.length) throw validationError(problems);
}

function setRefreshCookie(ctx: Pick<GatewayContext, "meta">, token: string, maxAgeSeconds: number): void {
  ctx.meta.$cookies = [{ name: REFRESH_COOKIE, value: token, maxAgeSeconds, path: REFRESH_COOKIE_PATH }];
}

function clearRefreshCookie(ctx: Pick<GatewayContext, "meta">): void {
  ctx.meta.$cookies = [{ name: REFRESH_COOKIE, value: "", maxAgeSeconds: 0, path: REFRESH_COOKIE_PATH, clear: true }];
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

export const orchestratorAuthActions: AuthActions = {
  v1Login: {
    hooks: { before: validated(v1LoginParams) },
    async handler(this: AuthThis, ctx: AuthCtx<V1LoginParams>) {
      const user = await this.core.checkLogin(ctx.params.login, ctx.params.password, ctx.meta.clientIp, "emailOrUsername");
      const t = await this.core.issue(user, ORCHESTRATOR_FAMILY);
      setRefreshCookie(ctx, t.refreshToken, t.refreshLifetime);
      return { token: t.accessToken, expiresAt: iso(t.accessExpiresAt), passwordResetRequired: user.passwordResetRequired, user: orchestratorUser(user) };
    },
  },
  v1Refresh: {
    async handler(this: AuthThis, ctx: AuthCtx): Promise<V1Token> {
      try {
        const raw = ctx.meta.cookies?.[REFRESH_COOKIE];
        if (!raw) fail("INVALID_REFRESH_TOKEN", "Missing refresh token cookie");
        const { tokens: t } = await this.core.rotate(raw, ORCHESTRATOR_FAMILY, ctx.meta.clientIp);
        setRefreshCookie(ctx, t.refreshToken, t.refreshLifetime);
        return { token: t.accessToken, expiresAt: iso(t.accessExpiresAt) };
      } catch (err) {
        // A cookie that failed once never works again: drop it so the client stops sending it.
        // The route (auth-routes.ts) writes Set-Cookie on the error answer too.
        clearRefreshCookie(ctx);
        throw err;
      }
    },
  },
  v1Logout: {
    async handler(this: AuthThis, ctx: AuthCtx) {
      const raw = ctx.meta.cookies?.[REFRESH_COOKIE];
      if (raw) await this.core.revokeRefresh(raw);
      clearRefreshCookie(ctx);
      ctx.meta.$statusCode = 204;
      return null;
    },
  },
  v1ResetPassword: {
    hooks: { before: validated(newPasswordParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ newPassword: string }>) {
      const p = me(ctx);
      const current = await this.core.getUser(p.id);
      // The claim says the token was issued for a first log-in; the store says the reset is still due.
      if (!p.passwordResetRequired || !current.passwordResetRequired) fail("FORBIDDEN", "A password reset is not required for this account");
      checkPassword(orchestratorPasswordProblems("newPassword", ctx.params.newPassword));
      const user = await this.core.setPassword(p.id, ctx.params.newPassword, { resetRequired: false });
      const t = await this.core.issue(user, ORCHESTRATOR_FAMILY);
      setRefreshCookie(ctx, t.refreshToken, t.refreshLifetime);
      return { token: t.accessToken, expiresAt: iso(t.accessExpiresAt), passwordResetRequired: false };
    },
  },
  v1ChangePassword: {
    hooks: { before: validated(changePasswordParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ currentPassword: string; newPassword: string }>) {
      checkPassword(orchestratorPasswordProblems("newPassword", ctx.params.newPassword));
      const user = await this.core.changePassword(me(ctx).id, ctx.params.currentPassword, ctx.params.newPassword);
      // Every refresh token was revoked; this session continues on a fresh family.
      const t = await this.core.issue(user, ORCHESTRATOR_FAMILY);
      setRefreshCookie(ctx, t.refreshToken, t.refreshLifetime);
      return { token: t.accessToken, expiresAt: iso(t.accessExpiresAt) };
    },
  },

  // ---- /v1/users ----
  usersList: {
    hooks: { before: validated(listUsersParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ page?: number; pageSize?: number }>): Promise<OrchestratorUser[]> {
      const page = ctx.params.page ?? 1;
      const pageSize = ctx.params.pageSize ?? 100;
      const { items, total } = await this.core.listUsers(page, pageSize);
      ctx.meta.$responseHeaders = { "X-Total-Count": String(total), "X-Page": String(page), "X-Page-Size": String(pageSize) };
      return items.map(orchestratorUser);
    },
  },
  usersMe: {
    async handler(this: AuthThis, ctx: AuthCtx): Promise<OrchestratorUser> {
      return orchestratorUser(await this.core.getUser(me(ctx).id));
    },
  },
  usersGet: {
    hooks: { before: validated(idParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ id: string }>): Promise<OrchestratorUser> {
      const p = me(ctx);
      if (!p.isAdmin && p.id !== ctx.params.id) fail("FORBIDDEN");
      return orchestratorUser(await this.core.getUser(ctx.params.id));
    },
  },
  usersCreate: {
    hooks: { before: validated(createUserParams) },
    async handler(this: AuthThis, ctx: AuthCtx<CreateUserParams>): Promise<OrchestratorUser> {
      checkPassword(orchestratorPasswordProblems("password", ctx.params.password));
      const roles = rolesOf(ctx.params.roles ?? ["User"], "roles");
      const user = await this.core.createUser({ ...ctx.params, username: ctx.params.userName, roles });
      ctx.meta.$statusCode = 201;
      ctx.meta.$location = `/v1/users/${user._id}`;
      return orchestratorUser(user);
    },
  },
  usersUpdate: {
    hooks: { before: validated(updateUserParams) },
    async handler(this: AuthThis, ctx: AuthCtx<UpdateUserParams>): Promise<OrchestratorUser> {
      const { id, fullName, isActive } = ctx.params;
      const roles = ctx.params.roles ? rolesOf(ctx.params.roles, "roles") : ctx.params.role ? rolesOf([ctx.params.role], "role") : undefined;
      return orchestratorUser(await this.core.updateUser(me(ctx).id, id, { fullName, roles, isActive }));
    },
  },
  usersDeactivate: {
    hooks: { before: validated(idParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ id: string }>): Promise<OrchestratorUser> {
      return orchestratorUser(await this.core.updateUser(me(ctx).id, ctx.params.id, { isActive: false }));
    },
  },
  usersActivate: {
    hooks: { before: validated(idParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ id: string }>): Promise<OrchestratorUser> {
      return orchestratorUser(await this.core.updateUser(me(ctx).id, ctx.params.id, { isActive: true }));
    },
  },
  usersSetRoles: {
    hooks: { before: validated(setRolesParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ id: string; roles: string[] }>): Promise<OrchestratorUser> {
      return orchestratorUser(await this.core.updateUser(me(ctx).id, ctx.params.id, { roles: rolesOf(ctx.params.roles, "roles") }));
    },
  },
  usersResetPassword: {
    hooks: { before: validated(adminResetPasswordParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ id: string; newPassword: string }>): Promise<OrchestratorUser> {
      checkPassword(orchestratorPasswordProblems("newPassword", ctx.params.newPassword));
      // An admin-chosen password is temporary: the user is asked to replace it.
      return orchestratorUser(await this.core.setPassword(ctx.params.id, ctx.params.newPassword, { resetRequired: true }));
    },
  },
  usersDelete: {
    hooks: { before: validated(idParams) },
    async handler(this: AuthThis, ctx: AuthCtx<{ id: string }>) {
      await this.core.deleteUser(me(ctx).id, ctx.params.id);
      ctx.meta.$statusCode = 204;
      return null;
    },
  },
};
