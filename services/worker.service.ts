/**
 * worker: hosts processor plugins (`docmill worker --plugins a,b`). One JetStream channel per plugin,
 * shared by every worker of that plugin (a consumer group). For each message the worker claims the job
 * atomically, runs the plugin while renewing its lease, stores the outputs, records the outcome, and only
 * then returns, which acks the message. A message for a job that is already final, paused or held by a
 * live worker is acked without work, so redeliveries never produce a second output.
 *
 * Concurrency: WORKER_CONCURRENCY jobs at once per process (a local semaphore). CPU-heavy work inside
 * plugins goes to the PDF engine's worker-thread pool, so the event loop keeps heartbeats flowing.
 */
import { randomUUID } from "node:crypto";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { callOf } from "../kernel/call";
import { config } from "../kernel/config";
import { keepAlive, type RawChannelMessage } from "../kernel/channels";
import { channelName, ensureConsumer, groupName, MAX_DELIVER_RETRIES, withJetStream } from "../kernel/jobs/dispatch";
import type { JobView } from "../kernel/jobs/model";
import type { ClaimParams, ClaimResult, FinishParams, HoldResult, ReleaseParams } from "../kernel/jobs/worker-protocol";
import { executeJob, PROGRESS_TIMEOUT_MS, PROTOCOL_TIMEOUT_MS, retrying } from "../kernel/plugins/execute";
import { isFinal } from "../kernel/jobs/state";
import { isTransient } from "../kernel/jobs/transient";
import { isPdfError } from "../sdk/pdf/errors";
import { warmOcrForPlugins, warmPdfEngine } from "../sdk/pdf/warm";
import { hostedPlugins } from "../kernel/plugins/host";
import { describe, type PluginManifest } from "../sdk/manifest";
import { toJobError, undeclaredCode, type JobError, type RunOutcome } from "../kernel/plugins/runner";
import { memoryWatchdog } from "../kernel/plugins/memory-watchdog";
import { attachMeter, JobMeter } from "../sdk/memory-meter";
import { brokerResources, registryProviders, ResourceCache, type HostResources } from "../kernel/plugins/resources";
import { Semaphore } from "../kernel/plugins/semaphore";
import { recordDelivery, recordRun } from "../sdk/metrics";
import type { FileIdParams, RemoveFileResult } from "../kernel/storage/params";
import type { DeliveryFailedParams } from "../kernel/jobs/worker-protocol";

interface WorkerVars {
  workerId: string;
  /** Messages waiting here for a free slot (at most WORKER_CONCURRENCY: the rest go back to NATS). */
  waiting: number;
  stopping: boolean;
  plugins: Map<string, PluginManifest>;
  slots: Semaphore;
  running: Map<string, AbortController>;
  /** `ctx.resources` of every job here: one cache per process (see kernel/plugins/resources.ts). */
  resources: HostResources;
}

interface WorkerMethods {
  handle(jobId: string, raw: RawChannelMessage | undefined): Promise<void>;
  process(jobId: string): Promise<void>;
}

type This = import("moleculer").Service<ServiceSettingSchema> & WorkerVars & WorkerMethods;

/** Re-exported for callers that imported it from here (it lives in kernel/jobs/transient.ts). */
export { isTransient };

const plugins = hostedPlugins();
/** Resources (a controlled vocabulary...) fetched by this process's jobs, per kind, id and version. */
const resourceCache = new ResourceCache();


/** A busy worker hands a message back for redelivery after this long (plus jitter). */
const BUSY_REDELIVER_MS = 200;
/** A message handed back during an outage of our own comes again after this long (plus jitter). */
const OUTAGE_REDELIVER_MS = 2_000;

