/**
 * A crashed sender loses nothing: the webhooks service runs as its own process (`docmill start --services
 * webhooks`) next to this process's gateway, auth, storage and jobs on the real NATS; the receiver takes
 * the first attempt and never answers, the process is SIGKILLed in the middle of it, a new one starts,
 * and the event arrives (same webhook-id, signature valid).
 */
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { resetConfig } from "../../../kernel/config";
import type { SpawnedProcess } from "../../support/infra";
import { processEnv, startDocmill } from "../../support/processes";
import { client } from "../../integration/auth/helpers";
import { form, signUp, startRuntime, waitForJob, waitForPlugin, type Runtime } from "../runtime/support";
import { startReceiver, type Receiver } from "./receiver";

jest.setTimeout(300_000);

const SECRET = `crash-e2e-${randomBytes(16).toString("hex")}`;
let rt: Runtime;
let rx: Receiver;
const senders: SpawnedProcess[] = [];

beforeAll(async () => {
  process.env.JWT_SECRET_KEY = SECRET;
  rx = await startReceiver({ "/hang": "hang:1" });
  rt = await startRuntime();
  await rt.startWorker("slow-echo");
  await waitForPlugin(rt, "slow-echo");
});

afterAll(async () => {
  for (const s of senders) await s.kill("SIGKILL");
  await rt?.stop();
  await rx?.close();
  delete process.env.JWT_SECRET_KEY;
  resetConfig();
});

async function startSender(): Promise<SpawnedProcess> {
  const env = processEnv({ nats: rt.nats, ns: rt.ns, mongoUrl: rt.stack.mongoUrl, secret: SECRET }, `${rt.ns}-hooks-${senders.length}`, {
    WEBHOOK_ALLOW_PRIVATE: "true",
    WEBHOOK_TIMEOUT_MS: "8000",
    WEBHOOK_RETRY_BASE_MS: "300",
    WEBHOOK_SWEEP_INTERVAL_SECONDS: "1",
  });
  const p = await startDocmill(["webhooks"], env);
  senders.push(p);
  await rt.stack.broker.waitForServices(["webhooks"], 60_000);
  return p;
}

it("delivers the event after the process that was delivering it is killed mid-attempt", async () => {
  const first = await startSender();
  const http = client(rt.stack.baseUrl);
  const { token } = await signUp(rt.stack.baseUrl);
  const hook = await http("POST", "/v1/webhooks", { token, json: { url: rx.url("/hang"), events: ["job.finished"] } });
  expect(hook.status).toBe(201);
  const body = form({ file: { data: Buffer.from("crash me"), filename: "note.txt", type: "text/plain" }, processor: "slow-echo", options: JSON.stringify({ steps: 1 }) });
  const created = await fetch(`${rt.stack.baseUrl}/api/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body });
  const job = ((await created.json()) as { id: string }).id;
  await waitForJob(rt.stack.baseUrl, token, job);

  // The attempt is in flight (the receiver holds it); the sender dies without answering anything.
  const [held] = await rx.waitFor("/hang", 1);
  await first.kill("SIGKILL");
  const second = await startSender();

  const got = await rx.waitFor("/hang", 2);
  expect(got[1]!.headers["webhook-id"]).toBe(held!.headers["webhook-id"]);
  const event = new Webhook(hook.body.secret).verify(got[1]!.body, got[1]!.headers) as { type: string; data: { id: string } };
  expect(event).toMatchObject({ type: "job.finished", data: { id: job } });
  let log;
  for (let i = 0; i < 100; i++) {
    log = (await http("GET", `/v1/webhooks/${hook.body.id}/deliveries`, { token })).body.items;
    if (log?.[0]?.status === "delivered") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(log).toHaveLength(1);
  expect(log[0]).toMatchObject({ status: "delivered", event: "job.finished" });
  // The killed attempt never got to record anything; the one that succeeded did.
  expect(log[0].attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([200]);
  expect(second.exitStatus).toBeUndefined();
});
