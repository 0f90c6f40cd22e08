/**
 * Webhooks end to end on the real runtime: gateway, auth, storage, jobs and webhooks in this process on
 * the real NATS (JetStream channels) and database, a `slow-echo` worker as its own process, and a real HTTP
 * receiver on 127.0.0.1. Every delivery is verified with the `standardwebhooks` library (the receiver's
 * side, independent of our signing code).
 */
import { Webhook } from "standardwebhooks";
import { resetConfig } from "../../../kernel/config";
import { ADMIN, client } from "../../integration/auth/helpers";
import { form, signUp, startRuntime, waitForJob, waitForPlugin, type Runtime } from "../runtime/support";
import { startReceiver, type Receiver, type Received } from "./receiver";
import { batchStatus, startBatch } from "../runtime/views";

jest.setTimeout(300_000);

let rt: Runtime;
let rx: Receiver;
let http: ReturnType<typeof client>;
let alice = "";
let bob = "";

const ENV = { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_TIMEOUT_MS: "3000", WEBHOOK_RETRY_BASE_MS: "300", WEBHOOK_SWEEP_INTERVAL_SECONDS: "1", JWT_SECRET_KEY: "webhooks-e2e-secret-0123456789abcdef" };

beforeAll(async () => {
  Object.assign(process.env, ENV);
  rx = await startReceiver({ "/ok": "ok", "/cancelled": "ok", "/bob": "ok", "/flaky": "fail:2", "/batch": "ok", "/admin": "ok", "/hold": "hang:1", "/order": "fail:2" });
  rt = await startRuntime({ services: ["webhooks", "tagger"] });
  await rt.startWorker("slow-echo");
  await rt.startWorker("tagging");
  await waitForPlugin(rt, "slow-echo");
  await waitForPlugin(rt, "tagging");
  http = client(rt.stack.baseUrl);
  alice = (await signUp(rt.stack.baseUrl)).token;
  bob = (await signUp(rt.stack.baseUrl)).token;
});

afterAll(async () => {
  await rt?.stop();
  await rx?.close();
  for (const k of Object.keys(ENV)) delete process.env[k];
  resetConfig();
});