const WorkerService: ServiceSchema<ServiceSettingSchema, object, object, This> & { channels: Record<string, unknown> } = {
  name: "worker",
  // Every gateway and jobs node learns from the registry which plugins exist and their options schema.
  metadata: { plugins: plugins.map(describe) },

  channels: Object.fromEntries(
    plugins.map((p) => [
      channelName(p.id),
      {
        group: groupName(p.id),
        maxRetries: MAX_DELIVER_RETRIES,
        deadLettering: { enabled: true, queueName: "DEAD_LETTER" },
        async handler(this: This, ctx: Context<{ jobId: string }>, raw: RawChannelMessage) {
          recordDelivery(p.id, raw);
          await this.handle(ctx.params.jobId, raw);
        },
      },
    ]),
  ),

  events: {
    /** A cancelled (or expired) job stops at once rather than at its next heartbeat. */
    "job.updated"(this: This, ctx: Context<{ job: JobView }>) {
      const job = ctx.params.job;
      if (isFinal(job.status)) this.running.get(job.id)?.abort(new DOMException(`The job was ${job.status}`, "AbortError"));
    },
  },

  methods: {
    async handle(this: This, jobId: string, raw: (RawChannelMessage & { nak?: (millis?: number) => void }) | undefined) {
      // A duplicate delivery while this process runs the job: the running attempt will finish it.
      if (this.running.has(jobId)) return;
      if (this.waiting >= config().workerConcurrency && raw?.nak) {
        // Every slot is busy and the next job is already waiting here: hand this one back so NATS can
        // deliver it to an idle worker. (JetStream pushes messages to the group at random and as fast
        // as they come; without this, one worker could sit on a queue of jobs while another idles.)
        // The adapter's ack after a nak is a no-op.
        raw.nak(BUSY_REDELIVER_MS + Math.floor(Math.random() * BUSY_REDELIVER_MS));
        return;
      }
      const stop = keepAlive(raw);
      try {
        this.waiting++;
        try {
          await this.slots.acquire();
        } finally {
          this.waiting--;
        }
        try {
          await this.process(jobId);
        } finally {
          this.slots.release();
        }
      } catch (err) {
        if ((isTransient(err) || this.stopping) && raw?.nak) {
          // Our own infrastructure is away (the jobs service, NATS, the database), or we are stopping: not
          // the job's failure. Hand the message back for later and return: a throw would count toward the
          // dead-letter limit, and an outage longer than a few retries would fail the job DISPATCH_FAILED.
          this.logger.warn(`job ${jobId}: handed back for later (${(err as Error).message})`);
          raw.nak(OUTAGE_REDELIVER_MS + Math.floor(Math.random() * OUTAGE_REDELIVER_MS));
          return;
        }
        // A real failure: recorded on the job, which the dead-letter handler reads before failing it.
        this.logger.warn(`job ${jobId}: delivery failed (${(err as { name?: string }).name}: ${(err as Error).message})`);
        await callOf(this.broker)<{ failures: number }, DeliveryFailedParams>("jobs.deliveryFailed", { id: jobId }, { timeout: PROGRESS_TIMEOUT_MS }).catch(() => undefined);
        throw err;
      } finally {
        stop();
      }
    },

    async process(this: This, jobId: string) {
      const call = callOf(this.broker);
      const claim = await retrying(this.logger, "claim", () =>
        call<ClaimResult, ClaimParams>("jobs.claim", { id: jobId, workerId: this.workerId } satisfies ClaimParams, { timeout: PROTOCOL_TIMEOUT_MS }),
      );
      if (!claim.job) {
        this.logger.debug(`job ${jobId}: nothing to do (${claim.reason})`);
        return;
      }
      const job = claim.job;
      const manifest = this.plugins.get(job.processor);
      const ac = new AbortController();
      this.running.set(job.id, ac);
      // Memory outside the JavaScript heaps (WebAssembly, decoded images) is bounded per job: over the
      // budget the job is aborted, which ends the threads running its tasks (kernel/plugins/memory-watchdog.ts).
      // The meter tied to the job's signal is what its thread tasks report (sdk/memory-meter.ts).
      const meter = new JobMeter();
      attachMeter(ac.signal, meter);
      const unwatch = memoryWatchdog().watch(job.id, (reason) => {
        this.logger.warn(`job ${job.id}: stopped, ${reason.message}`);
        ac.abort(reason);
      }, meter);
      let outcome: RunOutcome | undefined;
      let error: JobError | undefined;
      const runStarted = performance.now();
      try {
        if (!manifest) throw Object.assign(new Error(`This worker does not host ${job.processor}`), { type: "PLUGIN_NOT_HOSTED" });
        outcome = await executeJob({ workerId: this.workerId, logger: this.logger, call, resources: this.resources }, job, manifest, ac);
      } catch (err) {
        if ((isTransient(err) && !ac.signal.aborted) || this.stopping) {
          // Not the job's fault: give it back (without counting the attempt) for a later try.
          this.logger.warn(`job ${job.id}: infrastructure error, releasing it: ${(err as Error).message}`);
          this.running.delete(job.id);
          await retrying(this.logger, "release", () => call<{ ok: boolean }, ReleaseParams>("jobs.release", { id: job.id, workerId: this.workerId, attempt: job.attempts } satisfies ReleaseParams, { timeout: PROTOCOL_TIMEOUT_MS })).catch(
            () => undefined,
          );
          return;
        }
        // Stopped by the memory budget: the job fails with that limit, not as "cancelled".
        const reason: unknown = ac.signal.aborted ? ac.signal.reason : undefined;
        const thrown: unknown = isPdfError(reason) ? reason : err;
        error = toJobError(thrown);
        const undeclared = undeclaredCode(thrown);
        if (undeclared) this.logger.warn(`job ${job.id}: ${error.plugin ?? "the host"} failed with the code ${undeclared}, which no error catalog entry declares; the job reports ${error.type} (a plugin declares its codes in its manifest's errors)`);
      } finally {
        unwatch();
      }
      recordRun(job.processor, { resumedFrom: job.resume?.point, attempts: job.attempts, seconds: (performance.now() - runStarted) / 1000, outcome: outcome ? outcome.status : "failed" });
      try {
        const outputs = (outcome?.outputs ?? []).map((o) => ({ name: o.name, fileId: o.fileId, contentType: o.contentType, filename: o.filename, size: o.size, sha256: o.sha256 }));
        const fin = await retrying(this.logger, "finish", () =>
          call<HoldResult, FinishParams>("jobs.finish", {
            id: job.id,
            workerId: this.workerId,
            attempt: job.attempts,
            status: outcome ? outcome.status : "failed",
            point: outcome?.status === "paused" ? outcome.point : undefined,
            result: outcome?.result,
            outputs,
            error,
          } satisfies FinishParams, { timeout: PROTOCOL_TIMEOUT_MS }),
        );
        if (!fin.ok) {
          // The job moved on without us (cancelled, expired, taken over): our outputs must not linger.
          for (const o of outputs) await call<RemoveFileResult, FileIdParams>("storage.remove", { id: o.fileId }).catch(() => undefined);
          this.logger.info(`job ${job.id} (${job.processor}, attempt ${job.attempts}): outcome dropped, the job is ${fin.status ?? "gone"}`);
        } else {
          this.logger.info(`job ${job.id} (${job.processor}, attempt ${job.attempts}): ${fin.status}${error ? ` ${error.type}${error.plugin ? ` (${error.plugin} ${error.stage ?? ""})` : ""}` : ""}`);
        }
      } finally {
        this.running.delete(job.id);
      }
    },
  },

  created(this: This) {
    this.workerId = `${this.broker.nodeID}:${randomUUID().slice(0, 8)}`;
    this.plugins = new Map(plugins.map((p) => [p.id, p]));
    this.slots = new Semaphore(config().workerConcurrency);
    this.running = new Map();
    this.resources = brokerResources({ call: callOf(this.broker), providers: registryProviders(this.broker), cache: resourceCache });
    this.waiting = 0;
    this.stopping = false;
  },

  async started(this: This) {
    const url = config().natsUrl;
    if (url && plugins.length) {
      // Create the durable consumers before the channels middleware subscribes (see lib/jobs/dispatch.ts).
      await withJetStream(url, async (jsm) => {
        for (const p of plugins) await ensureConsumer(jsm, this.broker.namespace, p.id);
      });
    }
    this.logger.info(`worker ${this.workerId} hosts ${plugins.map((p) => `${p.id}@${p.version}`).join(", ") || "no plugins"} (concurrency ${config().workerConcurrency})`);
    // The first document should not pay for loading the PDF engine into a fresh thread.
    if (plugins.some((p) => p.accepts.includes("application/pdf"))) {
      void warmPdfEngine().then((ms) => this.logger.debug(`PDF engine warm in ${ms} ms`));
    }
    // Likewise the first scanned page should not pay for starting Tesseract (DOCMILL_OCR_WARM).
    void warmOcrForPlugins(plugins).then((langs) => { if (langs.length) this.logger.debug(`OCR warm (${langs.join("+")})`); });
  },

  async stopped(this: This) {
    this.stopping = true;
    for (const ac of this.running.values()) ac.abort(new DOMException("The worker is stopping", "AbortError"));
  },
};

export default WorkerService;
