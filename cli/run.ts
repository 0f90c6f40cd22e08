/**
 * `docmill run <plugin> <in.pdf> [--out FILE] [--option k=v ...] [--json]` runs one plugin on a local
 * file in this process: no server, database or NATS. Inputs and outputs live in memory; the same runner
 * as the workers (runner.ts) validates options and drives the lifecycle, so what works here works there.
 * `docmill plugins` lists the plugins found.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { pdfPool } from "../sdk/pdf/pool";
import { sniff } from "../kernel/storage/sniff";
import { hostedPluginsFrom } from "./host";
import { pluginRoots } from "../kernel/plugins/host";
import { discoverPlugins } from "../kernel/plugins/loader";
import { describe, type WrittenOutput } from "../sdk/manifest";
import { parseOptionPairs } from "../kernel/plugins/options";
import { runPlugin, toJobError } from "../kernel/plugins/runner";

const USAGE = "Usage: docmill run <plugin> <in.pdf> [--out FILE|DIR] [--option key=value ...] [--json]";

function bar(percent: number, message: string, width = 30): string {
  const filled = Math.round((percent / 100) * width);
  return `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(percent).padStart(3)}% ${message}`.slice(0, (process.stderr.columns || 100) - 1).padEnd(Math.min(99, (process.stderr.columns || 100) - 1));
}

async function closePool(): Promise<void> {
  // Plugins may have started the PDF engine's threads; they would keep the process alive.
  await pdfPool.close().catch(() => undefined);
}

export async function runCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: "string", short: "o" }, option: { type: "string", multiple: true }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 2) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const [pluginId, file] = positionals as [string, string];
  let manifest;
  let options: Record<string, unknown>;
  try {
    const found = discoverPlugins(pluginRoots()).map((f) => f.id);
    if (!found.includes(pluginId)) {
      console.error(`Unknown plugin "${pluginId}". Available: ${found.sort().join(", ") || "none"} (see docmill plugins)`);
      return 2;
    }
    manifest = hostedPluginsFrom([pluginId])[0]!;
    options = parseOptionPairs(values.option ?? []);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    console.error(`Cannot read ${file}: ${(err as Error).message}`);
    return 2;
  }
  const contentType = sniff(bytes.subarray(0, 1024));
  const outputs = new Map<string, { data: Buffer; out: WrittenOutput }>();
  const tty = Boolean(process.stderr.isTTY);
  const ac = new AbortController();
  const onSigint = () => ac.abort(new DOMException("Interrupted", "AbortError"));
  process.once("SIGINT", onSigint);
  const started = Date.now();
  try {
    const outcome = await runPlugin(manifest, {
      jobId: `local-${Date.now()}`,
      owner: "local",
      attempt: 1,
      rawOptions: options,
      signal: ac.signal,
      logger: { info: () => undefined, debug: () => undefined, warn: (...a) => console.error(...a), error: (...a) => console.error(...a) },
      input: {
        fileId: "local",
        filename: path.basename(file),
        contentType,
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        read: async () => bytes,
        stream: async () => Readable.from([bytes]),
      },
      async reportProgress(percent, message) {
        if (tty) process.stderr.write(bar(percent, message));
      },
      async storeOutput(name, data, meta) {
        const chunks: Buffer[] = [];
        if (Buffer.isBuffer(data)) chunks.push(data);
        else for await (const c of data) chunks.push(Buffer.from(c as Uint8Array));
        const buf = Buffer.concat(chunks);
        const out: WrittenOutput = {
          name,
          fileId: `local:${name}`,
          size: buf.length,
          sha256: createHash("sha256").update(buf).digest("hex"),
          contentType: meta.contentType,
          filename: meta.filename ?? name,
        };
        outputs.set(name, { data: buf, out });
        return out;
      },
    });
    if (tty) process.stderr.write("\n");
    const written: string[] = [];
    if (values.out) {
      const list = [...outputs.values()];
      if (list.length === 1 && !(await fs.stat(values.out).then((s) => s.isDirectory()).catch(() => false))) {
        await fs.writeFile(values.out, list[0]!.data);
        written.push(values.out);
      } else {
        await fs.mkdir(values.out, { recursive: true });
        for (const o of list) {
          const p = path.join(values.out, path.basename(o.out.filename));
          await fs.writeFile(p, o.data);
          written.push(p);
        }
      }
    }
    const report = {
      plugin: manifest.id,
      version: manifest.version,
      status: outcome.status,
      ...(outcome.status === "paused" ? { pausedAt: outcome.point } : {}),
      result: outcome.result,
      outputs: [...outputs.values()].map((o) => o.out),
      written,
      seconds: Math.round((Date.now() - started) / 10) / 100,
    };
    if (values.json) process.stdout.write(JSON.stringify(report) + "\n");
    else {
      process.stdout.write(`${manifest.id} ${outcome.status} in ${report.seconds}s\n`);
      process.stdout.write(JSON.stringify(outcome.result, null, 2) + "\n");
      for (const w of written) process.stdout.write(`wrote ${w}\n`);
      if (!values.out && outputs.size) process.stdout.write(`outputs: ${[...outputs.keys()].join(", ")} (use --out to save them)\n`);
    }
    return 0;
  } catch (err) {
    if (tty) process.stderr.write("\n");
    const e = toJobError(err);
    const fields = (err as { data?: { fields?: unknown } }).data?.fields;
    if (values.json) process.stdout.write(JSON.stringify({ plugin: manifest.id, status: "failed", error: { ...e, ...(fields ? { fields } : {}) } }) + "\n");
    else console.error(`${manifest.id} failed: ${e.type}: ${e.message}`);
    return e.type === "VALIDATION_ERROR" ? 2 : 1;
  } finally {
    process.removeListener("SIGINT", onSigint);
    await closePool();
  }
}

export async function listCommand(): Promise<number> {
  try {
    const list = hostedPluginsFrom([]);
    for (const m of list.map(describe)) {
      console.log(`${m.id.padEnd(16)} ${m.version.padEnd(8)} ${m.title}  [${m.accepts.join(", ")}]${m.pausePoints.length ? ` pauses: ${m.pausePoints.join(", ")}` : ""}`);
    }
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
}
