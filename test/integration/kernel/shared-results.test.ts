/**
 * Concurrent readers of one big job result (issue 14): five review screens opening the same job at once
 * must not each rebuild the whole result from its stored parts. Each rebuild decoded every part into its
 * own copy of the findings; five copies of 58,717 findings alive together made a 620 ms garbage-collection
 * pause of the loop the gateway shares in the embedded shape. Readers at the same moment now share one
 * rebuild (the parts are read once), each still gets the whole result with its own arrays, and a read after
 * the rebuild has ended reads the database again. Real database; the parts read are counted by the
 * driver's command monitoring.
 */
import mongoose from "mongoose";
import { getJob, listJobs } from "../../../kernel/jobs/api";
import type { JobsHost } from "../../../kernel/jobs/host";
import { defineJobModel, type JobModel } from "../../../kernel/jobs/model";
import { PART_FINDINGS, RESULTS_COLLECTION } from "../../../kernel/jobs/results";
import { uniqueMongoUrl } from "../../support/stack";
import { jobWithStoredResult } from "../../support/stored-result-job";

let conn: mongoose.Connection;
let Job: JobModel;
const partReads: string[] = [];

beforeAll(async () => {
  conn = await mongoose.createConnection(uniqueMongoUrl("shared"), { monitorCommands: true }).asPromise();
  conn.getClient().on("commandStarted", (e) => {
    const id = e.command?.filter?._id;
    if (e.commandName === "find" && e.command.find === RESULTS_COLLECTION && typeof id === "string" && id.includes("#")) partReads.push(id);
  });
  Job = defineJobModel(conn);
});

afterAll(async () => {
  await conn?.close();
});

const host = () => ({ Job }) as unknown as JobsHost;
const admin = { meta: {} } as never;

/** A paused job whose detection result (findings as the detector writes them) is stored in parts. */
const jobWithResult = (n: number) => jobWithStoredResult(conn, Job, n);

it("five concurrent reads of a job share one rebuild of its stored parts, each answering the whole result", async () => {
  const { id, result } = await jobWithResult(5 * PART_FINDINGS + 321);
  const parts = 5;
  partReads.length = 0;
  const views = await Promise.all(Array.from({ length: 5 }, () => getJob(host(), admin, id)));
  // Every reader: the whole result, findings in order, byte for byte what was stored.
  for (const v of views) expect(JSON.stringify(v.result)).toBe(JSON.stringify(result));
  // The parts were read once, not once per reader (main's code: 25 part reads).
  expect(partReads.sort()).toEqual(Array.from({ length: parts }, (_, k) => `${id}:1#${k + 1}`).sort());
  // Each reader owns its result object and findings array: one reshaping its answer leaves the others alone.
  const [a, b] = views.map((v) => v.result as { findings: unknown[]; phase: string });
  a!.findings.length = 0;
  a!.phase = "changed";
  expect({ n: b!.findings.length, phase: b!.phase }).toEqual({ n: result.findings.length, phase: "detection" });
});

it("a read after a rebuild has ended reads the database again (nothing is answered from memory)", async () => {
  const { id } = await jobWithResult(2 * PART_FINDINGS + 5);
  await getJob(host(), admin, id);
  await conn.collection(RESULTS_COLLECTION).updateOne({ _id: `${id}:1#2` as never }, { $set: { "findings.0.text": "changed@example.org" } });
  partReads.length = 0;
  const [later, list] = await Promise.all([getJob(host(), admin, id), listJobs(host(), admin, { limit: 100 })]);
  expect((later.result as { findings: Array<{ text: string }> }).findings[2 * PART_FINDINGS]!.text).toBe("changed@example.org");
  const listed = list.items.find((j) => j.id === id)!;
  expect(JSON.stringify(listed.result)).toBe(JSON.stringify(later.result));
  // This job's parts were read again for it (the list also rebuilds the first test's job).
  expect(partReads.filter((p) => p.startsWith(id)).length).toBeGreaterThanOrEqual(2);
});
