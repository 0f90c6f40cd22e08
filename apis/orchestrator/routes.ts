/**
 * The Smart Redact Orchestrator's jobs API (`/v1/jobs...`, X-Api-Key or bearer token) and its detection
 * configurations (`/v1/detection-configurations`, bearer token; writes for admins). Wire shapes and
 * statuses: docs/redaction.md. Boxes are PDF points, origin top-left of the page as displayed, 1-based pages.
 */
import type { Readable } from "node:stream";
import { FILE_OF_AUDIT } from "./audit";
import { fail, isErrorType, type WireError } from "../../kernel/errors";
import { WIRE_STATUSES, type JobResponse } from "../../shared/wire/redaction";
import { notAPdf } from "./pdf-check";
import { receiveUpload, sendStream } from "../../kernel/storage/upload";
import type { StoredFile } from "../../kernel/storage/store";
import type { RawHandler, RouteGroup } from "../../kernel/gateway/types";

import { callOf } from "../../kernel/call";
import type { FileIdParams, RemoveFileResult } from "../../kernel/storage/params";
import type * as J from "./jobs";

/** POST /v1/jobs: multipart `file` (+ optional `detectionConfiguration` JSON, `configurationId`, `externalId`). */
export const createOrchestratorJob: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const user = ctx.meta.user;
  if (!user) fail("UNAUTHORIZED");
  const call = callOf(ctx);
  let up;
  try {
    up = await receiveUpload(req, ctx, { owner: user.id, files: { file: { required: true, expect: ["application/pdf"] } } });
  } catch (err) {
    // A file of another type (an image named .pdf) is a file that cannot be read as a PDF: 400 on `file`.
    if (isErrorType(err, "UNSUPPORTED_MEDIA_TYPE")) throw notAPdf((err as WireError).message ?? "A PDF file is required.");
    throw err;
  }
  const file = up.files.file!;
  let job: JobResponse;
  try {
    job = await call<JobResponse, J.CreateJobBody>("orchestrator.createJob", { fileId: file.id, fields: up.fields });
  } catch (err) {
    await call<RemoveFileResult, FileIdParams>("storage.remove", { id: file.id }).catch(() => undefined);
    throw err;
  }
  res.statusCode = 201;
  res.setHeader("Location", `/v1/jobs/${job.id}`);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(job));
};

/** GET /v1/jobs/:id/files/:fileType: the file's bytes with its content type and an attachment disposition. */
export const downloadOrchestratorFile: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  const call = callOf(ctx);
  const { fileId, owner, contentType } = await call<{ fileId: string; owner: string; contentType: string }, J.FileOfParams>("orchestrator.fileOf", {
    id: String(req.$params.id),
    fileType: String(req.$params.fileType),
  });
  let stat: StoredFile;
  try {
    stat = await call<StoredFile, FileIdParams>("storage.stat", { id: fileId, owner });
  } catch (err) {
    // The retention sweep deleted it a moment ago.
    if (isErrorType(err, "NOT_FOUND")) fail("GONE", "The file has expired and was deleted");
    throw err;
  }
  const stream = await call<Readable, FileIdParams>("storage.get", { id: fileId, owner }, { timeout: 0, meta: { auditedBy: FILE_OF_AUDIT } });
  await sendStream(res, stream, { contentType: stat.contentType || contentType, filename: stat.filename, size: stat.size });
};

const jobsTag = ["jobs"];
const cfgTag = ["detection-configurations"];
const COORDS = "Boxes: PDF points, origin at the top-left corner of the page as displayed (after /Rotate), pages 1-based.";

// OpenAPI fragments: the shapes the vendor never published (JobResponse, the review body, fileType values).
const str = { type: "string" };
const nstr = { type: "string", nullable: true };
const box = { page: { type: "integer", minimum: 1 }, x: { type: "number" }, y: { type: "number" }, width: { type: "number" }, height: { type: "number" } };
// Typed by the wire type's keys: a field added to JobResponse (shared/wire/redaction.ts) and not
// documented here, or documented and not sent, does not compile.
const jobResponseProperties: Record<keyof JobResponse, unknown> = {
    id: str,
    status: { type: "string", enum: [...WIRE_STATUSES] },
    fileName: str, pageCount: { type: "integer", nullable: true }, findingsCount: { type: "integer", nullable: true },
    createdAt: { type: "string", format: "date-time" }, updatedAt: { type: "string", format: "date-time" }, expiresAt: { type: "string", format: "date-time" },
    createdBy: str, reviewedBy: nstr, reviewedAt: nstr, externalId: nstr, configurationId: nstr,
    progress: { type: "object", properties: { percent: { type: "number" }, message: str } },
    files: { type: "array", items: { type: "string", enum: ["originalPdf", "detections", "redactedPdf", "report", "certificate"] } },
    error: { type: "object", properties: { code: str, message: str }, description: "Only when failed" },
    verification: { type: "object", description: "Only when finished: {verifiedAt, method, redactedStrings, leaks, ...}" },
    review: { type: "object", properties: { acceptedFindings: { type: "integer" }, rejectedFindings: { type: "integer" }, manualAreas: { type: "integer" } } },
};
const jobResponse = { type: "object", properties: jobResponseProperties };
const json = (schema: unknown, description: string) => ({ description, content: { "application/json": { schema } } });
const reviewBody = {
  required: true,
  content: {
    "application/json": {
      schema: {
        type: "object",
        properties: {
          accept: { type: "array", items: str, description: "Exactly these findings are redacted" },
          reject: { type: "array", items: str, description: "Without accept: every finding but these is redacted" },
          areas: { type: "array", items: { type: "object", required: ["page", "x", "y", "width", "height"], properties: { ...box, label: str } } },
          redactions: { type: "array", description: "Manager style: {id} of a finding or {page, x, y, width, height, label?}", items: { type: "object" } },
        },
      },
    },
  },
};
const uploadBody = {
  required: true,
  content: {
    "multipart/form-data": {
      schema: {
        type: "object",
        required: ["file"],
        properties: { file: { type: "string", format: "binary" }, detectionConfiguration: { type: "string", description: "JSON object" }, configurationId: str, externalId: str, searchable: { type: "string", enum: ["true", "false"] } },
      },
    },
  },
};
const listParams = {
  status: { type: "string", optional: true },
  pageSize: { type: "number", integer: true, min: 1, max: 100, optional: true },
  cursor: { type: "string", optional: true },
  createdBy: { type: "string", optional: true },
  reviewedBy: { type: "string", optional: true },
  sortBy: { type: "string", optional: true },
  sortDirection: { type: "string", optional: true },
};

