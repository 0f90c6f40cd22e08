/**
 * Failures of our own infrastructure (database, broker, NATS) as opposed to a job's own failure: worth
 * retrying, and never a reason to fail a user's job. Errors arrive serialised over the transporter, so
 * the check reads `type`, `name` and the message, never instanceof. Pure.
 */
const TRANSIENT_TYPES = ["SERVICE_UNAVAILABLE", "SERVICE_NOT_AVAILABLE", "SERVICE_NOT_FOUND", "REQUEST_TIMEOUT", "REQUEST_SKIPPED"];
const TRANSIENT_NAMES = [
  "ServiceNotAvailableError",
  "ServiceNotFoundError",
  "RequestTimeoutError",
  "MongoNetworkError",
  "MongoServerSelectionError",
  "MongooseServerSelectionError",
  "MongoNotConnectedError",
  "MongoPoolClearedError",
  "MongoTopologyClosedError",
  "MongoNetworkTimeoutError",
];

export function isTransient(err: unknown): boolean {
  const e = err as { type?: string; name?: string; message?: string } | null | undefined;
  if (TRANSIENT_TYPES.includes(e?.type ?? "")) return true;
  if (TRANSIENT_NAMES.includes(e?.name ?? "")) return true;
  return /ECONNREFUSED|ECONNRESET|connection .*closed|Client must be connected|not connected|Topology is closed|pool was cleared|buffering timed out|Server selection timed out/i.test(e?.message ?? "");
}
