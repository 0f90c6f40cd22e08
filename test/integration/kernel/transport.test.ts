/**
 * The split shape: brokers in separate processes find each other over the real NATS transporter, and a
 * node that goes away mid-call gives the caller a clear error instead of a hang.
 */
import { randomBytes } from "node:crypto";
import { ServiceBroker } from "moleculer";
import { transporterOption } from "../../../kernel/runtime";
import { natsUrl, spawnProcess, type SpawnedProcess } from "../../support/infra";

const NODE_SCRIPT = "test/fixtures/kernel/echo-node.ts";

describe("two brokers over NATS", () => {
  const namespace = `kernel-${randomBytes(4).toString("hex")}`;
  let caller: ServiceBroker;
  const children: SpawnedProcess[] = [];

  function startNode(id: string): SpawnedProcess {
    const p = spawnProcess(process.execPath, ["--import", "tsx", NODE_SCRIPT], {
      env: { NAMESPACE: namespace, NODE_ID: id, TRANSPORTER: natsUrl() },
    });
    children.push(p);
    return p;
  }

  beforeAll(async () => {
    caller = new ServiceBroker({
      namespace,
      nodeID: "caller",
      transporter: transporterOption(natsUrl()),
      logger: false,
      heartbeatInterval: 1,
      heartbeatTimeout: 3,
      requestTimeout: 20_000,
    });
    await caller.start();
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill("SIGKILL")));
    await caller.stop();
  });

  it("calls an action served by a broker in another process", async () => {
    const node = startNode("echo-a");
    await node.waitForOutput("READY", 30_000);
    await caller.waitForServices(["echo"], 15_000);
    const res = await caller.call<{ pong: string; node: string }, { value: string }>("echo.ping", { value: "hello" });
    expect(res).toEqual({ pong: "hello", node: "echo-a" });
    await node.kill("SIGTERM");
  });

  it("lets an in-flight call finish when the serving node is stopped gracefully", async () => {
    const node = startNode("echo-b");
    await node.waitForOutput("READY", 30_000);
    await caller.waitForServices(["echo"], 15_000);
    const call = caller.call<{ done: boolean; node: string }, { ms: number }>("echo.slow", { ms: 1500 });
    await new Promise((r) => setTimeout(r, 300));
    const exited = node.kill("SIGTERM");
    await expect(call).resolves.toEqual({ done: true, node: "echo-b" });
    expect((await exited).code).toBe(0);
  });

  it("rejects an in-flight call with a clear error when the serving node dies", async () => {
    const node = startNode("echo-c");
    await node.waitForOutput("READY", 30_000);
    await caller.waitForServices(["echo"], 15_000);
    const call = caller.call("echo.slow", { ms: 60_000 });
    const settled = call.then(
      () => ({ ok: true as const }),
      (err: { name: string; message: string }) => ({ ok: false as const, err }),
    );
    await new Promise((r) => setTimeout(r, 300));
    await node.kill("SIGKILL");
    const outcome = await settled;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      // The heartbeat timeout marks the node gone and the pending request is rejected, well before
      // the 20 s request timeout and the 60 s the action would have taken.
      expect(outcome.err.name).toMatch(/RequestRejectedError|RequestTimeoutError/);
      expect(outcome.err.message).toMatch(/echo\.slow/);
    }
    await expect(caller.call("echo.ping", {})).rejects.toMatchObject({ name: expect.stringMatching(/ServiceNot(Found|Available)Error/) });
  });
});
