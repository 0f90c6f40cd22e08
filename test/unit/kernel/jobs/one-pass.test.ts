/** One reconciliation pass at a time, and a pass that never settles does not stop the sweep for good. */
import { OnePass } from "../../../../kernel/jobs/one-pass";

describe("OnePass", () => {
  it("joins a running pass instead of starting a second one, and starts afresh once it settled", async () => {
    const pass = new OnePass<number>(60_000);
    let started = 0;
    let release!: (n: number) => void;
    const run = () => {
      started++;
      return new Promise<number>((r) => (release = r));
    };
    const a = pass.run(run, 0);
    const b = pass.run(run, 1000);
    expect(started).toBe(1);
    release(7);
    expect([await a, await b]).toEqual([7, 7]);
    expect(pass.running).toBe(false);
    void pass.run(run, 2000);
    expect(started).toBe(2);
  });

  it("starts a new pass when the current one is overdue (it never settles), and says so", async () => {
    const overdue: number[] = [];
    const pass = new OnePass<string>(120_000, (age) => overdue.push(age));
    void pass.run(() => new Promise<string>(() => undefined), 0); // a pass stuck for good
    expect(await Promise.race([pass.run(async () => "second", 60_000), Promise.resolve("joined the stuck one")])).toBe("joined the stuck one");
    expect(await pass.run(async () => "fresh", 120_000)).toBe("fresh");
    expect(overdue).toEqual([120_000]);
    // The stuck one settling late (or never) does not clear a newer pass.
    expect(pass.running).toBe(false);
  });
});
