/**
 * Worker threads for CPU-heavy plugin work that is not PDF parsing (that has its own pool in
 * lib/pdf/pool.ts): detection over a document's text, scoring. In the embedded shape (`npm start`, one
 * process) the worker service shares the gateway's event loop, so a long synchronous computation there
 * would stall every request (issue 14: a job's detection froze `/api/status`). Here it runs in a
 * thread and the loop only waits for the answer.
 *
 * A task names a module (absolute path, resolved by the caller with `require.resolve`) and one of its
 * exports: a pure function whose arguments and result survive structured clone. The thread's heap is
 * capped (COMPUTE_THREAD_MAX_MB) so one runaway task fails alone instead of growing the process.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Piscina } from "piscina";
import { meterOf, withMeterSlot } from "../memory-meter";
import { isPacked, pack, unpack } from "./pieces";
import type { ComputeTask } from "./worker";

/** Threads of the compute pool: DOCMILL_COMPUTE_THREADS, else 1 (the PDF pool already takes the cores). */
function threads(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.DOCMILL_COMPUTE_THREADS ?? "1");
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`DOCMILL_COMPUTE_THREADS must be an integer from 1 to 64, got "${env.DOCMILL_COMPUTE_THREADS}"`);
  return n;
}

/** Heap cap of one compute thread in MB (COMPUTE_THREAD_MAX_MB, default 512). */
export function computeHeapMb(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.COMPUTE_THREAD_MAX_MB ?? "512");
  if (!Number.isInteger(n) || n < 64) throw new RangeError(`COMPUTE_THREAD_MAX_MB must be an integer of at least 64, got "${env.COMPUTE_THREAD_MAX_MB}"`);
  return n;
}

function workerFile(): { filename: string; execArgv: string[] } {
  const js = path.join(__dirname, "worker.js");
  if (path.extname(__filename) === ".js" && existsSync(js)) return { filename: js, execArgv: [] };
  return { filename: path.join(__dirname, "worker.ts"), execArgv: ["--import", "tsx"] };
}

let piscina: Piscina | undefined;

function pool(): Piscina {
  if (!piscina) {
    const { filename, execArgv } = workerFile();
    piscina = new Piscina({
      filename,
      execArgv,
      minThreads: 0,
      maxThreads: threads(),
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxOldGenerationSizeMb: computeHeapMb() },
    });
  }
  return piscina;
}

/** A failure of the task itself, with the type and message the function threw (classes do not cross threads). */
export class ComputeError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "ComputeError";
  }
}

/**
 * Runs `module`'s export `fn` with `args` in a compute thread. Rejects with the function's own error
 * type/message/data (as ComputeError), or COMPUTE_LIMIT_EXCEEDED (sdk/errors.ts) when the thread ran out of its heap.
 */
export async function runOffLoop<T>(module: string, fn: string, args: unknown[], signal?: AbortSignal): Promise<T> {
  return run<T>({ module, fn, args }, signal);
}

/**
 * runOffLoop for big arrays (pieces.ts): every array argument is encoded and the array result rebuilt
 * a slice per turn of the event loop, so neither crossing holds the loop for the whole array. For a
 * result of tens of thousands of items (a directory's findings); a small one gains nothing from it.
 */
export async function runOffLoopInPieces<T>(module: string, fn: string, args: unknown[], signal?: AbortSignal): Promise<T> {
  const packed: unknown[] = [];
  for (const a of args) packed.push(Array.isArray(a) ? await pack(a, true) : a);
  signal?.throwIfAborted();
  const value = await run<unknown>({ module, fn, args: packed, pieces: true }, signal);
  return (isPacked(value) ? await unpack(value, true) : value) as T;
}

async function run<T>(task: ComputeTask, signal?: AbortSignal): Promise<T> {
  let outcome: Awaited<ReturnType<typeof import("./worker").default>>;
  try {
    // The job's memory meter (sdk/memory-meter.ts) gets a slot the thread keeps its growth in.
    outcome = await withMeterSlot(meterOf(signal), (slot) => pool().run(slot ? { ...task, meter: slot } : task, { signal }));
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string };
    if (e?.name === "AbortError") throw err;
    if (e?.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap/i.test(e?.message ?? "")) {
      throw new ComputeError("COMPUTE_LIMIT_EXCEEDED", `The computation needed more than ${computeHeapMb()} MB of memory (COMPUTE_THREAD_MAX_MB) and was stopped`);
    }
    throw err;
  }
  if (outcome.ok) return outcome.value as T;
  throw new ComputeError(outcome.type, outcome.message, outcome.data);
}

/** Stops the threads (tests); the pool starts again on next use. */
export async function closeComputePool(): Promise<void> {
  const p = piscina;
  piscina = undefined;
  if (p) await p.destroy();
}
