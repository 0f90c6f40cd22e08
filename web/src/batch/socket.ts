/**
 * The batch WebSocket's protocol as the page reads it (/api/batch/ws/:id, docs/tagging.md): each message
 * to one event, and when to connect again. Pure; unit-tested in test/unit/web/batch/socket.test.ts.
 * web/src/hooks/useBatchSocket.ts owns the socket itself.
 */
import type { BatchStatus, RowResult } from "../api/tagging";

export type BatchEvent =
  /** The server refused or failed (e.g. an expired token, an unknown job). */
  | { kind: "error"; message: string }
  /** The first message of every connection: the job's state and every result so far. */
  | { kind: "catchup"; state?: Partial<BatchStatus>; results: RowResult[] }
  /** The batch ended (completed, failed, cancelled) or the server gave up on it (error). */
  | { kind: "end"; message: string }
  | { kind: "keepalive"; status?: BatchStatus["status"] }
  | { kind: "row"; row: RowResult }
  | { kind: "ignore" };

const END = new Set(["completed", "failed", "cancelled", "error"]);

export function parseBatchMessage(data: unknown): BatchEvent {
  let msg: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(String(data));
    if (!v || typeof v !== "object" || Array.isArray(v)) return { kind: "ignore" };
    msg = v as Record<string, unknown>;
  } catch {
    return { kind: "ignore" };
  }
  if (msg.error) return { kind: "error", message: String(msg.error) };
  const type = typeof msg.type === "string" ? msg.type : "";
  if (type === "catchup") {
    const state = msg.state && typeof msg.state === "object" ? (msg.state as Partial<BatchStatus>) : undefined;
    const results = Array.isArray(msg.results) ? (msg.results as RowResult[]).filter((r) => typeof r?.row_id === "number") : [];
    return { kind: "catchup", state, results };
  }
  if (END.has(type)) return { kind: "end", message: String(msg.message ?? type) };
  if (type === "keepalive") return { kind: "keepalive", status: typeof msg.status === "string" ? (msg.status as BatchStatus["status"]) : undefined };
  if (typeof msg.row_id === "number") return { kind: "row", row: msg as unknown as RowResult };
  return { kind: "ignore" };
}

/** Close code of a refused token or job: connecting again would be refused again. */
export const POLICY_VIOLATION = 1008;

/**
 * What to do when the socket closed. After the end message the page connects once more ("final"): that
 * connection's catch-up carries every result, in case a live message was missed. Otherwise it retries
 * with exponential back-off (1 s, 2 s, 4 s ... at most 10 s) unless the page left, the batch ended or
 * the server refused.
 */
export function afterClose(s: { stopped: boolean; ended: boolean; finalSync: "no" | "pending" | "done"; code: number; attempts: number }): { kind: "final" } | { kind: "retry"; delayMs: number } | { kind: "stop" } {
  if (!s.stopped && s.finalSync === "pending") return { kind: "final" };
  if (s.stopped || s.ended || s.code === POLICY_VIOLATION) return { kind: "stop" };
  return { kind: "retry", delayMs: Math.min(10_000, 500 * 2 ** (s.attempts + 1)) };
}

/** The socket's address on the page's own host (ws: or wss: as the page). The token travels in the query: browsers cannot set headers on a WebSocket. */
export function batchSocketUrl(loc: { protocol: string; host: string }, jobId: string, token: string): string {
  const proto = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${loc.host}/api/batch/ws/${encodeURIComponent(jobId)}?token=${encodeURIComponent(token)}`;
}
