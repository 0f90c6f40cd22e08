/**
 * Identity for both API families over one user store: the tag generator's `/api/auth/*` and the
 * Smart Redact orchestrator's `/v1/auth/*` and `/v1/users`. Also resolves bearer tokens for the gateway.
 * Errors: VALIDATION_ERROR, EMAIL_TAKEN, INVALID_CREDENTIALS, INVALID_REFRESH_TOKEN, TOKEN_EXPIRED,
 * UNAUTHORIZED, ACCOUNT_DISABLED, FORBIDDEN, NOT_FOUND, TOO_MANY_REQUESTS.
 */
import type { Context, Service, ServiceSchema } from "moleculer";
import { registerApiFamilies } from "../apis";
import { config } from "../kernel/config";
import { defaultFamily, families } from "../kernel/gateway/families";
import { fail, validationError } from "../kernel/errors";
import { AuthCore } from "../kernel/auth/core";
import { invalidateEverywhere } from "../kernel/auth/invalidate";
import { defineAuthModels, type AuthModels, type Role } from "../kernel/auth/models";
import * as P from "../kernel/auth/params";
import { orchestratorPasswordProblems, taggerPasswordProblems } from "../kernel/auth/passwords";
import { DEFAULT_THROTTLE, sweepAttempts, type ThrottleSettings } from "../kernel/auth/throttle";
import { orchestratorUser, parseRole, taggerUser } from "../kernel/auth/views";
import type { GatewayContext, GatewayMeta, Principal } from "../kernel/gateway/types";
import { validated } from "../kernel/auth/validate";
import { mongoMixin, type MongoSettings, type MongoVars } from "../kernel/mongo";

export const REFRESH_COOKIE = "refreshToken";
export const REFRESH_COOKIE_PATH = "/v1/auth";

interface AuthSettings extends MongoSettings {
  throttle: ThrottleSettings;
  userCacheMs: number;
  sweepIntervalMs: number;
}
interface AuthVars extends MongoVars {
  core: AuthCore;
  sweeper?: NodeJS.Timeout;
}
type This = Service<AuthSettings> & AuthVars;
type Ctx<P = Record<string, unknown>> = Context<P, GatewayMeta>;

function me(ctx: Ctx): Principal {
  if (!ctx.meta.user) fail("UNAUTHORIZED");
  return ctx.meta.user;
}

function rolesOf(names: readonly string[], field: string): Role[] {
  const parsed = names.map(parseRole);
  if (parsed.some((r) => !r)) throw validationError([{ field, message: "Roles must be 'Admin' or 'User'", kind: "enum" }]);
  return parsed as Role[];
}

function checkPassword(problems: ReturnType<typeof taggerPasswordProblems>): void {
  if (problems.length) throw validationError(problems);
}

function setRefreshCookie(ctx: GatewayContext, token: string, maxAgeSeconds: number): void {
  ctx.meta.$cookies = [{ name: REFRESH_COOKIE, value: token, maxAgeSeconds, path: REFRESH_COOKIE_PATH }];
}

