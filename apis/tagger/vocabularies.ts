/**
 * Stored controlled vocabularies (`/api/vocabularies`) and their curators' suggestion lists. A vocabulary
 * belongs to the whole instance (only admins write it) or to one tenant. docmill has no organisations, so a
 * tenant is one account: its own user writes it, admins may too. Everyone sees the instance's vocabularies
 * and their own tenant's. The concepts are parsed and checked by the tagging plugin's vocabulary module
 * (the same rules as an inline `vocabulary` option). Every change is one conditional update on the
 * version read, and bumps `version`. A tagging job carries only `{id, version}` (the version its batch
 * resolved); the worker reads that version through the `tagger.vocabulary` resource (resourceOf). So a
 * replaced version is archived first (tagger_vocabulary_versions, kept KEEP_VERSION_DAYS and at most
 * MAX_KEPT_VERSIONS per vocabulary), and a batch running across a change keeps the concepts it started with.
 */
import { createHash, randomUUID } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import { fail, validationError } from "../../kernel/errors";
import type { Principal } from "../../kernel/gateway/types";
import type { ResourceMiss } from "../../kernel/plugins/resources";
import type { SuggestionDecision, SuggestionList, VocabularyList, VocabularyPage, VocabularyScope, VocabularySummary } from "../../shared/wire/tagging";
import { runOffLoop } from "../../sdk/compute/pool";
import { LABEL_KEYS_MODULE, labelKey, parseVocabularyCsv, parseVocabularyJson, VocabularyError, type Concept, type StoredVocabulary, type Vocabulary } from "../../plugins/tagging/contract";

// The scope and the summary are the wire contract, shared with the web app (shared/wire/tagging.ts).
export type { VocabularyScope, VocabularySummary };

export interface VocabularyDoc {
  _id: string;
  name: string;
  scope: VocabularyScope;
  /** The tenant's (account's) user id; null for the instance. */
  tenant: string | null;
  created_by: string;
  concepts: Concept[];
  concept_count: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** A replaced version of a vocabulary, kept for the jobs that still name it. `_id` is `<id>@<version>`. */
export interface VocabularyVersionDoc {
  _id: string;
  vocabulary_id: string;
  version: number;
  name: string;
  concepts: Concept[];
  archived_at: Date;
}

/** A tag a curator may want to add: users added it to documents, or the engines found it and no concept matched. */
export interface SuggestionDoc {
  /** A hash of the vocabulary id and the tag's label key (one row per stemmed tag; URL-safe). */
  _id: string;
  vocabulary_id: string;
  tag: string;
  added_count: number;
  suggested_count: number;
  /** The most recent documents it came from (at most 20). */
  documents: string[];
  first_at: Date;
  last_at: Date;
}

const conceptSchema = new Schema<Concept>({ id: String, prefLabel: String, altLabels: [String], broader: String }, { _id: false });
const vocabularySchema = new Schema<VocabularyDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    scope: { type: String, required: true },
    tenant: { type: String, default: null, index: true },
    created_by: { type: String, required: true },
    concepts: { type: [conceptSchema], default: [] },
    concept_count: { type: Number, default: 0 },
    version: { type: Number, default: 1 },
    created_at: { type: Date, default: () => new Date() },
    updated_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false, minimize: false },
);
vocabularySchema.index({ scope: 1, tenant: 1, name: 1 });

const versionSchema = new Schema<VocabularyVersionDoc>(
  {
    _id: { type: String, required: true },
    vocabulary_id: { type: String, required: true, index: true },
    version: { type: Number, required: true },
    name: { type: String, required: true },
    concepts: { type: [conceptSchema], default: [] },
    archived_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false, minimize: false },
);

const suggestionSchema = new Schema<SuggestionDoc>(
  {
    _id: { type: String, required: true },
    vocabulary_id: { type: String, required: true, index: true },
    tag: { type: String, required: true },
    added_count: { type: Number, default: 0 },
    suggested_count: { type: Number, default: 0 },
    documents: { type: [String], default: [] },
    first_at: { type: Date, default: () => new Date() },
    last_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false, minimize: false },
);

export type VocabularyModel = Model<VocabularyDoc>;
export type SuggestionModel = Model<SuggestionDoc>;
export type VersionModel = Model<VocabularyVersionDoc>;

