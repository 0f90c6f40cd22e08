/**
 * A real HTTP receiver for webhook tests on 127.0.0.1: records every request (headers and the raw body)
 * and answers as the test tells it per path: `ok` (200), `fail:N` (500 for the first N requests of each
 * webhook-id, then 200) or `hang:N` (the first N requests of each webhook-id get no answer at all).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Receiver {
  url(path: string): string;
  requests: Received[];
  on(path: string): Received[];
  /** Resolves once `path` has received `n` requests (polls; capped, names what it waited for). */
  waitFor(path: string, n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: Record<string, string>): Promise<Receiver> {
  const requests: Received[] = [];
  const seen = new Map<string, number>();
  const hung: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)]));
      requests.push({ path, headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const key = `${path} ${headers["webhook-id"] ?? ""}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      const [mode, count] = (behaviour[path] ?? "ok").split(":");
      if (mode === "fail" && n <= Number(count)) {
        res.statusCode = 500;
        res.end("receiver down");
      } else if (mode === "hang" && n <= Number(count)) {
        hung.push(res);
      } else {
        res.statusCode = 200;
        res.end("ok");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const on = (path: string) => requests.filter((r) => r.path === path);
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    on,
    async waitFor(path, n, timeoutMs = 120_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (on(path).length >= n) return on(path);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`receiver: ${path} got ${on(path).length} of ${n} requests`);
    },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
