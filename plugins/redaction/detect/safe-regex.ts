/**
 * User-supplied regexes run on every page, and JavaScript regexes cannot be interrupted, so a
 * catastrophic pattern would stall a worker. We cannot time-box a match without a clock (not allowed
 * in detectors), so instead we refuse the pattern shapes that backtrack exponentially:
 *
 * - longer than MAX_USER_REGEX_LENGTH characters;
 * - backreferences (`\1`, `\k<name>`);
 * - a repeated group that itself contains an unbounded quantifier: `(a+)+`, `(\w+\s?){2,5}`;
 * - an unboundedly repeated group containing another repeat or an alternation: `(a|aa)*`, `([a-z]{2})+`;
 * - patterns that match the empty string (they would produce empty findings at every position).
 *
 * Bounded repeats of simple groups stay allowed: `(\d{3}-){2}\d{4}`, `(?:foo|bar){1,3}`, `(?:\d{4}[ -]?){3}`.
 * The check is conservative (it rejects some safe patterns) and says why, so users can rewrite them.
 */
export const MAX_USER_REGEX_LENGTH = 500;

export type SafeRegexResult = { ok: true; regex: RegExp } | { ok: false; reason: string };

interface GroupState {
  unbounded: boolean;
  repeat: boolean;
  alternation: boolean;
}

/** Read a quantifier at `i`; returns its max (Infinity for unbounded) and its length, or null. */
function readQuantifier(src: string, i: number): { max: number; length: number } | null {
  const c = src[i];
  let max: number;
  let length: number;
  if (c === "*" || c === "+") {
    max = Infinity;
    length = 1;
  } else if (c === "?") {
    max = 1;
    length = 1;
  } else if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
    if (!m) return null;
    max = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Infinity : Number(m[3]);
    length = m[0].length;
  } else {
    return null;
  }
  if (src[i + length] === "?" || src[i + length] === "+") length++; // lazy / possessive-looking suffix
  return { max, length };
}

/** Why `src` is unsafe, or null when the structure is acceptable. Exported for tests. */
export function unsafeReason(src: string): string | null {
  if (src.length === 0) return "is empty";
  if (src.length > MAX_USER_REGEX_LENGTH) return `is longer than ${MAX_USER_REGEX_LENGTH} characters`;
  const stack: GroupState[] = [{ unbounded: false, repeat: false, alternation: false }];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const top = stack[stack.length - 1]!;
    if (c === "\\") {
      const next = src[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return "uses a backreference";
      i += 2;
      // an escaped atom can be quantified
      const q = readQuantifier(src, i);
      if (q) {
        if (q.max === Infinity) top.unbounded = true;
        if (q.max > 1) top.repeat = true;
        i += q.length;
      }
      continue;
    }
    if (c === "[") {
      // skip the character class, honouring escapes and a leading ]
      let j = i + 1;
      if (src[j] === "^") j++;
      if (src[j] === "]") j++;
      while (j < src.length && src[j] !== "]") j += src[j] === "\\" ? 2 : 1;
      if (j >= src.length) return "has an unterminated character class";
      i = j + 1;
      const q = readQuantifier(src, i);
      if (q) {
        if (q.max === Infinity) top.unbounded = true;
        if (q.max > 1) top.repeat = true;
        i += q.length;
      }
      continue;
    }
    if (c === "(") {
      stack.push({ unbounded: false, repeat: false, alternation: false });
      i++;
      continue;
    }
    if (c === ")") {
      if (stack.length === 1) return "has an unbalanced parenthesis";
      const group = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      i++;
      const q = readQuantifier(src, i);
      if (q && q.max > 1) {
        if (group.unbounded) return "nests a quantifier inside a repeated group (catastrophic backtracking)";
        if (q.max === Infinity && (group.repeat || group.alternation))
          return "repeats without bound a group that contains a repeat or an alternation (catastrophic backtracking)";
      }
      parent.unbounded ||= group.unbounded || (q !== null && q.max === Infinity);
      parent.repeat ||= group.repeat || (q !== null && q.max > 1);
      parent.alternation ||= group.alternation;
      if (q) i += q.length;
      continue;
    }
    if (c === "|") {
      top.alternation = true;
      i++;
      continue;
    }
    const q = readQuantifier(src, i);
    if (q) {
      if (q.max === Infinity) top.unbounded = true;
      if (q.max > 1) top.repeat = true;
      i += q.length;
      continue;
    }
    i++;
  }
  if (stack.length !== 1) return "has an unbalanced parenthesis";
  return null;
}

/**
 * Compile a user regex if it is safe. Unicode mode is tried first (so `\p{L}` works); patterns that
 * are only valid in legacy mode (such as `[\w-]`) are compiled without it.
 */
export function compileSafeRegex(src: string): SafeRegexResult {
  const reason = unsafeReason(src);
  if (reason) return { ok: false, reason };
  let regex: RegExp;
  try {
    regex = new RegExp(src, "gu");
  } catch {
    try {
      regex = new RegExp(src, "g");
    } catch (err) {
      return { ok: false, reason: `is not a valid regular expression (${(err as Error).message})` };
    }
  }
  if (new RegExp(regex.source, regex.flags.replace("g", "")).test("")) return { ok: false, reason: "matches the empty string" };
  return { ok: true, regex };
}
