/**
 * A review whose hand-over to the runtime is cut by an outage is not lost. The orchestrator claims its
 * record for the review and then resumes the runtime job; here the resume fails the way an outage makes
 * it fail (the jobs service not reachable), once. The reviewer is told to try again (503); a retry is
 * told the review is in progress (409: it is, the list was kept); the reconciliation hands the kept list
 * over once the claim is older than any hand-over still under way, and the job finishes with the
 * reviewer's list: findings redacted, the review counted, the redacted PDF free of the found text.
 * (Before: the claim was undone when the database could be reached, or left for good when it could not,
 * and the job waited at its review forever while every retry was refused; a chaos run hit the latter.)
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Errors, type Context, type Middleware } from "moleculer";
import { buildBrokerOptions } from "../../../moleculer.config";
import { config, resetConfig } from "../../../kernel/config";
import { pdfPool } from "../../../sdk/pdf/pool";
import { LOST_REVIEW_AFTER_MS } from "../../../apis/orchestrator/lost-reviews";
import { makeTempDir } from "../../support/infra";
import { startStack, uniqueMongoUrl, type Stack } from "../../support/stack";
import { withDb } from "../../integration/auth/helpers";
import { adminToken, createRedaction, json, orchestratorRecord, waitForState, type Json } from "./views";

jest.setTimeout(300_000);

let stack: Stack;
let mongoUrl: string;
let cutNext = 0;

/** Fails the next `cutNext` resumes as an outage would: before the jobs service has done anything. */
const cutResume: Middleware = {
  name: "cut-resume",
  localAction(next: (ctx: Context) => Promise<unknown>, action: { name?: string }) {
    if (action.name !== "jobs.resume") return next;
    return (ctx: Context) => {
      if (cutNext > 0) {
        cutNext--;
        return Promise.reject(new Errors.ServiceNotAvailableError({ action: "jobs.resume", nodeID: "core" }));
      }
      return next(ctx);
    };
  },
};

beforeAll(async () => {
  Object.assign(process.env, { WORKER_CONCURRENCY: "1", DOCMILL_PDF_THREADS: "1", JOB_RECONCILE_INTERVAL_SECONDS: "3600" });
  delete process.env.PLUGINS_DIR;
  resetConfig();
  mongoUrl = uniqueMongoUrl("lostreview");
  stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "orchestrator", "feedback", "worker"],
    mongoUrl,
    broker: { middlewares: [...(buildBrokerOptions(config()).middlewares ?? []), cutResume] },
  });
});

afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
});

it("hands a review cut off by an outage over later, and the job finishes with the reviewer's list", async () => {
  const base = stack.baseUrl;
  const admin = await adminToken(base);
  const id = await createRedaction(base, admin, "cut.pdf");
  const ready = await waitForState("readyForReview", () => json(base, admin, "GET", `/v1/jobs/${id}`), (r) => ["readyForReview", "failed"].includes(r.body?.status), 180_000);
  expect(ready.body.status).toBe("readyForReview");
  const findings = await json(base, admin, "GET", `/v1/jobs/${id}/files/detections`);
  expect(findings.status).toBe(200);
  const texts: string[] = (findings.body.findings ?? findings.body.items ?? []).map((f: Json) => String(f.text ?? "")).filter((t: string) => t.length >= 6);
  expect(texts.length).toBeGreaterThan(0);

  // The hand-over is cut: the reviewer is told to try again.
  cutNext = 1;
  const first = await json(base, admin, "POST", `/v1/jobs/${id}/redaction`, {});
  expect(first.status).toBe(503);
  // A retry: the review is in progress (its list was kept with the claim), not to be sent again.
  const retry = await json(base, admin, "POST", `/v1/jobs/${id}/redaction`, {});
  expect([retry.status, retry.body?.detail]).toEqual([409, expect.stringContaining("'redactionInProgress'")]);
  expect((await json(base, admin, "GET", `/v1/jobs/${id}`)).body.status).toBe("redactionInProgress");

  // A pass before the claim is old enough leaves it alone (a slow hand-over may still be under way).
  expect(await stack.broker.call("orchestrator.reconcile")).toMatchObject({ reviewsHandedOver: 0 });
  // The clock moves on past any hand-over that could still be running (the claim's time, moved back).
  const claimedAt = new Date((await orchestratorRecord(stack.broker, id)).reviewedAt);
  await withDb(mongoUrl, (db) => db.collection("orchestrator_jobs").updateOne({ _id: id as never }, { $set: { reviewedAt: new Date(claimedAt.getTime() - LOST_REVIEW_AFTER_MS - 1000) } }));
  expect(await stack.broker.call("orchestrator.reconcile")).toMatchObject({ reviewsHandedOver: 1 });

  const done = await waitForState("finished", () => json(base, admin, "GET", `/v1/jobs/${id}`), (r) => ["finished", "failed"].includes(r.body?.status), 180_000);
  expect(done.body).toMatchObject({ status: "finished", reviewedBy: expect.any(String), review: { acceptedFindings: texts.length > 0 ? expect.any(Number) : 0 } });
  expect(done.body.review.acceptedFindings).toBeGreaterThan(0);
  // Handed over once: a further pass finds nothing kept.
  expect(await stack.broker.call("orchestrator.reconcile")).toMatchObject({ reviewsHandedOver: 0 });
  expect((await orchestratorRecord(stack.broker, id)).reviewRequest ?? null).toBeNull();

  // The output, read back by an independent reader: none of the found text remains.
  const pdf = await fetch(`${base}/v1/jobs/${id}/files/redactedPdf`, { headers: { authorization: `Bearer ${admin}` } });
  expect(pdf.status).toBe(200);
  const file = path.join(makeTempDir("docmill-lost-review-"), "out.pdf");
  writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
  const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
  for (const t of texts) expect([t, text.includes(t)]).toEqual([t, false]);
});
