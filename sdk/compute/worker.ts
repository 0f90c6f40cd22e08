/**
 * The piscina worker of compute/pool.ts: loads the named module once and calls the named export.
 * Errors go back as records (structured clone keeps only an Error's message), so the caller can rethrow
 * them with their machine `type` and `data` (a DETECTION_CONFIG_INVALID stays one).
 */
import { reportingMemory } from "../memory-meter";
import { isPacked, pack, unpack } from "./pieces";

export interface ComputeTask {
  module: string;
  fn: string;
  /** Packed arrays (pieces.ts) are unpacked before the call. */
  args: unknown[];
  /** Pack an array result (runOffLoopInPieces): the loop rebuilds it slice by slice. */
  pieces?: boolean;
  /** The task's slot of its job's memory meter (sdk/memory-meter.ts). */
  meter?: Int32Array;
}

export type ComputeOutcome = { ok: true; value: unknown } | { ok: false; type: string; message: string; data?: unknown };

const loaded = new Map<string, Record<string, unknown>>();

export default async function run(task: ComputeTask): Promise<ComputeOutcome> {
  let mod = loaded.get(task.module);
  if (!mod) {
    mod = (await import(task.module)) as Record<string, unknown>;
    loaded.set(task.module, mod);
  }
  // A CommonJS module imported from ESM may expose its exports under `default` only.
  const fn = mod[task.fn] ?? (mod.default as Record<string, unknown> | undefined)?.[task.fn];
  if (typeof fn !== "function") return { ok: false, type: "INTERNAL", message: `${task.module} has no function ${task.fn}` };
  try {
    return await reportingMemory(task.meter, async () => {
      const args = await Promise.all(task.args.map((a) => (isPacked(a) ? unpack(a, false) : a)));
      const value = await (fn as (...a: unknown[]) => unknown)(...args);
      return { ok: true, value: task.pieces && Array.isArray(value) ? await pack(value, false) : value };
    });
  } catch (err) {
    const e = err as { type?: unknown; message?: string; data?: unknown };
    return { ok: false, type: typeof e?.type === "string" ? e.type : "PLUGIN_ERROR", message: e?.message ?? String(err), data: e?.data };
  }
}
