import { SeqOrder } from "../../../../kernel/gateway/seq-order";

interface Ev {
  seq: number;
  name: string;
}

function collector(start: number, gapMs = 50) {
  const out: string[] = [];
  const order = new SeqOrder<Ev>(start, (e) => out.push(e.name), gapMs);
  return { out, order };
}

describe("SeqOrder", () => {
  it("releases events in sequence order even when they arrive reversed", () => {
    const { out, order } = collector(5);
    order.push({ seq: 7, name: "c" });
    order.push({ seq: 6, name: "b" });
    expect(out).toEqual([]);
    order.push({ seq: 5, name: "a" });
    expect(out).toEqual(["a", "b", "c"]);
  });

  it("drops duplicates and events the catch-up already covered", () => {
    const { out, order } = collector(3);
    order.push({ seq: 2, name: "old" });
    order.push({ seq: 3, name: "x" });
    order.push({ seq: 3, name: "x-again" });
    expect(out).toEqual(["x"]);
  });

  it("skips a gap that is never filled, after waiting for it", async () => {
    jest.useFakeTimers();
    try {
      const { out, order } = collector(1, 400);
      order.push({ seq: 3, name: "after-gap" });
      order.push({ seq: 4, name: "next" });
      jest.advanceTimersByTime(399);
      expect(out).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(out).toEqual(["after-gap", "next"]);
      // A late event from the skipped gap is not sent out of order afterwards.
      order.push({ seq: 2, name: "late" });
      expect(out).toEqual(["after-gap", "next"]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("releases nothing after close", () => {
    const { out, order } = collector(1);
    order.close();
    order.push({ seq: 1, name: "a" });
    expect(out).toEqual([]);
  });
});
