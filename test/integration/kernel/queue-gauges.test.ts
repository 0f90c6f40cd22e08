/**
 * The queue gauges read a plugin's real JetStream consumer (kernel/metrics/job-gauges.ts): messages
 * published and not delivered are `docmill_queue_depth`, delivered and unacknowledged are
 * `docmill_queue_in_flight`, and one handed back (nak) and delivered again is `docmill_queue_redelivered`.
 * Real NATS (the shared server), the same consumer set-up the jobs service and workers use.
 */
import { randomBytes } from "node:crypto";
import { ServiceBroker } from "moleculer";
import { connect, StringCodec, type Msg, type NatsConnection } from "nats";
import { ensureConsumer, streamOf, subjectOf } from "../../../kernel/jobs/dispatch";
import { sampleQueues } from "../../../kernel/metrics/job-gauges";
import { installMetrics, uninstallMetrics } from "../../../sdk/metrics";
import { natsUrl } from "../../support/infra";

jest.setTimeout(60_000);

const NS = `qg${randomBytes(4).toString("hex")}`;
const PLUGIN = "pdf-info";
let nc: NatsConnection;
let broker: ServiceBroker;

beforeAll(async () => {
  nc = await connect({ servers: natsUrl() });
  broker = new ServiceBroker({ logger: false, metrics: { enabled: true } });
  installMetrics(broker);
});

afterAll(async () => {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(streamOf(NS, PLUGIN)).catch(() => undefined);
  await nc.close();
  uninstallMetrics(broker);
  await broker.stop();
});

function gauge(name: string, labels: Record<string, string>): number | undefined {
  const m = broker.metrics.getMetric(name) as unknown as { get(l: Record<string, string>): { value: number } | null } | null;
  return m?.get(labels)?.value;
}

async function until(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the consumer never reached the expected state");
}

it("reports num_pending, num_ack_pending and num_redelivered of the plugin's consumer", async () => {
  const jsm = await nc.jetstreamManager();
  const source = { namespace: NS, manager: () => jsm };
  // Before any stream exists: an empty queue, not an error.
  expect(await sampleQueues(source, [PLUGIN])).toBe(1);
  expect(gauge("docmill_queue_depth", { plugin: PLUGIN, source: "jetstream" })).toBe(0);

  await ensureConsumer(jsm, NS, PLUGIN);
  const js = nc.jetstream();
  const sc = StringCodec();
  for (let i = 0; i < 3; i++) await js.publish(subjectOf(NS, PLUGIN), sc.encode(JSON.stringify({ jobId: `job-${i}` })));
  await sampleQueues(source, [PLUGIN]);
  expect(gauge("docmill_queue_depth", { plugin: PLUGIN, source: "jetstream" })).toBe(3);
  expect(gauge("docmill_queue_in_flight", { plugin: PLUGIN })).toBe(0);

  // A worker takes all three (push delivery to the consumer's group), hands the first back, acks none.
  let naked = false;
  const sub = nc.subscribe(`_docmill_deliver.${subjectOf(NS, PLUGIN)}`, {
    queue: streamOf(NS, PLUGIN),
    callback: (_err, m: Msg) => {
      if (!naked) {
        naked = true;
        m.respond(sc.encode("-NAK"));
      }
    },
  });
  await until(async () => {
    const info = await jsm.consumers.info(streamOf(NS, PLUGIN), `docmill-worker-${PLUGIN}`);
    return info.num_ack_pending === 3 && info.num_redelivered === 1;
  });
  await sampleQueues(source, [PLUGIN]);
  expect(gauge("docmill_queue_depth", { plugin: PLUGIN, source: "jetstream" })).toBe(0);
  expect(gauge("docmill_queue_in_flight", { plugin: PLUGIN })).toBe(3);
  expect(gauge("docmill_queue_redelivered", { plugin: PLUGIN })).toBe(1);
  sub.unsubscribe();
});
