/** The tag generator's public health and status routes (answered by the gateway's own actions). */
import type { RouteGroup } from "../../kernel/gateway/types";

export const taggerSystemRoutes: RouteGroup = {
  prefix: "/api",
  routes: [
    { method: "GET", path: "/health", access: "public", action: "gateway.health", summary: "Health of docmill and each dependency", tags: ["system"] },
    { method: "GET", path: "/status", access: "public", action: "gateway.status", summary: "Liveness status", tags: ["system"] },
  ],
};
