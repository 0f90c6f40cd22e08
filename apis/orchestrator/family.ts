/**
 * The orchestrator API family (the "Smart Redact" orchestrator it replaces): `/v1/*` and `/healthz/*`,
 * errors as ASP.NET's `ApiErrorResponse` `{type, title, status, traceId, detail, errors}` (problem+json),
 * request validation as 400 with a field map. Registered with the kernel by apis/index.ts.
 */
import { int } from "../../sdk/env";
import { ERROR_CATALOG } from "../../kernel/errors";
import type { ApiFamily } from "../../kernel/gateway/families";
import type { ApiErrorResponse, RequiredKeys } from "../../shared/wire/errors";
import { orchestratorAuthRoutes } from "./auth-routes";
import { orchestratorRoutes } from "./routes";
import { webhookRoutes } from "./webhook-routes";
import { insightRoutes } from "./insight-routes";

export const ORCHESTRATOR_FAMILY = "orchestrator";

const RFC9110: Record<number, string> = {
  400: "15.5.1",
  401: "15.5.2",
  403: "15.5.4",
  404: "15.5.5",
  405: "15.5.6",
  409: "15.5.10",
  410: "15.5.11",
  413: "15.5.14",
  415: "15.5.16",
  422: "15.5.21",
  429: "6585#section-4",
  500: "15.6.1",
  502: "15.6.3",
  503: "15.6.4",
};

export const orchestratorFamily: ApiFamily = {
  id: ORCHESTRATOR_FAMILY,
  title: "Smart Redact",
  owns: (path) => path === "/v1" || path.startsWith("/v1/") || path.startsWith("/healthz"),
  routes: [orchestratorAuthRoutes, orchestratorRoutes, insightRoutes, webhookRoutes],
  renderError(c, traceId, headers) {
    // The orchestrator answers validation problems with 400 and a field map, as ASP.NET does.
    const status = c.type === "VALIDATION_ERROR" ? 400 : c.status;
    const body: ApiErrorResponse = {
      type: `https://tools.ietf.org/html/rfc${RFC9110[status]?.includes("#") ? RFC9110[status] : `9110#section-${RFC9110[status] ?? "15.6.1"}`}`,
      title: ERROR_CATALOG[c.type].title,
      status,
      traceId,
      detail: c.message,
      code: c.type,
    };
    if (c.fields?.length) {
      const errors: Record<string, string[]> = {};
      for (const f of c.fields) (errors[f.field] ??= []).push(f.message);
      body.errors = errors;
    }
    return { status, headers: { ...headers, "Content-Type": "application/problem+json; charset=utf-8" }, body };
  },
  // The vendor's defaults: 15-minute access tokens, 30-day refresh cookies.
  tokenLifetimes: (env) => ({
    accessSeconds: int(env, "JWT_V1_ACCESS_TOKEN_EXPIRE_MINUTES", 15, 1, 24 * 60) * 60,
    refreshSeconds: int(env, "JWT_V1_REFRESH_TOKEN_EXPIRE_DAYS", 30, 1, 365) * 86400,
  }),
  openapi: {
    errorSchema: "ApiErrorResponse",
    schemas: {
      ApiErrorResponse: {
        type: "object",
        // Exactly the wire type's fields (shared/wire/errors.ts): a field added there and not here fails to compile.
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer" },
          traceId: { type: "string" },
          detail: { type: "string" },
          errors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
          code: { type: "string" },
        } satisfies Record<keyof ApiErrorResponse, unknown>,
        required: ["type", "title", "status", "traceId"] satisfies Array<RequiredKeys<ApiErrorResponse>>,
      },
    },
    description: "the Smart Redact orchestrator (`/v1`, errors `ApiErrorResponse`)",
    loginPath: "/v1/auth/login",
    validationStatus: 400,
  },
};
