/**
 * Cache invalidation across nodes. Services that cache user or key state per process must drop an
 * entry on every node before the change is acknowledged, so the very next request anywhere sees it.
 * A broadcast alone is fire-and-forget (the next request could beat it), so each node hosting the
 * service is called directly and awaited; the broadcast still goes out for nodes that joined late.
 */
import type { ServiceBroker } from "moleculer";
import { callOf } from "../call";

export async function invalidateEverywhere(
  broker: ServiceBroker,
  service: string,
  action: string,
  event: string,
  params: Record<string, unknown>,
): Promise<void> {
  const list = broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true, withActions: false }) as Array<{ name: string; nodeID: string }>;
  const nodes = [...new Set(list.filter((s) => s.name === service).map((s) => s.nodeID))];
  await Promise.all(
    nodes.map((nodeID) =>
      callOf(broker)<unknown, Record<string, unknown>>(`${service}.${action}`, params, { nodeID }).catch((err: Error) => {
        broker.logger.warn(`cache invalidation on node ${nodeID} failed: ${err.message}; relying on broadcast and TTL`);
      }),
    ),
  );
  await broker.broadcast(event, params);
}
