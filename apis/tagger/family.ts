/**
 * The tag generator API family (the "Meta-Data Tag Generator" it replaces): `/api/*` and `/`, FastAPI's
 * error body `{"detail": "..."}` and `422` with `{"detail": [{loc, msg, type}]}` for request validation.
 * Registered with the kernel by apis/index.ts.
 */
import { int } from "../../sdk/env";
import type { ApiFamily } from "../../kernel/gateway/families";
import type { RequiredKeys, TaggerErrorBody } from "../../shared/wire/errors";
import { taggerAuthRoutes } from "./auth-routes";
import { taggerRoutes } from "./routes";
import { taggerSystemRoutes } from "./system-routes";
import { vocabularyRoutes } from "./vocabulary-routes";
import { batchWsRoute } from "./ws-batch";
import { TAGGER_ROW_ERRORS } from "./errors";

export const TAGGER_FAMILY = "tagger";

export const taggerFamily: ApiFamily = {
  id: TAGGER_FAMILY,
  title: "Document Meta-Tagging API",
  default: true,
  owns: (path) => path === "/" || path === "/api" || path.startsWith("/api/"),
  routes: [taggerSystemRoutes, taggerAuthRoutes, taggerRoutes, vocabularyRoutes],
  wsRoutes: [batchWsRoute],
  errors: TAGGER_ROW_ERRORS,
  // The seed's 500 for a generation that failed on our side (docs/tagging.md); the kernel's type names no product.
  serverMessages: { PROCESSING_FAILED: "Tag generation failed" },
  renderError(c, traceId, headers) {
    if (c.type === "VALIDATION_ERROR") {
      const fields = c.fields?.length ? c.fields : [{ field: "body", message: c.message, kind: "value_error" }];
      return {
        status: 422,
        headers,
        body: { detail: fields.map((f) => ({ loc: ["body", ...f.field.split(".")], msg: f.message, type: f.kind ?? "value_error" })) } satisfies TaggerErrorBody,
      };
    }
    const body: TaggerErrorBody = { detail: c.message };
    if (c.status >= 500) body.trace_id = traceId;
    return { status: c.status, headers, body };
  },
  // The seed's FastAPI settings: 30-minute access tokens, 7-day refresh tokens.
  tokenLifetimes: (env) => ({
    accessSeconds: int(env, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 24 * 60) * 60,
    refreshSeconds: int(env, "JWT_REFRESH_TOKEN_EXPIRE_DAYS", 7, 1, 365) * 86400,
  }),
  openapi: {
    errorSchema: "TaggerError",
    schemas: {
      // Exactly the wire type's fields (shared/wire/errors.ts), checked by the compiler.
      TaggerError: {
        type: "object",
        properties: {
          detail: { anyOf: [{ type: "string" }, { type: "array", items: { type: "object", properties: { loc: { type: "array", items: { type: "string" } }, msg: { type: "string" }, type: { type: "string" } } } }] },
          trace_id: { type: "string" },
        } satisfies Record<keyof TaggerErrorBody, unknown>,
        required: ["detail"] satisfies Array<RequiredKeys<TaggerErrorBody>>,
      },
    },
    description: 'the Meta-Data Tag Generator (`/api`, errors `{"detail": ...}`)',
    loginPath: "/api/auth/login",
    validationStatus: 422,
  },
};
