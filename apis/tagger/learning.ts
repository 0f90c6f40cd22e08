/**
 * The tagger's side of controlled vocabularies and of learning from edits:
 * - a request's `config.vocabulary` is resolved once (vocabularies service) and kept in the job's config
 *   by id and version; each document's runtime job gets the concepts as the plugin's `vocabulary` option
 *   (cached per id and version here, so a 1,000-row batch reads them once);
 * - a user's edit of a document's tags (`PUT /api/history/documents/:doc_id`) is stored as a TagEdit and
 *   counted per account and tag (TagFeedback). A tag this account's users removed at least DEMOTE_AFTER
 *   times more often than they added it back is demoted in later tagging (the plugin's `demoted_tags`);
 *   tags they added are offered to the vocabulary's curator when the document was tagged with one, and so
 *   are the engines' `suggested_new_tags`.
 */
import { createHash, randomUUID } from "node:crypto";
import { Schema, type Connection } from "mongoose";
import { fail, validationError } from "../../kernel/errors";
import { labelKey } from "../../plugins/tagging/contract";
import type { TaggingConfig } from "./config";
import type { TagDocDoc, TagDocModel, TagJobDoc, TagJobModel } from "./models";
import type { OfferParams } from "./vocabularies";
import type { Call } from "../../kernel/call";
import type { LearnedTags, TagEdit } from "../../shared/wire/tagging";

/** What learning needs of the tagger's dependencies (core.ts's Deps has these; core imports this file). */
export interface Deps {
  Job: TagJobModel;
  Doc: TagDocModel;
  call: Call;
}

/** Removals (beyond re-additions) after which a tag is demoted for the account. */
export const DEMOTE_AFTER = 2;
export const MAX_TAGS_PER_DOCUMENT = 50;
const MAX_DEMOTED = 500;

export interface TagEditDoc {
  _id: string;
  owner: string;
  doc_id: string;
  job_id: string;
  before: string[];
  after: string[];
  added: string[];
  removed: string[];
  at: Date;
}

export interface TagFeedbackDoc {
  /** Hash of owner and the tag's stemmed key. */
  _id: string;
  owner: string;
  tag: string;
  removed_count: number;
  added_count: number;
  last_at: Date;
}

const editSchema = new Schema<TagEditDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true, index: true },
    doc_id: { type: String, required: true, index: true },
    job_id: { type: String, required: true },
    before: { type: [String], default: [] },
    after: { type: [String], default: [] },
    added: { type: [String], default: [] },
    removed: { type: [String], default: [] },
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false, minimize: false },
);

const feedbackSchema = new Schema<TagFeedbackDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true, index: true },
    tag: { type: String, required: true },
    removed_count: { type: Number, default: 0 },
    added_count: { type: Number, default: 0 },
    last_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false, minimize: false },
);

export function defineLearningModels(conn: Connection): void {
  conn.model<TagEditDoc>("TagEdit", editSchema, "tagger_tag_edits");
  conn.model<TagFeedbackDoc>("TagFeedback", feedbackSchema, "tagger_tag_feedback");
}

// Registered on the tagger's own connection (defineLearningModels), reached through its document model.
const edits = (d: Deps) => d.Doc.db.model<TagEditDoc>("TagEdit");
const feedback = (d: Deps) => d.Doc.db.model<TagFeedbackDoc>("TagFeedback");

/** Resolves `config.vocabulary` into the job's config (id, name, version). Throws VALIDATION_ERROR on `vocabulary`. */
export async function resolveVocabulary(d: Deps, owner: string, cfg: TaggingConfig): Promise<TaggingConfig> {
  if (!cfg.vocabulary) return cfg;
  const v = await d.call<{ id: string; name: string; version: number }, { ref: string; owner: string }>("vocabularies.resolve", { ref: cfg.vocabulary, owner });
  return { ...cfg, vocabularyRef: v };
}

/**
 * Options a document's runtime job gets beyond the config: the vocabulary the batch resolved, by reference
 * (the worker reads that version's concepts through the `tagger.vocabulary` resource, so a job stays a
 * few hundred bytes with a vocabulary of 20,000 concepts, and a batch keeps its version when the
 * vocabulary changes), and the account's demoted tags.
 */
export async function learnedOptions(d: Deps, job: TagJobDoc): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const ref = job.config.vocabulary;
  if (ref) out.vocabulary_ref = { id: ref.id, version: ref.version };
  const demoted = await demotedTags(d, job.owner);
  if (demoted.length) out.demoted_tags = demoted;
  return out;
}

/** The account's demoted tags, most removed first. */
export async function demotedTags(d: Deps, owner: string): Promise<string[]> {
  const rows = await feedback(d).find({ owner, removed_count: { $gte: DEMOTE_AFTER } }).sort({ removed_count: -1 }).limit(MAX_DEMOTED * 2).lean<TagFeedbackDoc[]>();
  return rows.filter((r) => r.removed_count - r.added_count >= DEMOTE_AFTER).slice(0, MAX_DEMOTED).map((r) => r.tag);
}