function clearRefreshCookie(ctx: GatewayContext): void {
  ctx.meta.$cookies = [{ name: REFRESH_COOKIE, value: "", maxAgeSeconds: 0, path: REFRESH_COOKIE_PATH, clear: true }];
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

const AuthService: ServiceSchema<AuthSettings, object, AuthVars> = {
  name: "auth",
  // Models are defined in started(), after the mixin opened the connection: compiling a model on a
  // connection that is not open yet (bufferCommands off) makes mongoose's memoised init() fail.
  mixins: [mongoMixin(() => undefined)],
  settings: { throttle: DEFAULT_THROTTLE, userCacheMs: 30_000, sweepIntervalMs: 15 * 60_000 },

  actions: {
    // ---- tag generator: /api/auth ----
    register: {
      hooks: { before: validated(P.registerParams) },
      async handler(this: This, ctx: Ctx<{ email: string; password: string; full_name?: string | null }>) {
        checkPassword(taggerPasswordProblems("password", ctx.params.password));
        const user = await this.core.createUser({ email: ctx.params.email, password: ctx.params.password, fullName: ctx.params.full_name ?? null });
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = "/api/auth/me";
        return taggerUser(user);
      },
    },
    login: {
      hooks: { before: validated(P.taggerLoginParams) },
      async handler(this: This, ctx: Ctx<{ email: string; password: string }>) {
        const user = await this.core.checkLogin(ctx.params.email, ctx.params.password, ctx.meta.clientIp, "email");
        const t = await this.core.issue(user, "tagger");
        return {
          user: taggerUser(user),
          tokens: { access_token: t.accessToken, refresh_token: t.refreshToken, token_type: "bearer", expires_in: t.accessLifetime },
        };
      },
    },
    refresh: {
      hooks: { before: validated(P.refreshTokenParams) },
      async handler(this: This, ctx: Ctx<{ refresh_token: string }>) {
        const { tokens: t } = await this.core.rotate(ctx.params.refresh_token, "tagger", ctx.meta.clientIp);
        return { access_token: t.accessToken, refresh_token: t.refreshToken, token_type: "bearer", expires_in: t.accessLifetime };
      },
    },
    logout: {
      hooks: { before: validated(P.refreshTokenParams) },
      async handler(this: This, ctx: Ctx<{ refresh_token: string }>) {
        await this.core.revokeRefresh(ctx.params.refresh_token);
        return { message: "Successfully logged out", success: true };
      },
    },
    me: {
      async handler(this: This, ctx: Ctx) {
        return taggerUser(await this.core.getUser(me(ctx).id));
      },
    },

    // ---- orchestrator: /v1/auth ----
    v1Login: {
      hooks: { before: validated(P.v1LoginParams) },
      async handler(this: This, ctx: Ctx<{ login: string; password: string }>) {
        const user = await this.core.checkLogin(ctx.params.login, ctx.params.password, ctx.meta.clientIp, "emailOrUsername");
        const t = await this.core.issue(user, "orchestrator");
        setRefreshCookie(ctx, t.refreshToken, t.refreshLifetime);
        return { token: t.accessToken, expiresAt: iso(t.accessExpiresAt), passwordResetRequired: user.passwordResetRequired, user: orchestratorUser(user) };
      },
    },
    v1Refresh: {
      async handler(this: This, ctx: Ctx) {
        try {
          const raw = ctx.meta.cookies?.[REFRESH_COOKIE];
          if (!raw) fail("INVALID_REFRESH_TOKEN", "Missing refresh token cookie");
          const { tokens: t } = await this.core.rotate(raw, "orchestrator", ctx.meta.clientIp);
          setRefreshCookie(ctx, t.refreshToken, t.refreshLifetime);
          return { token: t.accessToken, expiresAt: iso(t.accessExpiresAt) };
        } catch (err) {
          // A cookie that failed once never works again: drop it so the client stops sending it.
          // The route (routes/auth.ts) writes Set-Cookie on the error answer too.
          clearRefreshCookie(ctx);
          throw err;
        }
      },
    },
    v1Logout: {
      async handler(this: This, ctx: Ctx) {
        const raw = ctx.meta.cookies?.[REFRESH_COOKIE];
        if (raw) await this.core.revokeRefresh(raw);
        clearRefreshCookie(ctx);
        ctx.meta.$statusCode = 204;
        return null;
      },
    },
    v1ResetPassword: {
      hooks: { before: validated(P.newPasswordParams) },
      async handler(this: This, ctx: Ctx<{ newPassword: string }>) {
        const p = me(ctx);
        const current = await this.core.getUser(p.id);
        // The claim says the token was issued for a first log-in; the store says the reset is still due.
        if (!p.passwordResetRequired || !current.passwordResetRequired) fail("FORBIDDEN", "A password reset is not required for this account");
        checkPassword(orchestratorPasswordProblems("newPassword", ctx.params.newPassword));
        const user = await this.core.setPassword(p.id, ctx.params.newPassword, { resetRequired: false });
        const t = await this.core.issue(user, "orchestrator");
        setRefreshCookie(ctx, t.refreshToken, t.refreshLifetime);
        return { token: t.accessToken, expiresAt: iso(t.accessExpiresAt), passwordResetRequired: false };
      },
    },
    v1ChangePassword: {
      hooks: { before: validated(P.changePasswordParams) },
      async handler(this: This, ctx: Ctx<{ currentPassword: string; newPassword: string }>) {
        checkPassword(orchestratorPasswordProblems("newPassword", ctx.params.newPassword));
        const user = await this.core.changePassword(me(ctx).id, ctx.params.currentPassword, ctx.params.newPassword);
        // Every refresh token was revoked; this session continues on a fresh family.
        const t = await this.core.issue(user, "orchestrator");
        setRefreshCookie(ctx, t.refreshToken, t.refreshLifetime);
        return { token: t.accessToken, expiresAt: iso(t.accessExpiresAt) };
      },
    },

    // ---- orchestrator: /v1/users ----
    usersList: {
      hooks: { before: validated(P.listUsersParams) },
      async handler(this: This, ctx: Ctx<{ page?: number; pageSize?: number }>) {
        const page = ctx.params.page ?? 1;
        const pageSize = ctx.params.pageSize ?? 100;
        const { items, total } = await this.core.listUsers(page, pageSize);
        ctx.meta.$responseHeaders = { "X-Total-Count": String(total), "X-Page": String(page), "X-Page-Size": String(pageSize) };
        return items.map(orchestratorUser);
      },
    },
    usersMe: {
      async handler(this: This, ctx: Ctx) {
        return orchestratorUser(await this.core.getUser(me(ctx).id));
      },
    },
    usersGet: {
      hooks: { before: validated(P.idParams) },
      async handler(this: This, ctx: Ctx<{ id: string }>) {
        const p = me(ctx);
        if (!p.isAdmin && p.id !== ctx.params.id) fail("FORBIDDEN");
        return orchestratorUser(await this.core.getUser(ctx.params.id));
      },
    },
    usersCreate: {
      hooks: { before: validated(P.createUserParams) },
      async handler(this: This, ctx: Ctx<{ email: string; password: string; roles?: string[]; userName?: string; fullName?: string | null }>) {
        checkPassword(orchestratorPasswordProblems("password", ctx.params.password));
        const roles = rolesOf(ctx.params.roles ?? ["User"], "roles");
        const user = await this.core.createUser({ ...ctx.params, username: ctx.params.userName, roles });
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/v1/users/${user._id}`;
        return orchestratorUser(user);
      },
    },
    usersUpdate: {
      hooks: { before: validated(P.updateUserParams) },
      async handler(this: This, ctx: Ctx<{ id: string; fullName?: string | null; roles?: string[]; role?: string; isActive?: boolean }>) {
        const { id, fullName, isActive } = ctx.params;
        const roles = ctx.params.roles ? rolesOf(ctx.params.roles, "roles") : ctx.params.role ? rolesOf([ctx.params.role], "role") : undefined;
        return orchestratorUser(await this.core.updateUser(me(ctx).id, id, { fullName, roles, isActive }));
      },
    },
    usersDeactivate: {
      hooks: { before: validated(P.idParams) },
      async handler(this: This, ctx: Ctx<{ id: string }>) {
        return orchestratorUser(await this.core.updateUser(me(ctx).id, ctx.params.id, { isActive: false }));
      },
    },
    usersActivate: {
      hooks: { before: validated(P.idParams) },
      async handler(this: This, ctx: Ctx<{ id: string }>) {
        return orchestratorUser(await this.core.updateUser(me(ctx).id, ctx.params.id, { isActive: true }));
      },
    },
    usersSetRoles: {
      hooks: { before: validated(P.setRolesParams) },
      async handler(this: This, ctx: Ctx<{ id: string; roles: string[] }>) {
        return orchestratorUser(await this.core.updateUser(me(ctx).id, ctx.params.id, { roles: rolesOf(ctx.params.roles, "roles") }));
      },
    },
    usersResetPassword: {
      hooks: { before: validated(P.adminResetPasswordParams) },
      async handler(this: This, ctx: Ctx<{ id: string; newPassword: string }>) {
        checkPassword(orchestratorPasswordProblems("newPassword", ctx.params.newPassword));
        // An admin-chosen password is temporary: the user is asked to replace it.
        return orchestratorUser(await this.core.setPassword(ctx.params.id, ctx.params.newPassword, { resetRequired: true }));
      },
    },
    usersDelete: {
      hooks: { before: validated(P.idParams) },
      async handler(this: This, ctx: Ctx<{ id: string }>) {
        await this.core.deleteUser(me(ctx).id, ctx.params.id);
        ctx.meta.$statusCode = 204;
        return null;
      },
    },

    // ---- internal ----
    /** The caller behind an access token. Throws UNAUTHORIZED, TOKEN_EXPIRED, ACCOUNT_DISABLED. */
    resolveToken: {
      visibility: "public",
      params: { token: { type: "string", min: 1, max: 8192 } },
      handler(this: This, ctx: Context<{ token: string }>): Promise<Principal> {
        return this.core.resolveToken(ctx.params.token);
      },
    },
    /** The principal for a user id (API keys). Throws UNAUTHORIZED, ACCOUNT_DISABLED. */
    principalFor: {
      visibility: "public",
      params: { userId: "string", via: { type: "enum", values: ["jwt", "apiKey"] } },
      handler(this: This, ctx: Context<{ userId: string; via: Principal["via"] }>): Promise<Principal> {
        return this.core.principalFor(ctx.params.userId, ctx.params.via);
      },
    },
    /** Drops a user from this node's cache (called on every node after a change). */
    invalidateUser: {
      visibility: "public",
      params: { userId: { type: "string", optional: true } },
      handler(this: This, ctx: Context<{ userId?: string }>) {
        this.core.dropCachedUser(ctx.params.userId);
        return true;
      },
    },
  },

  events: {
    "auth.userChanged"(this: This, ctx: Context<{ userId?: string }>) {
      this.core?.dropCachedUser(ctx.params.userId);
    },
  },

  async started(this: This) {
    registerApiFamilies();
    const cfg = config();
    if (cfg.env === "production" && cfg.jwt.secretGenerated) throw new Error("JWT_SECRET_KEY must be set in production");
    const models: AuthModels = defineAuthModels(this.db);
    await Promise.all(Object.values(models).map((m) => m.init()));
    this.core = new AuthCore(models, {
      jwt: { secret: cfg.jwt.secret, algorithm: cfg.jwt.algorithm },
      lifetimes: Object.fromEntries(
        families().map((f) => {
          const l = f.tokenLifetimes(cfg.rawEnv);
          return [f.id, { access: l.accessSeconds, refresh: l.refreshSeconds }];
        }),
      ),
      defaultFamily: defaultFamily().id,
      bcryptCost: cfg.bcryptCost,
      throttle: this.settings.throttle,
      admin: cfg.admin,
      userCacheMs: this.settings.userCacheMs,
      logger: this.logger,
      onUserChanged: (userId) => invalidateEverywhere(this.broker, "auth", "invalidateUser", "auth.userChanged", { userId }),
    });
    await this.core.init();
    this.sweeper = setInterval(() => {
      void (async () => {
        try {
          const tokens = await this.core.sweepRefreshTokens();
          const attempts = await sweepAttempts(models.LoginAttempt, this.settings.throttle, new Date());
          if (tokens || attempts) this.logger.debug(`swept ${tokens} expired refresh tokens, ${attempts} login counters`);
        } catch (err) {
          this.logger.warn(`auth sweep failed: ${(err as Error).message}`);
        }
      })();
    }, this.settings.sweepIntervalMs);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default AuthService;
