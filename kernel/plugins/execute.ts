/**
 * One claimed job run on a worker: its input opened from storage (with a stall guard), the plugin run
 * (runner.ts) with progress and outputs going to the jobs and storage services, and a heartbeat that
 * renews the lease and aborts the run when the job is no longer this worker's (cancelled, expired, taken
 * over). The worker service (services/worker.service.ts) claims, calls this, and records the outcome.
 */
import { Readable } from "node:stream";
import type { Logger } from "moleculer";
import { config } from "../config";
import type { ClaimResult, HoldResult, ProgressParams } from "../jobs/worker-protocol";
import { isTransient } from "../jobs/transient";
import { guardStall, guardUpload } from "../storage/stall";
import type { StoredFile } from "../storage/store";
import type { InputFile, PluginManifest, WrittenOutput } from "../../sdk/manifest";
import type { HostResources } from "./resources";
import { runPlugin, type RunOutcome } from "./runner";

export type ClaimedJob = NonNullable<ClaimResult["job"]>;
export type { Call } from "../call";
import type { Call } from "../call";
import type { FileIdParams } from "../storage/params";

/**
 * Timeouts of the worker protocol calls. A request published while NATS is away is lost, not queued:
 * without a short timeout the worker would wait the broker's full 30 s before retrying. The jobs service
 * answers in milliseconds, or within the driver's 10 s server selection while the database restarts.
 */
export const PROTOCOL_TIMEOUT_MS = 15_000;
export const PROGRESS_TIMEOUT_MS = 5_000;
/** A file stream from storage that sends nothing for this long has stalled (see kernel/storage/stall.ts). */
const STREAM_IDLE_MS = 20_000;
/**
 * How long the store may take to confirm an output once it has all of it: 60 s plus a millisecond per
 * KiB (a Buffer output's call timeout, and a stream output's wait after its last byte).
 */
const answerMs = (bytes: number) => 60_000 + Math.ceil(bytes / 1024);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries a call to the jobs service while the database or the broker is away (up to ~2 minutes). */
export async function retrying<T>(logger: Logger, what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || attempt >= 40) throw err;
      if (attempt % 5 === 0) logger.warn(`${what} failed (${(err as Error).message}); retrying`);
      await sleep(Math.min(3000, 200 * 2 ** Math.min(attempt, 4)));
    }
  }
}

export interface ExecuteDeps {
  workerId: string;
  logger: Logger;
  call: Call;
  /** `ctx.resources`: the worker's cache of read-only data, fetched from its providers (resources.ts). */
  resources?: HostResources;
  /** Stall bounds of the storage streams (tests shorten them); defaults STREAM_IDLE_MS and answerMs. */
  streams?: { idleMs: number; answerMs: (bytes: number) => number };
}

/** Runs the plugin on the claimed job; aborts through `ac` when the jobs service says the job is gone. */
export async function executeJob(d: ExecuteDeps, job: ClaimedJob, manifest: PluginManifest, ac: AbortController): Promise<RunOutcome> {
  const { call, workerId, logger } = d;
  const leaseMs = config().jobs.leaseSeconds * 1000;
  const progress = (p: Omit<ProgressParams, "id" | "workerId">) => call<HoldResult, ProgressParams>("jobs.progress", { id: job.id, workerId, ...p } satisfies ProgressParams, { timeout: PROGRESS_TIMEOUT_MS });
  const heartbeat = setInterval(() => {
    progress({})
      .then((r) => {
        if (!r.ok) ac.abort(new DOMException(`The job is ${r.status ?? "gone"}`, "AbortError"));
      })
      .catch(() => undefined);
  }, Math.max(500, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  const inputStat = await retrying(logger, "input stat", () => call<StoredFile, FileIdParams>("storage.stat", { id: job.inputFileId }, { timeout: PROTOCOL_TIMEOUT_MS }));
  // The call's timeout covers the start of the stream; guardStall covers a transfer that stops midway.
  const streams = d.streams ?? { idleMs: STREAM_IDLE_MS, answerMs };
  const openInput = async () => guardStall(await call<Readable, FileIdParams>("storage.get", { id: job.inputFileId }, { timeout: PROTOCOL_TIMEOUT_MS }), streams.idleMs);
  const input: InputFile = {
    fileId: inputStat.id,
    filename: inputStat.filename,
    contentType: inputStat.contentType,
    size: inputStat.size,
    sha256: inputStat.sha256,
    stream: openInput,
    async read() {
      const chunks: Buffer[] = [];
      for await (const c of await openInput()) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
      return Buffer.concat(chunks);
    },
  };
  try {
    return await runPlugin(manifest, {
      jobId: job.id,
      owner: job.owner,
      attempt: job.attempts,
      input,
      rawOptions: job.options,
      resume: job.resume ? { point: job.resume.point, input: job.resume.input, result: job.result } : undefined,
      signal: ac.signal,
      logger,
      resources: d.resources,
      reportProgress: async (percent, message) => {
        let r: HoldResult;
        try {
          r = await progress({ percent, message });
        } catch (err) {
          // Progress is best effort: NATS or the database being away for a moment must not stop the
          // work. If the job was taken over meanwhile, jobs.finish refuses this attempt's outcome.
          if (isTransient(err)) {
            logger.debug(`job ${job.id}: progress not recorded (${(err as Error).message})`);
            return;
          }
          throw err;
        }
        if (!r.ok) ac.abort(new DOMException(`The job is ${r.status ?? "gone"}`, "AbortError"));
      },
      storeOutput: (name, data, meta) => {
        const params = { owner: job.owner, filename: meta.filename ?? name, kind: "output" as const, contentType: meta.contentType, jobId: job.id, name, attempt: job.attempts };
        // The answer comes once the whole output is stored: a Buffer's wait is bounded by its size; a
        // stream's by the store taking its bytes (a stall fails it after idleMs) and then by its size.
        // The call's own timeout stays a ceiling for a stream that keeps trickling.
        const stored = Buffer.isBuffer(data)
          ? call<WrittenOutput & StoredFile>("storage.put", params, { stream: Readable.from(slices(data)), timeout: streams.answerMs(data.length) })
          : (() => {
              const guarded = guardUpload(data, streams);
              return guarded.watch(call<WrittenOutput & StoredFile>("storage.put", params, { stream: guarded.stream, timeout: 600_000 }));
            })();
        return stored.then((f) => ({ name, fileId: f.id, size: f.size, sha256: f.sha256, contentType: f.contentType, filename: f.filename }));
      },
    });
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * A Buffer output in 1 MiB views (no copies): the store hashes and uploads chunk by chunk, so a big
 * output (tens of megabytes of findings) is not hashed and split in one step of the event loop.
 */
function* slices(data: Buffer, size = 1 << 20): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, Math.min(data.length, at + size));
  if (!data.length) yield data;
}
