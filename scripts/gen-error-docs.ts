/**
 * Regenerates docs/errors.md from the one error catalog (scripts/error-docs.ts), so the documentation
 * cannot drift from the code (test/unit/kernel/error-catalog.test.ts fails when the file is behind).
 */
import fs from "node:fs";
import path from "node:path";
import { fullErrorCatalog, renderErrorDocs } from "./error-docs";

const rows = fullErrorCatalog();
fs.writeFileSync(path.join(__dirname, "..", "docs", "errors.md"), renderErrorDocs(rows));
console.log(`docs/errors.md: ${rows.filter((r) => r.kind === "api").length} API error types, ${rows.filter((r) => r.kind === "job").length} job error codes`);
process.exit(0);
