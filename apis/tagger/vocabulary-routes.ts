/**
 * Controlled vocabularies of the tag generator (`/api/vocabularies`), see docs/tagging.md. Uploads take a
 * JSON body (`{name, scope, concepts}` or `{name, scope, format, content}`) or multipart/form-data with a
 * `file` (.csv or .json) and `name`, `scope`, `format` fields.
 */
import { DocmillClientError, fail, isErrorType } from "../../kernel/errors";
import { receiveUpload } from "../../kernel/storage/upload";
import type { GatewayContext, RawHandler, RouteGroup } from "../../kernel/gateway/types";

import { callOf } from "../../kernel/call";
import type { FileIdParams, RemoveFileResult } from "../../kernel/storage/params";
import type { CreateVocabularyParams, ReplaceVocabularyParams, VocabularySummary } from "./vocabularies";
import type { Unchecked } from "../../kernel/call";

const MAX_FILE = 5 * 1024 * 1024;

/** The upload's params: the JSON body as is, or the multipart fields plus the stored file's id. */
async function uploadParams(req: Parameters<RawHandler>[0], ctx: GatewayContext): Promise<Record<string, unknown>> {
  if (!/^multipart\/form-data/i.test(req.headers["content-type"] ?? "")) return (req.body ?? {}) as Record<string, unknown>;
  const user = ctx.meta.user;
  if (!user) fail("UNAUTHORIZED");
  const up = await receiveUpload(req, ctx, { owner: user.id, files: { file: { required: true, expect: ["text/plain"], maxBytes: MAX_FILE } } }).catch((err: unknown) => {
    if (isErrorType(err, "UNSUPPORTED_MEDIA_TYPE")) throw new DocmillClientError("BAD_REQUEST", "A vocabulary file is CSV or JSON text");
    throw err;
  });
  const file = up.files.file!;
  const ext = /\.(csv|json)$/i.exec(file.filename)?.[1]?.toLowerCase();
  const format = up.fields.format || ext;
  return { name: up.fields.name || file.filename.replace(/\.(csv|json|txt)$/i, ""), scope: up.fields.scope || undefined, format, fileId: file.id };
}

function send(res: Parameters<RawHandler>[1], ctx: GatewayContext, body: unknown): void {
  res.statusCode = ctx.meta.$statusCode ?? 200;
  if (ctx.meta.$location) res.setHeader("Location", ctx.meta.$location);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

export const createVocabulary: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const params = await uploadParams(req, ctx);
  try {
    send(res, ctx, await callOf(ctx)<VocabularySummary, Unchecked<CreateVocabularyParams>>("vocabularies.create", params));
  } catch (err) {
    if (typeof params.fileId === "string") await callOf(ctx)<RemoveFileResult, FileIdParams>("storage.remove", { id: params.fileId }).catch(() => undefined);
    throw err;
  }
};

export const replaceVocabulary: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const params = await uploadParams(req, ctx);
  try {
    send(res, ctx, await callOf(ctx)<VocabularySummary, Unchecked<ReplaceVocabularyParams>>("vocabularies.replace", { ...params, vocab_id: String(req.$params.vocab_id) }));
  } catch (err) {
    if (typeof params.fileId === "string") await callOf(ctx)<RemoveFileResult, FileIdParams>("storage.remove", { id: params.fileId }).catch(() => undefined);
    throw err;
  }
};

const conceptSchema = {
  type: "object",
  required: ["prefLabel"],
  properties: { id: { type: "string" }, prefLabel: { type: "string" }, altLabels: { type: "array", items: { type: "string" } }, broader: { type: "string" } },
};
const uploadBody = {
  required: true,
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", maxLength: 200 },
          scope: { enum: ["tenant", "instance"], description: "instance: every user's (admins only); tenant (default): your account's" },
          concepts: { type: "array", items: conceptSchema },
          format: { enum: ["csv", "json"] },
          content: { type: "string", description: "The file's text, instead of concepts" },
        },
      },
    },
    "multipart/form-data": {
      schema: {
        type: "object",
        required: ["file"],
        properties: { file: { type: "string", format: "binary", description: "CSV (prefLabel, altLabels separated by |, broader, id) or JSON" }, name: { type: "string" }, scope: { enum: ["tenant", "instance"] }, format: { enum: ["csv", "json"] } },
      },
    },
  },
};

const T = ["vocabularies"];
export const vocabularyRoutes: RouteGroup = {
  prefix: "/api",
  routes: [
    { method: "GET", path: "/vocabularies", access: "user", action: "vocabularies.list", summary: "The vocabularies you can use: the instance's and your own", tags: T },
    { method: "POST", path: "/vocabularies", access: "user", handler: createVocabulary, requestBody: uploadBody, summary: "Upload a controlled vocabulary (CSV or JSON; scope instance needs an admin)", tags: T },
    { method: "GET", path: "/vocabularies/:vocab_id", access: "user", action: "vocabularies.get", summary: "One vocabulary with a page of its concepts (q filters on labels)", tags: T },
    { method: "PUT", path: "/vocabularies/:vocab_id", access: "user", handler: replaceVocabulary, requestBody: uploadBody, summary: "Replace a vocabulary's concepts (its curator)", tags: T },
    { method: "DELETE", path: "/vocabularies/:vocab_id", access: "user", action: "vocabularies.remove", summary: "Delete a vocabulary (its curator)", tags: T },
    { method: "GET", path: "/vocabularies/:vocab_id/suggestions", access: "user", action: "vocabularies.suggestions", summary: "Tags offered to the curator: added by users in edits, or unmatched engine candidates", tags: T },
    { method: "POST", path: "/vocabularies/:vocab_id/suggestions/:suggestion_id", access: "user", action: "vocabularies.decide", summary: "Accept a suggestion (new concept, or synonym of concept_id) or dismiss it", tags: T },
  ],
};
