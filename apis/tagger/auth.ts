/**
 * The tag generator's `/api/auth/*`: register, log in, refresh, log out, me (tag-generator-api.md). Its
 * validator schemas, password rule and user view, and the actions the auth service hosts for it
 * (`auth.register`, `auth.login`, …) on the one user store (kernel/auth/core.ts).
 */
import { validationError, type FieldError } from "../../kernel/errors";
import { me, type AuthActions, type AuthCtx, type AuthThis } from "../../kernel/auth/actions";
import { email, password } from "../../kernel/auth/params";
import { MAX_PASSWORD_BYTES } from "../../kernel/auth/passwords";
import type { UserLike } from "../../kernel/auth/views";
import { validated } from "../../kernel/auth/validate";
import type { TaggerTokens, TaggerUser } from "../../shared/wire/users";

export type { TaggerTokens, TaggerUser };

/** The family id tokens are issued for (family.ts TAGGER_FAMILY; not imported: family.ts imports the routes that import this). */
const TAGGER_FAMILY = "tagger";

export const registerParams = {
  email,
  password: { type: "string", min: 8, max: 1024 },
  full_name: { type: "string", max: 200, optional: true, nullable: true },
} as const;
export interface RegisterParams {
  email: string;
  password: string;
  full_name?: string | null;
}

export const taggerLoginParams = { email, password } as const;
export interface LoginParams {
  email: string;
  password: string;
}
export const refreshTokenParams = { refresh_token: { type: "string", min: 1, max: 512 } } as const;
export interface RefreshTokenParams {
  refresh_token: string;
}

/** The tag generator's rule: at least 8 characters. */
export function taggerPasswordProblems(field: string, pw: string): FieldError[] {
  const out: FieldError[] = [];
  if (pw.length < 8) out.push({ field, message: "Password must be at least 8 characters long", kind: "string_too_short" });
  if (Buffer.byteLength(pw, "utf8") > MAX_PASSWORD_BYTES) out.push({ field, message: `Password must be at most ${MAX_PASSWORD_BYTES} bytes long`, kind: "string_too_long" });
  return out;
}

/** Tag generator: `{id, email, full_name, is_active, is_verified, created_at}`. */
export function taggerUser(u: UserLike): TaggerUser {
  return {
    id: u._id,
    email: u.email,
    full_name: u.fullName ?? null,
    is_active: u.isActive,
    is_verified: u.isVerified,
    created_at: new Date(u.createdAt).toISOString(),
  };
}

export const taggerAuthActions: AuthActions = {
  register: {
    hooks: { before: validated(registerParams) },
    async handler(this: AuthThis, ctx: AuthCtx<RegisterParams>): Promise<TaggerUser> {
      const problems = taggerPasswordProblems("password", ctx.params.password);
      if (problems.length) throw validationError(problems);
      const user = await this.core.createUser({ email: ctx.params.email, password: ctx.params.password, fullName: ctx.params.full_name ?? null });
      ctx.meta.$statusCode = 201;
      ctx.meta.$location = "/api/auth/me";
      return taggerUser(user);
    },
  },
  login: {
    hooks: { before: validated(taggerLoginParams) },
    async handler(this: AuthThis, ctx: AuthCtx<LoginParams>): Promise<{ user: TaggerUser; tokens: TaggerTokens }> {
      const user = await this.core.checkLogin(ctx.params.email, ctx.params.password, ctx.meta.clientIp, "email");
      const t = await this.core.issue(user, TAGGER_FAMILY);
      return {
        user: taggerUser(user),
        tokens: { access_token: t.accessToken, refresh_token: t.refreshToken, token_type: "bearer", expires_in: t.accessLifetime },
      };
    },
  },
  refresh: {
    hooks: { before: validated(refreshTokenParams) },
    async handler(this: AuthThis, ctx: AuthCtx<RefreshTokenParams>): Promise<TaggerTokens> {
      const { tokens: t } = await this.core.rotate(ctx.params.refresh_token, TAGGER_FAMILY, ctx.meta.clientIp);
      return { access_token: t.accessToken, refresh_token: t.refreshToken, token_type: "bearer", expires_in: t.accessLifetime };
    },
  },
  logout: {
    hooks: { before: validated(refreshTokenParams) },
    async handler(this: AuthThis, ctx: AuthCtx<RefreshTokenParams>) {
      await this.core.revokeRefresh(ctx.params.refresh_token);
      return { message: "Successfully logged out", success: true };
    },
  },
  me: {
    async handler(this: AuthThis, ctx: AuthCtx): Promise<TaggerUser> {
      return taggerUser(await this.core.getUser(me(ctx).id));
    },
  },
};
