/**
 * WebSocket routes on the gateway's HTTP server. Browsers cannot set headers on a WebSocket, so the
 * access token comes as `?token=`; the same auth service checks it as for HTTP. Without a valid token
 * the server sends `{"error": "Authentication required", ...}` and closes with 1008 (policy violation),
 * as the tag generator's clients expect.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ServiceBroker } from "moleculer";
import { WebSocketServer, type WebSocket } from "ws";
import { queryToken } from "./authenticate";
import type { Principal } from "./types";

export interface WsRoute {
  /** Path pattern with one or more named groups, e.g. /^\/api\/batch\/ws\/(?<id>[^/?]+)$/ */
  pattern: RegExp;
  /** Broadcast events the route listens to (through `eventBus`); the gateway subscribes to them at start. */
  events?: string[];
  /** Called once the socket is authenticated. Must check the caller may watch `params` (ownership). */
  onOpen(socket: WebSocket, opts: { principal: Principal; params: Record<string, string>; broker: ServiceBroker }): Promise<void> | void;
}

/** Largest frame (or reassembled message) a client may send; anything bigger closes that socket with 1009. */
export const WS_MAX_PAYLOAD = 64 * 1024;

export function attachWebSockets(server: Server, broker: ServiceBroker, routes: WsRoute[]): WebSocketServer {
  const logger = broker.getLogger("ws");
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  // Without these listeners an 'error' event is thrown by EventEmitter and takes the whole process
  // down (issue 14: one 70 KiB frame without a token killed docmill). Each failure ends one socket.
  wss.on("error", (err) => logger.warn({ msg: "websocket server error", error: err.message }));
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A reset during the handshake is the client's business: drop the socket, keep serving.
    socket.on("error", (err) => {
      logger.info({ msg: "websocket handshake socket error", error: (err as NodeJS.ErrnoException).code ?? err.message });
      socket.destroy();
    });
    const path = (req.url ?? "/").split("?")[0];
    const match = routes.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
    if (!match) {
      socket.write("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const params = { ...(match.m!.groups ?? {}) };
      // ws has already started closing the socket (1009 oversized, 1007 invalid UTF-8, 1002 protocol
      // error such as an unmasked frame or an unknown opcode) when it emits 'error'; we only log it.
      // The path is logged without its query string: that carries the access token.
      ws.on("error", (err) => {
        const code = (err as { code?: string }).code;
        logger.info({ msg: "websocket closed on a bad frame", path, reason: code ?? err.message });
        if (ws.readyState === ws.OPEN) ws.close(1002, "Protocol error");
      });
      // Anything a client sends is ignored (the routes only push), but it must not be buffered.
      ws.on("message", () => undefined);
      void (async () => {
        const token = queryToken(req.url);
        let principal: Principal;
        try {
          if (!token) throw new Error("no token");
          principal = await broker.call<Principal, { token: string }>("auth.resolveToken", { token });
        } catch {
          ws.send(JSON.stringify({ error: "Authentication required", job_id: params.id ?? null }));
          ws.close(1008, "Authentication required");
          return;
        }
        try {
          await match.r.onOpen(ws, { principal, params, broker });
        } catch (err) {
          const e = err as { code?: number; message?: string };
          const known = typeof e.code === "number" && e.code < 500;
          ws.send(JSON.stringify({ type: "error", job_id: params.id ?? null, message: known ? e.message : "Internal server error" }));
          ws.close(known ? 1008 : 1011, known ? "Refused" : "Internal error");
        }
      })();
    });
  });
  return wss;
}
