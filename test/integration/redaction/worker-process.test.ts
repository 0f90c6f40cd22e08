/**
 * The redaction plugin on a worker in another process, over the real NATS (transporter and JetStream),
 * as deployed: the gateway, auth, keys, storage, jobs and orchestrator run here, `docmill worker
 * --plugins redaction` runs as a child. The worker is killed in the middle of the redaction; a second
 * worker takes the job over once its lease runs out and finishes it.
 */
import { randomBytes } from "node:crypto";
import { resetConfig } from "../../../kernel/config";
import { pdfPool } from "../../../sdk/pdf/pool";
import { reviewDocument } from "../../fixtures/redaction-corpus";
import { natsUrl, spawnProcess, type SpawnedProcess } from "../../support/infra";
import { startStack, uniqueMongoUrl, type Stack } from "../../support/stack";
import { ADMIN, client } from "../auth/helpers";

jest.setTimeout(300_000);

const ns = `rdw${randomBytes(4).toString("hex")}`;
const nats = natsUrl();
let stack: Stack;
let http: ReturnType<typeof client>;
let token = "";
const workers: SpawnedProcess[] = [];

async function startWorker(): Promise<SpawnedProcess> {
  const w = spawnProcess(process.execPath, ["--import", "tsx", "scripts/docmill.ts", "worker", "--plugins", "redaction"], {
    env: {
      TRANSPORTER: nats,
      NATS_URL: nats,
      NAMESPACE: ns,
      NODE_ID: `${ns}-w${workers.length}`,
      JOB_LEASE_SECONDS: "3",
      DOCMILL_PDF_THREADS: "1",
      LOG_LEVEL: "info",
      LOG_FORMAT: "text",
    },
  });
  workers.push(w);
  await w.waitForOutput(/worker \S+ hosts/, 60_000);
  return w;
}

async function waitForWorkers(count: number) {
  for (let i = 0; i < 300; i++) {
    const n = stack.broker.registry.getServiceList({ onlyAvailable: true }).filter((s: { name: string }) => s.name === "worker").length;
    if (n >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("worker did not appear");
}

async function poll(id: string, until: (job: { status: string; progress: { percent: number } }) => boolean) {
  for (let i = 0; i < 1200; i++) {
    const r = await http("GET", `/v1/jobs/${id}`, { token });
    if (until(r.body)) return r.body;
    if (r.body.status === "failed") throw new Error(JSON.stringify(r.body.error));
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("timed out");
}

beforeAll(async () => {
  process.env.NATS_URL = nats;
  process.env.JOB_LEASE_SECONDS = "3";
  process.env.JOB_RECOVERY_INTERVAL_SECONDS = "1";
  resetConfig();
  const mongoUrl = uniqueMongoUrl("rdw");
  stack = await startStack({
    services: ["gateway", "auth", "keys", "storage", "jobs", "orchestrator"],
    mongoUrl,
    broker: { namespace: ns, transporter: nats as never, nodeID: `${ns}-core` },
    mods: { orchestrator: { settings: { mongoUrl } } },
  });
  http = client(stack.baseUrl);
  token = (await http("POST", "/v1/auth/login", { json: { login: ADMIN.email, password: ADMIN.password } })).body.token;
  await startWorker();
  await waitForWorkers(1);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill("SIGKILL")));
  await stack?.stop();
  await pdfPool.close();
});

it("detects and redacts on a worker process, and survives that worker being killed mid-redaction", async () => {
  const fd = new FormData();
  fd.append("file", new Blob([Buffer.from(await reviewDocument())], { type: "application/pdf" }), "record.pdf");
  const created = await fetch(`${stack.baseUrl}/v1/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: fd });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  await poll(id, (j) => j.status === "readyForReview");

  expect((await http("POST", `/v1/jobs/${id}/redaction`, { token, json: {} })).status).toBe(202);
  // Kill the worker once it has started rebuilding pages.
  await poll(id, (j) => j.status === "redactionInProgress" && j.progress.percent >= 5);
  await workers[0]!.kill("SIGKILL");
  await startWorker();

  const done = await poll(id, (j) => j.status === "finished");
  expect(done).toMatchObject({ verification: { leaks: 0 } });
  const runtime = await stack.broker.call<{ attempts: number }, { id: string }>("jobs.get", { id });
  expect(runtime.attempts).toBeGreaterThanOrEqual(2);
  const pdf = new Uint8Array(await (await fetch(`${stack.baseUrl}/v1/jobs/${id}/files/redactedPdf`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer());
  const text = (await pdfPool.extract(pdf)).pages[0]!.text;
  expect(text).not.toContain("john.smith@example.com");
  expect(text).toContain("Customer record for");
});
