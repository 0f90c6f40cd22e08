/**
 * One structured log line per action call, carrying the request id that Moleculer propagates with the
 * context across services and nodes: grep a request id and see its whole path. Params are not logged
 * (they may hold passwords, tokens or document text).
 */
import type { Context, Middleware } from "moleculer";

interface ActionLike {
  name: string;
}

export function RequestLogMiddleware(): Middleware {
  return {
    name: "RequestLog",
    localAction(next: (ctx: Context) => Promise<unknown>, action: ActionLike) {
      // Health probes and internal plumbing would drown the interesting lines.
      if (action.name.startsWith("$") || action.name.endsWith(".dbHealth")) return next;
      return async function requestLog(this: unknown, ctx: Context) {
        const started = process.hrtime.bigint();
        const logger = ctx.service?.logger ?? ctx.broker.logger;
        try {
          const res = await next(ctx);
          logger.debug({
            msg: "action",
            action: action.name,
            requestID: ctx.requestID,
            caller: ctx.caller,
            nodeID: ctx.nodeID,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          });
          return res;
        } catch (err) {
          const e = err as { type?: string; code?: number };
          const line = {
            msg: "action failed",
            action: action.name,
            requestID: ctx.requestID,
            caller: ctx.caller,
            type: e.type,
            code: e.code,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          };
          if (typeof e.code === "number" && e.code < 500) logger.info(line);
          else logger.error({ ...line, error: (err as Error)?.stack });
          throw err;
        }
      };
    },
  } as Middleware;
}
