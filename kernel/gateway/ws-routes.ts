/** Every WebSocket route the gateway serves: the kernel's job feed plus each API family's own. */
import { families } from "./families";
import type { WsRoute } from "./ws";
import { jobsWsRoute } from "./ws-jobs";

export function allWsRoutes(): WsRoute[] {
  return [jobsWsRoute, ...families().flatMap((f) => f.wsRoutes ?? [])];
}
