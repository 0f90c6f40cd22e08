/**
 * WebSocket `/api/jobs/ws/:id?token=...`: status and progress of one job, live. Only the job's owner or
 * an admin may watch (the jobs service answers 404 for anyone else). The first message is the current
 * state (catch-up), then every change in order; the socket closes after a final status.
 *
 *   {"type":"status","job":{...JobView}}          on open and on every status change
 *   {"type":"progress","jobId","percent","message","seq"}
 *
 * `subscribeJob` is exported for the family APIs' own WebSockets (same events, their own message shapes).
 *
 * The live events are broadcasts, which an outage or a crash can lose; so while the socket is open the
 * stored state is read again every JOB_RECONCILE_INTERVAL_SECONDS and sent if it is newer than what the
 * client has: a client connected through an outage still sees the job end. A client that reconnects
 * gets the stored state first, as always.
 */
import { EventEmitter } from "node:events";
import type { ServiceBroker } from "moleculer";
import type { WebSocket } from "ws";
import { config } from "../config";
import type { JobView } from "../jobs/model";
import { isFinal } from "../jobs/state";
import type { Principal } from "./types";
import { eventBus } from "./event-bus";
import type { WsRoute } from "./ws";

export interface ProgressEvent {
  jobId: string;
  owner: string;
  percent: number;
  message: string;
  seq: number;
}

export type JobEvent = { type: "status"; job: JobView } | ({ type: "progress" } & ProgressEvent);

const buses = new WeakMap<ServiceBroker, EventEmitter>();

/** Job events of this gateway's node (forwarded by the gateway, see event-bus.ts), keyed by job id. */
async function busOf(broker: ServiceBroker): Promise<EventEmitter> {
  let bus = buses.get(broker);
  if (bus) return bus;
  const b = new EventEmitter();
  b.setMaxListeners(0);
  buses.set(broker, b);
  const events = eventBus(broker);
  events.on("job.updated", (p: { job: JobView }) => b.emit(p.job.id, { type: "status", job: p.job } satisfies JobEvent));
  events.on("job.progress", (p: ProgressEvent) => b.emit(p.jobId, { type: "progress", ...p } satisfies JobEvent));
  bus = b;
  return bus;
}

/** Calls `listener` for every event of the job, in order (stale events dropped by `seq`). */
export async function subscribeJob(broker: ServiceBroker, jobId: string, listener: (e: JobEvent) => void, fromSeq = -1): Promise<() => void> {
  const bus = await busOf(broker);
  let seq = fromSeq;
  const on = (e: JobEvent) => {
    const s = e.type === "status" ? e.job.seq : e.seq;
    if (s <= seq) return;
    seq = s;
    listener(e);
  };
  bus.on(jobId, on);
  return () => bus.off(jobId, on);
}

export const jobsWsRoute: WsRoute = {
  events: ["job.updated", "job.progress"],
  pattern: /^\/api\/jobs\/ws\/(?<id>[A-Za-z0-9-]{1,64})$/,
  async onOpen(socket: WebSocket, { principal, params, broker }: { principal: Principal; params: Record<string, string>; broker: ServiceBroker }) {
    const id = params.id!;
    const buffered: JobEvent[] = [];
    let ready = false;
    let last = -1;
    const send = (e: JobEvent) => {
      const s = e.type === "status" ? e.job.seq : e.seq;
      if (s <= last) return;
      last = s;
      socket.send(JSON.stringify(e));
      if (e.type === "status" && isFinal(e.job.status)) socket.close(1000, e.job.status);
    };
    // Subscribe first, read second: nothing between the catch-up and the live stream is lost.
    const unsubscribe = await subscribeJob(broker, id, (e) => (ready ? send(e) : buffered.push(e)));
    // eslint-disable-next-line prefer-const -- assigned once the catch-up is sent, read by the close handler before that
    let check: NodeJS.Timeout | undefined;
    socket.once("close", () => {
      unsubscribe();
      clearInterval(check);
    });
    const read = () => broker.call<JobView, { id: string }>("jobs.get", { id }, { meta: { user: principal } });
    let job: JobView;
    try {
      job = await read();
    } catch (err) {
      unsubscribe();
      throw err;
    }
    send({ type: "status", job });
    ready = true;
    for (const e of buffered) if (socket.readyState === socket.OPEN) send(e);
    if (isFinal(job.status) || socket.readyState !== socket.OPEN) return;
    check = setInterval(() => {
      read().then(
        (j) => socket.readyState === socket.OPEN && send({ type: "status", job: j }),
        () => undefined, // the runtime is away: the next tick reads again
      );
    }, config().jobs.reconcileIntervalSeconds * 1000);
    check.unref();
  },
};
