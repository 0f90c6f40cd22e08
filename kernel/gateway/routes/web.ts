/**
 * The web app (web/, built by `npm run build:web` into web/dist) served under /app/ by the gateway
 * itself, in the embedded and the split shape alike: no separate server.
 *
 * - Hashed files under /app/assets/ are immutable: cached for a year.
 * - Any other /app/ path is a client-side route: index.html, never cached, so a deploy is picked up at once.
 * - A strict Content-Security-Policy for the app's documents (no inline scripts, nothing from elsewhere),
 *   replacing the API policy that routing.ts puts on every response of the route.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RouteGroup } from "../types";

/** Where the built app lives; resolved from this file so it works from any working directory. */
export const WEB_DIST_DIR = path.resolve(__dirname, "../../../web/dist");

export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".bcmap": "application/octet-stream",
  ".pfb": "application/octet-stream",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
};

async function fileAt(p: string): Promise<{ size: number; mtime: Date } | null> {
  try {
    const s = await stat(p);
    return s.isFile() ? { size: s.size, mtime: s.mtime } : null;
  } catch {
    return null;
  }
}

function appHeaders(res: ServerResponse, type: string, cache: string, size: number): void {
  res.setHeader("Content-Security-Policy", APP_CSP);
  res.setHeader("Content-Type", type);
  res.setHeader("Cache-Control", cache);
  res.setHeader("Content-Length", String(size));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
}

/** The path after /app/, decoded, or null when it tries to leave the folder. */
export function appRelativePath(url: string | undefined): string | null {
  const pathname = (url ?? "/").split("?")[0].split("#")[0];
  let rest = pathname.replace(/^\/app\/?/, "");
  try {
    rest = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (rest.includes("\0")) return null;
  const norm = path.posix.normalize("/" + rest).slice(1);
  if (norm.split("/").includes("..")) return null;
  return norm;
}

async function serveApp(req: IncomingMessage, res: ServerResponse, distDir = WEB_DIST_DIR): Promise<void> {
  if ((req.url ?? "").split("?")[0] === "/app") {
    res.statusCode = 301;
    res.setHeader("Location", "/app/");
    res.end();
    return;
  }
  const rel = appRelativePath(req.url);
  if (rel === null) {
    res.statusCode = 400;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("Bad path");
    return;
  }
  const index = path.join(distDir, "index.html");
  const indexInfo = await fileAt(index);
  if (!indexInfo) {
    res.statusCode = 503;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.end("The web app is not built. Run `npm run build:web` (part of `npm run build`) and reload.");
    return;
  }

  const candidate = rel ? path.join(distDir, rel) : "";
  const info = candidate && candidate.startsWith(distDir + path.sep) ? await fileAt(candidate) : null;
  if (info) {
    const ext = path.extname(candidate).toLowerCase();
    // Vite puts a content hash in every name under assets/: safe to cache forever.
    const cache = rel.startsWith("assets/") ? "public, max-age=31536000, immutable" : ext === ".html" ? "no-cache" : "public, max-age=3600";
    appHeaders(res, TYPES[ext] ?? "application/octet-stream", cache, info.size);
    res.statusCode = 200;
    if (req.method === "HEAD") return void res.end();
    await pipeFile(candidate, res);
    return;
  }
  if (rel.startsWith("assets/") || /\.[a-z0-9]{1,6}$/i.test(rel)) {
    // A missing file is a 404, not the app's HTML (a stale hashed name must not parse HTML as JS).
    res.statusCode = 404;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("Not found");
    return;
  }
  appHeaders(res, TYPES[".html"], "no-cache", indexInfo.size);
  res.statusCode = 200;
  if (req.method === "HEAD") return void res.end();
  await pipeFile(index, res);
}

function pipeFile(file: string, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createReadStream(file);
    s.on("error", reject);
    res.on("finish", () => resolve());
    res.on("close", () => resolve());
    s.pipe(res);
  });
}

export const webRoutes: RouteGroup = {
  prefix: "",
  routes: [
    {
      method: "GET",
      path: "/app",
      access: "public",
      summary: "Web app: redirects to /app/",
      tags: ["web"],
      body: "none",
      // path-to-regexp also matches "/app/" here (trailing slash): only the bare "/app" is redirected.
      handler: (req, res) => serveApp(req, res),
    },
    {
      method: "GET",
      path: "/app/*path",
      access: "public",
      summary: "Web app: static files; index.html for client routes",
      tags: ["web"],
      body: "none",
      handler: (req, res) => serveApp(req, res),
    },
  ],
};
