/**
 * Per-job memory meters (sdk/memory-meter.ts, issue 14): a job's thread task reports what its thread
 * grew by while it runs, through real compute threads, so the memory watchdog can tell whose memory the
 * process's growth is when several jobs run at once. A task that settles, or whose thread is ended under
 * it, leaves nothing on its job's meter.
 */
import { closeComputePool, runOffLoop } from "../../../sdk/compute/pool";
import { attachMeter, JobMeter } from "../../../sdk/memory-meter";

const ALLOCATE = require.resolve("../../support/allocate");
const MiB = 1024 * 1024;

afterAll(async () => {
  await closeComputePool();
});

function job(): { ac: AbortController; meter: JobMeter } {
  const ac = new AbortController();
  const meter = new JobMeter();
  attachMeter(ac.signal, meter);
  return { ac, meter };
}

/** The largest readings of each meter while `work` runs, sampled every 20 ms. */
async function peaks(meters: JobMeter[], work: Promise<unknown>): Promise<number[]> {
  const max = meters.map(() => 0);
  let done = false;
  const settled = work.finally(() => (done = true));
  while (!done) {
    meters.forEach((m, i) => (max[i] = Math.max(max[i]!, m.bytes())));
    await new Promise((r) => setTimeout(r, 20));
  }
  await settled;
  return max;
}

test("each job's meter shows its own thread's growth, and empties when the task ends", async () => {
  const big = job();
  const small = job();
  const [bigPeak, smallPeak] = await peaks([big.meter, small.meter], Promise.all([
    runOffLoop<number>(ALLOCATE, "hold", [300, 1500], big.ac.signal),
    runOffLoop<number>(ALLOCATE, "hold", [5, 1500], small.ac.signal),
  ]));
  expect(bigPeak).toBeGreaterThan(290 * MiB);
  expect(bigPeak).toBeLessThan(400 * MiB);
  expect(smallPeak).toBeLessThan(60 * MiB);
  expect(big.meter.bytes()).toBe(0);
  expect(small.meter.bytes()).toBe(0);
});

test("a task aborted mid-way (its thread ended) leaves nothing on the meter", async () => {
  const { ac, meter } = job();
  const run = runOffLoop<number>(ALLOCATE, "hold", [200, 10_000], ac.signal);
  for (let i = 0; i < 500 && meter.bytes() < 190 * MiB; i++) await new Promise((r) => setTimeout(r, 20));
  expect(meter.bytes()).toBeGreaterThan(190 * MiB);
  ac.abort(new Error("over budget"));
  await expect(run).rejects.toThrow();
  expect(meter.bytes()).toBe(0);
});

test("a task without a metered signal runs as before", async () => {
  await expect(runOffLoop<number>(ALLOCATE, "hold", [1, 10])).resolves.toBe(7);
});
