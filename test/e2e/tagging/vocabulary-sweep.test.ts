/**
 * The archive of replaced vocabulary versions (tagger_vocabulary_versions) is swept by the vocabularies
 * service's own timer (VOCABULARY_SWEEP_INTERVAL_SECONDS, here 1 s; mongo-java-server has no TTL indexes),
 * not only when that vocabulary is next written: a version past its 30 days goes, and so does a version
 * whose vocabulary was deleted, while a recent one stays readable for the jobs that name it. Real
 * database, real timer.
 */
import type { Readable } from "node:stream";
import { MongoClient } from "mongodb";
import { ADMIN } from "../../integration/auth/helpers";
import { api, startTagger, type Json, type Stack } from "./helpers";

jest.setTimeout(120_000);

describe("the vocabulary version sweeper", () => {
  let stack: Stack;
  let token: string;
  let admin: string;
  let userId: string;
  let mongo: MongoClient;
  const call = (method: string, path: string, body?: unknown) => api(stack.baseUrl, token, method, path, body);

  beforeAll(async () => {
    ({ stack, token, userId } = await startTagger({ worker: false, services: ["vocabularies"], env: { VOCABULARY_SWEEP_INTERVAL_SECONDS: "1" } }));
    mongo = await MongoClient.connect(stack.mongoUrl);
    const r = await fetch(`${stack.baseUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }) });
    admin = ((await r.json()) as Json).tokens.access_token;
  });
  const versions = () => mongo.db().collection<{ _id: string; vocabulary_id: string; archived_at: Date }>("tagger_vocabulary_versions");
  /** A vocabulary replaced twice: versions 1 and 2 archived now, 3 current. */
  async function twiceReplaced(name: string): Promise<string> {
    const up = await call("POST", "/api/vocabularies", { name, concepts: [{ prefLabel: "Soil erosion" }] });
    expect(up.status).toBe(201);
    const id = up.body.id as string;
    for (const label of ["Soil loss", "Soil degradation"]) {
      expect((await call("PUT", `/api/vocabularies/${id}`, { concepts: [{ prefLabel: label }] })).status).toBe(200);
    }
    return id;
  }
  afterAll(async () => {
    await mongo?.close();
    await stack?.stop();
  });

  it("deletes versions past their keeping time and of deleted vocabularies on its timer, and keeps recent ones", async () => {
    const id = await twiceReplaced("soil-terms");
    const versions = mongo.db().collection<{ _id: string; vocabulary_id: string; version: number; name: string; concepts: unknown[]; archived_at: Date }>("tagger_vocabulary_versions");
    expect((await versions.find({ vocabulary_id: id }).toArray()).map((v) => v._id).sort()).toEqual([`${id}@1`, `${id}@2`]);

    // Version 1 archived 31 days ago; a version left behind by a vocabulary that no longer exists.
    await versions.updateOne({ _id: `${id}@1` }, { $set: { archived_at: new Date(Date.now() - 31 * 86_400_000) } });
    await versions.insertOne({ _id: "gone-vocabulary@4", vocabulary_id: "gone-vocabulary", version: 4, name: "gone", concepts: [], archived_at: new Date() });

    // No write to the vocabulary from here on: only the timer can remove them.
    for (let i = 0; ; i++) {
      const left = (await versions.find({}, { projection: { _id: 1 } }).toArray()).map((v) => v._id);
      if (!left.includes(`${id}@1`) && !left.includes("gone-vocabulary@4")) break;
      if (i > 150) throw new Error(`the sweeper did not run: ${left.join(", ")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await versions.find({ vocabulary_id: id }).toArray()).map((v) => v._id)).toEqual([`${id}@2`]);
    // Version 2 is still served to a job that names it; version 1 now says it is no longer kept.
    const stream = (await stack.broker.call("vocabularies.resource", { kind: "tagger.vocabulary", id, version: 2, owner: userId })) as Readable;
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
    expect(JSON.parse(Buffer.concat(chunks).toString("utf8"))).toMatchObject({ id, version: 2, concepts: [{ prefLabel: "Soil loss" }] });
    expect(await stack.broker.call("vocabularies.resource", { kind: "tagger.vocabulary", id, version: 1, owner: userId })).toMatchObject({ found: false, reason: "version" });
  });

  it("runs on demand through the internal action, as of the day it is given: 29 days keeps a version, 31 removes it", async () => {
    const id = await twiceReplaced("soil-terms-2");
    const mine = async () => (await versions().find({ vocabulary_id: id }).toArray()).map((v) => v._id).sort();
    expect(await mine()).toEqual([`${id}@1`, `${id}@2`]);
    const day = 86_400_000;
    expect(await stack.broker.call("vocabularies.sweep", { now: new Date(Date.now() + 29 * day).toISOString() })).toBe(0);
    expect(await mine()).toEqual([`${id}@1`, `${id}@2`]);
    // Every version archived today (this vocabulary's two, and the one the first test kept) is past 30 days then.
    const before = await versions().countDocuments({});
    expect(before).toBeGreaterThanOrEqual(2);
    expect(await stack.broker.call("vocabularies.sweep", { now: new Date(Date.now() + 31 * day).toISOString() })).toBe(before);
    expect(await mine()).toEqual([]);
    // The current version is the vocabulary itself, untouched.
    expect((await call("GET", `/api/vocabularies/${id}`)).body).toMatchObject({ id, version: 3, concepts: [{ prefLabel: "Soil degradation" }] });
    await expect(stack.broker.call("vocabularies.sweep", { now: "not a date" })).rejects.toMatchObject({ code: 422 });
  });

  it("is not reachable through the gateway, for a user or an admin, and is not in the OpenAPI document", async () => {
    const id = await twiceReplaced("soil-terms-3");
    const future = { now: new Date(Date.now() + 365 * 86_400_000).toISOString() };
    const tries: Array<[string, string]> = [
      ["POST", "/api/vocabularies.sweep"],
      ["GET", "/api/vocabularies.sweep"],
      ["POST", "/api/vocabularies/sweep"],
      ["POST", "/vocabularies.sweep"],
      ["POST", "/vocabularies/sweep"],
      ["POST", "/v1/vocabularies.sweep"],
      ["POST", "/v1/vocabularies/sweep"],
      ["POST", "/api/vocabularies%2Esweep"],
      ["GET", `/api/vocabularies.sweep?now=${encodeURIComponent(future.now)}`],
    ];
    for (const as of [token, admin]) {
      for (const [method, path] of tries) {
        const r = await api(stack.baseUrl, as, method, path, method === "GET" ? undefined : future);
        // No such route: 404 in the error shape of the API.
        expect([method, path, r.status]).toEqual([method, path, 404]);
        expect(typeof r.body?.detail).toBe("string");
      }
    }
    // Had any of them run the sweep as of a year from now, these archived versions would be gone.
    expect((await versions().find({ vocabulary_id: id }).toArray()).map((v) => v._id).sort()).toEqual([`${id}@1`, `${id}@2`]);
    const spec = await (await fetch(`${stack.baseUrl}/openapi.json`)).text();
    expect(spec).toContain("/api/vocabularies");
    expect(spec).not.toMatch(/sweep/i);
  });
});
