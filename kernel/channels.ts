/**
 * Durable work (STYLE.md, convention 7): @moleculer/channels on NATS JetStream, one durable consumer group
 * per processor, explicit acks after the result is stored, bounded redeliveries and a dead-letter queue.
 * Without NATS_URL (the `docmill run` command, unit tests) an in-memory adapter keeps the same API in one
 * process; it is not durable and is never used when NATS is configured.
 */
// @moleculer/channels ships CommonJS without type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Channels = require("@moleculer/channels") as { Middleware: (opts: unknown) => unknown };
import type { Middleware, ServiceBroker } from "moleculer";
import type { Config } from "./config";

/** How long a message may stay un-acked before JetStream redelivers it to another worker. */
export const ACK_WAIT_MS = 30_000;
/** Handlers extend the ack deadline this often while they work (see `keepAlive`). */
export const WORKING_INTERVAL_MS = 10_000;

export function channelsMiddleware(cfg: Pick<Config, "natsUrl">): Middleware {
  const adapter = cfg.natsUrl
    ? {
        type: "NATS",
        options: {
          nats: {
            url: cfg.natsUrl,
            connectionOptions: { maxReconnectAttempts: -1, reconnectTimeWait: 500 },
            streamConfig: {},
            consumerOptions: {
              config: {
                // A consumer created after messages were queued must still see them.
                deliver_policy: "all",
                ack_wait: ACK_WAIT_MS * 1_000_000,
              },
            },
          },
          maxInFlight: 1,
          maxRetries: 3,
          deadLettering: { enabled: true, queueName: "DEAD_LETTER" },
        },
      }
    : { type: "Fake", options: { maxRetries: 3, maxInFlight: 1 } };
  return Channels.Middleware({ adapter, context: true }) as Middleware;
}

/** Minimal view of a JetStream message: enough to extend its ack deadline while a long job runs. */
export interface RawChannelMessage {
  working?: () => void;
  info?: { redeliveryCount?: number };
}

/**
 * Keeps a long-running handler's message from being redelivered while the handler is alive. If the
 * process dies, the keep-alive stops and JetStream hands the message to another worker after ACK_WAIT_MS.
 */
export function keepAlive(raw: RawChannelMessage | undefined): () => void {
  if (!raw?.working) return () => undefined;
  const timer = setInterval(() => raw.working?.(), WORKING_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** What @moleculer/channels adds to the broker (its middleware installs these; its types do not declare them). */
export interface ChannelBroker {
  channelAdapter?: { manager?: import("nats").JetStreamManager; connected?: boolean };
  sendToChannel(name: string, payload: unknown, opts?: unknown): Promise<void>;
}

/** The broker with the channels middleware's additions typed (the one place they are asserted). */
export function channelsOf(broker: ServiceBroker): ChannelBroker {
  return broker as unknown as ChannelBroker;
}
