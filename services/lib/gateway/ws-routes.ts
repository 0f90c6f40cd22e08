/** Every WebSocket route the gateway serves. A domain adds its routes in its own file and one line here. */
import type { WsRoute } from "./ws";

export function allWsRoutes(): WsRoute[] {
  return [];
}
