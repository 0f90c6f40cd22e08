/**
 * What an API family's auth actions get from the auth service: its `this` (the AuthCore) and the caller.
 * The auth service (services/auth.service.ts) spreads every family's actions (apis/<family>/auth.ts) over
 * its own internal ones, so one user store serves all families while the kernel knows none of them.
 */
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { fail } from "../errors";
import type { GatewayMeta, Principal } from "../gateway/types";
import type { AuthCore } from "./core";

export type AuthThis = Service & { core: AuthCore };
export type AuthCtx<P = Record<string, unknown>> = Context<P, GatewayMeta>;
/** A family's actions on the auth service (`auth.<name>`). */
export type AuthActions = NonNullable<ServiceSchema<ServiceSettingSchema, object, object, AuthThis>["actions"]>;

/** The signed-in caller; UNAUTHORIZED without one. */
export function me(ctx: Pick<AuthCtx, "meta">): Principal {
  if (!ctx.meta.user) fail("UNAUTHORIZED");
  return ctx.meta.user;
}
