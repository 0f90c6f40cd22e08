/**
 * A batch on a big stored vocabulary (12,000 concepts, over 1 MB as JSON) through the whole stack: each
 * document's runtime job carries only the vocabulary's id and version (read back from the jobs collection),
 * the worker reads that version through the `tagger.vocabulary` resource (ctx.resources), the tags are the
 * vocabulary's preferred labels, a vocabulary replaced while a batch is paused leaves the batch on the
 * version it was started with (a batch started after the change gets the new one), and a vocabulary deleted
 * while a batch is paused fails its remaining documents with a sentence saying so. Real database, NATS-free
 * embedded broker with an in-process worker (the split shape is in split.test.ts).
 */
import { Readable } from "node:stream";
import { BSON, MongoClient } from "mongodb";
import { pdfPool } from "../../../sdk/pdf/pool";
import { digitalGovernance } from "../../unit/plugins/tagging/tagger/fixtures/documents";
import { api, FILLER, RENAMED_V1, RENAMED_V2, startTagger, textPdf, V1, vocabularyCsv, watchBatch, type Json, type Stack } from "./helpers";

jest.setTimeout(300_000);

describe("a batch on a stored vocabulary carries only its id and version", () => {
  let stack: Stack;
  let token: string;
  let userId: string;
  let mongo: MongoClient;
  let pdf: Uint8Array;
  let vocabId: string;
  const call = (method: string, path: string, body?: unknown) => api(stack.baseUrl, token, method, path, body);

  beforeAll(async () => {
    pdf = await textPdf(digitalGovernance.text.split("\n"), digitalGovernance.title);
    // One document of a batch on the runtime at a time, so a pause holds the rest back.
    ({ stack, token, userId } = await startTagger({ services: ["vocabularies"], tagger: { settings: { batchWindow: 1 } } }));
    mongo = await MongoClient.connect(stack.mongoUrl);
  });
  afterAll(async () => {
    await mongo?.close();
    await stack?.stop();
    await pdfPool.close();
  });

  const upload = async (version: 1 | 2) => {
    const form = new FormData();
    form.append("file", new Blob([vocabularyCsv(version)], { type: "text/csv" }), "policy-terms.csv");
    return version === 1 ? call("POST", "/api/vocabularies", form) : call("PUT", `/api/vocabularies/${vocabId}`, form);
  };

  const startBatch = async (n: number) => {
    const form = new FormData();
    for (let i = 0; i < n; i++) form.append("files", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), `policy-${i + 1}.pdf`);
    form.append("config", JSON.stringify({ num_tags: 6, vocabulary: "policy-terms" }));
    const start = await call("POST", "/api/batch/start", form);
    expect(start.status).toBe(200);
    return start.body.job_id as string;
  };

  /** Pauses the batch after its first finished document and waits until nothing of it is on the runtime. */
  const pauseAfterFirst = async (jobId: string) => {
    const ws = watchBatch(stack.baseUrl, jobId, token);
    await new Promise<void>((resolve) => {
      const maybe = (m: Json) => {
        if (m.status === "success" || m.status === "failed" || (m.type === "catchup" && m.results.length > 0)) resolve();
      };
      ws.onMessage(maybe);
      for (const m of ws.messages) maybe(m);
    });
    expect((await call("POST", `/api/batch/jobs/${jobId}/pause`)).status).toBe(200);
    const tagger = stack.broker.getLocalService("tagger") as unknown as { Doc: { countDocuments(q: object): Promise<number> } };
    await waitUntil(async () => {
      const onRuntime = (await stack.broker.call("jobs.list", { meta: { tagJobId: jobId }, limit: 100 })) as { items: Json[] };
      if (onRuntime.items.some((j: Json) => j.status === "queued" || j.status === "running")) return null;
      return (await tagger.Doc.countDocuments({ job_id: jobId, status: "pending", dispatched: true, runtime_job_id: null })) > 0 ? null : true;
    });
    await stack.broker.call("tagger.reconcile");
    return ws;
  };

  const finished = async (jobId: string, ws: ReturnType<typeof watchBatch>) => {
    expect((await call("POST", `/api/batch/jobs/${jobId}/resume`)).status).toBe(200);
    expect((await ws.closed).code).toBe(1000);
    return (await call("GET", `/api/history/jobs/${jobId}`)).body as Json;
  };

  /** The runtime jobs of a batch as stored, and the BSON size of their options. */
  const storedJobs = async (jobId: string) => {
    const docs = await mongo.db().collection("jobs").find({ "meta.tagJobId": jobId }).toArray();
    return docs.map((d) => ({ options: d.options as Json, bytes: BSON.calculateObjectSize(d.options as object) }));
  };

  it("tags with the version a batch started with, across a replacement; a later batch gets the new version", async () => {
    const up = await upload(1);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ concept_count: FILLER + V1.length, version: 1 });
    vocabId = up.body.id;

    const a = await startBatch(4);
    const wsA = await pauseAfterFirst(a);
    const changedAt = Date.now();
    const v2 = await upload(2);
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, concept_count: FILLER + V1.length });
    const b = await startBatch(2);
    const doneA = await finished(a, wsA);

    expect(doneA.documents).toHaveLength(4);
    // At most two rows ran before the pause: the others were tagged after version 2 existed.
    expect((doneA.documents as Json[]).filter((d) => Date.parse(d.processed_at) > changedAt).length).toBeGreaterThanOrEqual(2);
    for (const d of doneA.documents as Json[]) {
      expect(d.status).toBe("success");
      // Vocabulary terms first: the topic's concepts as version 1 names them, none of version 2's names.
      expect(d.tags.filter((t: string) => RENAMED_V1.includes(t)).length).toBeGreaterThanOrEqual(2);
      expect(d.tags.some((t: string) => RENAMED_V2.includes(t))).toBe(false);
      expect(d.tags.some((t: string) => t.startsWith("Qa"))).toBe(false);
    }
    const wsB = watchBatch(stack.baseUrl, b, token);
    expect((await wsB.closed).code).toBe(1000);
    const doneB = (await call("GET", `/api/history/jobs/${b}`)).body as Json;
    for (const d of doneB.documents as Json[]) {
      expect(d.status).toBe("success");
      expect(d.tags.filter((t: string) => RENAMED_V2.includes(t)).length).toBeGreaterThanOrEqual(2);
      expect(d.tags.some((t: string) => RENAMED_V1.includes(t))).toBe(false);
    }

    // As stored: the reference, not 12,000 concepts (1.3 MB): the job's options are a few hundred bytes.
    for (const [jobId, version] of [[a, 1], [b, 2]] as const) {
      const jobs = await storedJobs(jobId);
      expect(jobs).toHaveLength(jobId === a ? 4 : 2);
      for (const j of jobs) {
        expect(j.options.vocabulary_ref).toEqual({ id: vocabId, version });
        expect(j.options.vocabulary).toBeUndefined();
        expect(j.bytes).toBeLessThan(512);
      }
    }

    // The provider still serves version 1 (archived when it was replaced) and the current version 2.
    const read = async (version: number) => {
      const s = (await stack.broker.call("vocabularies.resource", { kind: "tagger.vocabulary", id: vocabId, version, owner: userId })) as Readable;
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(Buffer.from(c as Uint8Array));
      return { bytes: Buffer.concat(chunks).length, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json };
    };
    const r1 = await read(1);
    expect(r1.bytes).toBeGreaterThan(1024 * 1024);
    expect(r1.value).toMatchObject({ id: vocabId, name: "policy-terms", version: 1 });
    expect(r1.value.concepts).toHaveLength(FILLER + V1.length);
    expect(r1.value.concepts[0]).toEqual({ id: "gov", prefLabel: "Digital governance", altLabels: ["digital government"] });
    expect((await read(2)).value.concepts[0]).toEqual({ id: "gov", prefLabel: "Electronic government", altLabels: ["digital governance", "digital government"] });
    expect(await stack.broker.call("vocabularies.resource", { kind: "tagger.vocabulary", id: vocabId, version: 7, owner: userId })).toMatchObject({ found: false, reason: "version" });
    // A job of another account (a forged reference through the jobs API) does not get this tenant's vocabulary.
    expect(await stack.broker.call("vocabularies.resource", { kind: "tagger.vocabulary", id: vocabId, version: 2, owner: "someone-else" })).toMatchObject({ found: false });
  });

  it("fails the documents left when their vocabulary is deleted mid-batch, saying so", async () => {
    const c = await startBatch(4);
    const ws = await pauseAfterFirst(c);
    expect((await call("DELETE", `/api/vocabularies/${vocabId}`)).status).toBe(200);
    const done = await finished(c, ws);
    const docs = done.documents as Json[];
    // The rows done before the pause landed (one, or two when the next was already on the runtime) were
    // tagged; every row started after the deletion failed.
    const ok = docs.filter((d) => d.status === "success");
    const failed = docs.filter((d) => d.status === "failed");
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(2);
    expect(ok.length + failed.length).toBe(4);
    for (const d of failed) {
      expect(d.error_message).toBe(`The vocabulary this document was to be tagged with (${vocabId}) was deleted after the request. Tag the document again without it or with another vocabulary.`);
      expect(d.tags).toEqual([]);
    }
    expect(await stack.broker.call("vocabularies.resource", { kind: "tagger.vocabulary", id: vocabId, version: 1, owner: userId })).toMatchObject({ found: false, reason: "deleted" });
  });
});

async function waitUntil<T>(probe: () => Promise<T | null>, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("condition not reached");
}
