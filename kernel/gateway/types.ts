/**
 * Route declarations. Every HTTP route docmill answers is declared once here with who may call it; the
 * gateway refuses anything undeclared (`mappingPolicy: "restrict"`) and enforces `access` before it
 * dispatches an action. The same declarations feed the OpenAPI document.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "moleculer";

/** Who may call a route. `apiKey` means: a signed-in user OR an `X-Api-Key` (e.g. the /v1 jobs routes). */
export type Access = "public" | "user" | "admin" | "apiKey";

/** The authenticated caller, as actions see it in `ctx.meta.user`. */
export interface Principal {
  id: string;
  email: string;
  username?: string;
  fullName?: string | null;
  roles: string[];
  isAdmin: boolean;
  via: "jwt" | "apiKey";
  apiKeyId?: string;
  passwordResetRequired?: boolean;
  /** Claims of the access token, when the caller used one. */
  tokenFamily?: string;
}

export interface GatewayMeta {
  user?: Principal | null;
  /** Client address, for rate limiting and security logs. */
  clientIp?: string;
  /** Which API family the request came through (error and body shapes differ). */
  family?: string;
  /** Response control understood by moleculer-web. */
  $statusCode?: number;
  $responseType?: string;
  $responseHeaders?: Record<string, string>;
  $location?: string;
  /** Cookies to set on the response (e.g. a family's refresh cookie). */
  $cookies?: Array<{ name: string; value: string; maxAgeSeconds: number; path: string; clear?: boolean }>;
  /** Raw cookie header, for actions that read the refresh cookie. */
  cookies?: Record<string, string>;
  /** True when the request arrived over TLS (directly or, with TRUST_PROXY, through a proxy). */
  secure?: boolean;
  /**
   * Set by the gateway on its streamed routes (RouteDef `streamResult`): an action in this process may
   * answer with a stored result's parts still unread (a LazyArray), which the gateway streams.
   */
  $streamResult?: boolean;
  /** A caller that needs a job's files only asks jobs.get for the summary view. */
  $jobView?: "summary";
}

export type GatewayContext<P = Record<string, unknown>> = Context<P, GatewayMeta>;

/** A raw route's request: moleculer-web's context and params, and the parsed JSON body (when it parsed one). */
export type RawRequest = IncomingMessage & { $ctx: GatewayContext; $params: Record<string, unknown>; body?: unknown };
export type RawHandler = (req: RawRequest, res: ServerResponse) => Promise<void>;

export interface OpenApiInfo {
  summary: string;
  description?: string;
  tags?: string[];
  /** fastest-validator schema of the JSON body or query (converted for the OpenAPI document). */
  params?: Record<string, unknown>;
  /** Extra OpenAPI fragments (request body for uploads, responses). */
  requestBody?: Record<string, unknown>;
  responses?: Record<string, unknown>;
}

export interface RouteDef extends OpenApiInfo {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path relative to the route's prefix (`/api`, `/v1` or `/`), with `:param` placeholders. */
  path: string;
  access: Access;
  /** The action called with the merged params (query, path params, JSON body). */
  action?: string;
  /** A raw handler (uploads, downloads): runs after authentication, instead of `action`. */
  handler?: RawHandler;
  /** Request body kind; JSON unless stated. */
  body?: "json" | "multipart" | "none";
  /** The action's answer may carry a stored result unread: streamed (kernel/gateway/yielding-json.ts `streamJson`). */
  streamResult?: boolean;
}

export interface RouteGroup {
  /** The prefix this group lives under. */
  prefix: "/api" | "/v1" | "";
  routes: RouteDef[];
}
