/**
 * API keys for the orchestrator's jobs endpoints (`/v1/api-keys`, admin only) and their resolution for
 * the gateway's `X-Api-Key` header. Errors: VALIDATION_ERROR, NOT_FOUND, API_KEY_INVALID,
 * API_KEY_REVOKED, API_KEY_EXPIRED, ACCOUNT_DISABLED.
 */
import type { Context, Service, ServiceSchema } from "moleculer";
import { fail, isErrorType, validationError } from "../kernel/errors";
import { invalidateEverywhere } from "../kernel/auth/invalidate";
import type { GatewayMeta, Principal } from "../kernel/gateway/types";
import { KeyStore, checkExpiry, defineKeyModels, keyView, type ApiKeyDoc } from "../kernel/keys/core";
import { createKeyParams, listKeysParams, revokeKeyParams } from "../kernel/keys/params";
import { validated } from "../kernel/auth/validate";
import { mongoMixin, type MongoSettings, type MongoVars } from "../kernel/mongo";

interface KeysSettings extends MongoSettings {
  /** How long a resolved key may be served from this node's memory; revocation is pushed, so this only bounds staleness after a lost message. */
  cacheMs: number;
  touchEveryMs: number;
}
interface KeysVars extends MongoVars {
  store: KeyStore;
}
type This = Service<KeysSettings> & KeysVars;
type Ctx<P> = Context<P, GatewayMeta>;

const KeysService: ServiceSchema<KeysSettings, object, KeysVars> = {
  name: "keys",
  // Models are defined in started(), once the mixin's connection is open (see auth.service.ts).
  mixins: [mongoMixin(() => undefined)],
  settings: { cacheMs: 60_000, touchEveryMs: 60_000 },
  dependencies: ["auth"],

  actions: {
    /** Creates a key for a user; the raw key is in this answer only. */
    create: {
      hooks: { before: validated(createKeyParams) },
      async handler(this: This, ctx: Ctx<{ name: string; userId: string; expiresAt: string }>) {
        const expiresAt = checkExpiry(ctx.params.expiresAt, new Date());
        try {
          await ctx.call<Principal, { userId: string; via: "apiKey" }>("auth.principalFor", { userId: ctx.params.userId, via: "apiKey" });
        } catch (err) {
          if (isErrorType(err, "UNAUTHORIZED")) throw validationError([{ field: "userId", message: "No user has this id", kind: "exists" }]);
          if (isErrorType(err, "ACCOUNT_DISABLED")) throw validationError([{ field: "userId", message: "The user is disabled", kind: "active" }]);
          throw err;
        }
        const { raw, doc } = await this.store.create({ name: ctx.params.name, userId: ctx.params.userId, expiresAt, createdBy: ctx.meta.user!.id });
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/v1/api-keys/${doc._id}`;
        const { status: _status, ...view } = keyView(doc, new Date());
        return { ...view, key: raw, status: _status };
      },
    },
    list: {
      hooks: { before: validated(listKeysParams) },
      async handler(this: This, ctx: Ctx<{ userId?: string }>) {
        const now = new Date();
        return (await this.store.list({ userId: ctx.params.userId })).map((k) => keyView(k, now));
      },
    },
    /** Revokes a key; every node forgets it before this answers. Throws NOT_FOUND. */
    revoke: {
      hooks: { before: validated(revokeKeyParams) },
      async handler(this: This, ctx: Ctx<{ id: string }>) {
        const doc = await this.store.revoke(ctx.params.id);
        await invalidateEverywhere(this.broker, "keys", "invalidate", "keys.changed", { hash: doc.hash });
        this.logger.info({ msg: "API key revoked", keyId: doc._id, userId: doc.userId, by: ctx.meta.user?.id });
        return keyView(doc, new Date());
      },
    },

    // ---- internal ----
    /** The principal behind an `X-Api-Key`. Throws API_KEY_INVALID, API_KEY_REVOKED, API_KEY_EXPIRED, ACCOUNT_DISABLED. */
    resolve: {
      visibility: "public",
      params: { key: { type: "string", min: 1, max: 256 } },
      async handler(this: This, ctx: Context<{ key: string }>): Promise<Principal> {
        const key: ApiKeyDoc = await this.store.resolve(ctx.params.key);
        let principal: Principal;
        try {
          principal = await ctx.call<Principal, { userId: string; via: "apiKey" }>("auth.principalFor", { userId: key.userId, via: "apiKey" });
        } catch (err) {
          // The key outlived its user.
          if (isErrorType(err, "UNAUTHORIZED")) fail("API_KEY_INVALID");
          throw err;
        }
        return { ...principal, apiKeyId: key._id };
      },
    },
    /** Drops a key (by hash) or everything from this node's cache. */
    invalidate: {
      visibility: "public",
      params: { hash: { type: "string", optional: true } },
      handler(this: This, ctx: Context<{ hash?: string }>) {
        this.store.drop(ctx.params.hash);
        return true;
      },
    },
  },

  events: {
    "keys.changed"(this: This, ctx: Context<{ hash?: string }>) {
      this.store?.drop(ctx.params.hash);
    },
  },

  async started(this: This) {
    const { ApiKey } = defineKeyModels(this.db);
    await ApiKey.init();
    this.store = new KeyStore(ApiKey, { cacheMs: this.settings.cacheMs, touchEveryMs: this.settings.touchEveryMs });
  },
};

export default KeysService;
