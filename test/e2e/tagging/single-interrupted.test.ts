/**
 * A single tag call whose process died mid-call (after recording the call, before its document reached
 * the runtime) must not leave the call `processing` forever: nobody feeds a single call's document, so
 * the reconciliation pass fails it with INTERRUPTED once it is stale, and the caller's history says so.
 * The dead process's leftovers are made by the same functions runSingle runs before it creates the
 * runtime job (the record, then the claim of its row); the repair is the real reconciliation pass on the
 * real database, seen through the HTTP history API. A fresh call (possibly still alive on another
 * instance) is left alone.
 */
import type { ServiceBroker } from "moleculer";
import { pdfPool } from "../../../sdk/pdf/pool";
import { checkConfig } from "../../../apis/tagger/config";
import { createTagJob, INTERRUPTED_MESSAGE, reconcile, SINGLE_STALE_MS, type Deps } from "../../../apis/tagger/core";
import type { TagDocDoc } from "../../../apis/tagger/models";
import { api, startTagger, type Stack } from "./helpers";

let stack: Stack;
let token: string;
let userId: string;

beforeAll(async () => {
  ({ stack, token, userId } = await startTagger({ worker: false }));
});
afterAll(async () => {
  await stack?.stop();
  await pdfPool.close();
});

const depsOf = (broker: ServiceBroker): Deps => (broker.getLocalService("tagger") as unknown as { deps(): Deps }).deps();

/** What runSingle has written when its process dies at `diedAt`: the record, and the claim unless `beforeClaim`. */
async function deadCall(d: Deps, title: string, beforeClaim: boolean): Promise<string> {
  const job = await createTagJob(d, userId, "single", checkConfig({ num_tags: 3 }), [{ title, file_path: `${title}.pdf`, file_source_type: "upload", input_file_id: null }]);
  if (!beforeClaim) await d.Doc.findOneAndUpdate({ job_id: job._id, row: 0 }, { $set: { dispatched: true, dispatched_at: new Date() } });
  return job._id;
}

it("fails a single call's document with INTERRUPTED once its process is gone, before or after claiming it; leaves a fresh one alone", async () => {
  const d = depsOf(stack.broker);
  const claimed = await deadCall(d, "claimed", false);
  const unclaimed = await deadCall(d, "unclaimed", true);

  // A pass now: the calls may still be alive (another instance), nothing is touched.
  await reconcile(d);
  for (const id of [claimed, unclaimed]) {
    const h = await api(stack.baseUrl, token, "GET", `/api/history/jobs/${id}`);
    expect(h.status).toBe(200);
    expect([h.body.status, h.body.documents.map((x: TagDocDoc) => x.status)]).toEqual(["processing", ["pending"]]);
  }

  // A pass once they are stale: each ends failed, saying what happened and what to do.
  const report = await reconcile(d, new Date(Date.now() + SINGLE_STALE_MS + 1000));
  expect(report.repaired).toBe(2);
  for (const id of [claimed, unclaimed]) {
    const h = await api(stack.baseUrl, token, "GET", `/api/history/jobs/${id}`);
    expect(h.body).toMatchObject({ status: "failed", processed_count: 0, failed_count: 1 });
    expect(h.body.documents.map((x: { status: string; error_message: string }) => [x.status, x.error_message])).toEqual([["failed", INTERRUPTED_MESSAGE]]);
  }
  // Nothing of a dead call is left open: a second pass finds nothing to repair.
  expect((await reconcile(d, new Date(Date.now() + SINGLE_STALE_MS + 1000))).repaired).toBe(0);
});
