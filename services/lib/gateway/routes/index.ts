/**
 * Every route group docmill serves. A domain adds its routes in its own file and one line here.
 */
import type { RouteGroup } from "../types";
import { rootSystemRoutes, taggerSystemRoutes } from "./system";
import { orchestratorAuthRoutes, taggerAuthRoutes } from "./auth";
import { docsRoutes } from "../openapi";
import { webRoutes } from "./web";
import { taggerRoutes } from "./tagger";
import { orchestratorRoutes } from "./orchestrator";
import { jobsCoreRoutes } from "./jobs-core";
import { webhookRoutes } from "./webhooks";

export function allRouteGroups(): RouteGroup[] {
  return [taggerSystemRoutes, rootSystemRoutes, taggerAuthRoutes, orchestratorAuthRoutes, docsRoutes, webRoutes, jobsCoreRoutes, orchestratorRoutes, webhookRoutes, taggerRoutes];
}