export const orchestratorRoutes: RouteGroup = {
  prefix: "/v1",
  routes: [
    {
      method: "POST", path: "/jobs", access: "apiKey", handler: createOrchestratorJob, body: "multipart", tags: jobsTag, requestBody: uploadBody,
      responses: { "201": json(jobResponse, "The job"), "413": { description: "File too large" }, "503": { description: "No redaction worker is running" } },
      summary: "Create a redaction job from a PDF (multipart `file`); 201 JobResponse, status `created`",
      description: "Optional fields: `detectionConfiguration` (JSON merged over the default configuration), `configurationId`, `externalId`. Unknown fields are ignored. 400 for a file that is not a readable, unencrypted PDF.",
    },
    {
      method: "GET", path: "/jobs", access: "apiKey", action: "orchestrator.list", tags: jobsTag, params: listParams,
      responses: { "200": json({ type: "object", properties: { items: { type: "array", items: jobResponse }, nextCursor: nstr } }, "A page of jobs") },
      summary: "List jobs: `{items, nextCursor}`; filters status (case-insensitive), createdBy, reviewedBy; pageSize 1-100 (20), cursor, sortDirection Asc|Desc",
      description: "Users see their own jobs, admins every job.",
    },
    { method: "GET", path: "/jobs/:id", access: "apiKey", action: "orchestrator.get", tags: jobsTag, responses: { "200": json(jobResponse, "The job"), "404": { description: "Unknown job or someone else's" } }, summary: "One job (JobResponse); 404 for an unknown job or someone else's" },
    {
      method: "POST", path: "/jobs/:id/redaction", access: "apiKey", action: "orchestrator.submitRedaction", tags: jobsTag, requestBody: reviewBody,
      responses: { "202": json(jobResponse, "The job, redactionInProgress"), "404": { description: "Unknown job or someone else's" }, "409": { description: "JOB_STATE_CONFLICT: not readyForReview" } },
      summary: "Submit the review: `{accept, reject, areas: [{page, x, y, width, height, label?}]}` or `{redactions: [...]}`; 202, status `redactionInProgress`",
      description: `409 JOB_STATE_CONFLICT outside readyForReview (also when submitted twice); 400 naming the field for unknown finding ids, unknown labels or boxes outside the page. ${COORDS}`,
    },
    {
      method: "GET", path: "/jobs/:id/files/:fileType", access: "apiKey", handler: downloadOrchestratorFile, tags: jobsTag,
      responses: {
        "200": { description: "The file", content: { "application/pdf": { schema: { type: "string", format: "binary" } }, "application/json": { schema: { type: "object" } } } },
        "404": { description: "Unknown fileType or job" }, "409": { description: "FILE_NOT_READY" }, "410": { description: "Expired" },
      },
      summary: "Download `originalPdf`, `detections` (JSON), `redactedPdf`, `report` (JSON) or `certificate` (JSON)",
      description: `409 FILE_NOT_READY before the file exists, 410 after expiry, 404 for an unknown fileType or someone else's job. ${COORDS}`,
    },

    { method: "GET", path: "/detection-configurations", access: "user", action: "orchestrator.configList", tags: cfgTag, summary: "Every detection configuration (plain array)" },
    { method: "GET", path: "/detection-configurations/default", access: "user", action: "orchestrator.configDefault", tags: cfgTag, summary: "The default configuration new jobs use (404 when none is set)" },
    { method: "GET", path: "/detection-configurations/:id", access: "user", action: "orchestrator.configGet", tags: cfgTag, summary: "One configuration" },
    { method: "POST", path: "/detection-configurations", access: "admin", action: "orchestrator.configCreate", tags: cfgTag, summary: "Create `{name, description, isDefault, configuration}`; 201 with id and validation warnings" },
    { method: "PUT", path: "/detection-configurations/:id", access: "admin", action: "orchestrator.configUpdate", tags: cfgTag, summary: "Update `{name, description, configuration}`" },
    { method: "POST", path: "/detection-configurations/:id/set-default", access: "admin", action: "orchestrator.configSetDefault", tags: cfgTag, summary: "Make it the default (clears the previous one)" },
    { method: "DELETE", path: "/detection-configurations/:id", access: "admin", action: "orchestrator.configDelete", tags: cfgTag, summary: "Delete (204); deleting the default leaves jobs on the built-in defaults" },
  ],
};
