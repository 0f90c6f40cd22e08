/**
 * Failures of our own infrastructure (database, broker, NATS) as opposed to a job's own failure: worth
 * retrying, and never a reason to fail a user's job. Errors arrive serialised over the transporter, so
 * the check reads `type`, `name` and the message, never instanceof. Pure.
 */
// REQUEST_REJECTED: the node we called went away mid-request (the core killed); BAD_GATEWAY: our own
// transporter is reconnecting (BrokerDisconnectedError). Both are the broker's, never a job's, failure.
const TRANSIENT_TYPES = ["SERVICE_UNAVAILABLE", "SERVICE_NOT_AVAILABLE", "SERVICE_NOT_FOUND", "REQUEST_TIMEOUT", "REQUEST_SKIPPED", "REQUEST_REJECTED"];
const TRANSIENT_NAMES = [
  "ServiceNotAvailableError",
  "ServiceNotFoundError",
  "RequestTimeoutError",
  "RequestRejectedError",
  "BrokerDisconnectedError",
  "MongoNetworkError",
  "MongoServerSelectionError",
  "MongooseServerSelectionError",
  "MongoNotConnectedError",
  "MongoPoolClearedError",
  "MongoTopologyClosedError",
  "MongoNetworkTimeoutError",
  // The client being closed and reopened (mongo-watchdog.ts), or its pool cleared after a network error.
  "MongoClientClosedError",
  "MongoServerClosedError",
  "MongoPoolClosedError",
  "PoolClearedOnNetworkError",
  "MongoWaitQueueTimeoutError",
];

/**
 * A socket's own failures, which the driver sometimes passes up unwrapped (a write on a connection the
 * database closed while it restarted: a plain Error, code EPIPE, "This socket has been ended by the other
 * party"). `code` survives serialisation over the transporter.
 */
const SOCKET_CODES = ["EPIPE", "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ENOTCONN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"];

export function isTransient(err: unknown): boolean {
  const e = err as { type?: string; name?: string; message?: string; code?: unknown } | null | undefined;
  if (TRANSIENT_TYPES.includes(e?.type ?? "")) return true;
  if (typeof e?.code === "string" && SOCKET_CODES.includes(e.code)) return true;
  if (TRANSIENT_NAMES.includes(e?.name ?? "")) return true;
  // The driver labels the errors it would retry itself (network, pool reset) whatever their class.
  const labelled = err as { hasErrorLabel?: (l: string) => boolean } | null | undefined;
  if (typeof labelled?.hasErrorLabel === "function" && (labelled.hasErrorLabel("RetryableError") || labelled.hasErrorLabel("ResetPool"))) return true;
  return /ECONNREFUSED|ECONNRESET|EPIPE|socket has been ended|socket hang up|connection .*closed|Client must be connected|not connected|Topology is closed|pool was cleared|buffering timed out|Server selection timed out/i.test(e?.message ?? "");
}
