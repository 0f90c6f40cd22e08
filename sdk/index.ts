/**
 * The plugin SDK: everything a plugin may import from docmill. Inside this repository plugins import
 * `../../sdk`; a plugin outside it (a PLUGINS_DIR folder) imports `@docmill/sdk`, which the plugin loader
 * resolves to this file of the running host (kernel/plugins/sdk-alias.ts), under tsx and in the built
 * dist/ alike. The SDK imports nothing from the kernel, the API families or other plugins
 * (test/unit/boundaries.test.ts).
 *
 * The host hands a plugin its PDF engine, settings, secrets and read-only data by reference in the
 * RunContext (ctx.pdf, ctx.settings, ctx.secrets, ctx.resources); what is exported here are the
 * contract's types, pure helpers and the compute pool.
 */
export {
  RUNTIME_API_VERSION,
  definePlugin,
  describe,
  isPauseRequest,
  ResourceError,
  type CanRunInput,
  type InputFile,
  type OptionsSchema,
  type OutputMeta,
  type PauseRequest,
  type PdfEngine,
  type PluginDescriptor,
  type PluginLogger,
  type PluginManifest,
  type PluginResources,
  type PluginSecrets,
  type RunContext,
  type WrittenOutput,
} from "./manifest";
export { ConfigError, bool, bytes, int, intSetting, list, oneOf, parseBytes, type Env } from "./env";
export { PdfError, isPdfError, type PdfErrorCode } from "./pdf/errors";
/** A plugin's own error codes (manifest `errors`): they join the host's error catalog and docs/errors.md. */
export { defineErrorCodes, type ErrorCode, type ErrorCodes } from "./error-codes";
export type {
  Box,
  ExtractOptions,
  ExtractResult,
  ExtractWithOcrOptions,
  ExtractWithOcrResult,
  OcrOptions,
  OcrResult,
  OcrWord,
  PageText,
  PageTextWithSource,
  PdfInfo,
  RenderOptions,
  RenderResult,
  Word,
} from "./pdf/types";
export { applyMatrix, displayMatrix, displayedToUserSpace, invertMatrix, type Matrix } from "./pdf/layout";
export type { PdfPool } from "./pdf/pool";
/**
 * Wire types a plugin's results carry to the API and the web app, declared once in shared/wire (types
 * only: nothing of shared/ is loaded at run time, so `@docmill/sdk` stays self-contained for a plugin).
 */
export type {
  Detection,
  DetectionBox,
  DetectionCoordinates,
  DetectionPage,
  DetectionResult,
  DetectionSource,
  Verification,
  VerificationLeak,
  VerificationMethod,
  VerificationRecord,
} from "../shared/wire/detections";
/** CPU-heavy pure work in a compute thread, so a long task cannot hold the event loop the API shares. */
export { ComputeError, runOffLoop, runOffLoopInPieces } from "./compute/pool";
/** Domain metrics a plugin records (docs/metrics.md); no-ops unless the host process has metrics on. */
export { recordLlmCall, recordOcrPage } from "./metrics";
