/**
 * A single tag call that fails on our side answers as the seed did (docs/tagging.md): 500
 * `{"detail": "Tag generation failed", "trace_id"}`, nothing of the failure's own message. The failure
 * here is a real misconfiguration: the only worker hosts another plugin (the test-only slow-echo), so the
 * runtime refuses the tagging job. The kernel's type for such a failure (PROCESSING_FAILED) names no
 * product; the tag generator family keeps its words (apis/tagger/family.ts `serverMessages`).
 */
import path from "node:path";
import { pdfPool } from "../../../sdk/pdf/pool";
import { api, articlePdf, pdfForm, startTagger, type Json, type Stack } from "./helpers";

const FIXTURE_PLUGINS = path.join(__dirname, "../../fixtures/plugins");

let stack: Stack;
let token: string;

beforeAll(async () => {
  ({ stack, token } = await startTagger({ env: { PLUGINS_DIR: FIXTURE_PLUGINS, PLUGINS: "slow-echo" } }));
});
afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
  delete process.env.PLUGINS;
  delete process.env.PLUGINS_DIR;
});

it("answers 500 {detail: 'Tag generation failed', trace_id} when no worker hosts the tagging plugin, and records the call as failed", async () => {
  // The worker has announced itself (otherwise the runtime answers 'no worker yet', a different path).
  const deadline = Date.now() + 15_000;
  while (!stack.broker.registry.getServiceList({ onlyAvailable: true }).some((s) => s.name === "worker") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

  const res = await api(stack.baseUrl, token, "POST", "/api/single/process", pdfForm(await articlePdf(1), { num_tags: 3 }));
  expect(res.status).toBe(500);
  expect(Object.keys(res.body as object).sort()).toEqual(["detail", "trace_id"]);
  expect(res.body.detail).toBe("Tag generation failed");
  expect(res.body.trace_id).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

  // Every call, failed ones included, is in history.
  const jobs = await api(stack.baseUrl, token, "GET", "/api/history/jobs?limit=10");
  expect(jobs.status).toBe(200);
  expect(jobs.body.jobs.map((j: Json) => [j.job_type, j.status, j.failed_count])).toEqual([["single", "failed", 1]]);
});
