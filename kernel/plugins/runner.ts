/**
 * Runs one plugin on one input through its lifecycle: options → canRun → setup → run → cleanup (always).
 * Shared by the worker service (storage in MongoDB, progress to the jobs service) and `docmill run`
 * (everything in memory), so a plugin behaves the same in both.
 */
import type { Readable } from "node:stream";
import { pdfPool } from "../../sdk/pdf/pool";
import { catalogRow } from "../errors";
import { openSecret } from "../secrets";
import { validateOptions } from "./options";
import { pluginSettings } from "./settings";
import { noResources, resourcesFor, type HostResources } from "./resources";
import {
  isPauseRequest,
  type InputFile,
  type OutputMeta,
  type PluginLogger,
  type PluginManifest,
  type RunContext,
  type WrittenOutput,
} from "../../sdk/manifest";

export interface RunIo {
  jobId: string;
  owner: string;
  attempt: number;
  input: InputFile;
  rawOptions: unknown;
  resume?: RunContext["resume"];
  signal: AbortSignal;
  logger: PluginLogger;
  reportProgress(percent: number, message: string): Promise<void>;
  storeOutput(name: string, data: Buffer | Readable, meta: OutputMeta): Promise<WrittenOutput>;
  /** Read-only data by reference (the worker's broker-backed cache); none under `docmill run`. */
  resources?: HostResources;
}

export type RunOutcome =
  | { status: "completed"; result: unknown; outputs: WrittenOutput[] }
  | { status: "paused"; point: string; result: unknown; outputs: WrittenOutput[] };

/**
 * A failure the user can read: `type` is a stable machine code, `message` a sentence. `plugin` and
 * `stage` say where it happened when a plugin's own code threw (kept on the job record for operators).
 */
export interface JobError {
  type: string;
  message: string;
  plugin?: string;
  stage?: PluginStage;
}

/** The lifecycle stages of a plugin run (runPlugin), as they are named on a wrapped error. */
export type PluginStage = "canRun" | "setup" | "run" | "cleanup";

/**
 * Names the plugin and the stage on an error thrown inside one of its hooks, as rollup's PluginDriver
 * does (`plugin`, `hook`): set once, so the innermost wrapper (a nested plugin run) wins, and the error's
 * own `type`/`code` stay as they are, so the catalog still maps it. A frozen or primitive value is left.
 */
export function inStage(err: unknown, plugin: string, stage: PluginStage): unknown {
  if (err && typeof err === "object" && Object.isExtensible(err)) {
    const e = err as { plugin?: string; stage?: PluginStage };
    e.plugin ??= plugin;
    e.stage ??= stage;
  }
  return err;
}

/** Runs one hook of `manifest`, naming it on whatever it throws. */
async function stage<T>(manifest: PluginManifest, name: PluginStage, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw inStage(err, manifest.id, name);
  }
}

/**
 * Turns anything a plugin threw into a JobError (PdfError codes, catalogued errors, plain errors). Only a
 * code of the one error catalog (kernel/errors.ts: the runtime's, the SDK's, what the loaded plugins and
 * families declared) reaches a job's `error.type`, so every code a client can meet is in docs/errors.md:
 * anything else (a Node `ENOENT` out of a plugin's dependency, a code a plugin forgot to declare) is
 * PLUGIN_ERROR, or INTERNAL when no plugin was running; the message and the plugin and stage are kept.
 */
export function toJobError(err: unknown): JobError {
  const e = err as { name?: string; message?: string; plugin?: unknown; stage?: unknown };
  if (e?.name === "AbortError") return { type: "CANCELLED", message: "The job was cancelled" };
  const inPlugin = typeof e?.plugin === "string";
  const where = inPlugin ? { plugin: e.plugin as string, ...(typeof e.stage === "string" ? { stage: e.stage as PluginStage } : {}) } : {};
  const named = namedCode(err);
  const type = named !== undefined && catalogRow(named) ? named : inPlugin || named === undefined ? "PLUGIN_ERROR" : "INTERNAL";
  return { type, message: e?.message || String(err), ...where };
}

/** The code an error names (`type`, or an UPPER_SNAKE `code` such as PdfError's), catalogued or not. */
function namedCode(err: unknown): string | undefined {
  const e = err as { type?: unknown; code?: unknown } | null;
  if (typeof e?.type === "string" && e.type) return e.type;
  return typeof e?.code === "string" && /^[A-Z][A-Z0-9_]+$/.test(e.code) ? e.code : undefined;
}

