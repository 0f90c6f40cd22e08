/**
 * The auth domain without Moleculer: users, passwords, tokens, refresh rotation with reuse detection,
 * login throttling and a per-process user cache. The auth service wires it to actions; tests and the
 * service share one implementation.
 */
import { randomUUID } from "node:crypto";
import type { Service } from "moleculer";
import { fail, validationError, type FieldError } from "../errors";
import type { Principal } from "../gateway/types";
import type { AuthModels, RefreshKind, Role, UserDoc } from "./models";
import { hashPassword, verifyPassword } from "./passwords";
import { DEFAULT_THROTTLE, lockIfFull, recordSuccess, releaseAttempt, reserveAttempt, throttleKeys, tooManyAttempts, type ThrottleSettings } from "./throttle";
import { newOpaqueToken, sha256Hex, signAccessToken, verifyAccessToken, type JwtSettings } from "./tokens";
import { principalOf } from "./views";

export interface AuthCoreOptions {
  jwt: JwtSettings;
  /** Token lifetimes of each API family, by family id (kernel/gateway/families.ts). */
  lifetimes: Record<string, { access: number; refresh: number }>;
  /** The family a token without a known `fam` claim counts for. */
  defaultFamily: string;
  bcryptCost: number;
  throttle?: ThrottleSettings;
  admin: { email: string; username: string; initialPassword: string };
  /** How long a user's status may be served from this process's cache; invalidation makes it exact. */
  userCacheMs?: number;
  logger: Service["logger"];
  /** Called after every user change so every node drops its cached copy. */
  onUserChanged: (userId: string) => Promise<void>;
  now?: () => Date;
}

type LeanUser = UserDoc;

export interface IssuedTokens {
  accessToken: string;
  /** Seconds since the epoch. */
  accessExpiresAt: number;
  accessLifetime: number;
  refreshToken: string;
  refreshLifetime: number;
}

const USERNAME = /^[a-z0-9._-]{2,64}$/;

export class AuthCore {
  private dummyHash = "";
  private readonly cache = new Map<string, { user: LeanUser | null; at: number }>();
  /** Bumped by every invalidation: a read that started before one must not refill the cache with what it saw. */
  private cacheGeneration = 0;
  private readonly throttle: ThrottleSettings;
  private readonly now: () => Date;

  constructor(
    private readonly m: AuthModels,
    private readonly o: AuthCoreOptions,
  ) {
    this.throttle = o.throttle ?? DEFAULT_THROTTLE;
    this.now = o.now ?? (() => new Date());
  }

  async init(): Promise<void> {
    // Unknown accounts are checked against this hash so their answer takes as long as a real one.
    this.dummyHash = await hashPassword(randomUUID(), this.o.bcryptCost);
    await this.seedAdmin();
  }

  /** Creates the documented admin account when neither its email nor its user name exists (re-seeds after deletion). */
  async seedAdmin(): Promise<boolean> {
    const a = this.o.admin;
    const exists = await this.m.User.exists({ $or: [{ email: a.email.toLowerCase() }, { username: a.username.toLowerCase() }] });
    if (exists) return false;
    try {
      await this.m.User.create({
        email: a.email,
        username: a.username.toLowerCase(),
        fullName: "Administrator",
        passwordHash: await hashPassword(a.initialPassword, this.o.bcryptCost),
        roles: ["admin", "user"],
        passwordResetRequired: true,
      });
      this.o.logger.warn(`seeded admin account ${a.email} with the documented temporary password; change it now`);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false; // another node seeded it first
      throw err;
    }
  }

  // ---- users ----

  async findUser(id: string): Promise<LeanUser | null> {
    return this.m.User.findById(id).lean<LeanUser>();
  }

  private async cachedUser(id: string): Promise<LeanUser | null> {
    const hit = this.cache.get(id);
    const ttl = this.o.userCacheMs ?? 30_000;
    if (hit && Date.now() - hit.at < ttl) return hit.user;
    const generation = this.cacheGeneration;
    const user = await this.findUser(id);
    // An invalidation that arrived while the read was in flight may concern exactly this user.
    if (generation !== this.cacheGeneration) return user;
    this.cache.set(id, { user, at: Date.now() });
    if (this.cache.size > 50_000) this.cache.delete(this.cache.keys().next().value!);
    return user;
  }