async function newJob(token: string, options: Record<string, unknown>): Promise<string> {
  const body = form({ file: { data: Buffer.from(`hello ${Math.random()}`), filename: "note.txt", type: "text/plain" }, processor: "slow-echo", options: JSON.stringify(options) });
  const r = await fetch(`${rt.stack.baseUrl}/api/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

function verified(secret: string, r: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(r.body, r.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

async function createHook(token: string, body: Record<string, unknown>) {
  const r = await http("POST", "/v1/webhooks", { token, json: body });
  expect(r.status).toBe(201);
  return r.body as { id: string; secret: string; events: string[] };
}

describe("deliveries", () => {
  it("arrive signed, in order per job, with exactly the events subscribed, and only the owner's", async () => {
    const hook = await createHook(alice, { url: rx.url("/ok"), events: ["job.readyForReview", "job.finished"], description: "review queue" });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const cancelHook = await createHook(alice, { url: rx.url("/cancelled"), events: ["job.cancelled"] });
    const bobHook = await createHook(bob, { url: rx.url("/bob"), events: ["job.readyForReview", "job.finished", "job.failed", "job.cancelled", "job.deleted"] });
    // The secret is shown once: never in a list or a read.
    const listed = await http("GET", "/v1/webhooks", { token: alice });
    expect(listed.body.items.map((h: { id: string }) => h.id)).toEqual([hook.id, cancelHook.id]);
    expect(listed.text).not.toContain(hook.secret.slice(6));
    expect((await http("GET", `/v1/webhooks/${hook.id}`, { token: alice })).text).not.toContain(hook.secret.slice(6));

    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await newJob(alice, { pause: true, steps: 3, delayMs: 300 }));
    for (const id of jobs) await waitForJob(rt.stack.baseUrl, alice, id, ["paused:readyForReview"]);
    for (const id of jobs) expect((await http("POST", `/api/jobs/${id}/resume`, { token: alice, json: { input: { ok: true } } })).status).toBe(200);
    const dropped = await newJob(alice, { steps: 50, delayMs: 60_000 });
    await waitForJob(rt.stack.baseUrl, alice, dropped, ["running"]);
    expect((await http("POST", `/api/jobs/${dropped}/cancel`, { token: alice })).status).toBe(200);

    const got = await rx.waitFor("/ok", 6);
    const cancelled = await rx.waitFor("/cancelled", 1);
    for (const id of jobs) await waitForJob(rt.stack.baseUrl, alice, id);

    const events = got.map((r) => verified(hook.secret, r));
    expect(events.map((e) => e.type).sort()).toEqual(["job.finished", "job.finished", "job.finished", "job.readyForReview", "job.readyForReview", "job.readyForReview"]);
    for (const id of jobs) {
      const mine = events.filter((e) => e.data.id === id);
      expect(mine.map((e) => e.type)).toEqual(["job.readyForReview", "job.finished"]);
      expect(mine[0]!.data).toMatchObject({ status: "paused:readyForReview", processor: "slow-echo", api: "jobs", links: { job: `/api/jobs/${id}` } });
      expect((mine[1]!.data.version as number) > (mine[0]!.data.version as number)).toBe(true);
    }
    // The finished event comes after the outputs are stored: the job it names has its output.
    for (const id of jobs) expect((await waitForJob(rt.stack.baseUrl, alice, id)).outputs.map((o) => o.name)).toEqual(["echo"]);
    for (const r of got) {
      expect(r.headers["x-docmill-event"]).toBe(JSON.parse(r.body).type);
      expect(r.headers["content-type"]).toBe("application/json");
      // A wrong secret, a replayed old timestamp or a changed body do not verify.
      expect(() => new Webhook(cancelHook.secret).verify(r.body, r.headers)).toThrow();
      expect(() => new Webhook(hook.secret).verify(r.body, { ...r.headers, "webhook-timestamp": String(Number(r.headers["webhook-timestamp"]) - 3600) })).toThrow();
      expect(() => new Webhook(hook.secret).verify(r.body.replace("slow-echo", "slow-echO"), r.headers)).toThrow();
    }
    expect(verified(cancelHook.secret, cancelled[0]!)).toMatchObject({ type: "job.cancelled", data: { id: dropped, status: "cancelled" } });
    // The cancelled job's change was handled (its event arrived), and with it every endpoint's share of it:
    // the review endpoint got nothing for it, and Bob heard nothing of Alice's jobs.
    expect(events.some((e) => e.data.id === dropped)).toBe(false);
    expect(rx.on("/bob")).toHaveLength(0);
    const log = await http("GET", `/v1/webhooks/${hook.id}/deliveries`, { token: alice });
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(6);
    for (const d of log.body.items) expect(d).toMatchObject({ webhookId: hook.id, status: "delivered", attempts: 1, subject: { type: "job" } });
    expect((await http("GET", `/v1/webhooks/${bobHook.id}/deliveries`, { token: bob })).body.items).toEqual([]);
  });

  it("retries with backoff: a receiver failing twice gets the event on the third try, and redelivery sends it again", async () => {
    const hook = await createHook(alice, { url: rx.url("/flaky"), events: ["job.finished"] });
    const id = await newJob(alice, { steps: 1 });
    const got = await rx.waitFor("/flaky", 3);
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(got.map((r) => verified(hook.secret, r).data.id)).toEqual([id, id, id]);
    let log;
    for (let i = 0; i < 100; i++) {
      log = (await http("GET", `/v1/webhooks/${hook.id}/deliveries`, { token: alice })).body.items[0];
      if (log?.status === "delivered") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(log).toMatchObject({ status: "delivered", attempts: 3, event: "job.finished", subject: { type: "job", id } });
    expect(log.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
    expect(log.attemptLog[0].error).toBe("The endpoint answered HTTP 500");

    const again = await http("POST", `/v1/webhooks/${hook.id}/deliveries/${log.id}/redeliver`, { token: alice });
    expect(again.status).toBe(202);
    const fourth = (await rx.waitFor("/flaky", 4))[3]!;
    expect(fourth.headers["webhook-id"]).toBe(log.id);
    expect(verified(hook.secret, fourth).data.id).toBe(id);
    for (let i = 0; i < 100; i++) {
      log = (await http("GET", `/v1/webhooks/${hook.id}/deliveries?status=delivered`, { token: alice })).body.items[0];
      if (log?.attemptLog.length === 4) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(log.attemptLog[3]).toMatchObject({ statusCode: 200, manual: true });
  });
});

describe("order", () => {
  it("holds a job's later event back while an earlier one is still being retried", async () => {
    const hook = await createHook(alice, { url: rx.url("/order"), events: ["job.readyForReview", "job.finished"] });
    const id = await newJob(alice, { pause: true, steps: 1 });
    await waitForJob(rt.stack.baseUrl, alice, id, ["paused:readyForReview"]);
    // The job finishes while its readyForReview delivery is failing (twice) and waiting for its retries.
    await http("POST", `/api/jobs/${id}/resume`, { token: alice, json: { input: {} } });
    await waitForJob(rt.stack.baseUrl, alice, id);
    const got = await rx.waitFor("/order", 6);
    const types = got.map((r) => verified(hook.secret, r).type);
    // Three tries of readyForReview (500, 500, 200), and only then the first try of finished.
    expect(types).toEqual(["job.readyForReview", "job.readyForReview", "job.readyForReview", "job.finished", "job.finished", "job.finished"]);
  });
});

describe("scope", () => {
  it("gives an admin's allJobs endpoint every user's jobs", async () => {
    const admin = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
    const hook = await createHook(admin, { url: rx.url("/admin"), events: ["job.finished"], allJobs: true });
    expect(hook).toMatchObject({ allJobs: true });
    const id = await newJob(bob, { steps: 1 });
    const [r] = await rx.waitFor("/admin", 1);
    expect(verified(hook.secret, r!)).toMatchObject({ type: "job.finished", data: { id } });
  });

  it("refuses to redeliver a delivery still in flight (409)", async () => {
    const hook = await createHook(alice, { url: rx.url("/hold"), events: ["job.finished"] });
    await newJob(alice, { steps: 1 });
    await rx.waitFor("/hold", 1); // held unanswered: the delivery is being delivered
    const [d] = (await http("GET", `/v1/webhooks/${hook.id}/deliveries`, { token: alice })).body.items;
    const r = await http("POST", `/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, { token: alice });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "CONFLICT" });
    // The held attempt times out (WEBHOOK_TIMEOUT_MS) and the retry gets through.
    const got = await rx.waitFor("/hold", 2);
    expect(got[1]!.headers["webhook-id"]).toBe(d.id);
  });
});

