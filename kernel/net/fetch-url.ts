/**
 * Server-side URL fetching that cannot be turned against our own network (SSRF). Rules:
 * - http and https only, no credentials in the URL;
 * - the host is resolved here and EVERY address must be public unicast (no loopback, private, link-local,
 *   multicast, unspecified, carrier-grade NAT, unique-local...) unless `allowPrivate`; the connection then
 *   goes to the address that was checked (no second lookup an attacker's DNS could answer differently);
 * - redirects are followed by hand (at most 5), each hop checked the same way;
 * - one deadline for the whole fetch, and a byte limit enforced while the body streams in;
 * - the declared content type must not contradict a PDF, and the first bytes must be `%PDF-`.
 */
import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { sniff } from "../storage/sniff";

export type UrlFetchReason =
  | "invalid-url"
  | "scheme"
  | "blocked-address"
  | "dns"
  | "redirects"
  | "http-status"
  | "content-type"
  | "too-large"
  | "timeout"
  | "network";

/** A fetch we refused or that failed; `message` is safe to show to the caller. */
export class UrlFetchError extends Error {
  override readonly name = "UrlFetchError";
  constructor(
    readonly reason: UrlFetchReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface FetchUrlOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  /** "pdf": the body must be a PDF (default). "any": no content check (validate-paths HEAD-like use). */
  expect?: "pdf" | "any";
  /** Stop after the headers (validate-paths): no body is read. */
  headersOnly?: boolean;
  /** DNS resolution (tests may replace it). */
  resolve?: (host: string) => Promise<Array<{ address: string; family: number }>>;
  signal?: AbortSignal;
}

export interface FetchedFile {
  finalUrl: string;
  bytes: Buffer;
  /** Declared content type (header), lower case without parameters; "" when absent. */
  contentType: string;
  /** Declared size (Content-Length), when known. */
  size?: number;
  filename: string;
}

/** Why an address may not be fetched, or null when it may. Pure. */
export function blockedAddress(ip: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(ip)) return `"${ip}" is not an IP address`;
  const addr = ipaddr.process(ip);
  const range = addr.range();
  if (range === "unicast") return null;
  // Even a deployment that allows its own network never connects to "any address" or group addresses.
  if (["unspecified", "multicast", "broadcast"].includes(range)) return `${ip} is a ${range} address`;
  if (allowPrivate) return null;
  return `${ip} is a ${range} address, which this server does not fetch from`;
}

const defaultResolve = (host: string) => dns.lookup(host, { all: true, verbatim: true });

/** Checks a URL's scheme and host addresses; answers the address to connect to. */
export async function checkUrl(raw: string, opts: Pick<FetchUrlOptions, "allowPrivate" | "resolve">): Promise<{ url: URL; address: string; family: number }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlFetchError("invalid-url", "The URL is not valid");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UrlFetchError("scheme", "URL must start with http:// or https://");
  if (url.username || url.password) throw new UrlFetchError("invalid-url", "URLs with credentials are not accepted");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: Array<{ address: string; family: number }>;
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(":") ? 6 : 4 }];
  else {
    try {
      addresses = await (opts.resolve ?? defaultResolve)(host);
    } catch {
      throw new UrlFetchError("dns", `The host ${host} could not be resolved`);
    }
    if (addresses.length === 0) throw new UrlFetchError("dns", `The host ${host} could not be resolved`);
  }
  // Every address counts: a name resolving to one public and one private address is refused.
  for (const a of addresses) {
    const why = blockedAddress(a.address, opts.allowPrivate);
    if (why) throw new UrlFetchError("blocked-address", `Refused to fetch ${url.hostname}: ${why}`);
  }
  return { url, address: addresses[0]!.address, family: addresses[0]!.family };
}

const NOT_PDF_TYPE = /^(text\/|image\/|audio\/|video\/|application\/(json|xml|javascript|zip|x-www-form-urlencoded))/;

/** Fetches a URL under the rules above. Throws UrlFetchError. */
export async function fetchUrl(raw: string, opts: FetchUrlOptions): Promise<FetchedFile> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline;
  let current = raw;
  for (let hop = 0; ; hop++) {
    const { url, address, family } = await checkUrl(current, opts);
    const res = await request(url, address, family, signal, opts.timeoutMs);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= (opts.maxRedirects ?? 5)) throw new UrlFetchError("redirects", "Too many redirects");
      current = new URL(res.headers.location, url).toString();
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new UrlFetchError("http-status", `Failed to download: the server answered HTTP ${status}`, status);
    }
    const contentType = String(res.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const declared = res.headers["content-length"] !== undefined ? Number(res.headers["content-length"]) : undefined;
    const filename = filenameOf(res.headers["content-disposition"], url);
    if (opts.expect !== "any" && NOT_PDF_TYPE.test(contentType)) {
      res.resume();
      throw new UrlFetchError("content-type", `The URL does not point to a PDF (content type ${contentType})`);
    }
    if (declared !== undefined && declared > opts.maxBytes) {
      res.destroy();
      throw new UrlFetchError("too-large", `The file is larger than the limit of ${Math.round(opts.maxBytes / 1048576)} MB`);
    }
    if (opts.headersOnly) {
      res.destroy();
      return { finalUrl: url.toString(), bytes: Buffer.alloc(0), contentType, size: declared, filename };
    }
    const bytes = await readLimited(res, opts.maxBytes, signal, opts.timeoutMs);
    if (opts.expect !== "any" && sniff(bytes.subarray(0, 1024)) !== "application/pdf") {
      throw new UrlFetchError("content-type", "The URL does not point to a PDF (its content does not start with %PDF-)");
    }
    return { finalUrl: url.toString(), bytes, contentType, size: bytes.length, filename };
  }
}

function request(url: URL, address: string, family: number, signal: AbortSignal, timeoutMs: number): Promise<http.IncomingMessage> {
  // The socket connects to the address checked above, whatever a second DNS answer would say.
  const lookup = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(timeoutError(timeoutMs));
    const req = mod.request(url, { method: "GET", lookup, signal, headers: { "User-Agent": "docmill-url-fetch", Accept: "application/pdf,*/*;q=0.5" } }, resolve);
    req.on("error", (err) => reject(signal.aborted ? timeoutError(timeoutMs) : new UrlFetchError("network", `Failed to download: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    req.end();
  });
}

function timeoutError(ms: number): UrlFetchError {
  return new UrlFetchError("timeout", `The download did not finish within ${Math.round(ms / 1000)} s`);
}

async function readLimited(res: http.IncomingMessage, max: number, signal: AbortSignal, timeoutMs: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > max) {
        res.destroy();
        throw new UrlFetchError("too-large", `The file is larger than the limit of ${Math.round(max / 1048576)} MB`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof UrlFetchError) throw err;
    if (signal.aborted) throw timeoutError(timeoutMs);
    throw new UrlFetchError("network", `Failed to download: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}

function filenameOf(disposition: string | undefined, url: URL): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? "");
  const fromHeader = m ? safeDecode(m[1]!) : "";
  const fromPath = safeDecode(url.pathname.split("/").filter(Boolean).pop() ?? "");
  const name = (fromHeader || fromPath || "document.pdf").replace(/[/\\\0]/g, "_").slice(0, 200);
  return /\.pdf$/i.test(name) ? name : `${name}.pdf`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
