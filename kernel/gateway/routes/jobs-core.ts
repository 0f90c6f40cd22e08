/**
 * Generic job routes: any plugin, including one a user drops into plugins/, is usable over HTTP.
 * Family APIs (apis/<family>/routes.ts: /api/single..., /v1/jobs) are built on the same
 * actions with their own shapes; these are the runtime's own, plain ones.
 */
import type { Readable } from "node:stream";
import { fail, validationError } from "../../errors";
import type { JobView } from "../../jobs/model";
import { receiveUpload, sendStream } from "../../storage/upload";
import type { StoredFile } from "../../storage/store";
import type { GatewayContext, RawHandler, RouteGroup } from "../types";

import { callOf, type Unchecked } from "../../call";
import type { FileIdParams, RemoveFileResult } from "../../storage/params";
import type { CreateJobParams, JobIdParams } from "../../jobs/api";

function userOf(ctx: GatewayContext) {
  const user = ctx.meta.user;
  if (!user) fail("UNAUTHORIZED");
  return user;
}

function parseJsonField(fields: Record<string, string>, name: string): Record<string, unknown> | undefined {
  const raw = fields[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch {
    throw validationError([{ field: name, message: `${name} must be a JSON object`, kind: "json" }]);
  }
}

function json(res: Parameters<RawHandler>[1], status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

/** POST /api/files: multipart field `file`; answers the stored file's record. */
export const uploadFile: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const user = userOf(ctx);
  const { files } = await receiveUpload(req, ctx, { owner: user.id, files: { file: { required: true } } });
  json(res, 201, files.file);
};

/**
 * POST /api/jobs: multipart (`file`, `processor`, `options` JSON, `meta` JSON) or JSON
 * (`{processor, inputFileId, options, meta}`) for a file uploaded before.
 */
export const createJob: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const user = userOf(ctx);
  const call = callOf(ctx);
  const body = req.body;
  const isMultipart = /^multipart\/form-data/i.test(req.headers["content-type"] ?? "");
  let job: JobView;
  if (!isMultipart) {
    const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    // The client's body as it came: jobs.create's validator checks it.
    job = await call<JobView, Unchecked<CreateJobParams>>("jobs.create", { processor: b.processor, inputFileId: b.inputFileId, options: b.options, meta: b.meta });
  } else {
    const up = await receiveUpload(req, ctx, { owner: user.id, files: { file: { required: true } } });
    const file = up.files.file!;
    try {
      if (!up.fields.processor) throw validationError([{ field: "processor", message: "Field required", kind: "missing" }]);
      job = await call<JobView, CreateJobParams>("jobs.create", {
        processor: up.fields.processor,
        inputFileId: file.id,
        options: parseJsonField(up.fields, "options"),
        meta: parseJsonField(up.fields, "meta"),
      });
    } catch (err) {
      await call<RemoveFileResult, FileIdParams>("storage.remove", { id: file.id }).catch(() => undefined);
      throw err;
    }
  }
  res.setHeader("Location", `/api/jobs/${job.id}`);
  json(res, 201, job);
};

/** GET /api/jobs/:id/files/:name: an output by name, or `input` for the uploaded file. */
export const downloadJobFile: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const user = userOf(ctx);
  const call = callOf(ctx);
  // The outputs only: a whole result (tens of megabytes for a big document) was rebuilt for a file's id.
  const job = await call<JobView, JobIdParams>("jobs.get", { id: String(req.$params.id) }, { meta: { $jobView: "summary" } });
  const name = String(req.$params.name);
  const fileId = name === "input" ? job.inputFileId : job.outputs.find((o) => o.name === name)?.fileId;
  if (!fileId) fail("NOT_FOUND", `The job has no file named "${name}"`);
  // The job check above already enforced ownership; the file's own owner check covers admins reading others'.
  const owner = user.isAdmin ? undefined : user.id;
  const stat = await call<StoredFile, FileIdParams>("storage.stat", { id: fileId, owner });
  const stream = await call<Readable, FileIdParams>("storage.get", { id: fileId, owner }, { timeout: 0 });
  await sendStream(res, stream, { contentType: stat.contentType, filename: stat.filename, size: stat.size });
};

export const jobsCoreRoutes: RouteGroup = {
  prefix: "/api",
  routes: [
    { method: "GET", path: "/plugins", access: "user", action: "jobs.plugins", summary: "Processor plugins the running workers host", tags: ["jobs"] },
    { method: "POST", path: "/files", access: "user", handler: uploadFile, body: "multipart", summary: "Upload a file (multipart field `file`)", tags: ["jobs"] },
    { method: "POST", path: "/jobs", access: "user", handler: createJob, body: "multipart", summary: "Create a job: multipart `file` + `processor` + `options` (JSON), or JSON with `inputFileId`", tags: ["jobs"] },
    { method: "GET", path: "/jobs", access: "user", action: "jobs.list", streamResult: true, summary: "List your jobs (filters: status, processor, createdFrom, createdTo; paging: limit + offset or cursor)", tags: ["jobs"] },
    { method: "GET", path: "/jobs/:id", access: "user", action: "jobs.get", streamResult: true, summary: "One job", tags: ["jobs"] },
    { method: "POST", path: "/jobs/:id/cancel", access: "user", action: "jobs.cancel", summary: "Cancel a queued, running or paused job", tags: ["jobs"] },
    { method: "POST", path: "/jobs/:id/resume", access: "user", action: "jobs.resume", summary: "Continue a job waiting at a pause point, with `input`", tags: ["jobs"] },
    { method: "DELETE", path: "/jobs/:id", access: "user", action: "jobs.remove", summary: "Delete a job with every file and its result (a job still at work is cancelled first); the same purge as DELETE /v1/jobs/{id}", tags: ["jobs"] },
    { method: "GET", path: "/jobs/:id/files/:name", access: "user", handler: downloadJobFile, summary: "Download an output by name, or `input`", tags: ["jobs"] },
  ],
};
