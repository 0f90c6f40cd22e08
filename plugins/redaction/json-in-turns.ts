/**
 * JSON text of big plain data (a redaction report or certificate of tens of thousands of areas) with the
 * event loop let go every few milliseconds: byte for byte what `JSON.stringify(value, null, 2)` gives
 * (and certificate.ts's canonicalJsonInTurns what canonicalJson gives), built item by item for long arrays. One synchronous stringify
 * of a 21,600-area report, its certificate and the signed canonical body held the loop the gateway
 * shares in the embedded shape (issue 14) for about a second together.
 * For plain data (what the plugin writes): objects, arrays, strings, numbers, booleans, null, and values
 * with toJSON (dates), which are stringified as leaves.
 */
import { setImmediate as nextTurn } from "node:timers/promises";

/** Arrays shorter than this are stringified in one call (they cannot take long). */
export const LONG = 256;
/** Longest stretch of stringifying before the loop is let go. */
const SLICE_MS = 8;

/** Lets the event loop go once SLICE_MS have passed since it last did. */
export class Turns {
  private since = performance.now();
  async breathe(): Promise<void> {
    if (performance.now() - this.since < SLICE_MS) return;
    await nextTurn();
    this.since = performance.now();
  }
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON !== "function";
}

function indented(text: string, pad: string): string {
  // JSON strings hold no raw line breaks: every one is the layout's.
  return text.replace(/\n/g, "\n" + pad);
}

async function pretty(v: unknown, pad: string, t: Turns): Promise<string | undefined> {
  if (!isContainer(v)) return JSON.stringify(v);
  const inner = pad + "  ";
  if (Array.isArray(v)) {
    if (v.length < LONG) return indented(JSON.stringify(v, null, 2), pad);
    const items: string[] = [];
    for (const item of v) {
      items.push(inner + indented(JSON.stringify(item, null, 2) ?? "null", inner));
      await t.breathe();
    }
    return `[\n${items.join(",\n")}\n${pad}]`;
  }
  const entries: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    const s = await pretty(x, inner, t);
    if (s !== undefined) entries.push(`${inner}${JSON.stringify(k)}: ${s}`);
  }
  return entries.length ? `{\n${entries.join(",\n")}\n${pad}}` : "{}";
}

/** `JSON.stringify(value, null, 2)`, in turns. */
export async function prettyJson(value: unknown): Promise<string> {
  return (await pretty(value, "", new Turns())) ?? "null";
}
