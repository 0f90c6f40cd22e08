/**
 * Every route group docmill serves. A domain adds its routes in its own file and one line here.
 */
import type { RouteGroup } from "../types";
import { rootSystemRoutes, taggerSystemRoutes } from "./system";

export function allRouteGroups(): RouteGroup[] {
  return [taggerSystemRoutes, rootSystemRoutes];
}
