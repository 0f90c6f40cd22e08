/**
 * vocabularies: the tag generator's controlled vocabularies (`/api/vocabularies`): upload (CSV or JSON,
 * for a tenant or, by an admin, for the whole instance), list, browse, replace, delete, and the curator's
 * suggestion list fed by the tagger (engine suggestions and tags users added in their edits). The tagger
 * service resolves a request's `config.vocabulary` here; workers read the version a job names through the
 * `tagger.vocabulary` resource (kernel/plugins/resources.ts). Logic in apis/tagger/vocabularies.ts.
 * Errors: VALIDATION_ERROR (a bad file, naming the line or field), FORBIDDEN, NOT_FOUND, CONFLICT.
 * Replaced versions are swept every VOCABULARY_SWEEP_INTERVAL_SECONDS (sweepVersions; no TTL indexes).
 */
import { Readable } from "node:stream";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { fail } from "../kernel/errors";
import type { GatewayMeta, Principal } from "../kernel/gateway/types";
import { modelOf, mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import * as vocab from "../apis/tagger/vocabularies";
import { resourceParamsSchema, type ResourceAnswer, type ResourceParams } from "../kernel/plugins/resources";
import { VOCABULARY_RESOURCE } from "../plugins/tagging/contract";
import type { FileIdParams, RemoveFileResult } from "../kernel/storage/params";
import { callOf } from "../kernel/call";
import { config } from "../kernel/config";
import { int } from "../sdk/env";

type This = MongoServiceThis & { store: vocab.Store; sweeper?: NodeJS.Timeout };
type Ctx<P> = Context<P, GatewayMeta>;

const id = { type: "string", min: 1, max: 200 };
const upload = {
  name: { type: "string", optional: true, max: 200 },
  scope: { type: "enum", values: ["instance", "tenant"], optional: true },
  format: { type: "enum", values: ["csv", "json"], optional: true },
  content: { type: "string", optional: true, max: 5 * 1024 * 1024 },
  concepts: { type: "array", optional: true, max: 20_000, items: "object" },
  fileId: { type: "string", optional: true, max: 64 },
};

function userOf(ctx: Ctx<unknown>): Principal {
  const user = ctx.meta.user;
  if (!user) fail("UNAUTHORIZED");
  return user;
}

/** An uploaded file's text (the gateway stored it), removed from storage once read. */
async function contentOf(ctx: Ctx<vocab.CreateVocabularyParams>): Promise<vocab.UploadParams> {
  const { fileId, ...p } = ctx.params;
  if (!fileId) return p;
  const chunks: Buffer[] = [];
  try {
    const stream = await ctx.call<Readable, { id: string; owner: string }>("storage.get", { id: fileId, owner: userOf(ctx).id }, { timeout: 0 });
    for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  } finally {
    await callOf(ctx)<RemoveFileResult, FileIdParams>("storage.remove", { id: fileId }).catch(() => undefined);
  }
  return { ...p, content: Buffer.concat(chunks).toString("utf8") };
}

const VocabulariesService: ServiceSchema<ServiceSettingSchema, object, object, This> = {
  name: "vocabularies",
  // Workers find the provider of a resource kind in the registry (kernel/plugins/resources.ts).
  metadata: { resources: [VOCABULARY_RESOURCE] },
  mixins: [mongoMixin((conn) => vocab.defineVocabularyModels(conn))],

  actions: {
    list: {
      handler(this: This, ctx: Ctx<object>) {
        return vocab.list(this.store, userOf(ctx));
      },
    },
    /** Upload: JSON `{name, scope, concepts}` or `{name, scope, format, content}`, or a stored file (multipart). */
    create: {
      params: upload,
      async handler(this: This, ctx: Ctx<vocab.CreateVocabularyParams>) {
        const doc = await vocab.create(this.store, userOf(ctx), await contentOf(ctx));
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/vocabularies/${doc._id}`;
        return vocab.vocabularySummary(doc);
      },
    },
    get: {
      params: { vocab_id: id, q: { type: "string", optional: true, max: 200 }, limit: { type: "number", integer: true, min: 1, max: 500, default: 100, convert: true }, offset: { type: "number", integer: true, min: 0, default: 0, convert: true } },
      handler(this: This, ctx: Ctx<{ vocab_id: string; q?: string; limit: number; offset: number }>) {
        return vocab.browse(this.store, userOf(ctx), ctx.params);
      },
    },
    replace: {
      params: { vocab_id: id, ...upload },
      async handler(this: This, ctx: Ctx<vocab.ReplaceVocabularyParams>) {
        return vocab.vocabularySummary(await vocab.replace(this.store, userOf(ctx), ctx.params.vocab_id, await contentOf(ctx)));
      },
    },
    remove: {
      params: { vocab_id: id },
      handler(this: This, ctx: Ctx<{ vocab_id: string }>) {
        return vocab.remove(this.store, userOf(ctx), ctx.params.vocab_id);
      },
    },
    suggestions: {
      params: { vocab_id: id, limit: { type: "number", integer: true, min: 1, max: 500, default: 100, convert: true } },
      handler(this: This, ctx: Ctx<{ vocab_id: string; limit: number }>) {
        return vocab.suggestions(this.store, userOf(ctx), ctx.params);
      },
    },
    decide: {
      params: { vocab_id: id, suggestion_id: { type: "string", min: 1, max: 500 }, action: { type: "enum", values: ["accept", "dismiss"] }, concept_id: { type: "string", optional: true, max: 200 }, broader: { type: "string", optional: true, max: 200 }, label: { type: "string", optional: true, min: 1, max: 200 } },
      handler(this: This, ctx: Ctx<{ vocab_id: string; suggestion_id: string; action: "accept" | "dismiss"; concept_id?: string; broader?: string; label?: string }>) {
        return vocab.decide(this.store, userOf(ctx), ctx.params);
      },
    },

    /** Internal (tagger): the vocabulary a request names, for its owner. */
    resolve: {
      visibility: "public",
      params: { ref: id, owner: { type: "string", min: 1, max: 64 } },
      handler(this: This, ctx: Context<{ ref: string; owner: string }>) {
        return vocab.resolve(this.store, { id: ctx.params.owner }, ctx.params.ref);
      },
    },
    /**
     * Internal (workers): the `tagger.vocabulary` resource, one version of a vocabulary as a JSON stream
     * (a vocabulary of 20,000 concepts is larger than one NATS message), or why it is not there.
     */
    resource: {
      visibility: "public",
      params: { ...resourceParamsSchema, kind: { type: "equal", value: VOCABULARY_RESOURCE } },
      async handler(this: This, ctx: Context<ResourceParams>): Promise<ResourceAnswer> {
        const r = await vocab.resourceOf(this.store, ctx.params);
        if ("found" in r) return r;
        return Readable.from([Buffer.from(JSON.stringify(r))]);
      },
    },
    /**
     * Internal (no route: the gateway maps only declared routes): runs the archive's sweep now, as the timer
     * does every VOCABULARY_SWEEP_INTERVAL_SECONDS; `now` (a date) lets an operator or a test sweep as of
     * another day. Answers how many versions it deleted.
     */
    sweep: {
      visibility: "public",
      params: { now: { type: "date", convert: true, optional: true } },
      handler(this: This, ctx: Context<{ now?: Date }>): Promise<number> {
        return vocab.sweepVersions(this.store, ctx.params.now ?? new Date());
      },
    },
    /** Internal (tagger): tags for the curator (engine suggestions, tags users added). */
    offer: {
      visibility: "public",
      params: { vocabulary_id: id, tags: { type: "array", items: "string", max: 100 }, source: { type: "enum", values: ["added", "suggested"] }, doc_id: { type: "string", optional: true, max: 64 } },
      handler(this: This, ctx: Context<vocab.OfferParams>) {
        return vocab.offer(this.store, ctx.params);
      },
    },
  },

  started(this: This) {
    this.store = { Vocab: modelOf<vocab.VocabularyModel>(this.db, "Vocabulary"), Sugg: modelOf<vocab.SuggestionModel>(this.db, "VocabularySuggestion"), Vers: modelOf<vocab.VersionModel>(this.db, "VocabularyVersion") };
    const every = int(config().rawEnv, "VOCABULARY_SWEEP_INTERVAL_SECONDS", 3600, 1, 7 * 24 * 3600) * 1000;
    let running = false;
    this.sweeper = setInterval(() => {
      if (running) return; // a slow database: one sweep at a time
      running = true;
      vocab
        .sweepVersions(this.store)
        .then(
          (n) => n && this.logger.info(`vocabulary archive: ${n} replaced versions past ${vocab.KEEP_VERSION_DAYS} days or of deleted vocabularies removed`),
          (err: unknown) => this.logger.warn(`vocabulary archive sweep failed: ${(err as Error).message}`),
        )
        .finally(() => (running = false));
    }, every);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default VocabulariesService;
