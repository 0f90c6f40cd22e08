/**
 * Identity for every API family over one user store (kernel/auth/core.ts). The families' actions come
 * from apis/tagger/auth.ts (`/api/auth/*`) and apis/orchestrator/auth.ts (`/v1/auth/*`, `/v1/users`);
 * this service adds the internal ones: resolving bearer tokens for the gateway, principals for API keys.
 * Errors: VALIDATION_ERROR, EMAIL_TAKEN, INVALID_CREDENTIALS, INVALID_REFRESH_TOKEN, TOKEN_EXPIRED,
 * UNAUTHORIZED, ACCOUNT_DISABLED, FORBIDDEN, NOT_FOUND, TOO_MANY_REQUESTS.
 */
import { orchestratorAudited } from "../apis/orchestrator/audit";
import { taggerAudited } from "../apis/tagger/audit";
import { registerAudited } from "../kernel/audit/catalog";
import { registerLoginAction } from "../kernel/metrics/middleware";
import type { Context, Service, ServiceSchema } from "moleculer";
import { registerApiFamilies } from "../apis";
import { orchestratorAuthActions } from "../apis/orchestrator/auth";
import { taggerAuthActions } from "../apis/tagger/auth";
import { config } from "../kernel/config";
import { defaultFamily, families } from "../kernel/gateway/families";
import { AuthCore } from "../kernel/auth/core";
import { invalidateEverywhere } from "../kernel/auth/invalidate";
import { defineAuthModels, type AuthModels } from "../kernel/auth/models";
import { DEFAULT_THROTTLE, sweepAttempts, type ThrottleSettings } from "../kernel/auth/throttle";
import type { Principal } from "../kernel/gateway/types";
import { mongoMixin, type MongoSettings, type MongoVars } from "../kernel/mongo";

// Sign-in and account actions are audited (kernel/audit): registered before the broker wraps the actions.
registerAudited(taggerAudited);
registerAudited(orchestratorAudited);
// Refused sign-ins are counted per family (docmill_login_failures_total).
registerLoginAction("auth.login", "tagger");
registerLoginAction("auth.v1Login", "orchestrator");

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

const AuthService: ServiceSchema<AuthSettings, object, AuthVars> = {
  name: "auth",
  // Models are defined in started(), after the mixin opened the connection: compiling a model on a
  // connection that is not open yet (bufferCommands off) makes mongoose's memoised init() fail.
  mixins: [mongoMixin(() => undefined)],
  settings: { throttle: DEFAULT_THROTTLE, userCacheMs: 30_000, sweepIntervalMs: 15 * 60_000 },

  actions: {
    // Each family's own actions (auth.login, auth.v1Login, auth.usersList, …), on the one user store.
    ...taggerAuthActions,
    ...orchestratorAuthActions,

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
