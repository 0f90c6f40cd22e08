/**
 * Multipart uploads for raw gateway handlers: busboy parses the request as it arrives and each file part
 * is piped straight into `storage.put` as a Moleculer stream (chunked over the transporter), so neither
 * the gateway nor the storage service ever holds a whole upload. Generic: callers name their file fields
 * (`file`; the tag generator's `pdf_file` + `exclusion_file`) and get the other fields as strings.
 *
 * The request body is always read to its end before the answer is sent, even after an error (a file over
 * the limit is discarded as it arrives): clients that are still sending would otherwise see a reset
 * connection instead of the 413.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PassThrough, type Readable } from "node:stream";
import busboy from "busboy";
import type { Context } from "moleculer";
import { config } from "../config";
import { DocmillClientError, fail, validationError } from "../errors";
import type { StoredFile } from "./store";
import { callOf } from "../call";
import type { FileIdParams, PutFileParams, RemoveFileResult } from "./params";

export interface FileFieldSpec {
  /** Accepted content types, sniffed from the bytes (e.g. ["application/pdf"]). Empty: anything. */
  expect?: string[];
  required?: boolean;
  /** Lower limit than the global MAX_FILE_SIZE for this field. */
  maxBytes?: number;
}

export interface UploadOptions {
  /** Owner recorded on the stored files (the signed-in user's id). */
  owner: string;
  /** File fields to store, by form field name. Other file parts are read and discarded. */
  files: Record<string, FileFieldSpec>;
  /** At most this many non-file fields (default 50), each at most maxFieldBytes (default 1 MB). */
  maxFields?: number;
  maxFieldBytes?: number;
  retentionHours?: number;
}

export interface UploadResult {
  /** Stored files by field name. */
  files: Record<string, StoredFile>;
  /** Every non-file field (the last value wins for repeated names). */
  fields: Record<string, string>;
}

/** Parses a multipart request and stores its files. Throws 413/415/400/422 catalog errors. */
export function receiveUpload(req: IncomingMessage, ctx: Pick<Context, "call">, opts: UploadOptions): Promise<UploadResult> {
  const globalMax = config().files.maxBytes;
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      limits: {
        // One byte over the largest limit: the storage service sees it and answers 413 for the field.
        fileSize: Math.max(...Object.values(opts.files).map((f) => Math.min(f.maxBytes ?? globalMax, globalMax)), 1) + 1,
        files: Object.keys(opts.files).length + 5,
        fields: opts.maxFields ?? 50,
        fieldSize: opts.maxFieldBytes ?? 1024 * 1024,
      },
    });
  } catch (err) {
    req.resume();
    return Promise.reject(new DocmillClientError("BAD_REQUEST", `Expected a multipart/form-data upload: ${(err as Error).message}`));
  }

  return new Promise<UploadResult>((resolve, reject) => {
    const files: Record<string, StoredFile> = {};
    const fields: Record<string, string> = {};
    const puts: Promise<void>[] = [];
    let firstError: unknown;
    const record = (err: unknown) => {
      firstError ??= err;
    };

    bb.on("file", (name: string, stream: Readable, info: { filename: string; mimeType: string }) => {
      // busboy destroys an unfinished part with "Unexpected end of form" as well as erroring itself: without
      // a listener that second 'error' took the process down (found by test/e2e/security/route-fuzz).
      stream.on("error", () => undefined);
      const spec = opts.files[name];
      if (!spec || files[name] || firstError) {
        stream.resume();
        return;
      }
      const pass = new PassThrough();
      stream.on("error", (err) => pass.destroy(err));
      stream.pipe(pass);
      // If storage gives up (413, 415) the rest of the part is drained, not left to stall the request.
      pass.on("close", () => {
        stream.unpipe(pass);
        stream.resume();
      });
      stream.on("limit", () => {
        pass.destroy(new DocmillClientError("PAYLOAD_TOO_LARGE", `The file is larger than the limit of ${Math.round((spec.maxBytes ?? globalMax) / 1048576)} MB`, { field: name }));
      });
      puts.push(
        callOf(ctx)<StoredFile, PutFileParams>(
            "storage.put",
            {
              owner: opts.owner,
              filename: info.filename || name,
              kind: "input",
              declaredType: info.mimeType,
              expect: spec.expect,
              maxBytes: Math.min(spec.maxBytes ?? globalMax, globalMax),
              ...(opts.retentionHours ? { retentionHours: opts.retentionHours } : {}),
            },
            { stream: pass, timeout: 0 },
          ).then((f) => {
            files[name] = f;
          }, record),
      );
    });
    bb.on("field", (name: string, value: string, info: { valueTruncated: boolean }) => {
      if (info.valueTruncated) record(new DocmillClientError("PAYLOAD_TOO_LARGE", `The form field "${name}" is too long`));
      else fields[name] = value;
    });
    bb.on("fieldsLimit", () => record(new DocmillClientError("PAYLOAD_TOO_LARGE", "Too many form fields")));
    bb.on("filesLimit", () => record(new DocmillClientError("PAYLOAD_TOO_LARGE", "Too many files")));
    bb.on("error", (err: Error) => {
      record(new DocmillClientError("BAD_REQUEST", `Malformed multipart body: ${err.message}`));
      req.unpipe(bb);
      req.resume();
      finish();
    });
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      void Promise.all(puts).then(async () => {
        const missing = Object.entries(opts.files).filter(([n, s]) => s.required && !files[n]);
        if (!firstError && missing.length) {
          record(validationError(missing.map(([n]) => ({ field: n, message: "Field required", kind: "missing" }))));
        }
        if (firstError) {
          // Files already stored for this failed request are not wanted.
          await Promise.all(Object.values(files).map((f) => callOf(ctx)<RemoveFileResult, FileIdParams>("storage.remove", { id: f.id }).catch(() => undefined)));
          reject(firstError);
        } else resolve({ files, fields });
      });
    };
    bb.on("close", finish);
    req.pipe(bb);
  });
}

export interface SendOptions {
  contentType: string;
  filename?: string;
  disposition?: "attachment" | "inline";
  size?: number;
}

/** Streams a stored file to the client with safe download headers. */
export async function sendStream(res: ServerResponse, stream: Readable, opts: SendOptions): Promise<void> {
  res.statusCode = 200;
  res.setHeader("Content-Type", opts.contentType);
  if (opts.size !== undefined) res.setHeader("Content-Length", String(opts.size));
  if (opts.filename) {
    const ascii = opts.filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
    res.setHeader("Content-Disposition", `${opts.disposition ?? "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(opts.filename)}`);
  }
  res.setHeader("Cache-Control", "private, no-store");
  await new Promise<void>((resolve, reject) => {
    stream.once("error", (err) => {
      if (res.headersSent) res.destroy(err);
      reject(err);
    });
    res.once("close", resolve);
    stream.pipe(res);
  });
}

/** Fails with 413 early when the declared Content-Length already exceeds what any part may be. */
export function checkContentLength(req: IncomingMessage, maxBytes: number, setting?: string): void {
  const len = Number(req.headers["content-length"]);
  // Multipart framing adds a little; be generous so a file exactly at the limit still passes.
  if (Number.isFinite(len) && len > maxBytes + 1024 * 1024) {
    fail("PAYLOAD_TOO_LARGE", `The upload is larger than the limit of ${Math.round(maxBytes / 1048576)} MB${setting ? ` (${setting})` : ""}`);
  }
}
