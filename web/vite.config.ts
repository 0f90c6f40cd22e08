/**
 * Builds the web app into web/dist, served by the gateway under /app/ (kernel/gateway/routes/web.ts).
 * No plugin: Vite 8 compiles TSX itself (the automatic JSX runtime comes from web/tsconfig.json).
 * Hashed file names let the gateway cache assets for a year; index.html is never cached.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/app/",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    // The CSP forbids inline scripts: no inline polyfill, no inlined assets as scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `vite --config web/vite.config.ts` for development, against a gateway on :3000.
    proxy: { "/api": { target: "http://127.0.0.1:3000", ws: true }, "/v1": "http://127.0.0.1:3000" },
  },
});
