/**
 * The live channel of one batch: a WebSocket to /api/batch/ws/:id that reconnects with back-off, and
 * after the batch's end message connects once more so its catch-up brings any result the page missed
 * (the protocol and the reconnect rule are pure, in batch/socket.ts). Every message goes to `onEvent`.
 */
import { useEffect, useRef, useState } from "react";
import { currentToken, refreshSession } from "../api/client";
import { afterClose, batchSocketUrl, parseBatchMessage, type BatchEvent } from "../batch/socket";

export function useBatchSocket(jobId: string, onEvent: (e: BatchEvent) => void): { connected: boolean } {
  const [connected, setConnected] = useState(false);
  // The latest handler, without reconnecting when the screen re-renders.
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let ws: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let ended = false;
    let attempts = 0;
    let finalSync: "no" | "pending" | "done" = "no";

    const open = async () => {
      const token = currentToken() ?? (await refreshSession());
      if (stopped || !token) return;
      const socket = new WebSocket(batchSocketUrl(window.location, jobId, token));
      ws = socket;
      socket.onopen = () => {
        attempts = 0;
        setConnected(true);
      };
      socket.onmessage = (ev) => {
        const e = parseBatchMessage(ev.data);
        if (e.kind === "ignore") return;
        if (e.kind === "end") {
          ended = true;
          if (finalSync === "no") finalSync = "pending";
        }
        handler.current(e);
      };
      // An error is always followed by a close, where the reconnect is decided.
      socket.onerror = () => undefined;
      socket.onclose = (ev) => {
        setConnected(false);
        const next = afterClose({ stopped, ended, finalSync, code: ev.code, attempts });
        if (next.kind === "final") {
          finalSync = "done";
          void open();
        } else if (next.kind === "retry") {
          attempts++;
          retry = setTimeout(() => void open(), next.delayMs);
        }
      };
    };
    void open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, [jobId]);

  return { connected };
}
