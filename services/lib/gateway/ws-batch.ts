/**
 * WebSocket `/api/batch/ws/{job_id}?token=`: watches a batch (observer only; closing it does not stop
 * the job). Sends the reference's sequence: `catchup` (state + results so far), then the per-document
 * progress objects as they happen, then the end message (`completed` / `cancelled` / `failed`) and closes;
 * `keepalive` every 30 s without news.
 *
 * The tagger service may run in another process: it broadcasts `tagger.batch.event`, and a small relay
 * service on this gateway's broker hands them to the sockets. Events carry the job's `seq`, so what the
 * catch-up already contained is not sent twice.
 */
import { EventEmitter } from "node:events";
import type { Context, ServiceBroker } from "moleculer";
import type { WebSocket } from "ws";
import type { WsRoute } from "./ws";

export const KEEPALIVE_MS = 30_000;

interface BatchEvent {
  jobId: string;
  owner: string;
  seq: number;
  message: Record<string, unknown>;
}

const relays = new WeakMap<ServiceBroker, EventEmitter>();

/** One relay service per broker, created on first use. */
function relayOf(broker: ServiceBroker): EventEmitter {
  let bus = relays.get(broker);
  if (bus) return bus;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  bus = emitter;
  relays.set(broker, bus);
  broker.createService({
    name: "tagger-ws-relay",
    events: {
      "tagger.batch.event"(ctx: Context<BatchEvent>) {
        emitter.emit(ctx.params.jobId, ctx.params);
      },
    },
  });
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
  pattern: /^\/api\/batch\/ws\/(?<id>[^/?]+)$/,
  async onOpen(socket: WebSocket, { principal, params, broker }) {
    const jobId = params.id!;
    const bus = relayOf(broker);
    const early: BatchEvent[] = [];
    let lastSeq = -1;
    let status = "processing";
    let live = false;
    let timer: NodeJS.Timeout | undefined;
    const send = (m: Record<string, unknown>) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      restartKeepalive();
    };
    const restartKeepalive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => send({ type: "keepalive", job_id: jobId, status }), KEEPALIVE_MS);
      timer.unref();
    };
    const stop = () => {
      clearTimeout(timer);
      bus.off(jobId, onEvent);
    };
    const deliver = (e: BatchEvent) => {
      if (e.seq <= lastSeq || e.owner !== principal.id) return;
      lastSeq = e.seq;
      const type = e.message.type as string | undefined;
      if (type && END.has(type)) {
        status = type;
        send(e.message);
        stop();
        socket.close(1000, "Job finished");
        return;
      }
      if (type === undefined) status = "processing";
      send(e.message);
    };
    function onEvent(e: BatchEvent) {
      if (live) deliver(e);
      else early.push(e);
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
    lastSeq = watch.seq;
    status = String(watch.state.status ?? status);
    send({ type: "catchup", job_id: jobId, state: watch.state, results: watch.results });
    if (watch.end) {
      send(watch.end);
      stop();
      socket.close(1000, "Job finished");
      return;
    }
    live = true;
    for (const e of early.sort((a, b) => a.seq - b.seq)) deliver(e);
  },
};
