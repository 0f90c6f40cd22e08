import { PassThrough, Readable } from "node:stream";
import { guardStall } from "../../../../kernel/storage/stall";

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("guardStall", () => {
  it("passes every byte of a healthy stream through", async () => {
    const data = Buffer.from("x".repeat(100_000));
    const out = await collect(guardStall(Readable.from([data.subarray(0, 40_000), data.subarray(40_000)]), 1000));
    expect(out.equals(data)).toBe(true);
  });

  it("fails a stream that stops sending with a transient SERVICE_UNAVAILABLE error", async () => {
    const source = new PassThrough();
    source.write("first bytes");
    const guarded = guardStall(source, 50);
    const err = (await collect(guarded).catch((e: unknown) => e)) as { type?: string; message: string };
    expect(err.type).toBe("SERVICE_UNAVAILABLE");
    expect(err.message).toMatch(/stalled/);
    expect(source.destroyed).toBe(true);
  });

  it("does not count the reader's own slowness as a stall", async () => {
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 1));
    const guarded = guardStall(Readable.from(chunks), 30);
    let total = 0;
    for await (const c of guarded) {
      total += (c as Buffer).length;
      // The source could refill at once; the reader is what is slow here.
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(total).toBe(64 * 64 * 1024);
  });

  it("forwards the source's own error", async () => {
    const source = new PassThrough();
    const guarded = guardStall(source, 1000);
    setImmediate(() => source.destroy(new Error("boom")));
    await expect(collect(guarded)).rejects.toThrow("boom");
  });
});
