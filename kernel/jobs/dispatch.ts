/**
 * Naming and JetStream set-up of the job channels. One channel per processor, `jobs.<processor>`; the
 * channels middleware prefixes the namespace, so the NATS subject is `<ns>.jobs.<processor>` and the
 * stream `<ns>_jobs_<processor>`. Workers of a processor share one durable consumer group
 * `docmill-worker-<processor>`.
 *
 * The durable consumer is created here, before @moleculer/channels subscribes, for two reasons:
 * - the known start-up race: workers starting together each find no consumer and each create it; the
 *   channels adapter derives the push `deliver_subject` from the node id, so the configs differ and all
 *   but one fail. We create one node-independent config (idempotent: identical config is accepted), retry
 *   with backoff on a conflict, and the adapter then binds to the existing consumer;
 * - `max_ack_pending` is consumer-wide: the adapter sets it to maxInFlight, which would let the whole
 *   cluster run one job at a time. Per-worker concurrency is a local semaphore instead (worker.service.ts),
 *   and a worker whose slots and one-deep waiting line are full hands further messages back (nak with a
 *   delay) so they reach idle workers.
 */
import { AckPolicy, DeliverPolicy, connect, type JetStreamManager, type NatsConnection } from "nats";
import { ACK_WAIT_MS } from "../channels";

export function channelName(processor: string): string {
  return `jobs.${processor}`;
}

export function groupName(processor: string): string {
  return `docmill-worker-${processor}`;
}

export function subjectOf(namespace: string, processor: string): string {
  return namespace ? `${namespace}.${channelName(processor)}` : channelName(processor);
}

export function streamOf(namespace: string, processor: string): string {
  return subjectOf(namespace, processor).split(".").join("_");
}

/**
 * Unacked messages the whole consumer may hold (all workers together): room for every worker slot plus
 * one waiting job per slot; the rest of a backlog stays in the stream. It also bounds the traffic of
 * busy workers handing messages back (worker.service.ts). Consumers created before this value keep theirs.
 */
export const MAX_ACK_PENDING = 256;
/** Deliveries of one message before it goes to the dead-letter queue. */
export const MAX_DELIVER_RETRIES = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[], extra: Record<string, unknown> = {}): Promise<void> {
  try {
    await jsm.streams.info(name);
    return;
  } catch (err) {
    if (!/not found/i.test((err as Error).message)) throw err;
  }
  try {
    await jsm.streams.add({ name, subjects, ...extra });
  } catch (err) {
    // Another process created it between our check and our add.
    if (!/already in use|already exists/i.test((err as Error).message)) throw err;
  }
}

/** Creates the processor's stream and durable consumer if missing; safe to call from many processes at once. */
export async function ensureConsumer(jsm: JetStreamManager, namespace: string, processor: string): Promise<void> {
  await ensureDurable(jsm, streamOf(namespace, processor), subjectOf(namespace, processor), groupName(processor));
}

/**
 * Where the channels adapter moves a message after MAX_DELIVER_RETRIES failed deliveries (the worker's
 * handler threw each time: the jobs service kept refusing it, or was unreachable for minutes). The jobs
 * service consumes it and fails the job with DISPATCH_FAILED, so no job waits forever.
 */
export const DEAD_LETTER_CHANNEL = "DEAD_LETTER";
export const DEAD_LETTER_GROUP = "docmill-jobs-dead-letter";

export function deadLetterSubject(namespace: string): string {
  return namespace ? `${namespace}.${DEAD_LETTER_CHANNEL}` : DEAD_LETTER_CHANNEL;
}

/** The dead-letter stream and the jobs service's durable consumer of it (same race-safe creation). */
export async function ensureDeadLetterConsumer(jsm: JetStreamManager, namespace: string): Promise<void> {
  const subject = deadLetterSubject(namespace);
  await ensureDurable(jsm, subject.split(".").join("_"), subject, DEAD_LETTER_GROUP);
}

/**
 * `deliverSubject`: where the consumer pushes; consumers of the same stream with different durables
 * (the job-changes consumer groups) need one each, or one group's subscription would take the other's messages.
 */
export async function ensureDurable(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  durable: string,
  streamExtra: Record<string, unknown> = {},
  deliverSubject = `_docmill_deliver.${subject}`,
): Promise<void> {
  await ensureStream(jsm, stream, [subject], streamExtra);
  const config = {
    durable_name: durable,
    deliver_subject: deliverSubject,
    deliver_group: stream,
    deliver_policy: DeliverPolicy.All,
    ack_policy: AckPolicy.Explicit,
    ack_wait: ACK_WAIT_MS * 1_000_000,
    max_ack_pending: MAX_ACK_PENDING,
    filter_subject: subject,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await jsm.consumers.info(stream, durable);
      return;
    } catch (err) {
      if (!/not found/i.test((err as Error).message)) throw err;
    }
    try {
      await jsm.consumers.add(stream, config);
      return;
    } catch (err) {
      if (attempt >= 8) throw err;
      // Lost the race to another worker: back off and look again.
      await sleep(50 * 2 ** attempt + Math.random() * 50);
    }
  }
}

/** Opens a short-lived connection for set-up work. */
export async function withJetStream<T>(natsUrl: string, fn: (jsm: JetStreamManager) => Promise<T>): Promise<T> {
  const nc: NatsConnection = await connect({ servers: natsUrl, maxReconnectAttempts: 10, reconnectTimeWait: 500 });
  try {
    return await fn(await nc.jetstreamManager());
  } finally {
    await nc.close().catch(() => undefined);
  }
}
