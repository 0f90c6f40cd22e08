/** The durable job change message: small, versioned, and without the job's result or document text. */
import { changeOf, isJobChange } from "../../../../kernel/jobs/changes";
import type { JobDoc } from "../../../../kernel/jobs/model";

const job = {
  _id: "j1",
  owner: "u1",
  processor: "tagging",
  status: "completed",
  version: 4,
  seq: 9,
  outbox: true,
  result: { tags: ["x"], extracted_text: "Jane Doe, 12 Main Street" },
  options: { api_key_sealed: "sealed" },
  meta: { tagJobId: "b1", tagDocId: "d1", row: 3, title: "Personal record", api: 7 },
} as unknown as JobDoc;

it("carries the id, version, status and routing keys only", () => {
  expect(changeOf(job)).toEqual({ id: "j1", version: 4, status: "completed", processor: "tagging", owner: "u1", meta: { tagJobId: "b1", tagDocId: "d1", api: undefined }, transitions: [] });
  const wire = JSON.stringify(changeOf(job));
  for (const secret of ["Jane Doe", "Main Street", "sealed", "Personal record"]) expect(wire).not.toContain(secret);
});

it("recognises a change and refuses anything else", () => {
  expect(isJobChange(changeOf(job))).toBe(true);
  for (const bad of [null, {}, { id: "j1" }, { id: "j1", version: "4", status: "completed", processor: "tagging" }, { jobId: "j1" }]) expect(isJobChange(bad)).toBe(false);
});

it("numbers the kept transitions up to the job's version", () => {
  const withSteps = { ...job, transitions: [{ status: "running", at: new Date(1000) }, { status: "paused:readyForReview", at: new Date(2000) }, { status: "completed", at: new Date(3000) }] } as unknown as JobDoc;
  expect(changeOf(withSteps).transitions).toEqual([
    { version: 2, status: "running", at: new Date(1000).toISOString() },
    { version: 3, status: "paused:readyForReview", at: new Date(2000).toISOString() },
    { version: 4, status: "completed", at: new Date(3000).toISOString() },
  ]);
});