  dropCachedUser(id?: string): void {
    this.cacheGeneration++;
    if (id) this.cache.delete(id);
    else this.cache.clear();
  }

  private async changed(id: string): Promise<void> {
    this.dropCachedUser(id);
    await this.o.onUserChanged(id);
  }

  async createUser(input: { email: string; password: string; fullName?: string | null; username?: string; roles?: Role[]; passwordResetRequired?: boolean }): Promise<LeanUser> {
    const email = input.email.trim().toLowerCase();
    const username = (input.username ?? email).trim().toLowerCase();
    if (input.username !== undefined && !USERNAME.test(username))
      throw validationError([{ field: "userName", message: "User name may contain letters, digits, '.', '_' and '-' (2 to 64 characters)", kind: "pattern" }]);
    if (await this.m.User.exists({ email })) fail("EMAIL_TAKEN");
    if (await this.m.User.exists({ username })) fail("CONFLICT", "User name already taken");
    try {
      const doc = await this.m.User.create({
        email,
        username,
        fullName: input.fullName ?? null,
        passwordHash: await hashPassword(input.password, this.o.bcryptCost),
        roles: input.roles?.length ? [...new Set(input.roles)] : ["user"],
        passwordResetRequired: input.passwordResetRequired ?? false,
      });
      return doc.toObject() as LeanUser;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) fail("EMAIL_TAKEN");
      throw err;
    }
  }

  /**
   * Checks a login. Same answer (INVALID_CREDENTIALS) and similar time for unknown accounts and wrong
   * passwords; throttled per account and per address (TOO_MANY_REQUESTS); a disabled account with the
   * right password gets ACCOUNT_DISABLED.
   */
  async checkLogin(login: string, password: string, ip: string | undefined, mode: "email" | "emailOrUsername"): Promise<LeanUser> {
    const keys = throttleKeys(login, ip);
    const t = this.throttle;
    // Counted before the password is checked (see reserveAttempt): parallel guesses cannot overtake the lock.
    const account = await reserveAttempt(this.m.LoginAttempt, keys.account, t.accountMax, t, this.now());
    if (!account.ok) tooManyAttempts(account.retryAfter);
    const address = await reserveAttempt(this.m.LoginAttempt, keys.ip, t.ipMax, t, this.now());
    if (!address.ok) {
      await releaseAttempt(this.m.LoginAttempt, keys.account);
      tooManyAttempts(address.retryAfter);
    }
    const norm = login.trim().toLowerCase();
    const filter = mode === "email" || norm.includes("@") ? { email: norm } : { username: norm };
    const user = await this.m.User.findOne(filter).lean<LeanUser>();
    const ok = await verifyPassword(password, user?.passwordHash ?? this.dummyHash);
    if (!user || !ok) {
      const now = this.now();
      await lockIfFull(this.m.LoginAttempt, account, t.accountMax, t, now);
      await lockIfFull(this.m.LoginAttempt, address, t.ipMax, t, now);
      fail("INVALID_CREDENTIALS");
    }
    await recordSuccess(this.m.LoginAttempt, keys.account);
    await releaseAttempt(this.m.LoginAttempt, keys.ip);
    if (!user.isActive) fail("ACCOUNT_DISABLED");
    return user;
  }

  // ---- tokens ----

  private lifetimes(family: string) {
    const l = this.o.lifetimes[family];
    if (!l) throw new Error(`No token lifetimes for API family "${family}" (known: ${Object.keys(this.o.lifetimes).join(", ")})`);
    return l;
  }

  async accessToken(user: LeanUser, family: string): Promise<{ token: string; expiresAt: number; lifetime: number }> {
    const lifetime = this.lifetimes(family).access;
    const nowS = Math.floor(this.now().getTime() / 1000);
    const t = await signAccessToken(this.o.jwt, { id: user._id, email: user.email, passwordResetRequired: user.passwordResetRequired, tokenVersion: user.tokenVersion ?? 0 }, family, lifetime, nowS);
    return { ...t, lifetime };
  }

  /** Access token plus a refresh token of a new family (a fresh login) or of `familyId` (a rotation). */
  async issue(user: LeanUser, family: string, familyId: string = randomUUID()): Promise<IssuedTokens> {
    const access = await this.accessToken(user, family);
    const refreshLifetime = this.lifetimes(family).refresh;
    const refreshToken = newOpaqueToken();
    await this.m.RefreshToken.create({
      hash: sha256Hex(refreshToken),
      userId: user._id,
      familyId,
      kind: family satisfies RefreshKind,
      expiresAt: new Date(this.now().getTime() + refreshLifetime * 1000),
    });
    return { accessToken: access.token, accessExpiresAt: access.expiresAt, accessLifetime: access.lifetime, refreshToken, refreshLifetime };
  }

  /**
   * Spends a refresh token and issues the next of its family. A token that was already spent revokes
   * the whole family (whoever holds any of its tokens must log in again) and is logged as a security
   * event. Throws INVALID_REFRESH_TOKEN, ACCOUNT_DISABLED.
   */
  async rotate(raw: string, family: string, ip?: string): Promise<{ user: LeanUser; tokens: IssuedTokens }> {
    const now = this.now();
    const hash = sha256Hex(raw);
    const spent = await this.m.RefreshToken.findOneAndUpdate(
      { hash, kind: family, usedAt: null, revokedAt: null, expiresAt: { $gt: now } },
      { $set: { usedAt: now } },
      { returnDocument: "after" },
    ).lean();
    if (!spent) {
      const old = await this.m.RefreshToken.findOne({ hash, kind: family }).lean();
      if (old?.usedAt) {
        await this.m.RefreshToken.updateMany({ familyId: old.familyId, revokedAt: null }, { $set: { revokedAt: now } });
        this.o.logger.warn({
          msg: "security event: refresh token reuse detected; token family revoked",
          event: "refresh_token_reuse",
          userId: old.userId,
          familyId: old.familyId,
          clientIp: ip,
        });
      }
      fail("INVALID_REFRESH_TOKEN");
    }
    const user = await this.findUser(spent.userId);
    if (!user) fail("INVALID_REFRESH_TOKEN");
    if (!user.isActive) fail("ACCOUNT_DISABLED");
    return { user, tokens: await this.issue(user, family, spent.familyId) };
  }

  /** Revokes one refresh token (logout). Unknown tokens are ignored: logout always succeeds. */
  async revokeRefresh(raw: string): Promise<void> {
    await this.m.RefreshToken.updateOne({ hash: sha256Hex(raw), revokedAt: null }, { $set: { revokedAt: this.now() } });
  }

  async revokeAllRefresh(userId: string): Promise<void> {
    await this.m.RefreshToken.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: this.now() } });
  }

  async sweepRefreshTokens(): Promise<number> {
    const res = await this.m.RefreshToken.deleteMany({ expiresAt: { $lt: this.now() } });
    return res.deletedCount ?? 0;
  }

  /**
   * The caller behind an access token. A token issued before the user's last password change or
   * reset (older `ver`) is refused like a forged one. Throws UNAUTHORIZED, TOKEN_EXPIRED, ACCOUNT_DISABLED.
   */
  async resolveToken(token: string): Promise<Principal> {
    const claims = await verifyAccessToken(this.o.jwt, token);
    const user = await this.cachedUser(claims.user_id);
    if (!user) fail("UNAUTHORIZED");
    if (!user.isActive) fail("ACCOUNT_DISABLED");
    if ((claims.ver ?? 0) !== (user.tokenVersion ?? 0)) fail("UNAUTHORIZED");
    const p = principalOf(user, "jwt");
    p.tokenFamily = Object.hasOwn(this.o.lifetimes, claims.fam) ? claims.fam : this.o.defaultFamily;
    if (claims.password_reset_required) p.passwordResetRequired = true;
    return p;
  }

  /** The principal for a user id, checked against the (cached) store. Throws UNAUTHORIZED, ACCOUNT_DISABLED. */
  async principalFor(userId: string, via: Principal["via"]): Promise<Principal> {
    const user = await this.cachedUser(userId);
    if (!user) fail("UNAUTHORIZED");
    if (!user.isActive) fail("ACCOUNT_DISABLED");
    return principalOf(user, via);
  }

  // ---- password flows ----

  /**
   * Sets a password, bumps the token version (every access token issued before is refused from now
   * on, on every node once `changed` returns) and revokes every refresh token. Tokens issued from the
   * returned user carry the new version.
   */
  async setPassword(userId: string, password: string, opts: { resetRequired: boolean }): Promise<LeanUser> {
    const hash = await hashPassword(password, this.o.bcryptCost);
    const user = await this.m.User.findOneAndUpdate(
      { _id: userId },
      { $set: { passwordHash: hash, passwordResetRequired: opts.resetRequired }, $inc: { tokenVersion: 1 } },
      { returnDocument: "after" },
    ).lean<LeanUser>();
    if (!user) fail("NOT_FOUND", "User not found");
    await this.revokeAllRefresh(userId);
    await this.changed(userId);
    return user;
  }

  async changePassword(userId: string, current: string, next: string): Promise<LeanUser> {
    const user = await this.findUser(userId);
    if (!user) fail("UNAUTHORIZED");
    if (!(await verifyPassword(current, user.passwordHash))) {
      throw validationError([{ field: "currentPassword", message: "The current password is incorrect.", kind: "PasswordMismatch" }]);
    }
    return this.setPassword(userId, next, { resetRequired: false });
  }

  // ---- admin ----

  async listUsers(page: number, pageSize: number): Promise<{ items: LeanUser[]; total: number }> {
    const [items, total] = await Promise.all([
      this.m.User.find().sort({ createdAt: 1, _id: 1 }).skip((page - 1) * pageSize).limit(pageSize).lean<LeanUser[]>(),
      this.m.User.countDocuments(),
    ]);
    return { items, total };
  }

  async getUser(id: string): Promise<LeanUser> {
    const u = await this.findUser(id);
    if (!u) fail("NOT_FOUND", "User not found");
    return u;
  }

  /** Updates name, roles and active flag. Admins cannot disable or demote themselves (no lock-out by accident). */
  async updateUser(actorId: string, id: string, patch: { fullName?: string | null; roles?: Role[]; isActive?: boolean }): Promise<LeanUser> {
    const problems: FieldError[] = [];
    if (id === actorId && patch.isActive === false) problems.push({ field: "isActive", message: "You cannot disable your own account", kind: "self" });
    if (id === actorId && patch.roles && !patch.roles.includes("admin")) problems.push({ field: "roles", message: "You cannot remove your own admin role", kind: "self" });
    if (problems.length) throw validationError(problems);
    const set: Record<string, unknown> = {};
    if (patch.fullName !== undefined) set.fullName = patch.fullName;
    if (patch.roles) set.roles = [...new Set(patch.roles)];
    if (patch.isActive !== undefined) {
      set.isActive = patch.isActive;
      set.disabledAt = patch.isActive ? null : this.now();
    }
    const user = await this.m.User.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: "after" }).lean<LeanUser>();
    if (!user) fail("NOT_FOUND", "User not found");
    if (patch.isActive === false) await this.revokeAllRefresh(id);
    await this.changed(id);
    return user;
  }

  async deleteUser(actorId: string, id: string): Promise<void> {
    if (id === actorId) throw validationError([{ field: "id", message: "You cannot delete your own account", kind: "self" }]);
    const res = await this.m.User.deleteOne({ _id: id });
    if (!res.deletedCount) fail("NOT_FOUND", "User not found");
    await this.m.RefreshToken.deleteMany({ userId: id });
    await this.changed(id);
  }
}
