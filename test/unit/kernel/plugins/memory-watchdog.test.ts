/** The per-job memory budget's arithmetic (kernel/plugins/memory-watchdog.ts), with rss readings fed in. */
import { jobMemoryLimitMb, MemoryWatchdog } from "../../../../kernel/plugins/memory-watchdog";

const MiB = 1024 * 1024;

function fed(start: number) {
  const reading = { rss: start * MiB, arrayBuffers: 0, external: 0 };
  // A sample interval far beyond the test's length: the test drives every tick itself.
  const dog = new MemoryWatchdog(100 * MiB, () => ({ ...reading }), 3_600_000);
  return { dog, set: (mb: number) => (reading.rss = mb * MiB) };
}

it("stops a job that grows the process past its budget, once, with PDF_LIMIT_EXCEEDED naming the setting", () => {
  const { dog, set } = fed(1000);
  const stops: Array<{ code: string; message: string; data: unknown }> = [];
  const release = dog.watch("a", (e) => stops.push({ code: e.code, message: e.message, data: e.data }));
  set(1060);
  dog.sample();
  expect(stops).toEqual([]);
  set(1120);
  dog.sample();
  set(1300);
  dog.sample();
  expect(stops).toEqual([{
    code: "PDF_LIMIT_EXCEEDED",
    message: "Processing the document needed more than 100 MB of memory (limit JOB_MEMORY_LIMIT_MB=100) and was stopped",
    data: { reason: "memory", limit: "JOB_MEMORY_LIMIT_MB", max: 100, value: 120 },
  }]);
  expect(release()).toBe(120 * MiB);
});

it("does not count memory freed before the job grew as credit", () => {
  const { dog, set } = fed(1500);
  const stops: string[] = [];
  dog.watch("a", () => stops.push("a"));
  // The previous job's memory comes back while this one starts: its share stays at 0, not -400 MB.
  set(1100);
  dog.sample();
  set(1190);
  dog.sample();
  expect(stops).toEqual([]);
  set(1210);
  dog.sample();
  expect(stops).toEqual(["a"]);
});

it("splits growth between jobs running together, and gives a job alone all of it", () => {
  const { dog, set } = fed(1000);
  const stops: string[] = [];
  dog.watch("a", () => stops.push("a"));
  const releaseB = dog.watch("b", () => stops.push("b"));
  set(1160); // 80 MB each
  dog.sample();
  expect(stops).toEqual([]);
  releaseB();
  set(1190); // a alone: 80 + 30
  dog.sample();
  expect(stops).toEqual(["a"]);
});

it("reads JOB_MEMORY_LIMIT_MB, refusing nonsense", () => {
  expect(jobMemoryLimitMb({})).toBe(2048);
  expect(jobMemoryLimitMb({ JOB_MEMORY_LIMIT_MB: "512" })).toBe(512);
  expect(() => jobMemoryLimitMb({ JOB_MEMORY_LIMIT_MB: "10" })).toThrow(/JOB_MEMORY_LIMIT_MB must be an integer of at least 64/);
  expect(() => jobMemoryLimitMb({ JOB_MEMORY_LIMIT_MB: "lots" })).toThrow(/JOB_MEMORY_LIMIT_MB/);
});
