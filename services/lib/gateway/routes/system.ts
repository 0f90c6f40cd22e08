/** Public routes both API families expose for health, status and version. */
import type { RouteGroup } from "../types";

export const taggerSystemRoutes: RouteGroup = {
  prefix: "/api",
  routes: [
    { method: "GET", path: "/health", access: "public", action: "gateway.health", summary: "Health of docmill and each dependency", tags: ["system"] },
    { method: "GET", path: "/status", access: "public", action: "gateway.status", summary: "Liveness status", tags: ["system"] },
  ],
};

export const rootSystemRoutes: RouteGroup = {
  prefix: "",
  routes: [
    { method: "GET", path: "/", access: "public", action: "gateway.root", summary: "API name and version", tags: ["system"] },
    { method: "GET", path: "/healthz/live", access: "public", action: "gateway.live", summary: "Liveness probe (plain text)", tags: ["system"] },
    { method: "GET", path: "/healthz/ready", access: "public", action: "gateway.ready", summary: "Readiness probe: 503 when a dependency is down", tags: ["system"] },
    { method: "GET", path: "/healthz/startup", access: "public", action: "gateway.startup", summary: "Start-up probe", tags: ["system"] },
  ],
};
