/**
 * Installs the domain metrics (domain.ts) on a broker with metrics enabled, and counts refused sign-ins
 * from the login actions' own answers, so the auth code stays free of metric calls.
 */
import type { Context, Middleware, ServiceBroker } from "moleculer";
import { installMetrics, recordLoginFailure, uninstallMetrics } from "../../sdk/metrics";

/** Sign-in actions and the API family they count for; each family's entry point registers its own. */
const LOGIN_ACTIONS = new Map<string, string>();

/** Counts refused sign-ins of `action` under `api` (call before the broker wraps the action). */
export function registerLoginAction(action: string, api: string): void {
  LOGIN_ACTIONS.set(action, api);
}
const REASONS: Record<string, "invalid_credentials" | "throttled" | "disabled"> = {
  INVALID_CREDENTIALS: "invalid_credentials",
  TOO_MANY_REQUESTS: "throttled",
  ACCOUNT_DISABLED: "disabled",
};

export function MetricsMiddleware(): Middleware {
  return {
    name: "DomainMetrics",
    created(broker: ServiceBroker) {
      installMetrics(broker);
    },
    stopped(broker: ServiceBroker) {
      uninstallMetrics(broker);
    },
    localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
      const api = LOGIN_ACTIONS.get(action.name);
      if (!api) return next;
      return async function countLoginFailures(ctx: Context) {
        try {
          return await next(ctx);
        } catch (err) {
          const reason = REASONS[(err as { type?: string }).type ?? ""];
          if (reason) recordLoginFailure(api, reason);
          throw err;
        }
      };
    },
  } as Middleware;
}
