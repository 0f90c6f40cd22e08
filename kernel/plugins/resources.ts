/**
 * The host side of `ctx.resources` (sdk/manifest.ts PluginResources): read-only data a job names by kind,
 * id and version instead of carrying it in its options (a controlled vocabulary of up to 20,000 concepts).
 *
 * Protocol: a service that provides a kind lists it in its schema's `metadata.resources` and answers the
 * action `<service>.resource` (ResourceParams). The worker finds the provider in the service registry, so
 * the kernel names no API family and a plugin names no service. The answer is a stream of the resource's
 * JSON (so its size is not bound by one NATS message in the split shape), or a ResourceMiss; with
 * `have: true` (the worker holds that version already) only `{ found: true }` or a miss, a few bytes.
 *
 * The worker keeps what it fetched in a bounded LRU (entries and bytes) keyed by kind, id and version:
 * a version never changes, so the copy stays valid until it is evicted. Concurrent jobs asking for the
 * same version share one fetch.
 */
import type { Readable } from "node:stream";
import { ResourceError, type PluginManifest, type PluginResources } from "../../sdk/manifest";
import type { Call } from "../call";

/** A failure of the provider or the broker is not the job's: marked so the worker gives the job back. */
function infrastructure(err: unknown, what: string): unknown {
  const e = err as { code?: unknown; message?: string } | null;
  if (err instanceof ResourceError || (typeof e?.code === "number" && e.code >= 400 && e.code < 500)) return err;
  return Object.assign(new Error(`${what} failed: ${e?.message ?? String(err)}`), { type: "SERVICE_UNAVAILABLE", cause: err });
}

/** What a provider's `resource` action takes. */
export interface ResourceParams {
  kind: string;
  id: string;
  version: number;
  /** The job's owner: the provider serves only what that account may read (checked on every call). */
  owner: string;
  /** The caller holds this version already: answer only whether it still exists. */
  have?: boolean;
}

/** The resource is not there: `reason` "deleted" (gone) or "version" (that version is no longer kept). */
export interface ResourceMiss {
  found: false;
  reason: "deleted" | "version";
  /** A sentence for the job's error (names the resource, never its content). */
  message: string;
}

/** `resource`'s answer: the JSON as a stream, a miss, or (with `have`) a confirmation. */
export type ResourceAnswer = Readable | ResourceMiss | { found: true };

/** The action every provider answers; its params' validator schema (fastest-validator). */
export const RESOURCE_ACTION = "resource";
export const resourceParamsSchema = {
  kind: { type: "string", min: 1, max: 100 },
  id: { type: "string", min: 1, max: 200 },
  version: { type: "number", integer: true, min: 1, convert: true },
  owner: { type: "string", min: 1, max: 200 },
  have: { type: "boolean", optional: true },
};

/** A resource larger than this is refused (a vocabulary of 20,000 concepts is a few MB). */
export const MAX_RESOURCE_BYTES = 64 * 1024 * 1024;
const RESOURCE_TIMEOUT_MS = 30_000;

interface Entry {
  value: unknown;
  bytes: number;
}

/** A least-recently-used map bounded by entry count and by the bytes of the JSON each value came from. */
export class ResourceCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    readonly maxEntries = 32,
    readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  get(key: string): unknown {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: unknown, bytes: number): void {
    this.delete(key);
    // One value over the whole budget is not kept (it would evict everything else and then itself).
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}

/** Freezes a parsed JSON value all the way down: it is shared by every job of the process. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as Record<string, unknown>)) deepFreeze(x);
  }
  return v;
}

function isReadable(v: unknown): v is Readable {
  return typeof (v as Readable | null)?.pipe === "function" && typeof (v as Readable)[Symbol.asyncIterator] === "function";
}

async function readAll(stream: Readable, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
    n += b.length;
    if (n > max) {
      stream.destroy();
      throw Object.assign(new Error(`${what} is larger than ${max} bytes`), { type: "RESOURCE_TOO_LARGE" });
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Finds the action serving `kind`: the first available service whose metadata lists it. */
export type ProviderLookup = (kind: string) => string | undefined;

