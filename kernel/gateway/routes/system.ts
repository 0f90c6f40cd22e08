/** Public routes for the root, liveness, readiness and start-up probes. */
import type { RouteGroup } from "../types";

export const rootSystemRoutes: RouteGroup = {
  prefix: "",
  routes: [
    { method: "GET", path: "/", access: "public", action: "gateway.root", summary: "API name and version", tags: ["system"] },
    { method: "GET", path: "/healthz/live", access: "public", action: "gateway.live", summary: "Liveness probe (plain text)", tags: ["system"] },
    { method: "GET", path: "/healthz/ready", access: "public", action: "gateway.ready", summary: "Readiness probe: 503 when a dependency is down", tags: ["system"] },
    { method: "GET", path: "/healthz/startup", access: "public", action: "gateway.startup", summary: "Start-up probe", tags: ["system"] },
  ],
};
