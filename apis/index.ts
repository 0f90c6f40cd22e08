/**
 * The API families docmill serves, registered with the kernel's family registry
 * (kernel/gateway/families.ts). Entry points (services/gateway.service.ts, services/auth.service.ts) call
 * registerApiFamilies() before they build routes or issue tokens. A third family is a folder under
 * apis/ with a family.ts, and one line here.
 */
import { families, registerFamily } from "../kernel/gateway/families";
import type { RouteGroup } from "../kernel/gateway/types";
import { allRouteGroups as kernelRouteTable } from "../kernel/gateway/routes";
import { orchestratorFamily } from "./orchestrator/family";
import { taggerFamily } from "./tagger/family";

export const API_FAMILIES = [taggerFamily, orchestratorFamily];

let registered = false;

/** Idempotent. */
export function registerApiFamilies(): void {
  if (registered) return;
  registered = true;
  for (const f of API_FAMILIES) registerFamily(f);
}

/** Every route group the gateway serves, with the families registered. */
export function allRouteGroups(): RouteGroup[] {
  registerApiFamilies();
  return kernelRouteTable();
}

export { families };
