/**
 * The per-job memory budget of a worker process (issue 14: "worker memory bounded: the job fails, the
 * worker lives"). V8's heap caps on the PDF, compute and engine threads do not see most of what a hostile
 * document costs: PDFium's and Tesseract's WebAssembly memories, decoded images in ArrayBuffers, canvas
 * bitmaps and libvips buffers are all outside any JavaScript heap. The one number that counts all of them
 * is the process's resident set, so that is what is watched.
 *
 * Every running job is registered with the rss of the process when it started. A sampler (every
 * SAMPLE_MS, unref'd) reads process.memoryUsage() and splits each change of rss between the jobs running
 * at that moment; a job whose share grows beyond JOB_MEMORY_LIMIT_MB is stopped: its AbortController is
 * aborted with a PdfError PDF_LIMIT_EXCEEDED naming the setting, which terminates the worker threads
 * running its tasks (piscina ends a thread whose task is aborted, and with it that thread's WebAssembly
 * memory and buffers) and fails the job with a readable error. The process and the other jobs carry on.
 *
 * With one job at a time (WORKER_CONCURRENCY=1, the default) the share is exact. With several, each job
 * is charged what its own thread tasks report their threads grew by (sdk/memory-meter.ts: their heaps,
 * ArrayBuffers, decoded images, WebAssembly memories), and only the rest of the change of rss (native
 * canvas bitmaps, libvips, Tesseract's nested threads, the event loop's heap) is split, in proportion to
 * the meters (see sample()). So a hostile document's decoded images are its own job's, and the jobs
 * beside it keep running; before the meters, growth was split evenly and one hostile job beside two
 * others took all three down at once.
 * The allocation sites have their own caps (render pixels, PDFium's memory, sharp's input pixels, see
 * sdk/pdf/memory.ts), so the sampler only needs to catch what grows over several of its ticks.
 */
import { intSetting } from "../../sdk/env";
import type { JobMeter } from "../../sdk/memory-meter";
import { PdfError } from "../../sdk/pdf/errors";

export interface MemorySample {
  rss: number;
  arrayBuffers: number;
  external: number;
}

interface Watched {
  /** Bytes of rss growth attributed to this job since it started (never below 0). */
  share: number;
  /** The largest share seen, for the job's log line. */
  peak: number;
  stop: (reason: PdfError) => void;
  stopped: boolean;
  /** What the job's thread tasks report (none: all of its growth is the even split's). */
  meter?: JobMeter;
  /** The meter's reading at the last tick. */
  metered: number;
}

const SAMPLE_MS = 100;
const MiB = 1024 * 1024;
/** Weight of every job in the split of unmetered growth, on top of its metered bytes. */
const UNMETERED_FLOOR = 32 * MiB;

/** JOB_MEMORY_LIMIT_MB: how much one job may grow the worker process (default 2048 MB). */
export function jobMemoryLimitMb(env: NodeJS.ProcessEnv = process.env): number {
  return intSetting(env, "JOB_MEMORY_LIMIT_MB", 2048, 64);
}

/** The error a job stopped by its memory budget fails with (no document content in it). */
export function memoryLimitError(limitMb: number, grewMb: number): PdfError {
  return new PdfError(
    "PDF_LIMIT_EXCEEDED",
    `Processing the document needed more than ${limitMb} MB of memory (limit JOB_MEMORY_LIMIT_MB=${limitMb}) and was stopped`,
    { reason: "memory", limit: "JOB_MEMORY_LIMIT_MB", max: limitMb, value: grewMb },
  );
}

export class MemoryWatchdog {
  private readonly jobs = new Map<string, Watched>();
  private last: MemorySample | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limitBytes: number,
    private readonly read: () => MemorySample = () => process.memoryUsage(),
    private readonly sampleMs = SAMPLE_MS,
  ) {}

  /**
   * Watches one job until the returned function is called; `stop` is called (once) with the limit error
   * when the job's share of the growth goes over the budget. Returns the job's peak share in bytes on release.
   */
  watch(jobId: string, stop: (reason: PdfError) => void, meter?: JobMeter): () => number {
    if (this.jobs.size === 0) this.last = this.read();
    const w: Watched = { share: 0, peak: 0, stop, stopped: false, meter, metered: meter?.bytes() ?? 0 };
    this.jobs.set(jobId, w);
    if (!this.timer) {
      this.timer = setInterval(() => this.sample(), this.sampleMs);
      this.timer.unref();
    }
    return () => {
      if (this.jobs.get(jobId) === w) this.jobs.delete(jobId);
      if (this.jobs.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
      return w.peak;
    };
  }

  /**
   * One tick (tests call it directly): each running job is charged the change of its meter, and the rest
   * of the change of rss since the last tick is split between them in proportion to what their meters
   * show (plus UNMETERED_FLOOR each, so jobs with nothing metered share it evenly). The unmetered memory of
   * a job (its canvas bitmaps, Tesseract's copy of its page images) grows with the images its threads
   * hold, so the job holding big images takes most of it; split evenly, a hostile page's Tesseract and
   * canvas memory pushed the scanned document beside it over its budget too.
   */
  sample(): void {
    const now = this.read();
    const before = this.last ?? now;
    this.last = now;
    const live = [...this.jobs.values()].filter((w) => !w.stopped);
    if (live.length === 0) return;
    const own = live.map((w) => {
      const metered = w.meter?.bytes() ?? 0;
      const d = metered - w.metered;
      w.metered = metered;
      return d;
    });
    const rest = now.rss - before.rss - own.reduce((a, b) => a + b, 0);
    const weights = live.map((w) => Math.max(0, w.metered) + UNMETERED_FLOOR);
    const total = weights.reduce((a, b) => a + b, 0);
    for (const [i, w] of live.entries()) {
      w.share = Math.max(0, w.share + own[i]! + (rest * weights[i]!) / total);
      w.peak = Math.max(w.peak, w.share);
      if (w.share > this.limitBytes) {
        w.stopped = true;
        w.stop(memoryLimitError(Math.round(this.limitBytes / MiB), Math.round(w.share / MiB)));
      }
    }
  }
}

let shared: MemoryWatchdog | undefined;

/** The process's watchdog (created on first use with JOB_MEMORY_LIMIT_MB). */
export function memoryWatchdog(): MemoryWatchdog {
  shared ??= new MemoryWatchdog(jobMemoryLimitMb() * MiB);
  return shared;
}

/** Forgets the process's watchdog so the next use reads JOB_MEMORY_LIMIT_MB again (tests). */
export function resetMemoryWatchdog(): void {
  shared = undefined;
}