/** After a document is tagged: the engine's unmatched strong candidates go to the vocabulary's curator. */
export async function afterTagged(d: Deps, job: TagJobDoc, doc: TagDocDoc, result: Record<string, unknown>): Promise<void> {
  const ref = job.config.vocabulary;
  const suggested = Array.isArray(result.suggested_new_tags) ? (result.suggested_new_tags as unknown[]).filter((t): t is string => typeof t === "string") : [];
  if (!ref || suggested.length === 0) return;
  await d.call<unknown, OfferParams>("vocabularies.offer", { vocabulary_id: ref.id, tags: suggested, source: "suggested", doc_id: doc._id });
}

/** The user's tags as they sent them: trimmed, inner spaces collapsed, de-duplicated case-insensitively. */
export function cleanTags(tags: unknown): string[] {
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string")) throw validationError([{ field: "tags", message: "tags must be a list of strings", kind: "type_error.list" }]);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags as string[]) {
    const t = raw.replace(/\s+/g, " ").trim();
    if (!t) continue;
    if (t.length > 200) throw validationError([{ field: "tags", message: "A tag has at most 200 characters", kind: "value_error" }]);
    const k = t.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(t);
    }
  }
  if (out.length > MAX_TAGS_PER_DOCUMENT) throw validationError([{ field: "tags", message: `A document has at most ${MAX_TAGS_PER_DOCUMENT} tags`, kind: "value_error.list.max_items" }]);
  return out;
}

/** Added and removed tags between two lists, compared case-insensitively. */
export function diffTags(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const b = new Set(before.map((t) => t.toLowerCase()));
  const a = new Set(after.map((t) => t.toLowerCase()));
  return { added: after.filter((t) => !b.has(t.toLowerCase())), removed: before.filter((t) => !a.has(t.toLowerCase())) };
}

function feedbackId(owner: string, tag: string): string {
  return createHash("sha256").update(`${owner}\n${labelKey(tag, "en") || tag.toLowerCase()}`).digest("hex").slice(0, 32);
}

/**
 * A user's edit of a finished document's tags. The write is conditional on the tags read, so two edits
 * at once cannot silently overwrite each other (the second gets 409 and reloads). Throws NOT_FOUND,
 * JOB_STATE_CONFLICT (not tagged yet or failed), CONFLICT, VALIDATION_ERROR.
 */
export async function editTags(d: Deps, owner: string, docId: string, rawTags: unknown) {
  const tags = cleanTags(rawTags);
  const doc = await d.Doc.findOne({ _id: docId, owner }).lean<TagDocDoc>();
  if (!doc) fail("NOT_FOUND", "Document not found");
  if (doc.status !== "success") fail("JOB_STATE_CONFLICT", "Only a tagged document's tags can be edited");
  const before = doc.tags ?? [];
  const { added, removed } = diffTags(before, tags);
  const at = new Date();
  const updated = await d.Doc.findOneAndUpdate({ _id: docId, owner, status: "success", tags: before }, { $set: { tags } }, { returnDocument: "after" }).lean<TagDocDoc>();
  if (!updated) fail("CONFLICT", "The document's tags changed meanwhile; reload and edit again");
  if (added.length === 0 && removed.length === 0) return { document: updated, edit: null };
  const edit: TagEditDoc = { _id: randomUUID(), owner, doc_id: docId, job_id: doc.job_id, before, after: tags, added, removed, at };
  await edits(d).create(edit);
  const F = feedback(d);
  for (const [list, field] of [[removed, "removed_count"], [added, "added_count"]] as const) {
    for (const tag of list) {
      await F.findOneAndUpdate({ _id: feedbackId(owner, tag) }, { $setOnInsert: { owner, tag }, $inc: { [field]: 1 }, $set: { last_at: at } }, { upsert: true });
    }
  }
  const job = await d.Job.findById(doc.job_id, { config: 1 }).lean<TagJobDoc>();
  const ref = job?.config?.vocabulary;
  if (ref && added.length) await d.call<unknown, OfferParams>("vocabularies.offer", { vocabulary_id: ref.id, tags: added, source: "added", doc_id: docId }).catch(() => undefined);
  return { document: updated, edit };
}

export function editView(e: TagEditDoc): TagEdit {
  return { id: e._id, at: new Date(e.at).toISOString(), before: e.before, after: e.after, added: e.added, removed: e.removed };
}

/** A document's tag edits, newest first. */
export async function editsOf(d: Deps, docId: string): Promise<TagEdit[]> {
  const rows = await edits(d).find({ doc_id: docId }).sort({ at: -1 }).limit(100).lean<TagEditDoc[]>();
  return rows.map(editView);
}

/** The account's learned preferences, for the history screen: demoted tags and the counts behind them. */
export async function learnedView(d: Deps, owner: string): Promise<LearnedTags> {
  const rows = await feedback(d).find({ owner }).sort({ removed_count: -1, last_at: -1 }).limit(200).lean<TagFeedbackDoc[]>();
  return {
    demote_after: DEMOTE_AFTER,
    tags: rows.map((r) => ({ tag: r.tag, removed_count: r.removed_count, added_count: r.added_count, demoted: r.removed_count - r.added_count >= DEMOTE_AFTER })),
  };
}
