import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Name parts people are known by, first names and surnames alike (~39,000 entries from many cultures:
 * "Kessler", "Nader", "Schnürer", "Rolland"), from `@cspell/dict-people-names` (MIT, Street Side
 * Software's cspell-dicts, curated: every entry must be confirmable as a person's name). Loaded once when
 * the module is first imported, as `require()` of a JSON list would be; detection itself stays pure and
 * receives the set.
 *
 * Chosen over the faker locales the quality corpus is generated from: a detector that knew exactly the
 * corpus' names would score a recall on the benchmark that real documents never see. It is independent
 * of faker (it knows 42-94 % of faker's de/fr/es/en surnames), so what it does not know must be found by
 * layout evidence, as in the world.
 */
function load(): ReadonlySet<string> {
  const dir = path.dirname(require.resolve("@cspell/dict-people-names"));
  const text = readFileSync(path.join(dir, "dict", "people-names.txt"), "utf8");
  const out = new Set<string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    out.add(nameLexiconKey(line));
  }
  return out;
}

/** The key a name part is looked up by: lower case, accents removed ("Schnürer" = "schnurer"). */
export function nameLexiconKey(token: string): string {
  return token.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

export const NAME_LEXICON: ReadonlySet<string> = load();
