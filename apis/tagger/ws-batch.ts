/**
 * WebSocket `/api/batch/ws/{job_id}?token=`: watches a batch (observer only; closing it does not stop
 * the job). Sends the reference's sequence: `catchup` (state + results so far), then the per-document
 * progress objects as they happen, then the end message (`completed` / `cancelled` / `failed`) and closes;
 * `keepalive` every 30 s without news.
 *
 * The tagger service may run in another process: it broadcasts `tagger.batch.event`, and a small relay
 * service on this gateway's broker hands them to the sockets. Events carry the job's `seq`, so what the
 * catch-up already contained is not sent twice. Broadcasts can be lost (an outage, a crash between the
 * tagger's write and its broadcast), so while the socket is open the stored state is read again every
 * JOB_RECONCILE_INTERVAL_SECONDS: finished documents the client was not told of, and the end, are sent
 * from it.
 */
import { EventEmitter } from "node:events";
import type { ServiceBroker } from "moleculer";
import { config } from "../../kernel/config";
import { eventBus } from "../../kernel/gateway/event-bus";
import type { WebSocket } from "ws";
import { SeqOrder } from "../../kernel/gateway/seq-order";
import type { WsRoute } from "../../kernel/gateway/ws";

export /** How long a missing event number is waited for before the events after it are sent anyway. */
const GAP_WAIT_MS = 400;
const KEEPALIVE_MS = 30_000;

const BATCH_EVENT = "tagger.batch.event";

interface BatchEvent {
  jobId: string;
  owner: string;
  seq: number;
  message: Record<string, unknown>;
}

const relays = new WeakMap<ServiceBroker, EventEmitter>();

/** Batch events of this gateway's node, keyed by batch id. */
function relayOf(broker: ServiceBroker): EventEmitter {
  let bus = relays.get(broker);
  if (bus) return bus;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  bus = emitter;
  relays.set(broker, bus);
  eventBus(broker).on(BATCH_EVENT, (e: BatchEvent) => emitter.emit(e.jobId, e));
  return bus;
}

interface Watch {
  seq: number;
  state: Record<string, unknown>;
  results: Record<string, unknown>[];
  end: Record<string, unknown> | null;
}

const END = new Set(["completed", "failed", "cancelled", "error"]);

export const batchWsRoute: WsRoute = {
  events: [BATCH_EVENT],
  pattern: /^\/api\/batch\/ws\/(?<id>[^/?]+)$/,
  async onOpen(socket: WebSocket, { principal, params, broker }) {
    const jobId = params.id!;
    const bus = relayOf(broker);
    const early: BatchEvent[] = [];
    let status = "processing";
    let live = false;
    let closed = false;
    // Created once the catch-up tells where live events start; events before that wait in `early`.
    // eslint-disable-next-line prefer-const -- assigned after the catch-up, read by stop() before that
    let order: SeqOrder<BatchEvent> | undefined;
    let timer: NodeJS.Timeout | undefined;
    // eslint-disable-next-line prefer-const -- assigned once the catch-up is sent, read by the close handler before that
    let check: NodeJS.Timeout | undefined;
    /** Rows whose finished message the client has (from the catch-up or live). */
    const told = new Set<unknown>();
    const send = (m: Record<string, unknown>) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      restartKeepalive();
    };
    const restartKeepalive = () => {
      clearTimeout(timer);
      if (closed) return;
      timer = setTimeout(() => send({ type: "keepalive", job_id: jobId, status }), KEEPALIVE_MS);
      timer.unref();
    };
    const stop = () => {
      closed = true;
      clearTimeout(timer);
      clearInterval(check);
      order?.close();
      bus.off(jobId, onEvent);
    };
    const isFinished = (m: Record<string, unknown>) => m.status === "success" || m.status === "failed";
    /** Finished rows of the stored state the client was not told of (their live event was lost). */
    const sendUntold = (results: Record<string, unknown>[]) => {
      for (const r of results) {
        if (told.has(r.row_id)) continue;
        told.add(r.row_id);
        send(r);
      }
    };
    let ending = false;
    const deliver = (e: BatchEvent) => {
      if (ending) return;
      const type = e.message.type as string | undefined;
      if (type && END.has(type)) {
        // Every row before the end: rows whose live event was lost come from the stored state first.
        ending = true;
        void broker
          .call<Watch, { job_id: string; owner: string }>("tagger.batchWatch", { job_id: jobId, owner: principal.id })
          .then((w) => sendUntold(w.results), () => undefined)
          .then(() => {
            status = type;
            send(e.message);
            stop();
            socket.close(1000, "Job finished");
          });
        return;
      }
      if (type === undefined) status = "processing";
      if (isFinished(e.message)) {
        // Already sent from the stored state by a check while this live event was on its way.
        if (told.has(e.message.row_id)) return;
        told.add(e.message.row_id);
      }
      send(e.message);
    };
    function onEvent(e: BatchEvent) {
      if (live && e.owner === principal.id) order?.push(e);
      else if (!live) early.push(e);
    }
    // Subscribe before the catch-up, so nothing that happens in between is lost.
    bus.on(jobId, onEvent);
    socket.on("close", stop);
    let watch: Watch;
    try {
      watch = await broker.call<Watch, { job_id: string; owner: string }>("tagger.batchWatch", { job_id: jobId, owner: principal.id });
    } catch (err) {
      stop();
      throw err;
    }
    // Everything up to the catch-up's seq is in the catch-up itself.
    order = new SeqOrder<BatchEvent>(watch.seq + 1, deliver, GAP_WAIT_MS);
    const accept = (e: BatchEvent) => {
      if (e.owner === principal.id) order?.push(e);
    };
    status = String(watch.state.status ?? status);
    for (const r of watch.results) told.add(r.row_id);
    send({ type: "catchup", job_id: jobId, state: watch.state, results: watch.results });
    if (watch.end) {
      send(watch.end);
      stop();
      socket.close(1000, "Job finished");
      return;
    }
    live = true;
    for (const e of early) accept(e);
    if (closed) return;
    // The stored state, read again while the socket is open: what live events missed is sent from it.
    check = setInterval(() => {
      broker.call<Watch, { job_id: string; owner: string }>("tagger.batchWatch", { job_id: jobId, owner: principal.id }).then(
        (w) => {
          if (closed || ending) return;
          sendUntold(w.results);
          if (w.end) deliver({ jobId, owner: principal.id, seq: w.seq, message: w.end });
        },
        () => undefined, // the tagger is away: the next tick reads again
      );
    }, config().jobs.reconcileIntervalSeconds * 1000);
    check.unref();
  },
};
