/** The per-job memory budget's arithmetic (kernel/plugins/memory-watchdog.ts), with rss readings fed in. */
import { jobMemoryLimitMb, MemoryWatchdog } from "../../../../kernel/plugins/memory-watchdog";
import { JobMeter } from "../../../../sdk/memory-meter";

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

/** A meter whose reading the test sets (the real one sums its thread tasks' slots: sdk/memory-meter.ts). */
function meterAt(): { meter: JobMeter; set: (mb: number) => void } {
  const meter = new JobMeter();
  const slot = meter.open();
  return { meter, set: (mb) => Atomics.store(slot, 0, mb * 1024) };
}

it("charges each of several jobs what its own threads report, and splits the rest by the meters", () => {
  const { dog, set } = fed(1000);
  const stops: string[] = [];
  const hostile = meterAt();
  const quiet = meterAt();
  dog.watch("hostile", () => stops.push("hostile"), hostile.meter);
  dog.watch("quiet", () => stops.push("quiet"), quiet.meter);
  dog.watch("unmetered", () => stops.push("unmetered"));
  // 120 MB more in the process: 80 of it the hostile job's decoded images, 10 the quiet one's, 30 nobody's.
  hostile.set(80);
  quiet.set(10);
  set(1120);
  dog.sample();
  expect(stops).toEqual([]);
  // The hostile job grows on (its images decoded): it alone is stopped. Split evenly (before the meters),
  // the 320 MB would have been 107 MB each and all three jobs would have failed at this tick.
  hostile.set(280);
  set(1320);
  dog.sample();
  expect(stops).toEqual(["hostile"]);
  // Its thread ended: its memory and its meter's reading go, and the others carry on under budget.
  hostile.set(0);
  set(1050);
  dog.sample();
  set(1080);
  dog.sample();
  expect(stops).toEqual(["hostile"]);
});

it("gives unmetered growth (canvas, Tesseract's threads) mostly to the job whose threads hold big images", () => {
  const { dog, set } = fed(1000);
  const stops: string[] = [];
  const hostile = meterAt();
  const scan = meterAt();
  dog.watch("hostile", () => stops.push("hostile"), hostile.meter);
  dog.watch("scan", () => stops.push("scan"), scan.meter);
  // 50 MB of decoded images in the hostile job's thread, and 220 MB more outside any isolate: split
  // evenly, the scan's share would be 110 MB, over its budget; by the meters it is 62 MB.
  hostile.set(50);
  set(1270);
  dog.sample();
  expect(stops).toEqual(["hostile"]);
});
