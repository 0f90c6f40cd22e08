/**
 * The plugin contract. A plugin is a folder `plugins/<id>/` (or under PLUGINS_DIR) whose `index.ts`
 * default-exports (or exports as `manifest`) a `PluginManifest`. The runtime validates it at start-up
 * (kernel/plugins/loader.ts), hosts it on worker processes (services/worker.service.ts) and runs it
 * locally with `docmill run` (cli/run.ts). Plugins import this through the SDK (`@docmill/sdk`, or
 * `../../sdk` inside this repository). See docs/plugins.md.
 */
import type { Readable } from "node:stream";
import type { Env } from "./env";
import type { ErrorCodes } from "./error-codes";
import type { PdfPool } from "./pdf/pool";

/** The PDF engine a plugin gets as `ctx.pdf`: text, words, OCR, rendering on the engine's thread pool. */
export type PdfEngine = PdfPool;

/** Sealed values a job's options may carry (an API key a caller sent): opened only in the worker. */
export interface PluginSecrets {
  /** Opens a value sealed under `purpose`; throws when it was sealed for another purpose or tampered with. */
  open(sealed: string, purpose: string): string;
}

/**
 * Read-only data the deployment serves to plugins, named by kind, id and version (the tagger's stored
 * vocabulary is `tagger.vocabulary`). A job's options carry the reference, not the data: the host fetches
 * it from the service that provides the kind (over NATS in the split shape, as a stream, so its size is
 * not bound by a message) and caches it per kind, id and version. A version never changes, so a cached
 * copy is served again; each call still asks the provider whether the resource exists, so a deleted one
 * is never served from a cache. The value is shared by the jobs of the process: do not change it (it is
 * frozen).
 */
export interface PluginResources {
  /**
   * The resource, parsed. Rejects with a ResourceError: `RESOURCE_NOT_FOUND` (deleted, or that version no
   * longer kept; `reason` says which) or `SERVICE_UNAVAILABLE` (no provider is running: the job is retried).
   * A kind the manifest does not declare in `resources` is refused.
   */
  get<T = unknown>(kind: string, id: string, version: number): Promise<T>;
}

