/**
 * docs/errors.md from the one error catalog (kernel/errors.ts `errorCatalog()`): the API error types, then
 * every job error code with who raises it: the runtime, the SDK, each built-in plugin (its manifest's
 * `errors`) and each API family. scripts/gen-error-docs.ts writes it; test/unit/kernel/error-catalog.test.ts
 * fails when the file is behind the catalog.
 */
import { errorCatalog, type CatalogRow } from "../kernel/errors";
import { BUILTIN_PLUGIN_DIR, loadPlugins } from "../kernel/plugins/loader";
import { registerApiFamilies } from "../apis";
import { families } from "../kernel/gateway/families";
import { JOB_CODE_ANSWERS } from "../apis/tagger/errors";

/** The catalog with the built-in plugins and the API families registered, as a running server has it. */
export function fullErrorCatalog(): CatalogRow[] {
  loadPlugins({ roots: [BUILTIN_PLUGIN_DIR] });
  registerApiFamilies();
  return errorCatalog();
}

/** Whose codes can reach the tag generator API's answers: the runtime, the SDK, its plugin, itself. */
export const TAG_GENERATOR_SOURCES = new Set(["kernel", "sdk", "tagging", "tagger"]);

const cell = (s: string) => s.replace(/\|/g, "\\|");

function raisedBy(owner: string): string {
  if (owner === "kernel") return "runtime";
  if (owner === "sdk") return "SDK";
  if (owner === "tagger" || owner === "orchestrator") return `${owner} API`;
  return `plugin \`${owner}\``;
}

export function renderErrorDocs(rows: CatalogRow[]): string {
  const api = rows.filter((r) => r.kind === "api");
  const jobs = rows.filter((r) => r.kind === "job");
  const apiRows = api.map((r) => `| \`${r.type}\` | ${r.status} | ${cell(r.title ?? "")} | ${cell(r.message)} | ${cell(r.fix)} |`).join("\n");
  const jobRows = jobs
    .map((r) => {
      const answer = !TAG_GENERATOR_SOURCES.has(r.owner)
        ? "(not on this API)"
        : Object.hasOwn(JOB_CODE_ANSWERS, r.type) ? `\`${JOB_CODE_ANSWERS[r.type]!.type}\`` : "`PROCESSING_FAILED`";
      return `| \`${r.type}\` | ${raisedBy(r.owner)} | ${r.status} | ${answer} | ${cell(r.message)} | ${cell(r.fix)} |`;
    })
    .join("\n");
  // A family's own words for a 5xx type (ApiFamily.serverMessages), which its body shows instead of the catalog's.
  const worded = families().flatMap((f) => Object.entries(f.serverMessages ?? {}).map(([type, m]) => `\`${type}\` as "${m}" (${f.title})`));
  const wording = worded.length ? `\n\nA 5xx body shows the default message, except where a family keeps the words of the product it replaces: ${worded.join(", ")}.` : "";
  return `# Errors

Generated from the error catalog (\`kernel/errors.ts\` \`errorCatalog()\`: the API types, the runtime's and
the SDK's job codes, the built-in plugins' manifest \`errors\` and the API families' \`errors\`) by
\`node --import tsx scripts/gen-error-docs.ts\`; do not edit by hand (a unit test fails when this file is
behind the catalog).

Every error docmill returns has a fixed HTTP status and a machine \`type\`. The body depends on the API family
that owns the path, so existing clients of both products keep working:

- Tag generator family (\`/api/*\`, \`/\`): \`{"detail": "<message>"}\`. Request validation failures are \`422\`
  with FastAPI's list: \`{"detail": [{"loc": ["body", "<field>"], "msg": "...", "type": "..."}]}\`. A 5xx body
  also has \`trace_id\`.
- Orchestrator family (\`/v1/*\`, \`/healthz/*\`): \`ApiErrorResponse\`, content type \`application/problem+json\`:
  \`{"type": "<RFC 9110 section URI>", "title", "status", "traceId", "detail", "errors": {"<field>": ["..."]},
  "code": "<type below>"}\`. Validation failures are \`400\` with \`errors\` per field.

5xx bodies never carry internals: the trace id (also sent as the \`X-Request-ID\` header's W3C form) finds the
whole story in the logs. \`429\` answers carry \`Retry-After\`.

## API error types

| type | status | title | default message | fix |
|---|---|---|---|---|
${apiRows}${wording}

## Job error codes

A job that fails has \`error: {type, message}\` (the message is the thrower's own sentence; the column below
says what it is about). The orchestrator's job view shows it as \`error: {code, message}\`; a tag generator batch
row as \`error_type\`/\`error_message\`. The tag generator's single call answers with the API type in the
"tag generator answers" column (its status). A code named like an API type above (\`PDF_ENCRYPTED\`,
\`LLM_UNAVAILABLE\`, \`SERVICE_UNAVAILABLE\`, \`INTERNAL\`, \`UNSUPPORTED_MEDIA_TYPE\`) is that type.

A plugin declares its own codes in its manifest (\`errors: defineErrorCodes({ CODE: { status, message, fix } })\`
from the SDK, docs/plugins.md); the loader refuses start-up on a malformed table or a code the catalog has with
another status.

| code | raised by | status | tag generator answers | what it means | fix |
|---|---|---|---|---|---|
${jobRows}
`;
}