describe("batch.completed", () => {
  it("tells the tag generator's client once its batch is done, with the counts", async () => {
    const hook = await createHook(bob, { url: rx.url("/batch"), events: ["batch.completed"] });
    const batch = await startBatch(rt.stack.baseUrl, bob, 3);
    const [r] = await rx.waitFor("/batch", 1);
    const e = verified(hook.secret, r!);
    expect(e).toMatchObject({ type: "batch.completed", data: { id: batch, api: "tagger", status: "completed", total_documents: 3, processed_count: 3, failed_count: 0, links: { batch: `/api/batch/jobs/${batch}/status` } } });
    expect((await batchStatus(rt.stack.baseUrl, bob, batch)).status).toBe("completed");
    // The batch's documents are runtime jobs too, but this endpoint asked for the batch only.
    expect(rx.on("/batch")).toHaveLength(1);
  });
});

describe("bad input", () => {
  it("refuses unknown events, bad URLs, bad secrets and allJobs for a non-admin, naming the field", async () => {
    const bad = async (json: Record<string, unknown>, field: string, pattern: RegExp) => {
      const r = await http("POST", "/v1/webhooks", { token: alice, json });
      expect(r.status).toBe(400);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(r.body.errors[field].join(" ")).toMatch(pattern);
    };
    await bad({ url: rx.url("/ok"), events: ["job.finished", "job.exploded"] }, "events", /Unknown event "job.exploded"/);
    await bad({ url: rx.url("/ok"), events: [] }, "events", /at least 1|least/);
    await bad({ url: "ftp://example.com/hook", events: ["job.finished"] }, "url", /http:\/\/ or https:\/\//);
    await bad({ url: "https://user:pw@example.com/hook", events: ["job.finished"] }, "url", /credentials/);
    await bad({ url: "not a url", events: ["job.finished"] }, "url", /not valid/);
    await bad({ url: rx.url("/ok"), events: ["job.finished"], secret: "whsec_c2hvcnQ=" }, "secret", /whsec_/);
    await bad({ url: rx.url("/ok"), events: ["job.finished"], secret: "plain-text-secret-that-is-long-enough" }, "secret", /whsec_/);
    const r = await http("POST", "/v1/webhooks", { token: alice, json: { url: rx.url("/ok"), events: ["job.finished"], allJobs: true } });
    expect(r.status).toBe(403);
    expect((await http("POST", "/v1/webhooks", { json: { url: rx.url("/ok"), events: ["job.finished"] } })).status).toBe(401);
  });

  it("refuses a webhook to 127.0.0.1 and other private addresses unless WEBHOOK_ALLOW_PRIVATE=true", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = "false";
    resetConfig();
    try {
      for (const url of [rx.url("/ok"), "http://localhost:8080/hook", "http://10.1.2.3/hook", "http://[::1]:9000/hook", "http://169.254.169.254/latest/meta-data", "http://192.168.0.10/hook"]) {
        const r = await http("POST", "/v1/webhooks", { token: alice, json: { url, events: ["job.finished"] } });
        expect([url, r.status]).toEqual([url, 400]);
        expect(r.body.errors.url.join(" ")).toMatch(/Refused to deliver to .*(loopback|private|linkLocal|uniqueLocal)/);
      }
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE = "true";
      resetConfig();
    }
    expect((await http("POST", "/v1/webhooks", { token: alice, json: { url: rx.url("/ok"), events: ["job.finished"] } })).status).toBe(201);
  });

  it("answers 404 for someone else's webhook and its deliveries, and for unknown deliveries", async () => {
    const hook = await createHook(alice, { url: rx.url("/ok"), events: ["job.failed"] });
    for (const [method, path] of [["GET", `/v1/webhooks/${hook.id}`], ["GET", `/v1/webhooks/${hook.id}/deliveries`], ["DELETE", `/v1/webhooks/${hook.id}`], ["POST", `/v1/webhooks/${hook.id}/deliveries/msg_0123/redeliver`]] as const) {
      expect([path, (await http(method, path, { token: bob })).status]).toEqual([path, 404]);
    }
    expect((await http("POST", `/v1/webhooks/${hook.id}/deliveries/msg_0123/redeliver`, { token: alice })).status).toBe(404);
    expect((await http("GET", `/v1/webhooks/${hook.id}/deliveries?cursor=garbage`, { token: alice })).status).toBe(400);
    expect((await http("GET", `/v1/webhooks/${hook.id}/deliveries?status=lost`, { token: alice })).status).toBe(400);
    expect((await http("DELETE", `/v1/webhooks/${hook.id}`, { token: alice })).status).toBe(204);
    expect((await http("GET", `/v1/webhooks/${hook.id}`, { token: alice })).status).toBe(404);
  });
});
