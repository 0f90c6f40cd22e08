/**
 * Learning from edits, the engine's side: tags that users of this account keep removing from documents
 * (counted by the tagger service, services/lib/tagger/edits.ts) are demoted, not banned. A demoted tag
 * moves behind every other candidate, so it still fills a slot when the document has nothing better,
 * while exclusion words remove a tag outright. Matching is by the stemmed key, so `sensors` demotes
 * `sensor`. Pure.
 */
import { labelKey } from "./vocabulary";
import type { Language } from "./stopwords";

/** Ranked candidates (best first) with the demoted ones moved to the end, each group in its own order. */
export function demoteTags(candidates: readonly string[], demoted: readonly string[], language: Language): string[] {
  if (demoted.length === 0) return [...candidates];
  const keys = new Set(demoted.map((t) => labelKey(t, language)).filter(Boolean));
  const kept: string[] = [];
  const pushed: string[] = [];
  for (const c of candidates) (keys.has(labelKey(c, language)) ? pushed : kept).push(c);
  return [...kept, ...pushed];
}