/** The code an error names that the catalog lacks (toJobError reports it as PLUGIN_ERROR): for the operator's log. */
export function undeclaredCode(err: unknown): string | undefined {
  const named = namedCode(err);
  return named !== undefined && !catalogRow(named) ? named : undefined;
}

/**
 * A failure of the runtime's own storage while a plugin reads its input or writes an output is not the
 * job's fault (the database or the transporter is away): it is marked SERVICE_UNAVAILABLE so the worker
 * gives the job back instead of failing it. A 4xx (an output over the size limit, say) stays the job's.
 */
export function asInfrastructureError(err: unknown, what: string): unknown {
  const e = err as { code?: unknown; name?: string; message?: string } | null;
  if (typeof e?.code === "number" && e.code >= 400 && e.code < 500) return err;
  if (e?.name === "AbortError") return err;
  return Object.assign(new Error(`${what} failed: ${e?.message ?? String(err)}`), { type: "SERVICE_UNAVAILABLE", cause: err });
}

/** Error a plugin's canRun check produced: the job fails with the plugin's sentence. */
export class CannotRunError extends Error {
  readonly type = "CANNOT_RUN";
}

export async function runPlugin(manifest: PluginManifest, io: RunIo): Promise<RunOutcome> {
  const options = validateOptions(manifest.optionsSchema, io.rawOptions, manifest.id);
  if (!manifest.accepts.includes(io.input.contentType)) {
    throw Object.assign(new Error(`${manifest.id} accepts ${manifest.accepts.join(", ")}, not ${io.input.contentType}`), {
      type: "UNSUPPORTED_MEDIA_TYPE",
    });
  }
  if (manifest.canRun) {
    const ok = await stage(manifest, "canRun", () => manifest.canRun!({ filename: io.input.filename, contentType: io.input.contentType, size: io.input.size, options }));
    if (ok !== true) throw new CannotRunError(typeof ok === "string" ? ok : `${manifest.id} cannot run on this input`);
  }

  const outputs = new Map<string, WrittenOutput>();
  let last = 0;
  // Progress is serialised: a plugin calling it without await must not reorder the messages.
  let chain: Promise<void> = Promise.resolve();
  const ctx: RunContext = {
    jobId: io.jobId,
    owner: io.owner,
    options,
    input: {
      ...io.input,
      read: () => io.input.read().catch((err: unknown) => Promise.reject(asInfrastructureError(err, "reading the input"))),
      stream: () => io.input.stream().catch((err: unknown) => Promise.reject(asInfrastructureError(err, "reading the input"))),
    },
    attempt: io.attempt,
    resume: io.resume,
    signal: io.signal,
    logger: io.logger,
    // Tied to the job's signal: a cancelled job, or one over its memory budget, ends its running PDF tasks.
    pdf: pdfPool.withSignal(io.signal),
    settings: pluginSettings(manifest),
    secrets: { open: (sealed, purpose) => openSecret(sealed, purpose) },
    resources: resourcesFor(manifest, io.owner, io.resources ?? noResources),
    progress(percent, message = "") {
      const p = Math.max(last, Math.min(100, Math.round(Number.isFinite(percent) ? percent : 0)));
      last = p;
      chain = chain.then(() => io.reportProgress(p, message));
      return chain;
    },
    async writeOutput(name, data, meta) {
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) throw new Error(`Output name "${name}" must be letters, digits, _ or -`);
      const body = typeof data === "string" ? Buffer.from(data) : data instanceof Uint8Array && !Buffer.isBuffer(data) ? Buffer.from(data) : data;
      const written = await io.storeOutput(name, body as Buffer | Readable, meta).catch((err: unknown) => {
        throw asInfrastructureError(err, `storing output "${name}"`);
      });
      outputs.set(name, written);
      return written;
    },
    pause(point, result) {
      if (!(manifest.pausePoints ?? []).includes(point)) {
        throw new Error(`${manifest.id} paused at "${point}", which its manifest does not declare in pausePoints`);
      }
      return { $pause: point, result };
    },
  };

  try {
    await stage(manifest, "setup", () => manifest.setup?.(ctx));
    io.signal.throwIfAborted();
    const value = await stage(manifest, "run", () => manifest.run(ctx));
    io.signal.throwIfAborted();
    await chain;
    if (isPauseRequest(value)) return { status: "paused", point: value.$pause, result: value.result, outputs: [...outputs.values()] };
    return { status: "completed", result: value ?? null, outputs: [...outputs.values()] };
  } finally {
    try {
      await manifest.cleanup?.(ctx);
    } catch (err) {
      io.logger.warn(`cleanup of ${manifest.id} failed: ${(err as Error).message}`);
    }
  }
}
