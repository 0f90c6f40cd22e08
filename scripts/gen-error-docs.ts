/**
 * Regenerates docs/errors.md from the error catalog, so the documentation cannot drift from the code
 * (a unit test fails when a catalogued type is missing from the document).
 */
import fs from "node:fs";
import path from "node:path";
import { ERROR_CATALOG } from "../kernel/errors";

const rows = Object.entries(ERROR_CATALOG)
  .map(([type, e]) => `| \`${type}\` | ${e.code} | ${e.title} | ${e.message} |`)
  .join("\n");

const doc = `# Errors

Generated from \`kernel/errors.ts\` by \`node --import tsx scripts/gen-error-docs.ts\`; do not edit by hand.

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

| type | status | title | default message |
|---|---|---|---|
${rows}
`;

fs.writeFileSync(path.join(__dirname, "..", "docs", "errors.md"), doc);
console.log(`docs/errors.md: ${Object.keys(ERROR_CATALOG).length} error types`);