export function defineVocabularyModels(conn: Connection): void {
  conn.model<VocabularyDoc>("Vocabulary", vocabularySchema, "tagger_vocabularies");
  conn.model<VocabularyVersionDoc>("VocabularyVersion", versionSchema, "tagger_vocabulary_versions");
  conn.model<SuggestionDoc>("VocabularySuggestion", suggestionSchema, "tagger_vocabulary_suggestions");
}

export interface Store {
  Vocab: VocabularyModel;
  Sugg: SuggestionModel;
  Vers: VersionModel;
}

/** A replaced version stays readable this long for the jobs that name it (a batch paused for weeks fails clearly). */
export const KEEP_VERSION_DAYS = 30;
/** ...and at most this many replaced versions per vocabulary (a curator accepting suggestions one by one). */
export const MAX_KEPT_VERSIONS = 50;

const versionKey = (id: string, version: number) => `${id}@${version}`;

/**
 * Keeps the current version readable before it is replaced. Idempotent: a version's concepts never change,
 * so whoever writes it writes the same thing (two curators racing both archive it; one of them then wins).
 */
async function archive(s: Store, v: VocabularyDoc): Promise<void> {
  // The driver's upsert, not mongoose's: no schema cast of thousands of concepts on the event loop.
  await s.Vers.collection.updateOne(
    { _id: versionKey(v._id, v.version) } as Record<string, unknown>,
    { $setOnInsert: { vocabulary_id: v._id, version: v.version, name: v.name, concepts: storedConcepts(v.concepts), archived_at: new Date() } },
    { upsert: true },
  );
}

/** Drops replaced versions past their keeping time, and the oldest beyond MAX_KEPT_VERSIONS. */
async function prune(s: Store, id: string): Promise<void> {
  await s.Vers.deleteMany({ vocabulary_id: id, archived_at: { $lt: new Date(Date.now() - KEEP_VERSION_DAYS * 86_400_000) } });
  const extra = await s.Vers.find({ vocabulary_id: id }, { _id: 1 }).sort({ version: -1 }).skip(MAX_KEPT_VERSIONS).lean<Array<{ _id: string }>>();
  if (extra.length) await s.Vers.deleteMany({ _id: { $in: extra.map((x) => x._id) } });
}

/**
 * The archive's sweep (mongo-java-server has no TTL indexes): replaced versions past KEEP_VERSION_DAYS of
 * every vocabulary, and any version whose vocabulary is gone (a replace that archived while a delete ran).
 * prune() does the first for one vocabulary on its next write; this catches the ones never written again.
 * Returns how many versions it deleted.
 */
export async function sweepVersions(s: Store, now = new Date()): Promise<number> {
  const old = await s.Vers.deleteMany({ archived_at: { $lt: new Date(now.getTime() - KEEP_VERSION_DAYS * 86_400_000) } });
  const ids = (await s.Vers.distinct("vocabulary_id")) as string[];
  const live = new Set((await s.Vocab.find({ _id: { $in: ids } }, { _id: 1 }).lean<Array<{ _id: string }>>()).map((v) => v._id));
  const gone = ids.filter((id) => !live.has(id));
  const orphans = gone.length ? await s.Vers.deleteMany({ vocabulary_id: { $in: gone } }) : { deletedCount: 0 };
  return (old.deletedCount ?? 0) + (orphans.deletedCount ?? 0);
}

/** What the API shows of a vocabulary without its concepts. */
export function vocabularySummary(v: VocabularyDoc): VocabularySummary {
  return {
    id: v._id,
    name: v.name,
    scope: v.scope,
    concept_count: v.concept_count,
    version: v.version,
    created_at: new Date(v.created_at).toISOString(),
    updated_at: new Date(v.updated_at).toISOString(),
  };
}

export interface UploadParams {
  name?: string;
  scope?: VocabularyScope;
  /** The file's text (CSV or JSON); or `concepts` directly. */
  content?: string;
  format?: "csv" | "json";
  concepts?: unknown[];
}

