/**
 * Every route group the gateway serves: the kernel's own (probes, docs, web app, jobs) and those of each
 * registered API family (kernel/gateway/families.ts). A family adds routes in its own folder under apis/.
 */
import type { RouteGroup } from "../types";
import { families } from "../families";
import { rootSystemRoutes } from "./system";
import { docsRoutes } from "../openapi";
import { webRoutes } from "./web";
import { jobsCoreRoutes } from "./jobs-core";

export function allRouteGroups(): RouteGroup[] {
  return [rootSystemRoutes, docsRoutes(allRouteGroups), webRoutes, jobsCoreRoutes, ...families().flatMap((f) => f.routes)];
}