/** Why `ctx.resources.get` found nothing: `type` is RESOURCE_NOT_FOUND or SERVICE_UNAVAILABLE. */
export class ResourceError extends Error {
  override readonly name = "ResourceError";
  constructor(
    readonly type: "RESOURCE_NOT_FOUND" | "SERVICE_UNAVAILABLE",
    message: string,
    /** For RESOURCE_NOT_FOUND: "deleted" (the resource is gone) or "version" (that version is no longer kept). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The runtime API this code base provides. A manifest's `apiVersion` must have the same major. */
export const RUNTIME_API_VERSION = "1.0";

/** A fastest-validator schema object (JSON-serialisable: it travels in the service registry). */
export type OptionsSchema = Record<string, unknown>;

export interface InputFile {
  fileId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256?: string;
  /** The whole file in memory. Fine for PDFs under the upload limit; use stream() for anything larger. */
  read(): Promise<Buffer>;
  /** The file as a stream (a fresh one per call). */
  stream(): Promise<Readable>;
}

export interface OutputMeta {
  contentType: string;
  filename?: string;
}

export interface WrittenOutput {
  name: string;
  fileId: string;
  size: number;
  sha256: string;
  contentType: string;
  filename: string;
}

export interface PluginLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

/** Returned by `ctx.pause(...)`: `run` returns it to stop at a pause point. */
export interface PauseRequest<R = unknown> {
  readonly $pause: string;
  readonly result: R;
}

export interface RunContext<O = Record<string, unknown>, S = Record<string, unknown>> {
  jobId: string;
  /** Owner (user id) of the job; "local" under `docmill run`. */
  owner: string;
  /** Options validated against the manifest's schema, defaults applied. */
  options: O;
  input: InputFile;
  /** 1 on the first run; higher after a worker died and the job was taken over. */
  attempt: number;
  /** Reports progress (0-100, clamped and never going backwards) with a short message. */
  progress(percent: number, message?: string): Promise<void>;
  /**
   * Stores a named output ("redactedPdf", "report"...). Idempotent per job and name: a re-run after a
   * crash replaces the previous attempt's file, so a job never ends with two outputs of one name.
   */
  writeOutput(name: string, data: Buffer | Uint8Array | string | Readable, meta: OutputMeta): Promise<WrittenOutput>;
  /** Set when the job continues from a pause point: the point and what the person sent. */
  resume?: { point: string; input: unknown; result: unknown };
  /** Stops the job at a declared pause point with a partial result: `return ctx.pause("readyForReview", r)`. */
  pause<R>(point: string, result: R): PauseRequest<R>;
  /** Aborted when the job is cancelled (or the worker shuts down): check it between steps. */
  signal: AbortSignal;
  logger: PluginLogger;
  /** The host's PDF engine (one thread pool per process, shared by every plugin). */
  pdf: PdfEngine;
  /** The deployment's settings for this plugin: what the manifest's `settings(env)` returned ({} without one). */
  settings: S;
  /** Opens sealed values of the job's options. */
  secrets: PluginSecrets;
  /** Read-only data by kind, id and version (kinds declared in the manifest's `resources`). */
  resources: PluginResources;
}

export interface CanRunInput {
  filename: string;
  contentType: string;
  size: number;
  options: Record<string, unknown>;
}

export interface PluginManifest<O = Record<string, unknown>, R = unknown, S = Record<string, unknown>> {
  /** Same as the folder name: lower-case letters, digits and dashes. */
  id: string;
  /** The plugin's own version (semver). */
  version: string;
  /** Runtime API version the plugin needs (e.g. "1" or "1.0"): the major must match RUNTIME_API_VERSION. */
  apiVersion: string;
  title: string;
  description?: string;
  /** Content types the plugin accepts, e.g. ["application/pdf"]. */
  accepts: string[];
  /** fastest-validator schema of the options (use `default` for defaults, `$$strict: "remove"` to drop unknown keys). */
  optionsSchema: OptionsSchema;
  /** Points where the job may wait for a person (e.g. "readyForReview"). */
  pausePoints?: string[];
  /**
   * Tesseract languages the plugin reads scanned pages with by default (e.g. ["eng"]). A worker hosting
   * it starts these OCR workers in every PDF thread at start-up (DOCMILL_OCR_WARM), so the first scan
   * does not pay for loading Tesseract. Leave it out if the plugin never OCRs.
   */
  ocrLanguages?: string[];
  /** Kinds of read-only data the plugin reads with `ctx.resources.get` (e.g. "tagger.vocabulary"). */
  resources?: string[];
  /**
   * The error codes this plugin's jobs may fail with besides the SDK's (PDF_*, COMPUTE_LIMIT_EXCEEDED) and
   * the host's: `defineErrorCodes({ MY_CODE: { status, message, fix } })`. A job fails with one when the
   * thrown error has it as `type`. They join the host's error catalog (docs/errors.md); the loader refuses
   * a malformed table, or a code the catalog already has with another status.
   */
  errors?: ErrorCodes;
  /** Cheap check before any work: `true`, or a sentence saying why the job cannot run (job fails with it). */
  canRun?(input: CanRunInput): true | string | Promise<true | string>;
  /**
   * Reads the plugin's deployment settings (environment variables such as LLM_BASE_URL) and checks them.
   * Called when the plugin is loaded, so a bad value refuses start-up (throw ConfigError from the SDK,
   * naming the variable); the result is `ctx.settings` of every run. Must not touch anything but `env`.
   */
  settings?(env: Env): S;
  setup?(ctx: RunContext<O, S>): Promise<void> | void;
  run(ctx: RunContext<O, S>): Promise<R | PauseRequest<R>>;
  /** Always runs after setup/run, success or not (in `finally`). */
  cleanup?(ctx: RunContext<O, S>): Promise<void> | void;
}

/** What travels in the registry and the API: a manifest without its functions. */
export interface PluginDescriptor {
  id: string;
  version: string;
  apiVersion: string;
  title: string;
  description?: string;
  accepts: string[];
  optionsSchema: OptionsSchema;
  pausePoints: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function describe(m: PluginManifest<never, unknown, any> | PluginManifest): PluginDescriptor {
  return {
    id: m.id,
    version: m.version,
    apiVersion: m.apiVersion,
    title: m.title,
    description: m.description,
    accepts: [...m.accepts],
    optionsSchema: m.optionsSchema,
    pausePoints: [...(m.pausePoints ?? [])],
  };
}

export function isPauseRequest(value: unknown): value is PauseRequest {
  return typeof value === "object" && value !== null && typeof (value as PauseRequest).$pause === "string";
}

/** Identity helper that gives a plugin author type checking of the manifest. */
export function definePlugin<O = Record<string, unknown>, R = unknown, S = Record<string, unknown>>(m: PluginManifest<O, R, S>): PluginManifest<O, R, S> {
  return m;
}
