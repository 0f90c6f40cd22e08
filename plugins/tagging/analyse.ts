/**
 * The tagging plugin's text work before and after the engine: boilerplate removal, language detection,
 * the title, the vocabulary's prompt terms, then demotion and mapping onto the vocabulary. It is CPU work
 * over up to 20 million characters of text, so the plugin runs it in a compute thread (sdk/compute, issue
 * 14: in the embedded shape a long text would otherwise hold the event loop the gateway shares). Pure
 * functions of plain data: their arguments and results cross the thread by structured clone.
 */
import { documentTitle } from "./extract";
import { detectLanguage, type Language } from "./tagger";
import { isJunkTitle, removeBoilerplate } from "./tagger/boilerplate";
import { stopwordsFor } from "./tagger/stopwords";
import { words } from "./tagger/text";
import { demoteTags } from "./tagger/feedback";
import { indexVocabulary, mapToVocabulary, parseVocabularyJson, vocabularyForPrompt, VocabularyError, type Vocabulary } from "./tagger/vocabulary";

/** The inline vocabulary as the plugin's options carry it. */
export interface InlineVocabulary {
  name?: string;
  concepts: Array<{ id?: string; prefLabel: string; altLabels?: string[]; broader?: string }>;
}

export interface PrepareInput {
  pageTexts: string[];
  text: string;
  infoTitle: string | undefined;
  filename: string;
  vocabulary?: InlineVocabulary;
  minTextChars: number;
}

export interface Prepared {
  /** The text the engines tag: the document without its boilerplate (or all of it, when that leaves no content word). */
  content: string;
  language: Language;
  title: string;
  /** The title when it is evidence of the topic (not junk, not only the file name). */
  titleForTags?: string;
  vocabulary?: Vocabulary;
  vocabularyTerms?: string[];
}

/** A failure with a stable type (it crosses the thread as `type` and `message`). */
class AnalyseError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The inline vocabulary, validated as an upload would be (duplicates, broader references). */
function checkVocabulary(v: InlineVocabulary): Vocabulary {
  try {
    return parseVocabularyJson(JSON.stringify(v), v.name ?? "vocabulary");
  } catch (err) {
    if (err instanceof VocabularyError) throw new AnalyseError("INVALID_VOCABULARY", `vocabulary ${err.loc}: ${err.message}`);
    throw err;
  }
}

/**
 * True when the text has a word that can carry a topic: one with a letter that is not a stop word of
 * the language ("Leave request" has two; "the 12 / 04" has none).
 */
function hasContentWords(text: string, language: Language): boolean {
  const stop = stopwordsFor(language);
  return words(text).some((w) => /\p{L}/u.test(w) && !stop.has(w.toLowerCase()));
}

export function prepare(input: PrepareInput): Prepared {
  // Headers, footers, citation lines, authors, affiliations, labels and references are not content:
  // both engines tag what is left (the stored text and preview stay as extracted).
  // A form's labels share its language, so the whole text tells the language when little is left; it
  // also says whether a one-word checkbox choice can be a compound noun (German).
  const documentLanguage = detectLanguage(input.text);
  const cleaned = removeBoilerplate(input.pageTexts, { language: documentLanguage.language });
  // However short the rest is (a blank form's heading, a one-line note), it is what the document is
  // about; the whole text, labels and all, is the fallback only when nothing of content is left.
  const content = hasContentWords(cleaned.text, documentLanguage.language) ? cleaned.text : input.text;
  // The content's own language when it has the evidence for one; a form's content can be a heading and
  // a list of choices without a single function word ("Urlaubsantrag" / "Erholungsurlaub, Sonderurlaub"),
  // and then its labels tell the language.
  const contentLanguage = content.replace(/\s+/g, "").length >= input.minTextChars ? detectLanguage(content) : undefined;
  const language = contentLanguage && contentLanguage.confidence > 0 ? contentLanguage.language : documentLanguage.language;
  const title = documentTitle(input.infoTitle, content, input.filename, cleaned.printedTitle);
  // A title that is only the file name is no evidence of the topic: the engines do not get it.
  const titleForTags = isJunkTitle(title) || title === input.filename.replace(/\.pdf$/i, "") ? undefined : title;
  const vocabulary = input.vocabulary ? checkVocabulary(input.vocabulary) : undefined;
  const vocabularyTerms = vocabulary ? [...vocabularyForPrompt(indexVocabulary(vocabulary, language), content, language)] : undefined;
  return { content, language, title, ...(titleForTags !== undefined ? { titleForTags } : {}), ...(vocabulary ? { vocabulary, vocabularyTerms } : {}) };
}

export interface ConcludeInput {
  /** The engine's tags, best first. */
  tags: string[];
  demoted: string[];
  language: Language;
  numTags: number;
  vocabulary?: Vocabulary;
}

/** Demoted tags to the back, then (with a vocabulary) vocabulary terms first and the strong new candidates. */
export function conclude(input: ConcludeInput): { tags: string[]; suggested?: string[] } {
  const ranked = demoteTags(input.tags, input.demoted, input.language);
  if (!input.vocabulary) return { tags: ranked.slice(0, input.numTags) };
  const index = indexVocabulary(input.vocabulary, input.language);
  const mapped = mapToVocabulary(ranked, index, input.language, { numTags: input.numTags });
  // Suggestions are the strong candidates only: those the engine ranked within the requested count.
  const strong = new Set(ranked.slice(0, input.numTags));
  const suggested = mapped.suggested_new_tags.filter((t) => strong.has(t));
  return { tags: [...mapped.tags, ...suggested].slice(0, input.numTags), suggested };
}
