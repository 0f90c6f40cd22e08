/**
 * ctx.resources on a real Moleculer broker: the provider is found by its metadata, the data comes as a
 * stream and is cached per kind, id and version (a bounded LRU), a cached version is confirmed with a
 * `have` call and dropped once deleted, concurrent jobs share one fetch, and a plugin reads only the
 * kinds its manifest declares.
 */
import { Readable } from "node:stream";
import { ServiceBroker, type Context } from "moleculer";
import { callOf } from "../../../../kernel/call";
import { brokerResources, noResources, registryProviders, ResourceCache, resourceParamsSchema, resourcesFor, type ResourceAnswer, type ResourceParams } from "../../../../kernel/plugins/resources";
import { definePlugin, ResourceError } from "../../../../sdk/manifest";

describe("ResourceCache", () => {
  it("evicts the least recently used entry past its entry count", () => {
    const c = new ResourceCache(2, 1000);
    c.set("a", 1, 10);
    c.set("b", 2, 10);
    expect(c.get("a")).toBe(1); // a is now the most recent
    c.set("c", 3, 10);
    expect([c.has("a"), c.has("b"), c.has("c")]).toEqual([true, false, true]);
    expect(c.totalBytes).toBe(20);
  });

  it("evicts by bytes, and keeps no value larger than the whole budget", () => {
    const c = new ResourceCache(10, 100);
    c.set("a", 1, 60);
    c.set("b", 2, 60);
    expect([c.has("a"), c.has("b"), c.totalBytes]).toEqual([false, true, 60]);
    c.set("huge", 3, 101);
    expect([c.has("huge"), c.has("b"), c.size]).toEqual([false, true, 1]);
    c.set("b", 4, 30);
    expect([c.get("b"), c.totalBytes]).toEqual([4, 30]);
  });
});

describe("brokerResources", () => {
  const data = new Map<string, { name: string; items: string[] }>();
  const calls: ResourceParams[] = [];
  let broker: ServiceBroker;

  beforeAll(async () => {
    broker = new ServiceBroker({ logger: false, transporter: null });
    broker.createService({
      name: "books",
      metadata: { resources: ["test.book"] },
      actions: {
        resource: {
          params: resourceParamsSchema,
          async handler(ctx: Context<ResourceParams>): Promise<ResourceAnswer> {
            calls.push({ ...ctx.params });
            await new Promise((r) => setTimeout(r, 20));
            const v = ctx.params.owner === "stranger" ? undefined : data.get(`${ctx.params.id}@${ctx.params.version}`);
            if (!v) return { found: false, reason: data.has(`${ctx.params.id}@1`) ? "version" : "deleted", message: `book ${ctx.params.id} is not here` };
            if (ctx.params.have) return { found: true };
            // In two chunks, as a large answer arrives over the transporter.
            const json = Buffer.from(JSON.stringify(v));
            return Readable.from([json.subarray(0, 7), json.subarray(7)]);
          },
        },
      },
    });
    await broker.start();
  });
  afterAll(() => broker.stop());
  beforeEach(() => {
    data.clear();
    calls.length = 0;
  });

  const resources = (cache = new ResourceCache()) => brokerResources({ call: callOf(broker), providers: registryProviders(broker), cache });

  it("fetches a version once, then only confirms it still exists, and serves the same frozen value", async () => {
    data.set("b1@1", { name: "One", items: ["x", "y"] });
    const r = resources();
    const first = await r.get<{ name: string; items: string[] }>("u1", "test.book", "b1", 1);
    expect(first).toEqual({ name: "One", items: ["x", "y"] });
    expect(Object.isFrozen(first) && Object.isFrozen(first.items)).toBe(true);
    const again = await r.get("u1", "test.book", "b1", 1);
    expect(again).toBe(first);
    expect(calls.map((c) => c.have ?? false)).toEqual([false, true]);
  });

  it("keeps versions apart: a new version is fetched, the old one stays as it was", async () => {
    data.set("b2@1", { name: "v1", items: ["old"] });
    data.set("b2@2", { name: "v2", items: ["new"] });
    const r = resources();
    expect(await r.get("u1", "test.book", "b2", 1)).toEqual({ name: "v1", items: ["old"] });
    expect(await r.get("u1", "test.book", "b2", 2)).toEqual({ name: "v2", items: ["new"] });
    expect(await r.get("u1", "test.book", "b2", 1)).toEqual({ name: "v1", items: ["old"] });
  });

  it("shares one fetch between concurrent jobs", async () => {
    data.set("b3@1", { name: "Three", items: [] });
    const r = resources();
    const got = await Promise.all([1, 2, 3, 4].map(() => r.get("u1", "test.book", "b3", 1)));
    expect(new Set(got).size).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it("fails RESOURCE_NOT_FOUND once deleted, even when the version was cached, and forgets it", async () => {
    data.set("b4@1", { name: "Four", items: [] });
    const cache = new ResourceCache();
    const r = resources(cache);
    await r.get("u1", "test.book", "b4", 1);
    data.clear();
    const err = await r.get("u1", "test.book", "b4", 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceError);
    expect(err).toMatchObject({ type: "RESOURCE_NOT_FOUND", reason: "deleted", message: "book b4 is not here" });
    expect(cache.size).toBe(0);
  });

  it("serves a cached version only to an owner the provider lets read it", async () => {
    data.set("b6@1", { name: "Six", items: [] });
    const cache = new ResourceCache();
    const r = resources(cache);
    await r.get("u1", "test.book", "b6", 1);
    await expect(r.get("stranger", "test.book", "b6", 1)).rejects.toMatchObject({ type: "RESOURCE_NOT_FOUND" });
    expect(calls.map((c) => [c.owner, c.have ?? false])).toEqual([["u1", false], ["stranger", true]]);
  });

  it("says SERVICE_UNAVAILABLE (the job is given back) when no service provides the kind", async () => {
    await expect(resources().get("u1", "test.film", "f1", 1)).rejects.toMatchObject({ type: "SERVICE_UNAVAILABLE", message: "No running service provides test.film resources" });
    await expect(noResources.get("u1", "test.book", "b1", 1)).rejects.toMatchObject({ type: "SERVICE_UNAVAILABLE" });
  });

  it("lets a plugin read only the kinds its manifest declares", async () => {
    data.set("b5@1", { name: "Five", items: [] });
    const m = definePlugin({ id: "reader", version: "1.0.0", apiVersion: "1", title: "Reader", accepts: ["text/plain"], optionsSchema: {}, resources: ["test.book"], run: async () => null });
    const r = resourcesFor(m, "u1", resources());
    expect(await r.get("test.book", "b5", 1)).toMatchObject({ name: "Five" });
    expect(calls.at(-1)).toMatchObject({ owner: "u1" });
    await expect(resourcesFor({ ...m, resources: undefined }, "u1", resources()).get("test.book", "b5", 1)).rejects.toThrow(
      "reader reads test.book resources, which its manifest does not declare in resources",
    );
  });
});
