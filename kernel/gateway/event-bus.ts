/**
 * Broadcast events the gateway's WebSocket routes need, delivered to sockets in this process.
 * A Moleculer node receives a broadcast only for events one of its services subscribes to, and peers
 * learn a node's subscriptions from its service registration. The gateway therefore declares these
 * events in its own schema (`forwardingEvents`), so every peer knows them from the moment the gateway
 * is up; a listener service created when the first socket opens would miss what peers sent before they
 * heard of it.
 */
import { EventEmitter } from "node:events";
import type { Context, EventSchemas, ServiceBroker } from "moleculer";

const buses = new WeakMap<ServiceBroker, EventEmitter>();

/** The in-process bus of a broker: emits each forwarded event under its event name. */
export function eventBus(broker: ServiceBroker): EventEmitter {
  let bus = buses.get(broker);
  if (!bus) {
    bus = new EventEmitter();
    bus.setMaxListeners(0);
    buses.set(broker, bus);
  }
  return bus;
}

/** Event handlers for the gateway's schema that hand each named event to the broker's bus. */
export function forwardingEvents(names: string[]): EventSchemas {
  const events: EventSchemas = {};
  for (const name of new Set(names)) {
    events[name] = {
      // Every gateway node gets its own copy: sockets may be connected to any of them.
      handler(this: { broker: ServiceBroker }, ctx: Context<unknown>) {
        eventBus(this.broker).emit(name, ctx.params);
      },
    };
  }
  return events;
}
