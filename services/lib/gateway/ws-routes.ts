/** Every WebSocket route the gateway serves. A domain adds its routes in its own file and one line here. */
import type { WsRoute } from "./ws";
import { jobsWsRoute } from "./ws-jobs";
import { batchWsRoute } from "./ws-batch";

export function allWsRoutes(): WsRoute[] {
  return [jobsWsRoute, batchWsRoute];
}
