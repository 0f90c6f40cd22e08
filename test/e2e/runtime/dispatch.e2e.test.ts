/**
 * Dispatch over JetStream with real worker processes: three workers started at the same moment against
 * a fresh stream all come up and share the work; a job whose message no worker can handle goes to the
 * dead-letter queue and fails with DISPATCH_FAILED instead of waiting forever; but deliveries handed
 * back (a busy worker, our own outage) do not count as failures, so such a job runs after all.
 */
import { connect } from "nats";
import type { Context } from "moleculer";
import { multiPagePdf } from "../../support/pdf-fixtures";
import { form, signUp, startRuntime, waitForJob, waitForPlugin, type JobBody, type Runtime } from "./support";

jest.setTimeout(240_000);

const runtimes: Runtime[] = [];
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.stop()));
});

async function submit(rt: Runtime, token: string, name: string, options: Record<string, unknown>): Promise<JobBody> {
  const r = await fetch(`${rt.stack.baseUrl}/api/jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form({ file: { data: (await multiPagePdf(1)).bytes, filename: name }, processor: "slow-echo", options: JSON.stringify(options) }),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as JobBody;
}

it("starts three workers at the same moment on a fresh stream and every one of them takes jobs", async () => {
  const rt = await startRuntime();
  runtimes.push(rt);
  // The same moment: all three spawn before any has created the stream or the durable consumer.
  const workers = await Promise.all([rt.startWorker("slow-echo"), rt.startWorker("slow-echo"), rt.startWorker("slow-echo")]);
  await waitForPlugin(rt, "slow-echo", 3);
  const { token } = await signUp(rt.stack.baseUrl);
  const ids: string[] = [];
  // 30 jobs: NATS spreads messages over the group at random, so each worker gets some (1 - 3·(2/3)^30).
  for (let i = 0; i < 30; i++) ids.push((await submit(rt, token, `r${i}.pdf`, { delayMs: 100, steps: 1 })).id);
  const finals = await Promise.all(ids.map((id) => waitForJob(rt.stack.baseUrl, token, id)));
  expect(finals.map((j) => j.status)).toEqual(ids.map(() => "completed"));
  // A worker logs its outcome after jobs.finish answered, so the job can be seen final a moment before the
  // worker's line arrives through its pipe: wait (bounded) for every job's line before counting.
  const doneLine = (id: string) => new RegExp(`job ${id} \\(slow-echo, attempt \\d+\\): completed`);
  const counts = () => workers.map((w) => ids.filter((id) => doneLine(id).test(w.output())).length);
  for (let i = 0; i < 100 && counts().reduce((a, b) => a + b, 0) < 30; i++) await new Promise((r) => setTimeout(r, 100));
  const perWorker = counts();
  for (const w of workers) expect(w.output()).not.toMatch(/Error while subscribing|consumer.*already|ERROR/);
  expect(perWorker.every((n) => n >= 1)).toBe(true);
  expect(perWorker.reduce((a, b) => a + b, 0)).toBe(30);
});

it("fails a job whose message went to the dead-letter queue with DISPATCH_FAILED, and keeps serving", async () => {
  let refuse = true;
  let refused = 0;
  const rt = await startRuntime({
    mods: {
      jobs: {
        hooks: {
          before: {
            // A jobs service that keeps refusing the claim (a bug, a broken record): every delivery's
            // handler throws, so JetStream redelivers it until the adapter dead-letters it.
            claim(ctx: Context<{ id: string }>) {
              if (refuse) {
                refused++;
                throw new Error(`claim of ${ctx.params.id} refused`);
              }
            },
          },
        },
      },
    },
  });
  runtimes.push(rt);
  await rt.startWorker("slow-echo");
  await waitForPlugin(rt, "slow-echo");
  const { token } = await signUp(rt.stack.baseUrl);
  const poisoned = await submit(rt, token, "poison.pdf", {});
  const failed = await waitForJob(rt.stack.baseUrl, token, poisoned.id);
  expect(failed.status).toBe("failed");
  expect(failed.error!.type).toBe("DISPATCH_FAILED");
  expect(failed.error!.message).toMatch(/No worker could take the job \(slow-echo\).*dead-letter queue/);
  expect(refused).toBeGreaterThanOrEqual(5);

  const nc = await connect({ servers: rt.nats });
  try {
    const info = await (await nc.jetstreamManager()).streams.info(`${rt.ns}_DEAD_LETTER`);
    expect(info.state.messages).toBeGreaterThanOrEqual(1);
  } finally {
    await nc.close();
  }

  refuse = false;
  const ok = await submit(rt, token, "fine.pdf", {});
  expect((await waitForJob(rt.stack.baseUrl, token, ok.id)).status).toBe("completed");
});

it("does not let hand-backs use up a job's deliveries: a message a busy worker handed back many times, then refused once, still runs", async () => {
  const refuse: { id?: string } = {};
  let refused = 0;
  const rt = await startRuntime({
    // A lease longer than the test: the recovery sweep (which re-dispatches a job whose message is
    // older than a lease) must not hide what the dead-letter handler does with the job.
    leaseSeconds: 60,
    mods: {
      jobs: {
        hooks: {
          before: {
            // One real failure of one job's delivery (the jobs service refuses its claim once).
            claim(ctx: Context<{ id: string }>) {
              if (ctx.params.id === refuse.id && refused === 0) {
                refused++;
                throw new Error(`claim of ${ctx.params.id} refused once`);
              }
            },
          },
        },
      },
    },
  });
  runtimes.push(rt);
  // One slot and a one-deep waiting line: while the long job runs and the next waits, the third job's
  // message is handed back (nak) every few hundred ms, and JetStream counts each as a delivery.
  await rt.startWorker("slow-echo", { WORKER_CONCURRENCY: "1" });
  await waitForPlugin(rt, "slow-echo");
  const { token } = await signUp(rt.stack.baseUrl);
  const long = await submit(rt, token, "long.pdf", { delayMs: 4000, steps: 2 });
  await waitForJob(rt.stack.baseUrl, token, long.id, ["running"]);
  const next = await submit(rt, token, "next.pdf", { delayMs: 100, steps: 1 });
  const third = await submit(rt, token, "third.pdf", { delayMs: 100, steps: 1 });
  refuse.id = third.id;
  const finals = await Promise.all([long, next, third].map((j) => waitForJob(rt.stack.baseUrl, token, j.id)));
  expect(finals.map((j) => [j.id, j.status, j.error?.type ?? null])).toEqual([long, next, third].map((j) => [j.id, "completed", null]));
  expect(refused).toBe(1);
  // The refusal came after JetStream had counted the hand-backs: the message went to the dead-letter
  // queue, and the jobs service dispatched the job again instead of failing it.
  const nc = await connect({ servers: rt.nats });
  try {
    const info = await (await nc.jetstreamManager()).streams.info(`${rt.ns}_DEAD_LETTER`);
    expect(info.state.messages).toBeGreaterThanOrEqual(1);
  } finally {
    await nc.close();
  }
});
