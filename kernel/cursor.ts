/**
 * The opaque page cursors of docmill's own API (/v1: jobs, audit): base64url of `{t, id}`, the last
 * item's time in epoch milliseconds and its id. A cursor is client input: anything that does not decode to
 * that shape with a real date is refused with the caller's 400 naming `cursor`, never handed to the
 * database (a `t` of 1e20 decoded to an Invalid Date, which the query's cast turned into a 500: issue 14).
 */

/** Longest id a cursor may carry (job ids are at most 64 characters, audit ids 24). */
const MAX_ID = 128;

export function encodeCursor(at: Date | string | number, id: string): string {
  return Buffer.from(JSON.stringify({ t: new Date(at).getTime(), id })).toString("base64url");
}

/** The cursor's time and id; null for anything else (not base64url JSON, wrong types, no real date). */
export function decodeCursor(raw: string): { at: Date; id: string } | null {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof c !== "object" || c === null) return null;
  const { t, id } = c as { t?: unknown; id?: unknown };
  if (typeof t !== "number" || !Number.isInteger(t) || typeof id !== "string" || !id || id.length > MAX_ID) return null;
  const at = new Date(t);
  return Number.isNaN(at.getTime()) ? null : { at, id };
}
