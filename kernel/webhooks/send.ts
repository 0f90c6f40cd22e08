/**
 * One delivery attempt: a POST to the endpoint under the SSRF rules of URL fetching (kernel/net/fetch-url.ts):
 * http(s) only, no credentials in the URL, every resolved address public unless WEBHOOK_ALLOW_PRIVATE,
 * and the connection goes to the address that was checked (a second DNS answer cannot redirect it).
 * Redirects are not followed (a 3xx is a failed attempt): a receiver that moved is re-registered.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { checkUrl, UrlFetchError } from "../net/fetch-url";

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, safe to show to the endpoint's owner (never the response body). */
  error: string | null;
  durationMs: number;
  /** The URL was refused by the SSRF rules: retrying cannot help. */
  refused?: boolean;
}

export interface SendOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  resolve?: (host: string) => Promise<Array<{ address: string; family: number }>>;
}

export async function postSigned(rawUrl: string, body: string, headers: Record<string, string>, opts: SendOptions): Promise<AttemptResult> {
  const started = Date.now();
  let target: Awaited<ReturnType<typeof checkUrl>>;
  try {
    target = await checkUrl(rawUrl, opts);
  } catch (err) {
    const refused = err instanceof UrlFetchError && err.reason !== "dns";
    return { ok: false, statusCode: null, error: (err as Error).message.replace(/^Refused to fetch/, "Refused to deliver to"), durationMs: Date.now() - started, refused };
  }
  const { url, address, family } = target;
  const lookup = ((_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) => (o?.all ? cb(null, [{ address, family }]) : cb(null, address, family))) as unknown as LookupFunction;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const done = (r: Omit<AttemptResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: Date.now() - started });
    };
    const req = mod.request(url, { method: "POST", lookup, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const status = res.statusCode ?? 0;
      // The body is not ours to keep (it may hold anything); drain it so the socket is freed.
      res.resume();
      res.on("error", () => undefined);
      res.once("end", () => done({ ok: status >= 200 && status < 300, statusCode: status, error: status >= 200 && status < 300 ? null : `The endpoint answered HTTP ${status}` }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, statusCode: null, error: `No answer within ${Math.round(opts.timeoutMs / 100) / 10} s` });
    }, opts.timeoutMs);
    req.on("error", (err) => done({ ok: false, statusCode: null, error: `Could not reach the endpoint: ${(err as NodeJS.ErrnoException).code ?? err.message}` }));
    req.end(body);
  });
}
