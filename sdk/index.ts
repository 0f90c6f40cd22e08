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
export { ConfigError, bool, bytes, int, list, oneOf, parseBytes, type Env } from "./env";
export { PdfError, isPdfError, type PdfErrorCode } from "./pdf/errors";
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
/** CPU-heavy pure work in a compute thread, so a long task cannot hold the event loop the API shares. */
export { ComputeError, runOffLoop } from "./compute/pool";
/** Domain metrics a plugin records (docs/metrics.md); no-ops unless the host process has metrics on. */
export { recordLlmCall, recordOcrPage } from "./metrics";
