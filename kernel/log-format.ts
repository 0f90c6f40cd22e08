/**
 * Structured JSON log lines. Moleculer's "json" formatter flattens objects into a printed `msg`
 * string; this one merges a leading plain object into the line, so `logger.info({msg, requestID, ...})`
 * becomes `{"ts", "level", "msg", "requestID", ..., "nodeID", "svc"}`: one field per fact, greppable and
 * parseable by any log pipeline. Errors keep their message and stack.
 */
import { inspect } from "node:util";

type Bindings = Record<string, unknown> | undefined;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Error) && Object.getPrototypeOf(v) === Object.prototype;
}

function describe(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Error) return v.stack ?? v.message;
  return inspect(v, { depth: 4, breakLength: Infinity });
}

export function jsonFormatter(type: string, args: unknown[], bindings: Bindings): string[] {
  const line: Record<string, unknown> = { ts: new Date().toISOString(), level: type };
  const rest = [...args];
  if (isPlainObject(rest[0])) Object.assign(line, rest.shift());
  if (rest.length) {
    const text = rest.map(describe).join(" ");
    line.msg = line.msg ? `${String(line.msg)} ${text}` : text;
  }
  if (bindings) {
    for (const k of ["nodeID", "ns", "mod", "svc"]) if (bindings[k] !== undefined && bindings[k] !== "") line[k] = bindings[k];
  }
  try {
    return [JSON.stringify(line)];
  } catch {
    return [JSON.stringify({ ts: line.ts, level: type, msg: describe(args) })];
  }
}
