/**
 * storage: uploaded and produced files in MongoDB GridFS, streamed end to end (see lib/storage/store.ts).
 * Every action is internal (`visibility: "public"`): clients reach files only through gateway handlers
 * that pass the caller as `owner`, and someone else's file answers 404, never 403.
 */
import type { Readable } from "node:stream";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../kernel/config";
import { fail } from "../kernel/errors";
import { mongoMixin, type MongoServiceThis } from "../kernel/mongo";
import {
  filesOfJob,
  openDownload,
  putStream,
  removeFile,
  statFile,
  sweepExpired,
  type StoredFile,
} from "../kernel/storage/store";
import type { FileIdParams, PutFileParams, RemoveFileResult, RemoveForJobParams, RemovedCount } from "../kernel/storage/params";

type PutParams = PutFileParams;

type IdParams = FileIdParams;

type This = MongoServiceThis & { sweeper?: NodeJS.Timeout };

async function ownedFile(svc: This, p: IdParams): Promise<StoredFile> {
  const file = await statFile(svc.db, p.id);
  if (!file || (p.owner !== undefined && file.owner !== p.owner)) fail("NOT_FOUND", "File not found");
  if (new Date(file.expiresAt).getTime() <= Date.now()) fail("GONE", "The file has expired and was deleted");
  return file;
}

const idParams = { id: { type: "string", min: 1, max: 64 }, owner: { type: "string", optional: true } };

const StorageService: ServiceSchema<ServiceSettingSchema, object, object, This> = {
  name: "storage",
  mixins: [mongoMixin(() => undefined)],

  actions: {
    /** Stores the stream given as the call's stream (`ctx.call("storage.put", meta, { stream })`). */
    put: {
      visibility: "public",
      params: {
        owner: { type: "string", min: 1 },
        filename: { type: "string", default: "upload" },
        kind: { type: "enum", values: ["input", "output"] },
        declaredType: { type: "string", optional: true },
        expect: { type: "array", items: "string", optional: true },
        contentType: { type: "string", optional: true },
        jobId: { type: "string", optional: true },
        name: { type: "string", optional: true },
        attempt: { type: "number", integer: true, optional: true },
        maxBytes: { type: "number", integer: true, positive: true, optional: true },
        retentionHours: { type: "number", positive: true, optional: true },
      },
      async handler(this: This, ctx: Context<PutParams>): Promise<StoredFile> {
        const stream = (ctx as unknown as { stream?: Readable }).stream;
        if (!stream) fail("BAD_REQUEST", "No file content was sent");
        const p = ctx.params;
        const cfg = config().files;
        // Outputs (a redacted PDF, a report) may be somewhat larger than the input they came from.
        const cap = p.kind === "output" ? cfg.maxBytes * 4 : cfg.maxBytes;
        const hours = p.retentionHours ?? cfg.retentionHours;
        return putStream(this.db, stream, {
          owner: p.owner,
          filename: p.filename,
          kind: p.kind,
          declaredType: p.declaredType,
          expect: p.expect,
          contentType: p.contentType,
          jobId: p.jobId,
          name: p.name,
          attempt: p.attempt,
          maxBytes: Math.min(p.maxBytes ?? cap, cap),
          expiresAt: new Date(Date.now() + hours * 3600_000),
        });
      },
    },

    stat: {
      visibility: "public",
      params: idParams,
      handler(this: This, ctx: Context<IdParams>): Promise<StoredFile> {
        return ownedFile(this, ctx.params);
      },
    },

    /** The file's bytes as a stream (stat first for its name and type). */
    get: {
      visibility: "public",
      params: idParams,
      async handler(this: This, ctx: Context<IdParams>): Promise<Readable> {
        await ownedFile(this, ctx.params);
        return openDownload(this.db, ctx.params.id);
      },
    },

    remove: {
      visibility: "public",
      params: idParams,
      async handler(this: This, ctx: Context<IdParams>): Promise<RemoveFileResult> {
        await ownedFile(this, ctx.params);
        return { removed: await removeFile(this.db, ctx.params.id) };
      },
    },

    /** Every file of a job (all attempts), optionally keeping some ids. */
    removeForJob: {
      visibility: "public",
      params: {
        jobId: { type: "string", min: 1 },
        keep: { type: "array", items: "string", optional: true },
        kind: { type: "enum", values: ["input", "output"], optional: true },
      },
      async handler(this: This, ctx: Context<RemoveForJobParams>): Promise<RemovedCount> {
        const files = (await filesOfJob(this.db, ctx.params.jobId)).filter((f) => !ctx.params.kind || f.kind === ctx.params.kind);
        let removed = 0;
        for (const f of files) if (!ctx.params.keep?.includes(f.id) && (await removeFile(this.db, f.id))) removed++;
        return { removed };
      },
    },

    listForJob: {
      visibility: "public",
      params: { jobId: { type: "string", min: 1 } },
      handler(this: This, ctx: Context<{ jobId: string }>): Promise<StoredFile[]> {
        return filesOfJob(this.db, ctx.params.jobId);
      },
    },

    /** Runs the retention sweep now (the timer calls it too). */
    sweep: {
      visibility: "public",
      async handler(this: This): Promise<{ deleted: string[] }> {
        const deleted = await sweepExpired(this.db, new Date());
        if (deleted.length) this.broker.broadcast("storage.expired", { fileIds: deleted });
        return { deleted };
      },
    },
  },

  started(this: This) {
    const every = config().files.sweepIntervalSeconds * 1000;
    this.sweeper = setInterval(() => {
      this.actions.sweep({}).catch((err: unknown) => this.logger.warn(`file sweep failed: ${(err as Error).message}`));
    }, every);
    this.sweeper.unref();
  },

  stopped(this: This) {
    if (this.sweeper) clearInterval(this.sweeper);
  },
};

export default StorageService;