/** CSV or JSON, as declared, else by its first character. Throws VALIDATION_ERROR naming where the file is wrong. */
export function parseUpload(p: UploadParams): Vocabulary {
  const name = (p.name ?? "").trim();
  if (!name) throw validationError([{ field: "name", message: "name: Field required", kind: "missing" }]);
  if (name.length > 200) throw validationError([{ field: "name", message: "name has at most 200 characters", kind: "value_error" }]);
  try {
    if (p.concepts !== undefined) return { ...parseVocabularyJson(JSON.stringify({ concepts: p.concepts }), name), name };
    const text = p.content ?? "";
    if (!text.trim()) throw validationError([{ field: "content", message: "Give the vocabulary as a CSV or JSON file, or as concepts", kind: "missing" }]);
    const json = p.format ? p.format === "json" : /^\s*[[{]/.test(text.replace(/^\ufeff/, ""));
    return json ? { ...parseVocabularyJson(text, name), name } : parseVocabularyCsv(text, name);
  } catch (err) {
    if (err instanceof VocabularyError) throw validationError([{ field: err.loc, message: `${err.loc}: ${err.message}`, kind: "vocabulary" }]);
    throw err;
  }
}

/** Who may read a vocabulary: the instance's are everyone's; a tenant's are its account's (and admins'). */
export function canRead(v: Pick<VocabularyDoc, "scope" | "tenant">, user: Principal): boolean {
  return v.scope === "instance" || v.tenant === user.id || user.isAdmin;
}

/** Who curates (writes) it: admins for the instance; the tenant's account or an admin for a tenant's. */
export function canWrite(v: Pick<VocabularyDoc, "scope" | "tenant">, user: Principal): boolean {
  return user.isAdmin || (v.scope === "tenant" && v.tenant === user.id);
}

export async function create(s: Store, user: Principal, p: UploadParams): Promise<VocabularyDoc> {
  const scope = p.scope ?? "tenant";
  if (scope === "instance" && !user.isAdmin) fail("FORBIDDEN", "Only an administrator can upload a vocabulary for the whole instance");
  const vocab = parseUpload(p);
  const tenant = scope === "tenant" ? user.id : null;
  if (await s.Vocab.exists({ scope, tenant, name: vocab.name })) fail("CONFLICT", `A vocabulary named "${vocab.name}" already exists here; replace it with PUT`);
  const now = new Date();
  const doc: VocabularyDoc = {
    _id: randomUUID(),
    name: vocab.name,
    scope,
    tenant,
    created_by: user.id,
    concepts: storedConcepts(vocab.concepts),
    concept_count: vocab.concepts.length,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  // The driver's insert, not mongoose's create: the concepts are already checked by parseUpload, and casting
  // 5,000 subdocuments through the schema held the event loop for over 2 s (test/e2e/security/event-loop).
  await s.Vocab.collection.insertOne(doc as unknown as Parameters<typeof s.Vocab.collection.insertOne>[0]);
  return doc;
}

/** Concepts as stored: the schema's fields only, no undefined values (the driver would store them as null). */
function storedConcepts(concepts: Concept[]): Concept[] {
  return concepts.map((c) => ({ id: c.id, prefLabel: c.prefLabel, altLabels: c.altLabels ?? [], ...(c.broader ? { broader: c.broader } : {}) }));
}

/** The vocabulary if the caller may see it; NOT_FOUND otherwise (another tenant's is not revealed). */
export async function readable(s: Store, user: Principal, id: string, projection?: Record<string, number>): Promise<VocabularyDoc> {
  const v = await s.Vocab.findById(id, projection).lean<VocabularyDoc>();
  if (!v || !canRead(v, user)) fail("NOT_FOUND", "Vocabulary not found");
  return v;
}

async function writable(s: Store, user: Principal, id: string, withConcepts = false): Promise<VocabularyDoc> {
  const v = await readable(s, user, id, withConcepts ? undefined : { concepts: 0 });
  if (!canWrite(v, user)) fail("FORBIDDEN", "Only the vocabulary's curator can change it");
  return v;
}

function visibleTo(userId: string): Record<string, unknown> {
  return { $or: [{ scope: "instance" }, { scope: "tenant", tenant: userId }] };
}

export async function list(s: Store, user: Principal): Promise<VocabularyList> {
  const filter: Record<string, unknown> = user.isAdmin ? {} : visibleTo(user.id);
  const rows = await s.Vocab.find(filter, { concepts: 0 }).sort({ name: 1 }).lean<VocabularyDoc[]>();
  return { vocabularies: rows.map((v) => ({ ...vocabularySummary(v), can_edit: canWrite(v, user) })), total: rows.length };
}

/** One vocabulary with a page of its concepts; `q` filters on any label (case-insensitive substring). */
export async function browse(s: Store, user: Principal, p: { vocab_id: string; q?: string; limit: number; offset: number }): Promise<VocabularyPage> {
  const v = await readable(s, user, p.vocab_id);
  const q = p.q?.trim().toLowerCase();
  const hits = q ? v.concepts.filter((c) => [c.prefLabel, ...(c.altLabels ?? [])].some((l) => l.toLowerCase().includes(q))) : v.concepts;
  return {
    ...vocabularySummary(v),
    can_edit: canWrite(v, user),
    concepts: hits.slice(p.offset, p.offset + p.limit).map((c) => ({ id: c.id, prefLabel: c.prefLabel, altLabels: c.altLabels ?? [], broader: c.broader ?? null })),
    concepts_total: hits.length,
    limit: p.limit,
    offset: p.offset,
  };
}

export async function replace(s: Store, user: Principal, id: string, p: UploadParams): Promise<VocabularyDoc> {
  const cur = await writable(s, user, id, true);
  const vocab = parseUpload({ ...p, name: p.name ?? cur.name });
  if (vocab.name !== cur.name && (await s.Vocab.exists({ scope: cur.scope, tenant: cur.tenant, name: vocab.name, _id: { $ne: id } }))) {
    fail("CONFLICT", `A vocabulary named "${vocab.name}" already exists here`);
  }
  await archive(s, cur);
  // The driver's update for the same reason as create's insert: no schema cast of thousands of concepts.
  // Conditional on the version read (and archived): a replacement racing another gets 409.
  const done = (await s.Vocab.collection.findOneAndUpdate(
    { _id: id, version: cur.version } as Record<string, unknown>,
    { $set: { name: vocab.name, concepts: storedConcepts(vocab.concepts), concept_count: vocab.concepts.length, updated_at: new Date() }, $inc: { version: 1 } },
    { returnDocument: "after", projection: { concepts: 0 } },
  )) as unknown as VocabularyDoc | null;
  if (!done) {
    if (await s.Vocab.exists({ _id: id })) fail("CONFLICT", "The vocabulary changed meanwhile; try again");
    fail("NOT_FOUND", "Vocabulary not found");
  }
  await prune(s, id);
  return done;
}

export async function remove(s: Store, user: Principal, id: string) {
  await writable(s, user, id);
  await s.Vocab.deleteOne({ _id: id });
  // Jobs still naming one of its versions now fail with VOCABULARY_NOT_FOUND (resourceOf answers "deleted").
  await s.Vers.deleteMany({ vocabulary_id: id });
  await s.Sugg.deleteMany({ vocabulary_id: id });
  return { message: "Vocabulary deleted", id };
}

/**
 * The vocabulary a tagging request names (`config.vocabulary`: an id, or a name: the caller's tenant's
 * first, then the instance's). Throws VALIDATION_ERROR on `vocabulary` when none is visible to the caller.
 */
export async function resolve(s: Store, user: { id: string; isAdmin?: boolean }, ref: string): Promise<{ id: string; name: string; version: number }> {
  const byId = await s.Vocab.findOne({ _id: ref, ...visibleTo(user.id) } as Record<string, unknown>, { concepts: 0 }).lean<VocabularyDoc>();
  const found =
    byId ??
    (await s.Vocab.findOne({ scope: "tenant", tenant: user.id, name: ref }, { concepts: 0 }).lean<VocabularyDoc>()) ??
    (await s.Vocab.findOne({ scope: "instance", name: ref }, { concepts: 0 }).lean<VocabularyDoc>());
  if (!found) throw validationError([{ field: "vocabulary", message: `vocabulary: no vocabulary "${ref}" is available to you (GET /api/vocabularies lists them)`, kind: "value_error" }]);
  return { id: found._id, name: found.name, version: found.version };
}

/**
 * The `tagger.vocabulary` resource: version `version` of vocabulary `id` with its concepts, for a tagging
 * job that names it; with `have` (the worker holds that version) only whether the vocabulary still
 * exists. Only for a job whose owner may read it (the same rule as resolve). The current version comes from the vocabulary itself, an earlier one from the archive.
 */
export async function resourceOf(s: Store, p: { id: string; version: number; owner: string; have?: boolean }): Promise<StoredVocabulary | ResourceMiss | { found: true }> {
  const { id, version } = p;
  // Another tenant's vocabulary is not revealed: to a job of an account that may not read it, it does not exist.
  const deleted: ResourceMiss = { found: false, reason: "deleted", message: `The vocabulary ${id} was deleted` };
  const mine = { _id: id, ...visibleTo(p.owner) } as Record<string, unknown>;
  if (p.have) return (await s.Vocab.exists(mine)) ? { found: true } : deleted;
  const cur = await s.Vocab.findOne(mine, { name: 1, version: 1 }).lean<VocabularyDoc>();
  if (!cur) return deleted;
  let v: Pick<VocabularyDoc, "name" | "concepts"> | null = null;
  if (cur.version === version) v = await s.Vocab.findOne({ _id: id, version }, { name: 1, concepts: 1 }).lean<VocabularyDoc>();
  // Not the current one (or replaced between the two reads, which archived it first): the archive.
  v ??= await s.Vers.findById(versionKey(id, version), { name: 1, concepts: 1 }).lean<VocabularyVersionDoc>();
  if (!v) {
    if (!(await s.Vocab.exists({ _id: id }))) return deleted;
    return { found: false, reason: "version", message: `Version ${version} of the vocabulary "${cur.name}" is no longer kept (it is now at version ${cur.version})` };
  }
  return { id, name: v.name, version, concepts: v.concepts.map((c) => ({ id: c.id, prefLabel: c.prefLabel, altLabels: c.altLabels ?? [], ...(c.broader ? { broader: c.broader } : {}) })) };
}

const MAX_OFFER = 30;

/** Label keys of recent vocabulary versions; a batch offers after every document, the keys change only with the version. */
const keyCache = new Map<string, Set<string>>();
const KEY_CACHE_SIZE = 8;

/**
 * The label keys of every concept of the vocabulary (null once it is deleted), stemmed in a compute thread:
 * 10,000 labels take the Snowball stemmers seconds, which on the event loop stalled every request of the
 * embedded shape once per tagged document.
 */
async function knownKeys(s: Store, id: string): Promise<Set<string> | null> {
  const head = await s.Vocab.findById(id, { version: 1 }).lean<Pick<VocabularyDoc, "version">>();
  if (!head) return null;
  const cacheKey = `${id}@${head.version}`;
  const hit = keyCache.get(cacheKey);
  if (hit) {
    keyCache.delete(cacheKey);
    keyCache.set(cacheKey, hit);
    return hit;
  }
  const v = await s.Vocab.findById(id, { concepts: 1, version: 1 }).lean<VocabularyDoc>();
  if (!v) return null;
  const labels = v.concepts.flatMap((c) => [c.prefLabel, ...(c.altLabels ?? [])]);
  const keys = new Set(await runOffLoop<string[]>(LABEL_KEYS_MODULE, "labelKeys", [labels, "en"]));
  keyCache.set(`${id}@${v.version}`, keys);
  while (keyCache.size > KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
  return keys;
}

/**
 * Counts tags for the curator: `added` (users added them to a document tagged with this vocabulary) or
 * `suggested` (an engine's unmatched strong candidates). Tags the vocabulary already has are skipped.
 * One upsert per tag; two offers at once both count.
 */
/** `vocabularies.offer`: tags the curator may add to a vocabulary. */
export interface OfferParams {
  vocabulary_id: string;
  tags: string[];
  source: "added" | "suggested";
  doc_id?: string;
}

/** `vocabularies.create` (and `replace`, with `vocab_id`): an upload, or a file the gateway stored. */
export type CreateVocabularyParams = UploadParams & { fileId?: string };
export type ReplaceVocabularyParams = CreateVocabularyParams & { vocab_id: string };

export async function offer(s: Store, p: OfferParams) {
  const known = await knownKeys(s, p.vocabulary_id);
  if (!known) return { offered: 0 };
  let offered = 0;
  const now = new Date();
  for (const raw of p.tags.slice(0, MAX_OFFER)) {
    const tag = raw.replace(/\s+/g, " ").trim().slice(0, 200);
    const key = labelKey(tag, "en");
    if (!key || known.has(key)) continue;
    await s.Sugg.findOneAndUpdate(
      { _id: createHash("sha256").update(`${p.vocabulary_id}\n${key}`).digest("hex").slice(0, 32) },
      {
        $setOnInsert: { vocabulary_id: p.vocabulary_id, tag, first_at: now },
        $inc: { [p.source === "added" ? "added_count" : "suggested_count"]: 1 },
        $set: { last_at: now },
        ...(p.doc_id ? { $push: { documents: { $each: [p.doc_id], $slice: -20 } } } : {}),
      },
      { upsert: true },
    );
    offered += 1;
  }
  return { offered };
}

export async function suggestions(s: Store, user: Principal, p: { vocab_id: string; limit: number }): Promise<SuggestionList> {
  const v = await writable(s, user, p.vocab_id);
  const rows = await s.Sugg.find({ vocabulary_id: v._id }).sort({ added_count: -1, suggested_count: -1, last_at: -1 }).limit(p.limit).lean<SuggestionDoc[]>();
  return {
    vocabulary_id: v._id,
    suggestions: rows.map((r) => ({ id: r._id, tag: r.tag, added_count: r.added_count, suggested_count: r.suggested_count, documents: r.documents, first_at: r.first_at.toISOString(), last_at: r.last_at.toISOString() })),
  };
}

/**
 * The curator's answer to a suggestion: `accept` adds it as a new concept (or, with `concept_id`, as a
 * synonym of that concept; `broader` names a broader concept), `dismiss` drops it. Either way it leaves
 * the list. Adding is one conditional update on the version read, so two curators cannot lose each
 * other's change (the second gets 409 and retries).
 */
export async function decide(s: Store, user: Principal, p: { vocab_id: string; suggestion_id: string; action: "accept" | "dismiss"; concept_id?: string; broader?: string; label?: string }): Promise<SuggestionDecision> {
  const cur = await writable(s, user, p.vocab_id);
  const sugg = await s.Sugg.findOne({ _id: p.suggestion_id, vocabulary_id: cur._id }).lean<SuggestionDoc>();
  if (!sugg) fail("NOT_FOUND", "Suggestion not found");
  if (p.action === "dismiss") {
    await s.Sugg.deleteOne({ _id: sugg._id });
    return { message: "Suggestion dismissed", vocabulary: vocabularySummary(cur) };
  }
  const full = await readable(s, user, cur._id);
  const label = (p.label ?? sugg.tag).replace(/\s+/g, " ").trim();
  const concepts = full.concepts.map((c) => ({ id: c.id, prefLabel: c.prefLabel, altLabels: [...(c.altLabels ?? [])], ...(c.broader ? { broader: c.broader } : {}) }));
  if (p.concept_id) {
    const target = concepts.find((c) => c.id === p.concept_id);
    if (!target) throw validationError([{ field: "concept_id", message: `concept_id: no concept "${p.concept_id}" in this vocabulary`, kind: "value_error" }]);
    target.altLabels.push(label);
  } else concepts.push({ id: label, prefLabel: label, altLabels: [], ...(p.broader ? { broader: p.broader } : {}) });
  const checked = parseUpload({ name: full.name, concepts });
  await archive(s, full);
  const done = (await s.Vocab.collection.findOneAndUpdate(
    { _id: cur._id, version: full.version } as Record<string, unknown>,
    { $set: { concepts: storedConcepts(checked.concepts), concept_count: checked.concepts.length, updated_at: new Date() }, $inc: { version: 1 } },
    { returnDocument: "after", projection: { concepts: 0 } },
  )) as unknown as VocabularyDoc | null;
  if (!done) fail("CONFLICT", "The vocabulary changed meanwhile; try again");
  await prune(s, cur._id);
  await s.Sugg.deleteOne({ _id: sugg._id });
  return { message: p.concept_id ? `Added "${label}" as a synonym` : `Added "${label}" as a concept`, vocabulary: vocabularySummary(done) };
}