/** The provider lookup over a broker's service registry (local and remote nodes alike). */
export function registryProviders(broker: { registry: { getServiceList(o: object): unknown } }): ProviderLookup {
  return (kind) => {
    const list = broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as Array<{ name: string; fullName?: string; metadata?: { resources?: unknown } }>;
    const s = list.find((x) => Array.isArray(x.metadata?.resources) && (x.metadata.resources as unknown[]).includes(kind));
    return s ? `${s.fullName ?? s.name}.${RESOURCE_ACTION}` : undefined;
  };
}

export interface BrokerResourcesDeps {
  call: Call;
  providers: ProviderLookup;
  cache: ResourceCache;
}

/** The host's side of ctx.resources: every read is on behalf of the job's owner. */
export interface HostResources {
  get<T = unknown>(owner: string, kind: string, id: string, version: number): Promise<T>;
}

/**
 * `ctx.resources` of a worker: fetched from the providers over the broker, cached in `cache`. The cache
 * is shared by owners (a version's data is the same for everyone); the provider's confirmation on every
 * read is per owner, so a cached copy never reaches a job whose owner may not read it.
 */
export function brokerResources(d: BrokerResourcesDeps): HostResources {
  const inflight = new Map<string, Promise<unknown>>();

  const ask = async (params: ResourceParams): Promise<ResourceAnswer> => {
    const action = d.providers(params.kind);
    if (!action) throw new ResourceError("SERVICE_UNAVAILABLE", `No running service provides ${params.kind} resources`);
    try {
      return await d.call<ResourceAnswer, ResourceParams>(action, params, { timeout: RESOURCE_TIMEOUT_MS });
    } catch (err) {
      // The provider or the broker is away: not the job's fault (the worker gives the job back).
      throw infrastructure(err, `reading ${params.kind} ${params.id}`);
    }
  };

  const miss = (m: ResourceMiss) => new ResourceError("RESOURCE_NOT_FOUND", m.message, m.reason);

  const fetchOne = async (key: string, owner: string, kind: string, id: string, version: number): Promise<unknown> => {
    const answer = await ask({ kind, id, version, owner });
    if (!isReadable(answer)) {
      if (answer.found === false) throw miss(answer);
      throw new Error(`The ${kind} provider answered without the resource`);
    }
    const body = await readAll(answer, MAX_RESOURCE_BYTES, `${kind} ${id} version ${version}`).catch((err: unknown) => {
      throw (err as { type?: string }).type === "RESOURCE_TOO_LARGE" ? err : infrastructure(err, `reading ${kind} ${id}`);
    });
    const value = deepFreeze(JSON.parse(body.toString("utf8")) as unknown);
    d.cache.set(key, value, body.length);
    return value;
  };

  return {
    async get<T>(owner: string, kind: string, id: string, version: number): Promise<T> {
      const key = `${kind}\u0000${id}\u0000${version}`;
      if (d.cache.has(key)) {
        // Still there, and this owner's to read? (A deleted resource must not live on in a cache.)
        const answer = await ask({ kind, id, version, owner, have: true });
        if (!isReadable(answer) && answer.found === false) {
          d.cache.delete(key);
          throw miss(answer);
        }
        if (isReadable(answer)) answer.destroy();
        const hit = d.cache.get(key);
        if (hit !== undefined) return hit as T;
      }
      // Jobs of one owner waiting for the same version share its fetch (another owner asks for itself).
      const flightKey = `${key}\u0000${owner}`;
      let p = inflight.get(flightKey);
      if (!p) {
        p = fetchOne(key, owner, kind, id, version).finally(() => inflight.delete(flightKey));
        inflight.set(flightKey, p);
      }
      return (await p) as T;
    },
  };
}

/** Resources where the host serves none (`docmill run`): every read says how to pass the data instead. */
export const noResources: HostResources = {
  get(_owner, kind) {
    return Promise.reject(new ResourceError("SERVICE_UNAVAILABLE", `No ${kind} resources are served here; pass the data in the options instead`));
  },
};

/** `resources` as one plugin's job sees it: only the kinds its manifest declares, read as the job's owner. */
export function resourcesFor(manifest: PluginManifest, owner: string, inner: HostResources): PluginResources {
  const declared = new Set(manifest.resources ?? []);
  return {
    get<T>(kind: string, id: string, version: number) {
      if (!declared.has(kind)) return Promise.reject(new Error(`${manifest.id} reads ${kind} resources, which its manifest does not declare in resources`));
      return inner.get<T>(owner, kind, id, version);
    },
  };
}
