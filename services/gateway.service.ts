/**
 * The gateway: the only door into docmill. moleculer-web with `mappingPolicy: "restrict"`: only declared
 * routes exist, each states who may call it, and the caller is authenticated before any action runs.
 * Errors are rendered in the documented body of the API family that owns the path.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import { config } from "../kernel/config";
import { fail } from "../kernel/errors";
import { apiKeyHeader, bearerToken, resolvePrincipal, type AliasLike } from "../kernel/gateway/authenticate";
import { API_VERSION, checkHealth } from "../kernel/gateway/health";
import { familyOf, renderError } from "../kernel/gateway/render-error";
import { allRouteGroups, registerApiFamilies } from "../apis";
import { defaultFamily } from "../kernel/gateway/families";
import { buildRoutes, securityHeaders } from "../kernel/gateway/routing";
import type { GatewayContext, GatewayMeta } from "../kernel/gateway/types";
import { forwardingEvents } from "../kernel/gateway/event-bus";
import { attachWebSockets } from "../kernel/gateway/ws";
import { allWsRoutes } from "../kernel/gateway/ws-routes";

// Routes, WebSocket routes and error bodies come from the API families (apis/): register them first.
registerApiFamilies();

type Req = IncomingMessage & { $ctx?: Context<unknown, GatewayMeta>; originalUrl?: string };

/** W3C trace-parent built from the request id, so a client's report can be matched to our logs. */
export function traceIdFor(requestID: string | undefined): string {
  const hex = (requestID ?? "").replace(/-/g, "");
  const trace = /^[0-9a-f]{32}$/i.test(hex) ? hex.toLowerCase() : randomBytes(16).toString("hex");
  return `00-${trace}-${randomBytes(8).toString("hex")}-00`;
}

function sendError(this: { logger: { error: (...a: unknown[]) => void } }, req: Req, res: ServerResponse, err: unknown) {
  const family = familyOf(req.originalUrl ?? req.url);
  const requestID = req.$ctx?.requestID ?? (req.headers["x-request-id"] as string | undefined);
  const traceId = traceIdFor(requestID);
  const rendered = renderError(family, err, traceId);
  if (rendered.status >= 500) {
    // The client gets a trace id; the log gets the whole story.
    this.logger.error({ msg: "request failed", url: req.url, method: req.method, traceId, requestID, error: (err as Error)?.stack ?? String(err) });
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  securityHeaders(res);
  res.statusCode = rendered.status;
  for (const [k, v] of Object.entries(rendered.headers)) res.setHeader(k, v);
  res.end(JSON.stringify(rendered.body));
}

interface GatewaySettings extends ServiceSettingSchema {
  port: number;
  ip: string;
  [key: string]: unknown;
}

const GatewayService: ServiceSchema<GatewaySettings> = {
  name: "gateway",
  mixins: [ApiGateway],

  settings: {
    port: config().port,
    ip: config().host,
    path: "",
    rateLimit: undefined,
    // Our own error bodies for everything, including unknown routes.
    onError: sendError,
    log4XXResponses: false,
    // Our access log (routing.ts) writes one structured line per request instead.
    logRequest: null,
    logResponse: null,
    logRequestParams: null,
    logResponseData: null,
    cors: config().http.corsOrigins.length
      ? { origin: config().http.corsOrigins, methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], credentials: true, maxAge: 3600 }
      : undefined,
    routes: buildRoutes(allRouteGroups(), sendError),
  },

  actions: {
    health: {
      visibility: "published",
      async handler(ctx: GatewayContext) {
        const report = await checkHealth(this.broker);
        ctx.meta.$statusCode = report.healthy ? 200 : 503;
        return {
          status: report.healthy ? "healthy" : "unhealthy",
          version: API_VERSION,
          message: report.healthy ? `${defaultFamily().title} is running` : `${defaultFamily().title} is degraded: ${report.down.join(", ")} down`,
          down: report.down,
          checks: report.checks,
        };
      },
    },
    status: {
      visibility: "published",
      handler() {
        return { status: "ok", service: defaultFamily().title.toLowerCase().replace(/[^a-z0-9]+/g, "-") };
      },
    },
    root: {
      visibility: "published",
      handler() {
        return { message: defaultFamily().title, version: API_VERSION, name: "docmill", docs: "/swagger", openapi: "/openapi.json" };
      },
    },
    live: {
      visibility: "published",
      handler(ctx: GatewayContext) {
        ctx.meta.$responseType = "text/plain; charset=utf-8";
        return "Healthy";
      },
    },
    startup: {
      visibility: "published",
      handler(ctx: GatewayContext) {
        ctx.meta.$responseType = "text/plain; charset=utf-8";
        return "Healthy";
      },
    },
    ready: {
      visibility: "published",
      async handler(ctx: GatewayContext) {
        const report = await checkHealth(this.broker);
        ctx.meta.$responseType = "text/plain; charset=utf-8";
        ctx.meta.$statusCode = report.healthy ? 200 : 503;
        return report.healthy ? "Healthy" : `Unhealthy: ${report.down.join(", ")} down`;
      },
    },
  },

  // The broadcast events the WebSocket routes relay to their sockets (see event-bus.ts).
  events: forwardingEvents(allWsRoutes().flatMap((r) => r.events ?? [])),

  methods: {
    /** Runs for every aliased request before dispatch: closed unless the alias declares who may call. */
    async authenticate(ctx: GatewayContext, _route: unknown, req: Req, _res: ServerResponse, alias: AliasLike) {
      ctx.meta.family = familyOf(req.originalUrl ?? req.url);
      if (!alias?.access) fail("ROUTE_NOT_FOUND");
      return resolvePrincipal(ctx, alias.access, { bearer: bearerToken(req), apiKey: apiKeyHeader(req) });
    },
  },

  started() {
    const server = (this as unknown as { server: import("node:http").Server }).server;
    // Idle keep-alive connections outlive common proxy and client idle timeouts (60 s), so the server
    // never closes a connection at the moment a client reuses it (the client would see ECONNRESET).
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    attachWebSockets(server, this.broker, allWsRoutes());
    const addr = server.address();
    this.logger.info(`gateway listening on ${typeof addr === "object" && addr ? `${addr.address}:${addr.port}` : addr}`);
  },
};

export default GatewayService;
