/**
 * User-supplied regexes (custom pattern recognisers) run on every page of every document. JavaScript's
 * backtracking engine can take exponential time on patterns such as `(?:a|a){1,100}$` and cannot be
 * interrupted, so a single request could stall a worker (or, in the embedded shape, the whole API):
 * issue 14. They therefore never reach `RegExp`: they are compiled by re2js, a pure-JavaScript port of
 * RE2, whose matching time is linear in the text's length whatever the pattern.
 *
 * RE2's syntax is the common subset of Perl/JavaScript regexes without backtracking-only features:
 * no backreferences (`\1`, `\k<name>`) and no lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`). Such patterns,
 * repeat counts RE2 refuses (over 1000, nested or not), patterns longer than MAX_USER_REGEX_LENGTH and
 * patterns that match the empty string are refused with a sentence saying why, which the API returns
 * as a 400 naming the field.
 */
import { RE2JS } from "re2js";

export const MAX_USER_REGEX_LENGTH = 500;

/** One match: `index` and `end` are UTF-16 offsets into the searched text, as with RegExp. */
export interface UserRegexMatch {
  index: number;
  end: number;
  0: string;
}

/** A compiled user regex: linear-time matching only. */
export interface UserRegex {
  readonly source: string;
  /** Every non-overlapping, non-empty match, left to right. */
  matchAll(text: string): Generator<UserRegexMatch>;
  test(text: string): boolean;
}

export type SafeRegexResult = { ok: true; regex: UserRegex } | { ok: false; reason: string };

function reasonOf(err: unknown): string {
  const msg = (err as Error)?.message ?? String(err);
  if (/invalid escape sequence: `\\[1-9]/.test(msg) || /\\k</.test(msg)) return "uses a backreference, which the linear-time regex engine does not support";
  if (/Perl syntax: `\(\?[=!<]/.test(msg) || /named capture: `\(\?<[=!]/.test(msg)) return "uses a lookaround ((?=, (?!, (?<=, (?<!), which the linear-time regex engine does not support";
  if (/invalid repeat count/.test(msg)) return "has an invalid repeat count (over 1000, nested repeats multiplied, or a minimum above the maximum)";
  return `is not a valid regular expression (${msg.replace(/^error parsing regexp: /, "")})`;
}

function wrap(source: string, pattern: RE2JS): UserRegex {
  return {
    source,
    *matchAll(text: string) {
      const m = pattern.matcher(text);
      let from = 0;
      while (from <= text.length && m.find(from)) {
        const start = m.start();
        const end = m.end();
        if (end === start) {
          from = end + 1;
          continue;
        }
        yield { index: start, end, 0: text.slice(start, end) };
        from = end;
      }
    },
    test(text: string) {
      return pattern.matcher(text).find();
    },
  };
}

/** Why `src` is refused, or null when it compiles. */
export function unsafeReason(src: string): string | null {
  const r = compileSafeRegex(src);
  return r.ok ? null : r.reason;
}

/** Compile a user regex on the linear-time engine, or say why it is refused. */
export function compileSafeRegex(src: string): SafeRegexResult {
  if (src.length === 0) return { ok: false, reason: "is empty" };
  if (src.length > MAX_USER_REGEX_LENGTH) return { ok: false, reason: `is longer than ${MAX_USER_REGEX_LENGTH} characters` };
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(src);
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
  if (pattern.matches("")) return { ok: false, reason: "matches the empty string" };
  return { ok: true, regex: wrap(src, pattern) };
}
