/**
 * The error codes the SDK itself raises (the PDF engine's PdfError, the compute pool, plugin resources), as one table for
 * the host's error catalog (kernel/errors.ts registers it; docs/errors.md lists it). Kept free of the
 * pools themselves, so reading the catalog starts no thread.
 */
import { defineErrorCodes, type ErrorCodes } from "./error-codes";
import { PDF_ERRORS } from "./pdf/errors";

/** Raised by runOffLoop (sdk/compute/pool.ts) when a compute thread ran out of its heap. */
export const COMPUTE_ERRORS = defineErrorCodes({
  COMPUTE_LIMIT_EXCEEDED: {
    status: 413,
    message: "The computation needed more memory than one compute thread may use, and was stopped",
    fix: "Send a smaller document (fewer pages or less text); an operator can raise COMPUTE_THREAD_MAX_MB",
  },
});

/** Raised by `ctx.resources.get` (sdk/manifest.ts ResourceError) when a plugin lets it through. */
export const RESOURCE_ERRORS = defineErrorCodes({
  RESOURCE_NOT_FOUND: {
    status: 400,
    message: "The stored data the job names (a vocabulary, for example) was deleted, or that version is no longer kept",
    fix: "Submit the job again naming data that exists",
  },
});

export const SDK_ERROR_CODES: ErrorCodes = { ...PDF_ERRORS, ...COMPUTE_ERRORS, ...RESOURCE_ERRORS };
