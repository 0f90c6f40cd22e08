/**
 * The error codes the SDK itself raises (the PDF engine's PdfError, the compute pool), as one table for
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

export const SDK_ERROR_CODES: ErrorCodes = { ...PDF_ERRORS, ...COMPUTE_ERRORS };
