/**
 * Per-job memory meters across the worker threads (issue 14: "worker memory bounded: the job fails, the
 * worker lives", with several jobs at once). The process's resident set counts everything a job costs but
 * cannot say whose it is; each thread can say what its own isolate holds (`process.memoryUsage()` inside
 * a thread: its heap, plus its external memory, which includes its ArrayBuffers, decoded images and
 * WebAssembly memories such as PDFium's). So every thread task of a job gets a slot, one Int32 in a
 * SharedArrayBuffer, where the thread keeps the growth of its isolate since the task began (KiB, written
 * every REPORT_MS while the task is not inside one synchronous step, and at its end). The job's metered
 * bytes are the sum of its live tasks' slots; a slot leaves the sum when its task settles, however it
 * settles (a thread terminated under it included). The memory watchdog (kernel/plugins/memory-watchdog.ts)
 * charges each job its metered growth, and splits only the rest evenly.
 *
 * Not metered (shared evenly by the watchdog): memory outside any isolate's accounting, i.e. native
 * canvas bitmaps, libvips buffers, Tesseract's own threads (nested in a PDF thread), the event loop's heap.
 */
const REPORT_MS = 50;

/** The live slots of one job's thread tasks. */
export class JobMeter {
  private readonly slots = new Set<Int32Array>();

  /** A slot for one task (handed to the thread in the task). */
  open(): Int32Array {
    const slot = new Int32Array(new SharedArrayBuffer(4));
    this.slots.add(slot);
    return slot;
  }

  close(slot: Int32Array): void {
    this.slots.delete(slot);
  }

  /** Bytes the job's running thread tasks have grown their threads by, now. */
  bytes(): number {
    let kib = 0;
    for (const s of this.slots) kib += Atomics.load(s, 0);
    return kib * 1024;
  }
}

const bySignal = new WeakMap<AbortSignal, JobMeter>();

/** Ties `meter` to a job's signal: every pool task run with that signal (or one made from it) is metered. */
export function attachMeter(signal: AbortSignal, meter: JobMeter): void {
  bySignal.set(signal, meter);
}

/** The meter of the first of `signals` that has one. */
export function meterOf(...signals: Array<AbortSignal | undefined>): JobMeter | undefined {
  for (const s of signals) {
    const m = s && bySignal.get(s);
    if (m) return m;
  }
  return undefined;
}

/**
 * Loop side: runs one thread task with a slot of the job's meter (none when no signal has a meter); the
 * slot is closed when the task settles, so a thread that ended under it leaves nothing behind.
 */
export async function withMeterSlot<T>(meter: JobMeter | undefined, run: (slot: Int32Array | undefined) => Promise<T>): Promise<T> {
  if (!meter) return run(undefined);
  const slot = meter.open();
  try {
    return await run(slot);
  } finally {
    meter.close(slot);
  }
}

function isolateBytes(): number {
  const u = process.memoryUsage();
  return u.heapUsed + u.external;
}

/** Thread side: keeps `slot` at this isolate's growth since the call began while `fn` runs. */
export async function reportingMemory<T>(slot: Int32Array | undefined, fn: () => Promise<T>): Promise<T> {
  if (!(slot instanceof Int32Array)) return fn();
  const base = isolateBytes();
  const report = () => Atomics.store(slot, 0, Math.max(0, Math.min(0x7fffffff, Math.round((isolateBytes() - base) / 1024))));
  const timer = setInterval(report, REPORT_MS);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    report();
  }
}
