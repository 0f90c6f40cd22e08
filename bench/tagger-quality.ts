/**
 * Tagging quality of the local engine against a naive baseline (the most frequent non-stop words), on the
 * small labelled corpus in test/unit/plugins/tagging/tagger/fixtures. Prints precision and recall at k.
 *
 * Matching: "strict" counts a tag as a hit when its key (lower case, singular, hyphens as spaces) equals
 * a gold phrase's key; "lenient" also counts a tag that contains a gold phrase as a whole-word sequence
 * ("digital identity scheme" ~ "digital identity"), or is contained in one and covers at least two thirds
 * of its words ("degree heating" ~ "degree heating weeks", but not "digital" ~ "digital governance").
 * Each gold phrase is matched once.
 *
 * Run: npx tsx bench/tagger-quality.ts [k...]   (default k = 5 8 10)
 */

import { generateTagsLocal } from "../plugins/tagging/tagger/local";
import { phraseKey } from "../plugins/tagging/tagger/normalize";
import { stopwordsFor, type Language } from "../plugins/tagging/tagger/stopwords";
import { words } from "../plugins/tagging/tagger/text";
import { corpus, type LabelledDocument } from "../test/unit/plugins/tagging/tagger/fixtures/documents";

type Engine = (doc: LabelledDocument, k: number) => string[];

/** The baseline a quick implementation would ship: top-k words by frequency, stop words removed. */
const baseline: Engine = (doc, k) => {
  const stop = stopwordsFor(doc.language);
  const counts = new Map<string, number>();
  for (const w of words(doc.text)) {
    const lower = w.toLowerCase();
    if (stop.has(lower) || /^\p{N}+$/u.test(lower) || lower.length < 3) continue;
    counts.set(lower, (counts.get(lower) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, k).map(([w]) => w);
};

const local: Engine = (doc, k) => generateTagsLocal(doc.text, { numTags: k, title: doc.title }).tags;

function matches(tag: string, gold: string, language: Language, lenient: boolean): boolean {
  const a = phraseKey(tag, language);
  const b = phraseKey(gold, language);
  if (a === b) return true;
  if (!lenient) return false;
  if (` ${a} `.includes(` ${b} `)) return true;
  return ` ${b} `.includes(` ${a} `) && a.split(" ").length * 3 >= b.split(" ").length * 2;
}

function score(tags: string[], doc: LabelledDocument, lenient: boolean): { hits: number; goldHit: number } {
  const used = new Set<number>();
  let hits = 0;
  for (const tag of tags) {
    const i = doc.gold.findIndex((g, idx) => !used.has(idx) && matches(tag, g, doc.language, lenient));
    if (i >= 0) {
      used.add(i);
      hits += 1;
    }
  }
  return { hits, goldHit: used.size };
}

function evaluate(engine: Engine, k: number, lenient: boolean): { p: number; r: number } {
  let p = 0;
  let r = 0;
  for (const doc of corpus) {
    const tags = engine(doc, k);
    const s = score(tags, doc, lenient);
    p += s.hits / k;
    r += s.goldHit / doc.gold.length;
  }
  return { p: p / corpus.length, r: r / corpus.length };
}

const ks = process.argv.slice(2).map(Number).filter((n) => n > 0);
const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)}%`;
console.log(`corpus: ${corpus.length} documents (${[...new Set(corpus.map((d) => d.language))].join(", ")})`);
console.log("engine    match     k   precision@k  recall@k");
for (const k of ks.length > 0 ? ks : [5, 8, 10]) {
  for (const lenient of [false, true]) {
    for (const [name, engine] of [["baseline", baseline], ["local", local]] as const) {
      const { p, r } = evaluate(engine, k, lenient);
      console.log(`${name.padEnd(9)} ${(lenient ? "lenient" : "strict").padEnd(8)} ${String(k).padStart(3)}   ${pct(p)}      ${pct(r)}`);
    }
  }
}
if (process.argv.includes("--show") || process.env.SHOW === "1") {
  for (const doc of corpus) console.log(doc.id, "\n  local:   ", local(doc, 8).join(" | "), "\n  baseline:", baseline(doc, 8).join(" | "));
}
